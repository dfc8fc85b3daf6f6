/**
 * Go yaml.v3 decoding rules for the primitive field types the SDL structs use. Each function returns
 * undefined (and reports `yaml-type`) where yaml.v3 would fail with "cannot unmarshal".
 */
import type { Reporter } from "./report.js";
import type { YNode, YScalar } from "./yaml.js";

const YAML_TAG: Record<string, string> = { str: "!!str", int: "!!int", float: "!!float", bool: "!!bool", null: "!!null" };

function describe(node: YNode): string {
  if (node.kind === "map") return "!!map";
  if (node.kind === "seq") return "!!seq";
  return `${YAML_TAG[node.tag]} \`${node.text}\``;
}

function typeError(report: Reporter, node: YNode, goType: string, what: string): undefined {
  report.add("yaml-type", node, `cannot unmarshal ${describe(node)} into ${goType}: ${what}`);
  return undefined;
}

/** A Go `string` field: any scalar's text; null is "". */
export function decodeString(report: Reporter, node: YNode | undefined, what: string): string | undefined {
  if (!node) return "";
  if (node.kind !== "scalar") return typeError(report, node, "string", `${what} must be a single value`);
  return node.tag === "null" ? "" : node.text;
}

/** A Go unsigned integer field (yaml.v3 also accepts a non-negative float and truncates it). */
export function decodeUint(report: Reporter, node: YNode | undefined, bits: 32 | 64, what: string): number | undefined {
  if (!node) return 0;
  const max = bits === 32 ? 0xffff_ffff : Number.MAX_SAFE_INTEGER;
  if (node.kind === "scalar") {
    if (node.tag === "null") return 0;
    if ((node.tag === "int" || node.tag === "float") && typeof node.value === "number" && Number.isFinite(node.value)) {
      if (node.value >= 0 && node.value <= max) return Math.trunc(node.value);
    }
  }
  return typeError(report, node, `uint${bits}`, `${what} must be a whole number from 0 to ${bits === 32 ? "4294967295" : "2^64-1"}, written without quotes`);
}

const YAML11_TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"]);
const YAML11_FALSE = new Set(["n", "N", "no", "No", "NO", "off", "Off", "OFF"]);

/** A Go `bool` field: YAML booleans, plus the YAML 1.1 words yaml.v3 still accepts for typed bools. */
export function decodeBool(report: Reporter, node: YNode | undefined, what: string): boolean | undefined {
  if (!node) return false;
  if (node.kind === "scalar") {
    if (node.tag === "null") return false;
    if (node.tag === "bool") return node.value === true;
    if (node.tag === "str") {
      if (YAML11_TRUE.has(node.text)) return true;
      if (YAML11_FALSE.has(node.text)) return false;
    }
  }
  return typeError(report, node, "bool", `${what} must be true or false`);
}

/** A Go `[]string` field: null stays null (JSON `null`), an empty list stays empty (JSON `[]`). */
export function decodeStringList(report: Reporter, node: YNode | undefined, what: string): Array<{ text: string; node: YNode }> | null | undefined {
  if (!node || (node.kind === "scalar" && node.tag === "null")) return null;
  if (node.kind !== "seq") return typeError(report, node, "[]string", `${what} must be a YAML list`);
  const out: Array<{ text: string; node: YNode }> = [];
  let ok = true;
  for (const item of node.items) {
    const text = decodeString(report, item, `each item of ${what}`);
    if (text === undefined) ok = false;
    else out.push({ text, node: item });
  }
  return ok ? out : undefined;
}

/** A mapping node, or undefined (reporting the type error) when the value is something else; null is an empty map. */
export function decodeMap(report: Reporter, node: YNode | undefined, goType: string, what: string): YNode | null | undefined {
  if (!node || (node.kind === "scalar" && node.tag === "null")) return null;
  if (node.kind !== "map") return typeError(report, node, goType, `${what} must be a YAML mapping`);
  return node;
}

/** The text of a scalar, for quantities Go parses from text; undefined (type error) for maps and lists. */
export function scalarText(report: Reporter, node: YNode, goType: string, what: string): YScalar | undefined {
  if (node.kind !== "scalar") return typeError(report, node, goType, `${what} must be a single value`);
  return node;
}
