/**
 * YAML with positions. The Go parser (yaml.v3) decodes each scalar by the type of the field it
 * lands in, so the SDL engine keeps every scalar's source text and quoting beside its YAML 1.2
 * value: `version: 2.0` is the text "2.0" to Go but the number 2 to a JSON view.
 *
 * Three readers build the same small tree that the rules walk, fastest first, each handing on what
 * it cannot vouch for: the block-style reader (`yaml-block.ts`, the plain style of nearly every
 * SDL), js-yaml with its node events (`yaml-fast.ts`), and the `yaml` package's Document/CST, which
 * reads everything and gives the syntax errors their messages. The first two must agree exactly
 * wherever both read a text (test/yaml-block.test.ts, test/lint-fuzz.test.ts).
 */
import type { Document, Node as YamlNode } from "yaml";
import { pointerSegment } from "./findings.js";
import { lineStartsOf, positionAmong } from "./lines.js";
import { blockParse } from "./yaml-block.js";
import { fastParse } from "./yaml-fast.js";
import { yamlLibrary, type YamlLibrary } from "./yaml-vendor.js";

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

interface NodeBase extends Position {
  /** JSON pointer of the place this node was first written (an alias shares its anchor's node). */
  pointer: string;
}

export type ScalarTag = "str" | "int" | "float" | "bool" | "null";

export interface YScalar extends NodeBase {
  kind: "scalar";
  /** The YAML 1.2 core-schema value. */
  value: string | number | boolean | null;
  /** The scalar's text as Go's yaml.v3 sees it: the plain text, or the content of a quoted string. */
  text: string;
  quoted: boolean;
  tag: ScalarTag;
}

export interface YEntry {
  key: YScalar;
  value: YNode;
}

export interface YMap extends NodeBase {
  kind: "map";
  entries: YEntry[];
}

export interface YSeq extends NodeBase {
  kind: "seq";
  items: YNode[];
}

export type YNode = YScalar | YMap | YSeq;

export interface YamlProblem extends Position {
  code: "syntax" | "excessive-aliasing" | "not-a-mapping" | "empty" | "multiple-documents" | "binary";
  message: string;
}

export interface ParsedYaml {
  /** The first document's root, or undefined when the text has no usable document. */
  root: YNode | undefined;
  problems: YamlProblem[];
  /** Maps a byte offset to a position (used by callers that hold offsets). */
  positionAt(offset: number): Position;
  /**
   * `toPlain(root)`, when the parser already had it (the js-yaml fast path builds it anyway), so
   * the schema layer need not walk the tree again; undefined means "call toPlain yourself".
   */
  plain?: unknown;
}

/**
 * The number of nodes a document may expand to through aliases before it is refused, as yaml.v3
 * refuses "excessive aliasing". Real SDLs expand to a few hundred nodes.
 */
export const MAX_EXPANDED_NODES = 100_000;

/** Parses SDL text. Never throws: every problem comes back in `problems`. */
export function parseYaml(text: string): ParsedYaml {
  let positionAt = positionsOf(text);
  const problems: YamlProblem[] = [];
  if (text.includes("\u0000")) {
    problems.push({ code: "binary", message: "file contains NUL bytes: this is not a YAML text file", line: 1, column: 1 });
    return { root: undefined, problems, positionAt };
  }
  const fast = blockParse(text) ?? fastParse(text);
  if (fast) {
    const root = fast.root; // pointers are assigned already
    // Without anchors there are no aliases, and the expanded size is just the node count: the
    // tree walk that follows aliases is only needed when there are some.
    const size = fast.hasAnchors ? expandedSize(root, new Map()) : fast.nodeCount;
    if (size > MAX_EXPANDED_NODES) {
      problems.push({ code: "excessive-aliasing", message: `document contains excessive aliasing (expands past ${MAX_EXPANDED_NODES} nodes)`, line: root.line, column: root.column });
      return { root: undefined, problems, positionAt };
    }
    const parsed = finish(root, problems, positionAt);
    if (fast.data !== undefined) parsed.plain = fast.data;
    return parsed;
  }

  let list = parseDocuments(text);
  if (list.some((d) => d.errors.length > 0)) {
    // yaml.v3 (libyaml) accepts quoted scalars whose continuation lines are indented no deeper than
    // the line that opened them; the npm parser follows YAML 1.2 and refuses. Real SDLs rely on it
    // (awesome-akash wordpress), so retry with those lines indented further. Leading white space of
    // a continuation line is folded away, so values are unchanged; only those lines' columns shift.
    const relaxed = indentQuotedContinuations(text);
    if (relaxed !== text) {
      const retry = parseDocuments(relaxed);
      if (!retry.some((d) => d.errors.length > 0)) {
        list = retry;
        positionAt = positionsOf(relaxed);
      }
    }
  }
  const first = list[0];
  if (!first || first.contents === null) {
    for (const doc of list) for (const err of doc.errors) problems.push(syntaxProblem(err.message, err.pos[0], positionAt));
    if (problems.length === 0) problems.push({ code: "empty", message: "the document is empty", line: 1, column: 1 });
    return { root: undefined, problems, positionAt };
  }
  for (const err of first.errors) problems.push(syntaxProblem(err.message, err.pos[0], positionAt));
  if (problems.length > 0) return { root: undefined, problems, positionAt };
  if (list.length > 1) {
    const second = list[1]!;
    const at = positionAt(second.range?.[0] ?? 0);
    problems.push({ code: "multiple-documents", message: "only the first YAML document is read; later documents are ignored", ...at });
  }

  const converter = new Converter(positionAt);
  let root: YNode;
  try {
    root = converter.convert(first.contents as YamlNode, "");
  } catch (err) {
    if (err instanceof AliasCycle) {
      problems.push({ code: "excessive-aliasing", message: `${err.message}: an alias cannot refer to the mapping or list it is inside`, ...err.at });
      return { root: undefined, problems, positionAt };
    }
    if (err instanceof AliasBomb) {
      problems.push({ code: "excessive-aliasing", message: `document contains excessive aliasing (expands past ${MAX_EXPANDED_NODES} nodes)`, ...err.at });
      return { root: undefined, problems, positionAt };
    }
    throw err;
  }
  if (converter.duplicateKeys.length > 0) return { root: undefined, problems: [...problems, ...converter.duplicateKeys], positionAt };
  return finish(root, problems, positionAt);
}

function finish(root: YNode, problems: YamlProblem[], positionAt: (offset: number) => Position): ParsedYaml {
  if (root.kind !== "map") {
    problems.push({ code: "not-a-mapping", message: "the document is not a YAML mapping, so it is not an SDL", line: root.line, column: root.column });
  }
  return { root, problems, positionAt };
}

/**
 * Offset → line and column from our own table of line starts (the yaml package's LineCounter
 * loses a line after some syntax errors, which shifted every later position).
 */
export function positionsOf(text: string): (offset: number) => Position {
  // Built on first use: the fast parse paths compute every position themselves, so most files never ask.
  let starts: number[] | undefined;
  return (offset: number): Position => positionAmong((starts ??= lineStartsOf(text)), Math.max(0, Math.min(offset, text.length)));
}

/** How many nodes a tree expands to when aliases are followed, memoised per shared node. */
function expandedSize(node: YNode, sizes: Map<YNode, number>): number {
  const known = sizes.get(node);
  if (known !== undefined) return known;
  sizes.set(node, 1); // a cycle counts once
  let total = 1;
  if (node.kind === "map") for (const e of node.entries) total += 1 + expandedSize(e.value, sizes);
  else if (node.kind === "seq") for (const item of node.items) total += expandedSize(item, sizes);
  total = Math.min(total, MAX_EXPANDED_NODES + 1);
  sizes.set(node, total);
  return total;
}

type ParsedDocument = Document.Parsed;

/**
 * The `yaml` package, loaded on first use. It is the slow, fully positioned path for the few files
 * js-yaml cannot vouch for (syntax errors, tags, unusual aliases); keeping it out of the CLI bundle
 * saves every lint run from loading ~115 KB it almost never needs. `loadYamlLibrary` makes the
 * first use cheap in the built CLI (one pre-compiled file instead of the package's ~70).
 */
function yamlLib(): YamlLibrary {
  return yamlLibrary();
}

function parseDocuments(text: string): ParsedDocument[] {
  const docs = yamlLib().parseAllDocuments(text, { schema: "core", uniqueKeys: false, prettyErrors: false, strict: false });
  return Array.isArray(docs) ? docs : [];
}

/** Indents the continuation lines of multi-line quoted scalars past the line that opened them. */
export function indentQuotedContinuations(text: string): string {
  const lines = text.split("\n");
  let quote: "'" | '"' | undefined;
  let minIndent = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let from = 0;
    if (quote) {
      const indent = /^ */.exec(line)![0].length;
      if (line.trim() !== "" && indent < minIndent) lines[i] = " ".repeat(minIndent - indent) + line;
      const close = closingQuote(lines[i]!, 0, quote);
      if (close < 0) continue;
      quote = undefined;
      from = close + 1;
    }
    // a quoted scalar opens after "key: ", "- " or at the start of the line's content
    const open = /(^\s*(?:-\s+)*|:\s+|-\s+)(['"])/g;
    open.lastIndex = from;
    let m: RegExpExecArray | null;
    while ((m = open.exec(lines[i]!))) {
      const q = m[2] as "'" | '"';
      const start = m.index + m[0].length;
      const close = closingQuote(lines[i]!, start, q);
      if (close < 0) {
        quote = q;
        minIndent = /^ */.exec(lines[i]!)![0].length + 4;
        break;
      }
      open.lastIndex = close + 1;
    }
  }
  return lines.join("\n");
}

/** Index of the quote that closes a scalar opened before `from`, or -1 when the line does not close it. */
function closingQuote(line: string, from: number, quote: "'" | '"'): number {
  for (let j = from; j < line.length; j++) {
    const c = line[j];
    if (quote === '"' && c === "\\") {
      j++;
      continue;
    }
    if (c === quote) {
      if (quote === "'" && line[j + 1] === "'") {
        j++;
        continue;
      }
      return j;
    }
  }
  return -1;
}

function syntaxProblem(message: string, offset: number, positionAt: (o: number) => Position): YamlProblem {
  const firstLine = message.split("\n")[0] ?? message;
  return { code: "syntax", message: firstLine.replace(/ at line \d+, column \d+:?$/, ""), ...positionAt(offset) };
}

class AliasCycle extends Error {
  constructor(
    readonly anchor: string,
    readonly at: Position,
  ) {
    super(`anchor '${anchor}' value contains itself`);
  }
}

class AliasBomb extends Error {
  constructor(readonly at: Position) {
    super("excessive aliasing");
  }
}

class Converter {
  /** Converted anchors by name, so an alias shares its target's node instead of copying it. */
  private readonly anchors = new Map<string, YNode>();
  /** Expanded size of each converted node, memoised so alias chains are counted without expanding them. */
  private readonly sizes = new Map<YNode, number>();
  private aliases = 0;
  /** Collections being converted: an alias to one of them would make the tree a cycle. */
  private readonly open = new Set<YNode>();
  /** Duplicate mapping keys, found here with a Set because the yaml package's own check is quadratic. */
  readonly duplicateKeys: YamlProblem[] = [];

  constructor(private readonly positionAt: (offset: number) => Position) {}

  convert(node: YamlNode | null | undefined, pointer: string, fallbackOffset = 0): YNode {
    const root = this.node(node, pointer, fallbackOffset);
    // Only aliases can make a small text expand: a large document without them is just large.
    if (this.aliases > 0 && expandedSize(root, this.sizes) > MAX_EXPANDED_NODES) throw new AliasBomb({ line: root.line, column: root.column });
    return root;
  }

  private node(node: YamlNode | null | undefined, pointer: string, fallbackOffset: number): YNode {
    if (node === null || node === undefined) {
      return { kind: "scalar", value: null, text: "", quoted: false, tag: "null", pointer, ...this.positionAt(fallbackOffset) };
    }
    if (yamlLib().isAlias(node)) {
      this.aliases++;
      const shared = this.anchors.get(node.source);
      if (shared && this.open.has(shared)) {
        // yaml.v3 refuses an anchor whose value contains an alias to itself; so do we (no cycles downstream)
        throw new AliasCycle(node.source, this.positionAt(node.range?.[0] ?? fallbackOffset));
      }
      if (shared) return shared;
      return this.node(undefined, pointer, node.range?.[0] ?? fallbackOffset);
    }
    const at = this.positionAt(node.range?.[0] ?? fallbackOffset);
    let out: YNode;
    if (yamlLib().isMap(node)) {
      const map: YMap = { kind: "map", entries: [], pointer, ...at };
      this.remember(node, map);
      this.open.add(map);
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const key = this.node(keyNode, pointer, node.range?.[0] ?? fallbackOffset);
        const keyScalar: YScalar = key.kind === "scalar" ? key : { ...at, kind: "scalar", value: "", text: "", quoted: false, tag: "str", pointer };
        const firstLine = seen.get(keyScalar.text);
        if (firstLine !== undefined) {
          this.duplicateKeys.push({ code: "syntax", message: `mapping key "${keyScalar.text}" already defined at line ${firstLine}: remove or rename one of them`, line: keyScalar.line, column: keyScalar.column });
        } else seen.set(keyScalar.text, keyScalar.line);
        const childPointer = `${pointer}/${pointerSegment(keyScalar.text)}`;
        const valueOffset = keyNode?.range?.[1] ?? node.range?.[0] ?? fallbackOffset;
        const value = this.node(pair.value as YamlNode | null, childPointer, valueOffset);
        map.entries.push({ key: { ...keyScalar, pointer: childPointer }, value });
      }
      this.open.delete(map);
      out = map;
    } else if (yamlLib().isSeq(node)) {
      const seq: YSeq = { kind: "seq", items: [], pointer, ...at };
      this.remember(node, seq);
      this.open.add(seq);
      node.items.forEach((item, index) => {
        seq.items.push(this.node(item as YamlNode | null, `${pointer}/${index}`, node.range?.[0] ?? fallbackOffset));
      });
      this.open.delete(seq);
      out = seq;
    } else if (yamlLib().isScalar(node)) {
      out = scalarOf(node.value, node.source, node.type, pointer, at);
      this.remember(node, out);
    } else {
      out = { kind: "scalar", value: null, text: "", quoted: false, tag: "null", pointer, ...at };
    }
    return out;
  }

  private remember(node: YamlNode, converted: YNode): void {
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) this.anchors.set(anchor, converted);
  }


}

function scalarOf(value: unknown, source: string | undefined, type: string | undefined, pointer: string, at: Position): YScalar {
  const quoted = type === "QUOTE_DOUBLE" || type === "QUOTE_SINGLE";
  const block = type === "BLOCK_LITERAL" || type === "BLOCK_FOLDED";
  let tag: ScalarTag;
  let v: YScalar["value"];
  if (value === null || value === undefined) {
    tag = "null";
    v = null;
  } else if (typeof value === "boolean") {
    tag = "bool";
    v = value;
  } else if (typeof value === "number") {
    tag = Number.isInteger(value) && !/[.eE]|inf|nan/i.test(source ?? "") ? "int" : "float";
    v = value;
  } else if (typeof value === "bigint") {
    tag = "int";
    v = Number(value);
  } else {
    tag = "str";
    v = String(value);
  }
  // Go sees the source text of plain scalars and the decoded content of quoted and block ones.
  const text = quoted || block || tag === "str" ? String(value ?? "") : source ?? String(value ?? "");
  return { kind: "scalar", value: v, text: tag === "null" && !quoted ? "" : text, quoted, tag, pointer, ...at };
}

/** Key → entry indexes of large mappings, so locating many findings in one stays linear. */
const entryIndexes = new WeakMap<YMap, Map<string, YEntry>>();

function findEntry(map: YMap, key: string): YEntry | undefined {
  if (map.entries.length < 32) return map.entries.find((x) => x.key.text === key);
  let index = entryIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const e of map.entries) if (!index.has(e.key.text)) index.set(e.key.text, e);
    entryIndexes.set(map, index);
  }
  return index.get(key);
}

/** Looks up a key in a mapping node. */
export function entry(map: YNode | undefined, key: string): YEntry | undefined {
  if (!map || map.kind !== "map") return undefined;
  return findEntry(map, key);
}

/** The value under a key of a mapping node, or undefined. */
export function child(map: YNode | undefined, key: string): YNode | undefined {
  return entry(map, key)?.value;
}

/** True for a missing node or a null scalar (`key:` with nothing after it, `~`, `null`). */
export function isNull(node: YNode | undefined): boolean {
  return node === undefined || (node.kind === "scalar" && node.tag === "null");
}

/**
 * A document as plain data (YAML 1.2 core values, as `yaml`'s `parse` gives), read with this
 * module's parser; undefined when it has no readable document. For code outside the linter that
 * only needs a few values of an SDL: the fast paths cost a few milliseconds where the `yaml`
 * package's first parse in a process costs tens.
 */
export function plainData(text: string): unknown {
  const parsed = parseYaml(text);
  return parsed.root ? (parsed.plain ?? toPlain(parsed.root)) : undefined;
}

/** Converts a node to plain JSON-like data (for JSON-schema validation and manifests). */
export function toPlain(node: YNode | undefined): unknown {
  if (!node) return undefined;
  if (node.kind === "scalar") return node.value;
  if (node.kind === "seq") return node.items.map(toPlain);
  const out: Record<string, unknown> = {};
  // defineProperty, not assignment: a YAML key "__proto__" must stay a key, not replace the prototype
  for (const e of node.entries) Object.defineProperty(out, e.key.text, { value: toPlain(e.value), enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * The position of the node at a JSON pointer, or of the deepest node on the way to it when the
 * pointer names something that is not there (a missing required key points at its parent).
 * With `preferKey`, a mapping entry is located at its key rather than its value.
 */
export function locate(root: YNode | undefined, pointer: string, preferKey = true): Position {
  if (!root) return { line: 1, column: 1 };
  if (pointer === "") return { line: root.line, column: root.column };
  const segments = pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: YNode = root;
  let at: Position = { line: root.line, column: root.column };
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    if (node.kind === "map") {
      const e = findEntry(node, seg);
      if (!e) return at;
      at = last && preferKey ? { line: e.key.line, column: e.key.column } : { line: e.value.line, column: e.value.column };
      node = e.value;
    } else if (node.kind === "seq") {
      const item = node.items[Number(seg)];
      if (!item || !/^\d+$/.test(seg)) return at;
      at = { line: item.line, column: item.column };
      node = item;
    } else {
      return at;
    }
  }
  return at;
}
