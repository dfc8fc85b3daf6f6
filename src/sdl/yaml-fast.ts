/**
 * The fast path of `parseYaml`: js-yaml builds the value, and its `listener` hook tells us where each
 * node opened and closed, which is enough to rebuild our positioned tree. js-yaml parses an SDL about
 * ten times faster than the `yaml` package's Document API, and linting a folder of SDLs in CI is
 * dominated by parsing.
 *
 * The listener only reports open/close events; a parser that backtracks could leave stray events.
 * So the rebuilt tree is checked against js-yaml's own value, and anything unusual (a syntax error,
 * flow mappings with missing values, tags, aliases into an enclosing node, several documents) returns
 * undefined: the caller then takes the slower, fully positioned `yaml` package path.
 *
 * Performance notes (a cold `akash-stack lint` of a folder runs this code mostly in V8's
 * interpreter, so every walk and allocation per node shows in the wall time):
 * - the check against js-yaml's value also assigns every node its JSON pointer, in the same walk;
 * - js-yaml's value is handed on (as `data`) so the schema layer does not rebuild it with `toPlain`;
 * - without anchors the tree has no shared nodes, so no `seen` set and no key copies are needed.
 */
import jsyaml from "js-yaml";
import { pointerSegment } from "./findings.js";
import { lineStartsOf } from "./lines.js";
import type { ScalarTag, YEntry, YMap, YNode, YScalar, YSeq } from "./yaml.js";

export interface FastParsed {
  /** The positioned tree; every node has its pointer assigned. */
  root: YNode;
  /**
   * js-yaml's value of the document, exactly what `toPlain(root)` would return (same keys, order
   * and scalars), or undefined when it may differ (a key whose source text is not its YAML value,
   * such as `1.0:` or `~:`, or a document with anchors); then callers build it with `toPlain`.
   */
  data: unknown;
  /** True when the document defines anchors: only then can aliases make it expand. */
  hasAnchors: boolean;
  /**
   * How many nodes the tree has (a mapping entry's key counts as one), which is its expanded size
   * when there are no anchors; with anchors the caller must follow the aliases to know.
   */
  nodeCount: number;
}

/** Returns the tree, or undefined when the fast path cannot vouch for it. */
export function fastParse(text: string): FastParsed | undefined {
  const builder = new TreeBuilder(text);
  let value: unknown;
  try {
    value = jsyaml.load(text, {
      schema: jsyaml.CORE_SCHEMA,
      json: false,
      listener(event, state) {
        if (event === "open") builder.open(state.position);
        else builder.close(state.kind, state.result);
      },
    });
  } catch {
    return undefined;
  }
  const root = builder.root();
  if (!root) return undefined;
  const anchors = builder.anchorCount();
  const check = new ValueCheck(anchors > 0);
  if (!check.matches(root, value, "")) return undefined;
  // With anchors, js-yaml's value and the tree can disagree at an alias (the check does not look
  // twice at a shared node), and the tree is what every layer has always judged: keep to it.
  const data = check.plainDiffers || anchors > 0 ? undefined : value;
  return { root, data, hasAnchors: anchors > 0, nodeCount: check.nodeCount };
}

/**
 * Rebuilds the tree from js-yaml's open/close events. A cold lint runs this for every node of every
 * file, mostly in V8's interpreter, so it allocates nothing per event beyond the node itself: open
 * nodes live in parallel stacks of numbers, finished nodes wait on one shared stack until their
 * parent closes, and positions come from a cursor over the line starts (open events arrive in
 * document order, so the cursor mostly steps forward by a line or two).
 */
class TreeBuilder {
  /** Offset of each open node's first character (after white space, comments and its anchor). */
  private readonly starts: number[] = [];
  private readonly lines: number[] = [];
  private readonly columns: number[] = [];
  /** Where each open node's children begin on `done`. */
  private readonly bases: number[] = [];
  /** The anchor each open node defines, or undefined (anchors are rare: a sparse array). */
  private readonly anchorOf: (string | undefined)[] = [];
  private depth = 0;
  /** Finished nodes whose parent is still open, in document order. */
  private readonly done: YNode[] = [];
  private readonly anchors = new Map<string, YNode>();
  private readonly lineStarts: number[];
  private line = 0;
  private failed = false;

  constructor(private readonly text: string) {
    this.lineStarts = lineStartsOf(text);
  }

  open(position: number): void {
    if (this.failed) return;
    const text = this.text;
    // js-yaml parses the text with a line break appended, so an empty node at the end can open past it
    let start = skipSeparation(text, Math.min(position, text.length));
    // node properties: an anchor is remembered, a tag sends the file to the full parser
    let anchor: string | undefined;
    while (text.charCodeAt(start) === 0x26 /* & */ || text.charCodeAt(start) === 0x21 /* ! */) {
      if (text.charCodeAt(start) === 0x21) {
        this.failed = true;
        return;
      }
      const end = tokenEnd(text, start + 1);
      anchor = text.slice(start + 1, end);
      start = skipSeparation(text, end);
    }
    const d = this.depth++;
    this.starts[d] = start;
    this.lines[d] = this.lineOf(start);
    this.columns[d] = start - this.lineStarts[this.line]! + 1;
    this.bases[d] = this.done.length;
    this.anchorOf[d] = anchor;
  }

  close(kind: string | null, result: unknown): void {
    if (this.failed) return;
    if (this.depth === 0) {
      this.failed = true;
      return;
    }
    const d = --this.depth;
    const node = this.build(d, kind, result);
    if (!node) {
      this.failed = true;
      return;
    }
    this.done.length = this.bases[d]!;
    const anchor = this.anchorOf[d];
    if (anchor !== undefined) this.anchors.set(anchor, node);
    this.done.push(node);
  }

  /** The document's root, or undefined when the events did not describe exactly one tree. */
  root(): YNode | undefined {
    return this.failed || this.depth !== 0 || this.done.length !== 1 ? undefined : this.done[0];
  }

  anchorCount(): number {
    return this.anchors.size;
  }

  private build(d: number, kind: string | null, result: unknown): YNode | undefined {
    const text = this.text;
    const start = this.starts[d]!;
    const line = this.lines[d]!;
    const column = this.columns[d]!;
    const base = this.bases[d]!;
    const done = this.done;
    if (text.charCodeAt(start) === 0x2a /* * */) {
      // an alias: js-yaml opens and closes it without children
      return this.anchors.get(text.slice(start + 1, tokenEnd(text, start + 1)));
    }
    if (kind === "mapping") {
      const count = done.length - base;
      // Sizes and keys are compared with js-yaml's value once, in `ValueCheck`.
      if (count % 2 !== 0 || result === null || typeof result !== "object" || Array.isArray(result)) return undefined;
      // A key node can only be shared (anchored, or an alias) when some anchor exists by now; only
      // then is it copied, so that giving it this entry's pointer cannot change another place's.
      const copyKeys = this.anchors.size > 0;
      const entries: YEntry[] = new Array(count / 2);
      for (let i = 0; i < count; i += 2) {
        const key = done[base + i]!;
        if (key.kind !== "scalar") return undefined;
        entries[i / 2] = { key: copyKeys ? { ...key } : key, value: done[base + i + 1]! };
      }
      return { kind: "map", entries, pointer: "", line, column } satisfies YMap;
    }
    if (kind === "sequence") {
      if (!Array.isArray(result)) return undefined;
      return { kind: "seq", items: done.slice(base), pointer: "", line, column } satisfies YSeq;
    }
    if (kind === "scalar" || kind === null) {
      // js-yaml can report a node inside a scalar (a quoted sequence item is first tried as an
      // implicit key); such children are dropped, as the scalar's own text and value are complete
      return scalarNode(text, start, kind === null ? null : result, line, column);
    }
    return undefined;
  }

  /** The 1-based line of an offset, moving the cursor from where the last lookup left it. */
  private lineOf(offset: number): number {
    const starts = this.lineStarts;
    let line = this.line;
    while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
    while (line > 0 && starts[line]! > offset) line--;
    this.line = line;
    return line + 1;
  }
}

function scalarNode(text: string, start: number, result: unknown, line: number, column: number): YScalar {
  const first = text[start];
  const quoted = first === "'" || first === '"';
  const block = first === "|" || first === ">";
  let tag: ScalarTag;
  let value: YScalar["value"];
  let raw: string;
  if (result === null || result === undefined) {
    tag = "null";
    value = null;
    raw = quoted ? "" : text.slice(start, tokenEnd(text, start));
  } else if (typeof result === "boolean") {
    tag = "bool";
    value = result;
    raw = text.slice(start, tokenEnd(text, start));
  } else if (typeof result === "number") {
    raw = text.slice(start, tokenEnd(text, start));
    tag = Number.isInteger(result) && !FLOAT_SYNTAX.test(raw) ? "int" : "float";
    value = result;
  } else {
    tag = "str";
    value = String(result);
    raw = value;
  }
  // Go's yaml.v3 sees a plain scalar's source text; an empty plain null is "" to it
  const textValue = tag === "null" ? (quoted ? "" : raw === "~" || raw === "null" || raw === "Null" || raw === "NULL" ? raw : "") : quoted || block ? String(value) : raw;
  return { kind: "scalar", value, text: tag === "null" && !quoted ? "" : textValue, quoted, tag, pointer: "", line, column };
}

/** A number written with a point, an exponent, or as inf/nan is a float to Go even when whole. */
const FLOAT_SYNTAX = /[.eE]|inf|nan/i;

/** Skips white space, line breaks and comments from `offset`. */
export function skipSeparation(text: string, offset: number): number {
  let i = offset;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xfeff) i++;
    else if (c === 0x23 /* # */) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i++;
    } else return i;
  }
}

/** End of a token that runs to white space, a line break or a flow indicator. */
function tokenEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2c /* , */ || c === 0x5d /* ] */ || c === 0x7d /* } */) break;
    i++;
  }
  return i;
}

/**
 * One walk that checks the rebuilt tree describes exactly the value js-yaml produced (keys, order,
 * scalars) and gives every node the JSON pointer of the place it is first written (an alias keeps
 * its anchor's). Both used to be separate walks; merged, a cold run touches each node once.
 */
class ValueCheck {
  /** Nodes already walked; only kept when anchors exist, since only aliases share nodes. */
  private readonly seen: Set<YNode> | undefined;
  /** Set when some mapping key's text is not the string js-yaml made of it. */
  plainDiffers = false;
  /** Nodes walked (aliases followed once), keys included. */
  nodeCount = 0;

  constructor(shared: boolean) {
    this.seen = shared ? new Set() : undefined;
  }

  matches(node: YNode, value: unknown, pointer: string): boolean {
    const seen = this.seen;
    this.nodeCount++;
    if (node.kind === "scalar") {
      // an aliased scalar keeps the pointer of its anchor, but is compared wherever it appears
      if (!seen || !seen.has(node)) {
        seen?.add(node);
        node.pointer = pointer;
      }
      if (node.value === null) {
        // js-yaml gives undefined only for an empty document; toPlain would give null there
        if (value === undefined) this.plainDiffers = true;
        return value === null || value === undefined;
      }
      return Object.is(node.value, value) || (typeof value === "number" && Number.isNaN(value) && Number.isNaN(node.value as number));
    }
    if (seen) {
      if (seen.has(node)) return true; // an alias already compared where it was defined
      seen.add(node);
    }
    node.pointer = pointer;
    if (node.kind === "seq") {
      const items = node.items;
      if (!Array.isArray(value) || value.length !== items.length) return false;
      for (let i = 0; i < items.length; i++) if (!this.matches(items[i]!, value[i], `${pointer}/${i}`)) return false;
      return true;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
    const keys = Object.keys(value);
    const entries = node.entries;
    if (keys.length !== entries.length) return false;
    this.nodeCount += entries.length;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const key = keys[i]!;
      if (key !== String(e.key.value ?? "null")) return false;
      // toPlain keys the data by the source text, js-yaml by the value: `1.0:` is "1.0" vs "1"
      if (key !== e.key.text) this.plainDiffers = true;
      const childPointer = `${pointer}/${pointerSegment(e.key.text)}`;
      e.key.pointer = childPointer;
      if (!this.matches(e.value, (value as Record<string, unknown>)[key], childPointer)) return false;
    }
    return true;
  }
}
