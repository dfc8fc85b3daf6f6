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
 */
import jsyaml from "js-yaml";
import type { Position, ScalarTag, YEntry, YMap, YNode, YScalar, YSeq } from "./yaml.js";

interface Frame {
  open: number;
  children: YNode[];
}

interface Built {
  node: YNode;
  start: number;
}

/** Returns the tree, or undefined when the fast path cannot vouch for it. */
export function fastParse(text: string, positionAt: (offset: number) => Position): YNode | undefined {
  const stack: Frame[] = [];
  const anchors = new Map<string, YNode>();
  let failed = false;
  let root: YNode | undefined;
  let value: unknown;
  try {
    value = jsyaml.load(text, {
      schema: jsyaml.CORE_SCHEMA,
      json: false,
      listener(event, state) {
        if (failed) return;
        if (event === "open") {
          stack.push({ open: state.position, children: [] });
          return;
        }
        const frame = stack.pop();
        if (!frame) {
          failed = true;
          return;
        }
        const built = buildNode(text, frame, state.kind, state.result, anchors, positionAt);
        if (!built) {
          failed = true;
          return;
        }
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(built.node);
        else root = built.node;
      },
    });
  } catch {
    return undefined;
  }
  if (failed || !root || stack.length > 0) return undefined;
  return sameValue(root, value) ? root : undefined;
}

function buildNode(
  text: string,
  frame: Frame,
  kind: string | null,
  result: unknown,
  anchors: Map<string, YNode>,
  positionAt: (offset: number) => Position,
): Built | undefined {
  let start = skipSeparation(text, frame.open);
  // node properties: an anchor is remembered, a tag sends the file to the full parser
  let anchor: string | undefined;
  while (text[start] === "&" || text[start] === "!") {
    if (text[start] === "!") return undefined;
    const end = tokenEnd(text, start + 1);
    anchor = text.slice(start + 1, end);
    start = skipSeparation(text, end);
  }
  const at = positionAt(start);
  let node: YNode;
  if (text[start] === "*") {
    const target = anchors.get(text.slice(start + 1, tokenEnd(text, start + 1)));
    if (!target) return undefined;
    node = target;
  } else if (kind === "mapping") {
    const children = frame.children;
    if (children.length % 2 !== 0 || result === null || typeof result !== "object" || Array.isArray(result)) return undefined;
    const entries: YEntry[] = [];
    for (let i = 0; i < children.length; i += 2) {
      const key = children[i]!;
      if (key.kind !== "scalar") return undefined;
      entries.push({ key: { ...key }, value: children[i + 1]! });
    }
    if (entries.length !== Object.keys(result).length) return undefined;
    node = { kind: "map", entries, pointer: "", ...at } satisfies YMap;
  } else if (kind === "sequence") {
    if (!Array.isArray(result) || result.length !== frame.children.length) return undefined;
    node = { kind: "seq", items: frame.children, pointer: "", ...at } satisfies YSeq;
  } else if (kind === "scalar" || kind === null) {
    node = scalarNode(text, start, kind === null ? null : result, at);
  } else {
    return undefined;
  }
  if (anchor !== undefined) anchors.set(anchor, node);
  return { node, start };
}

function scalarNode(text: string, start: number, result: unknown, at: Position): YScalar {
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
    tag = Number.isInteger(result) && !/[.eE]|inf|nan/i.test(raw) ? "int" : "float";
    value = result;
  } else {
    tag = "str";
    value = String(result);
    raw = value;
  }
  // Go's yaml.v3 sees a plain scalar's source text; an empty plain null is "" to it
  const textValue = tag === "null" ? (quoted ? "" : raw === "~" || raw === "null" || raw === "Null" || raw === "NULL" ? raw : "") : quoted || block ? String(value) : raw;
  return { kind: "scalar", value, text: tag === "null" && !quoted ? "" : textValue, quoted, tag, pointer: "", ...at };
}

/** Skips white space, line breaks and comments from `offset`. */
function skipSeparation(text: string, offset: number): number {
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
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "," || c === "]" || c === "}") break;
    i++;
  }
  return i;
}

/** The rebuilt tree must describe exactly the value js-yaml produced (keys, order, scalars). */
function sameValue(node: YNode, value: unknown, seen = new Set<YNode>()): boolean {
  if (seen.has(node)) return true; // an alias already compared where it was defined
  if (node.kind === "scalar") {
    if (node.value === null) return value === null || value === undefined;
    return Object.is(node.value, value) || (typeof value === "number" && Number.isNaN(value) && Number.isNaN(node.value as number));
  }
  seen.add(node);
  if (node.kind === "seq") {
    return Array.isArray(value) && value.length === node.items.length && node.items.every((item, i) => sameValue(item, value[i], seen));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== node.entries.length) return false;
  return node.entries.every((e, i) => keys[i] === String(e.key.value ?? "null") && sameValue(e.value, (value as Record<string, unknown>)[keys[i]!], seen));
}
