/**
 * JSON text exactly as Go's `encoding/json` writes it, for values that are already plain JSON
 * (objects, arrays, strings, integers, booleans, null). Two things differ from `JSON.stringify`:
 * Go escapes `<`, `>`, `&`, U+2028 and U+2029 (HTML-safe output), and Go writes invalid UTF-16
 * (a lone surrogate) as U+FFFD where JavaScript writes a `\udXXX` escape.
 *
 * With `sortKeys`, object keys come out in byte order at every level, as Go's `json.Marshal` of a
 * `map[string]interface{}` does: that is what `sdk.SortJSON` (the manifest hash's canonical form)
 * produces.
 */
import { compareCodePoints } from "./go-sort.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface GoJsonOptions {
  /** Sort object keys (Go `map` marshalling, as `sdk.SortJSON` does). Default: keep insertion order. */
  sortKeys?: boolean;
}

/** Compact JSON (no spaces), byte-for-byte what Go's `json.Marshal` writes for the same value. */
export function goJsonMarshal(value: JsonValue, options: GoJsonOptions = {}): string {
  const out: string[] = [];
  write(value, options.sortKeys === true, out);
  return out.join("");
}

/** The canonical form Go hashes: `json.Marshal` → `sdk.SortJSON` (sorted keys, no spaces, HTML-safe). */
export function goSortedJson(value: JsonValue): string {
  return goJsonMarshal(value, { sortKeys: true });
}

function write(value: JsonValue, sortKeys: boolean, out: string[]): void {
  if (value === null) {
    out.push("null");
  } else if (typeof value === "boolean") {
    out.push(value ? "true" : "false");
  } else if (typeof value === "number") {
    out.push(formatNumber(value));
  } else if (typeof value === "string") {
    out.push(quote(value));
  } else if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(",");
      write(item, sortKeys, out);
    });
    out.push("]");
  } else {
    const keys = Object.keys(value);
    if (sortKeys) keys.sort(compareCodePoints);
    out.push("{");
    keys.forEach((key, i) => {
      if (i > 0) out.push(",");
      out.push(quote(key), ":");
      write(value[key]!, sortKeys, out);
    });
    out.push("}");
  }
}

/**
 * Every number in a manifest is a uint32, and after `sdk.SortJSON` a float64: Go prints a float64
 * integer below 1e21 without exponent or fraction, as JavaScript does. Anything else is a bug in
 * the caller, not something to round silently.
 */
function formatNumber(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`cannot write ${n} as Go writes manifest numbers: only whole numbers are expected`);
  return String(n);
}

const HEX = "0123456789abcdef";

/** A JSON string literal with Go's escaping (`encodeState.string` with escapeHTML). */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      if (ch === '"' || ch === "\\") out += "\\" + ch;
      else if (ch === "<" || ch === ">" || ch === "&" || cp < 0x20) out += escapeControlOrHtml(cp);
      else out += ch;
    } else if (cp === 0x2028 || cp === 0x2029) {
      out += "\\u" + cp.toString(16);
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // a lone surrogate cannot be UTF-8; Go would have replaced the invalid bytes with U+FFFD
      out += "\ufffd";
    } else {
      out += ch;
    }
  }
  return out + '"';
}

function escapeControlOrHtml(cp: number): string {
  switch (cp) {
    // Go 1.22+ writes these two with short escapes (older Go wrote \u0008 and \u000c)
    case 0x08:
      return "\\b";
    case 0x0c:
      return "\\f";
    case 0x0a:
      return "\\n";
    case 0x0d:
      return "\\r";
    case 0x09:
      return "\\t";
    default:
      return "\\u00" + HEX[cp >> 4]! + HEX[cp & 0xf]!;
  }
}
