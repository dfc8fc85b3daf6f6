/**
 * The first, fastest path of `parseYaml`: a reader for the plain block style nearly every SDL is
 * written in (indented mappings and `- ` lists of one-line scalars), producing exactly the tree,
 * value and node count that the js-yaml path (`yaml-fast.ts`) produces for the same text. Anything
 * outside that style returns undefined, and the caller takes the js-yaml path.
 *
 * Why a hand-written reader beside two YAML libraries: `akash-stack lint` of a folder runs cold,
 * mostly in V8's interpreter, and js-yaml plus rebuilding a positioned tree from its events was over
 * half of a cold corpus lint. This reader walks lines with `indexOf` and a few sticky regular
 * expressions (native code even in a cold process), computes positions and JSON pointers as it
 * goes (it reads top-down, so no second walk), and gives up the moment it sees anything it does
 * not fully model: flow collections, block scalars, anchors, aliases, tags, multi-line or escaped
 * scalars, tabs, CR line breaks, directives, several documents, numbers in any but the plainest
 * spelling, keys that are not strings. test/yaml-block.test.ts checks it against the js-yaml path
 * on every corpus file and thousands of mutations: same tree, or undefined.
 */
import { pointerSegment } from "./findings.js";
import { lineStartsOf, positionAmong } from "./lines.js";
import type { YEntry, YMap, YNode, YScalar, YSeq } from "./yaml.js";
import { skipSeparation, type FastParsed } from "./yaml-fast.js";

/** Thrown (and caught in `blockParse`) when the text leaves the modelled style. */
class OutsideBlockStyle {}
const OUTSIDE = new OutsideBlockStyle();

/** Returns the tree, or undefined when the text is not in the plain block style this reader models. */
export function blockParse(text: string): FastParsed | undefined {
  // tabs, BOMs, lone CRs and characters YAML forbids change how lines, indentation and scalars read: js-yaml's job
  if (text.includes("\t") || text.includes("\ufeff") || NON_PRINTABLE.test(text)) return undefined;
  // CRLF line breaks read as LF ones; dropping the CRs moves no line or column (they end lines)
  let source = text;
  if (text.includes("\r")) {
    if (LONE_CR.test(text)) return undefined;
    source = text.replace(/\r\n/g, "\n");
  }
  try {
    return new BlockReader(source).document();
  } catch (err) {
    if (err === OUTSIDE) return undefined;
    throw err;
  }
}

const LONE_CR = /\r(?!\n)/;
/**
 * Characters YAML does not allow in a stream (js-yaml's own test): control characters, lone
 * surrogates, U+FFFE/U+FFFF. js-yaml refuses such a text, so the reader must not accept it either.
 */
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
/** Well below js-yaml's limit of 100, so both paths always agree on what is too deep. */
const MAX_DEPTH = 50;
const SINGLE_QUOTED = /'((?:[^'\n]|'')*)'/y;
const DOUBLE_QUOTED = /"((?:[^"\\\n]|\\["\\/nt])*)"/y;
/** What may follow a complete node on its line: spaces, then nothing or a comment. */
const LINE_REST = /(?: *| +#[^\n]*)$/my;
/** A plain item of a one-line flow list, up to `,`, `]`, a comment or the line's end. */
const PLAIN_FLOW_VALUE = /[^\n,\]]*?(?= *[,\]]| +#| *$)/my;

const INT = /^-?(?:0|[1-9][0-9]{0,14})$/;
const FLOAT = /^-?[0-9]{1,15}\.[0-9]{1,15}$/;
/**
 * A superset of what js-yaml's core schema reads as an integer or float (underscores, 0b/0o/0x,
 * exponents, .inf, .nan): a plain scalar like this that is not in INT or FLOAT is not modelled.
 * Sizes such as 512Mi or 100m are not numbers to it, and stay strings here too.
 */
const NUMBER_LIKE = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?(?:e[-+]?[0-9]+)?|\.[0-9_]+(?:e[-+]?[0-9]+)?|0[bxo][0-9a-f_]*|\.(?:inf|nan))$/i;
const NULLS = new Set(["~", "null", "Null", "NULL"]);
const BOOLS = new Map([
  ["true", true],
  ["True", true],
  ["TRUE", true],
  ["false", false],
  ["False", false],
  ["FALSE", false],
]);
/** Keys JavaScript orders before all others in an object, which js-yaml's value then reorders. */
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

class BlockReader {
  private readonly lineStarts: number[];
  /** Index of the current content line (not blank, not only a comment), or lineStarts.length at the end. */
  private line = -1;
  /** Offset where the current line's node starts: after its indentation, or after `- ` on it. */
  private at = 0;
  /** The current line's end (its `\n`, or the text's end). */
  private end = 0;
  private nodeCount = 0;
  /**
   * The plain value (js-yaml's) of the node the last read returned: set beside the returned node
   * instead of wrapping both in an object, one allocation fewer per node of every file.
   */
  private data: unknown = undefined;
  /** Set once the document's first node is read: a `---` after that starts another document. */
  private started = false;
  /** The next ` #` in the text (see `commentAfter`): -2 before the first search, -1 when there is none. */
  private nextComment = -2;
  /** Mappings and lists open around the cursor. */
  private depth = 0;
  /** The cursor `keyEnd()` last looked at, and what it found there. */
  private keyAt = -1;
  private keyColon = -1;

  constructor(private readonly text: string) {
    this.lineStarts = lineStartsOf(text);
  }

  document(): FastParsed {
    this.nextLine();
    // a leading `---` alone on its line starts the one document
    if (this.column() === 1 && this.startsWith("---") && this.restIsEmpty(this.at + 3)) this.nextLine();
    if (this.atEnd()) throw OUTSIDE;
    this.started = true;
    const root = this.node(this.column() - 1, "");
    // a second document, `...`, or anything left over is js-yaml's to judge
    if (!this.atEnd() || root.kind !== "map") throw OUTSIDE;
    return { root, data: this.data, hasAnchors: false, nodeCount: this.nodeCount };
  }

  // -------------------------------------------------------------------------------------------
  // Nodes

  /** The block node starting at the cursor, whose column is `indent + 1`. */
  private node(indent: number, pointer: string): YNode {
    if (this.isSequenceItem()) return this.sequence(indent, pointer);
    if (this.keyEnd() !== -1) return this.mapping(indent, pointer);
    throw OUTSIDE; // a lone scalar where a block was expected (multi-line, or a document scalar)
  }

  private mapping(indent: number, pointer: string): YMap {
    this.enter();
    const node: YMap = { kind: "map", entries: [], pointer, line: this.line + 1, column: this.column() };
    this.nodeCount++;
    const data: Record<string, unknown> = {};
    for (;;) {
      const entry = this.entry(indent, pointer, data);
      node.entries.push(entry);
      if (this.atEnd()) break;
      const column = this.column();
      if (column - 1 < indent) break;
      // deeper than the mapping, or a list item at its level: not block style this reader models
      if (column - 1 > indent || this.isSequenceItem()) throw OUTSIDE;
    }
    this.depth--;
    this.data = data;
    return node;
  }

  /** One `key: value` entry at the cursor; leaves the cursor on the first line after it. */
  private entry(indent: number, pointer: string, data: Record<string, unknown>): YEntry {
    const text = this.text;
    const keyStart = this.at;
    const keyEnd = this.keyEnd();
    if (keyEnd === -1) throw OUTSIDE;
    const key = this.keyScalar(keyStart, keyEnd);
    const name = key.text;
    // `__proto__`, merge keys, duplicates and integer-like keys read differently in js-yaml's value
    const c = name.charCodeAt(0);
    if (name === "__proto__" || name === "<<" || (c >= 0x30 && c <= 0x39 && ARRAY_INDEX.test(name)) || Object.hasOwn(data, name)) throw OUTSIDE;
    const childPointer = `${pointer}/${pointerSegment(name)}`;
    key.pointer = childPointer;
    // keyEnd is the offset of the colon
    let p = keyEnd + 1;
    while (text.charCodeAt(p) === 0x20) p++;
    let value: YNode;
    if (p >= this.end || text.charCodeAt(p) === 0x23 /* # */) {
      value = this.blockValue(indent, keyEnd + 1, childPointer, true);
    } else {
      this.at = p;
      value = this.inlineValue(indent, childPointer);
    }
    data[name] = this.data;
    return { key, value };
  }

  private sequence(indent: number, pointer: string): YSeq {
    this.enter();
    const node: YSeq = { kind: "seq", items: [], pointer, line: this.line + 1, column: this.column() };
    this.nodeCount++;
    const data: unknown[] = [];
    for (;;) {
      const i = node.items.length;
      node.items.push(this.item(indent, `${pointer}/${i}`));
      data.push(this.data);
      if (this.atEnd()) break;
      const column = this.column();
      if (column - 1 < indent || !this.isSequenceItem()) {
        if (column - 1 > indent) throw OUTSIDE;
        break;
      }
      if (column - 1 > indent) throw OUTSIDE;
    }
    this.depth--;
    this.data = data;
    return node;
  }

  /** One `- …` item at the cursor; leaves the cursor on the first line after it. */
  private item(indent: number, pointer: string): YNode {
    const text = this.text;
    const dash = this.at;
    let p = dash + 1;
    while (text.charCodeAt(p) === 0x20) p++;
    if (p >= this.end || text.charCodeAt(p) === 0x23 /* # */) {
      const value = this.blockValue(indent, dash + 1, pointer, false);
      // js-yaml's events for an empty item do not rebuild, so its path hands such files on too
      if (value.kind === "scalar") throw OUTSIDE;
      return value;
    }
    // `- key: value` opens a mapping whose keys line up with this first one
    this.at = p;
    // `- - a` (a compact nested list), and `- []`/`- {}`, whose events js-yaml's path cannot rebuild
    if (this.isSequenceItem() || text[p] === "[" || text[p] === "{") throw OUTSIDE;
    if (this.keyEnd() !== -1) return this.mapping(p - this.lineStarts[this.line]!, pointer);
    return this.inlineValue(indent, pointer);
  }

  /**
   * A value that starts on the line of its key or `-`: a one-line scalar, a one-line flow list of
   * scalars, `{}`, or a block scalar (`|`, `>`). Leaves the cursor on the first line after it.
   */
  private inlineValue(indent: number, pointer: string): YNode {
    const first = this.text[this.at];
    let value: YNode;
    if (first === "|" || first === ">") return this.blockScalar(indent, pointer);
    if (first === "[") value = this.flowSequence(pointer);
    else if (first === "{") value = this.emptyFlowMapping(pointer);
    else value = this.inlineScalar(pointer, false);
    // a plain scalar runs to a comment or the line's end by construction; anything else may not be followed by more
    if (first === "[" || first === "{" || first === "'" || first === '"') this.expectLineEnd();
    this.nextLine();
    // a deeper line right after a one-line value would continue it: not modelled
    if (!this.atEnd() && this.column() - 1 > indent) throw OUTSIDE;
    return value;
  }

  /** `[a, "b", 3]` on one line: scalars only, no nesting, no trailing comma. */
  private flowSequence(pointer: string): YSeq {
    const text = this.text;
    const node: YSeq = { kind: "seq", items: [], pointer, line: this.line + 1, column: this.column() };
    this.nodeCount++;
    const data: unknown[] = [];
    let p = this.at + 1;
    while (text.charCodeAt(p) === 0x20) p++;
    if (text.charCodeAt(p) === 0x5d /* ] */) {
      this.at = p + 1;
      this.data = data;
      return node;
    }
    for (;;) {
      if (p >= this.end) throw OUTSIDE;
      this.at = p;
      node.items.push(this.inlineScalar(`${pointer}/${node.items.length}`, true));
      data.push(this.data);
      p = this.at;
      while (text.charCodeAt(p) === 0x20) p++;
      const c = text.charCodeAt(p);
      if (c === 0x5d /* ] */) {
        this.at = p + 1;
        this.data = data;
        return node;
      }
      if (c !== 0x2c /* , */) throw OUTSIDE;
      p++;
      while (text.charCodeAt(p) === 0x20) p++;
      if (text.charCodeAt(p) === 0x5d) throw OUTSIDE; // a trailing comma
    }
  }

  /** `{}`: an empty mapping (a non-empty flow mapping is not modelled). */
  private emptyFlowMapping(pointer: string): YMap {
    const text = this.text;
    let p = this.at + 1;
    while (text.charCodeAt(p) === 0x20) p++;
    if (text.charCodeAt(p) !== 0x7d /* } */) throw OUTSIDE;
    const node: YMap = { kind: "map", entries: [], pointer, line: this.line + 1, column: this.column() };
    this.nodeCount++;
    this.at = p + 1;
    this.data = {};
    return node;
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar with optional chomping (`-`, `+`) and the
   * indentation of its first text line. Not modelled: explicit indentation indicators, and
   * white-space-only lines before the first text line.
   */
  private blockScalar(indent: number, pointer: string): YScalar {
    const text = this.text;
    const start = this.at;
    const line = this.line + 1;
    const column = this.column();
    const folded = text[start] === ">";
    let p = start + 1;
    const chomp = text[p] === "-" || text[p] === "+" ? text[p++]! : "";
    if (!this.restIsEmpty(p)) throw OUTSIDE; // an indentation indicator, or text after the indicator
    this.nodeCount++;
    // the content: following lines until one with text is indented no deeper than `indent`
    const starts = this.lineStarts;
    const lines: string[] = [];
    let contentIndent = -1;
    let i = this.line + 1;
    for (; i < starts.length; i++) {
      const lineStart = starts[i]!;
      const lineEnd = i + 1 < starts.length ? starts[i + 1]! - 1 : text.length;
      let q = lineStart;
      while (q < lineEnd && text.charCodeAt(q) === 0x20) q++;
      const spaces = q - lineStart;
      if (q === lineEnd) {
        // An empty or white-space-only line. Before the first text line, spaces on it bear on the
        // indentation js-yaml detects: not modelled. After it, spaces beyond the indentation are
        // text (a line of spaces), as in js-yaml.
        if (contentIndent === -1 && spaces > 0) throw OUTSIDE;
        lines.push(contentIndent !== -1 && spaces > contentIndent ? text.slice(lineStart + contentIndent, lineEnd) : "");
        continue;
      }
      if (contentIndent === -1) {
        if (spaces <= indent) break;
        contentIndent = spaces;
      } else if (spaces < contentIndent) {
        if (spaces > indent) throw OUTSIDE; // less indented than the text, deeper than the parent
        break;
      }
      lines.push(text.slice(lineStart + contentIndent, lineEnd));
    }
    const value = blockScalarValue(lines, folded, chomp);
    // continue at line i: the first line the scalar did not take
    this.line = i - 1;
    this.nextLine();
    const node: YScalar = { kind: "scalar", value, text: value, quoted: false, tag: "str", pointer, line, column };
    this.data = value;
    return node;
  }

  /**
   * The value of a key or list item written on the following lines: a deeper block, a list at the
   * key's own level (`key:` then `- a` under it), or nothing (null). `after` is the offset just
   * past the `:` or `-`, where js-yaml places an empty value's search for its position.
   */
  private blockValue(indent: number, after: number, pointer: string, ofKey: boolean): YNode {
    this.nextLine();
    if (!this.atEnd()) {
      const column = this.column();
      if (column - 1 > indent) return this.node(column - 1, pointer);
      if (ofKey && column - 1 === indent && this.isSequenceItem()) return this.sequence(indent, pointer);
    }
    // an empty value: js-yaml reports it where the next token starts (clamped to the text's end)
    const start = skipSeparation(this.text, Math.min(after, this.text.length));
    const { line, column } = positionAmong(this.lineStarts, start);
    this.nodeCount++;
    // js-yaml's path calls it quoted when the next token is a quoted scalar
    const quoted = this.text[start] === '"' || this.text[start] === "'";
    const node: YScalar = { kind: "scalar", value: null, text: "", quoted, tag: "null", pointer, line, column };
    this.data = null;
    return node;
  }

  /**
   * A one-line scalar at the cursor (plain, or quoted without escapes beyond \" \\ \/ \n \t).
   * In a flow list (`inFlow`) a plain scalar also ends at `,` or `]`, and the caller checks what follows.
   */
  private inlineScalar(pointer: string, inFlow: boolean): YScalar {
    const text = this.text;
    const start = this.at;
    const line = this.line + 1;
    const column = start - this.lineStarts[this.line]! + 1;
    const first = text[start]!;
    this.nodeCount++;
    if (first === "'" || first === '"') {
      const content = this.quoted(start);
      const node: YScalar = { kind: "scalar", value: content, text: content, quoted: true, tag: "str", pointer, line, column };
      this.data = content;
      return node;
    }
    // `-` may start a plain scalar when a non-space follows (`-c`, `-1`)
    if (isIndicator(text.charCodeAt(start)) && !(first === "-" && start + 1 < this.end && text.charCodeAt(start + 1) !== 0x20)) throw OUTSIDE;
    let stop: number;
    if (inFlow) {
      PLAIN_FLOW_VALUE.lastIndex = start;
      const match = PLAIN_FLOW_VALUE.exec(text);
      if (!match) throw OUTSIDE;
      stop = start + match[0].length;
    } else {
      // up to a comment (` #`) or the line's end
      const hash = this.commentAfter(start);
      stop = hash !== -1 && hash < this.end ? hash : this.end;
    }
    let rawEnd = stop;
    while (text.charCodeAt(rawEnd - 1) === 0x20) rawEnd--;
    const raw = text.slice(start, rawEnd);
    // `a: b` inside a value, or a trailing colon, would make it a key: not a one-line scalar
    if (raw === "" || raw.includes(": ") || text.charCodeAt(rawEnd - 1) === 0x3a /* : */) throw OUTSIDE;
    if (inFlow && /[[\]{}]/.test(raw)) throw OUTSIDE;
    this.at = stop;
    const node = plainScalar(raw, pointer, line, column);
    this.data = node.value;
    return node;
  }

  /**
   * Offset of the first ` #` at or after `from`, or -1. The reader moves forward through the text,
   * so the last answer is kept and reused until the reader passes it: one scan of the text in all,
   * where asking `indexOf` each time would rescan to the end of a file without comments.
   */
  private commentAfter(from: number): number {
    if (this.nextComment !== -1 && this.nextComment < from) this.nextComment = this.text.indexOf(" #", from);
    else if (this.nextComment === -2) this.nextComment = this.text.indexOf(" #", from);
    return this.nextComment;
  }

  /** Only spaces, then the line's end or a comment, may follow the cursor on its line. */
  private expectLineEnd(): void {
    const text = this.text;
    let p = this.at;
    while (p < this.end && text.charCodeAt(p) === 0x20) p++;
    if (p < this.end && !(text.charCodeAt(p) === 0x23 /* # */ && p > this.at)) throw OUTSIDE;
  }

  /** A mapping key at the cursor, which `keyEnd()` found; its pointer is set by the caller. */
  private keyScalar(start: number, colon: number): YScalar {
    const text = this.text;
    const line = this.line + 1;
    const column = start - this.lineStarts[this.line]! + 1;
    this.nodeCount++;
    const first = text[start];
    if (first === "'" || first === '"') {
      const content = this.quoted(start);
      return { kind: "scalar", value: content, text: content, quoted: true, tag: "str", pointer: "", line, column };
    }
    // js-yaml keeps white space before the colon in the key (`denom : x` has the key "denom "),
    // which Go does not: leave such keys to the js-yaml path, whose reading every layer is used to
    if (text.charCodeAt(colon - 1) === 0x20) throw OUTSIDE;
    const node = plainScalar(text.slice(start, colon), "", line, column);
    // a key js-yaml reads as a number, boolean or null becomes a different object key
    if (node.tag !== "str") throw OUTSIDE;
    return node;
  }

  /** Offset of the colon of a `key:` at the cursor, or -1 when the cursor is not at a key. */
  private keyEnd(): number {
    // asked twice per key (is this a mapping? then: read the entry): answer the second from memory
    if (this.keyAt !== this.at) {
      this.keyAt = this.at;
      this.keyColon = this.findKeyEnd();
    }
    return this.keyColon;
  }

  private findKeyEnd(): number {
    const text = this.text;
    const start = this.at;
    const first = text[start];
    if (first === "'" || first === '"') {
      const regex = first === "'" ? SINGLE_QUOTED : DOUBLE_QUOTED;
      regex.lastIndex = start;
      const match = regex.exec(text);
      if (!match) return -1;
      let p = start + match[0].length;
      while (text.charCodeAt(p) === 0x20) p++;
      const next = text.charCodeAt(p + 1);
      return text.charCodeAt(p) === 0x3a /* : */ && (p + 1 >= this.end || next === 0x20) ? p : -1;
    }
    // a plain key: no indicator first, and its first colon followed by a space or the line's end
    if (first === undefined || isIndicator(text.charCodeAt(start))) return -1;
    const colon = text.indexOf(":", start);
    if (colon === -1 || colon >= this.end) return -1;
    const next = text.charCodeAt(colon + 1);
    if (colon + 1 < this.end && next !== 0x20) return -1; // `a:b: c` and the like: not modelled
    // a comment before the colon means this is not a key line at all
    const hash = this.commentAfter(start);
    if (hash !== -1 && hash < colon) return -1;
    return colon;
  }

  /** The content of the quoted scalar at `start`; moves the cursor past its closing quote. */
  private quoted(start: number): string {
    const text = this.text;
    const single = text[start] === "'";
    const regex = single ? SINGLE_QUOTED : DOUBLE_QUOTED;
    regex.lastIndex = start;
    const match = regex.exec(text);
    if (!match || start + match[0].length > this.end) throw OUTSIDE; // multi-line, or an escape not modelled
    this.at = start + match[0].length;
    const body = match[1]!;
    if (single) return body.includes("''") ? body.replace(/''/g, "'") : body;
    return body.includes("\\") ? body.replace(/\\(["\\/nt])/g, (_, c: string) => DOUBLE_ESCAPES[c]!) : body;
  }

  /** One level deeper; js-yaml refuses nesting past 100 levels, and real SDLs stay under 10. */
  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw OUTSIDE;
  }

  // -------------------------------------------------------------------------------------------
  // Lines

  /** Moves to the next line with content, skipping blank and comment-only lines. */
  private nextLine(): void {
    const text = this.text;
    const starts = this.lineStarts;
    for (this.line++; this.line < starts.length; this.line++) {
      const start = starts[this.line]!;
      const end = this.line + 1 < starts.length ? starts[this.line + 1]! - 1 : text.length;
      let p = start;
      while (p < end && text.charCodeAt(p) === 0x20) p++;
      if (p === end || text.charCodeAt(p) === 0x23 /* # */) continue;
      // a document marker or directive at the left edge: several documents, or `...`
      if (p === start && (text.startsWith("---", p) || text.startsWith("...", p) || text[p] === "%")) {
        if (this.started || text[p] !== "-") throw OUTSIDE;
      }
      this.at = p;
      this.end = end;
      return;
    }
    this.at = text.length;
    this.end = text.length;
  }

  private atEnd(): boolean {
    return this.line >= this.lineStarts.length;
  }

  /** 1-based column of the cursor. */
  private column(): number {
    return this.at - this.lineStarts[this.line]! + 1;
  }

  private startsWith(s: string): boolean {
    return this.text.startsWith(s, this.at);
  }

  /** True when the cursor is at `-` followed by a space or the line's end. */
  private isSequenceItem(): boolean {
    const text = this.text;
    if (text.charCodeAt(this.at) !== 0x2d /* - */) return false;
    return this.at + 1 >= this.end || text.charCodeAt(this.at + 1) === 0x20;
  }

  private restIsEmpty(from: number): boolean {
    LINE_REST.lastIndex = from;
    return LINE_REST.test(this.text);
  }
}

/**
 * The value of a block scalar from its lines (indentation removed, "" for empty lines), joined,
 * folded and chomped the way js-yaml's readBlockScalar does: in a folded scalar a single line
 * break between text lines becomes a space, empty lines become line breaks, and lines indented
 * further than the first keep their line breaks.
 */
function blockScalarValue(lines: readonly string[], folded: boolean, chomp: string): string {
  let out = "";
  let didReadContent = false;
  let atMoreIndented = false;
  let emptyLines = 0;
  for (const line of lines) {
    if (line === "") {
      emptyLines++;
      continue;
    }
    if (!folded) out += "\n".repeat(didReadContent ? 1 + emptyLines : emptyLines);
    else if (line.charCodeAt(0) === 0x20) {
      atMoreIndented = true;
      out += "\n".repeat(didReadContent ? 1 + emptyLines : emptyLines);
    } else if (atMoreIndented) {
      atMoreIndented = false;
      out += "\n".repeat(emptyLines + 1);
    } else if (emptyLines === 0) {
      if (didReadContent) out += " ";
    } else out += "\n".repeat(emptyLines);
    out += line;
    didReadContent = true;
    emptyLines = 0;
  }
  if (chomp === "+") out += "\n".repeat(didReadContent ? 1 + emptyLines : emptyLines);
  else if (chomp === "" && didReadContent) out += "\n";
  return out;
}

/** Characters a plain scalar or key cannot start with here (YAML indicators, and `-`, handled by callers). */
function isIndicator(c: number): boolean {
  switch (c) {
    case 0x2d: // -
    case 0x3f: // ?
    case 0x3a: // :
    case 0x2c: // ,
    case 0x5b: // [
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case 0x23: // #
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case 0x27: // '
    case 0x22: // "
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
    case 0x20: // space
      return true;
    default:
      return false;
  }
}

const DOUBLE_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", n: "\n", t: "\t" };

/** A plain one-line scalar typed as js-yaml's core schema types it (or OUTSIDE when unsure). */
function plainScalar(raw: string, pointer: string, line: number, column: number): YScalar {
  // Most scalars (names, images, sizes) start with a letter that no null, bool or number starts with.
  const c = raw.charCodeAt(0);
  const maybeTyped = c <= 0x39 /* 9 and below: digits, + - . ~ */ || c === 0x7e || c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46;
  if (!maybeTyped) return { kind: "scalar", value: raw, text: raw, quoted: false, tag: "str", pointer, line, column };
  if (NULLS.has(raw)) return { kind: "scalar", value: null, text: "", quoted: false, tag: "null", pointer, line, column };
  const bool = BOOLS.get(raw);
  if (bool !== undefined) return { kind: "scalar", value: bool, text: raw, quoted: false, tag: "bool", pointer, line, column };
  // js-yaml reads the integer -0 as 0 (a float -0.0 stays -0)
  if (INT.test(raw)) return { kind: "scalar", value: raw === "-0" ? 0 : Number(raw), text: raw, quoted: false, tag: "int", pointer, line, column };
  if (FLOAT.test(raw)) return { kind: "scalar", value: Number(raw), text: raw, quoted: false, tag: "float", pointer, line, column };
  if (NUMBER_LIKE.test(raw)) throw OUTSIDE;
  return { kind: "scalar", value: raw, text: raw, quoted: false, tag: "str", pointer, line, column };
}
