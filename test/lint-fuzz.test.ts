/**
 * Fuzzing the lint engine. `lintSdl` promises never to throw: whatever the bytes, bad input becomes
 * findings. This test feeds it thousands of mutated SDLs (real corpus files when the shared corpus
 * is present, a few SDLs written below otherwise) and checks that every run returns, and that every
 * finding is well-formed: a 1-based integer line and column inside the file, a JSON-pointer path,
 * a rule id from the catalog, and severity error or warning. Each input also checks that the
 * block-style reader, when it accepts a text, reads it exactly as the js-yaml path does.
 *
 * Deterministic: a fixed seed drives every choice and is printed (and named in the test). Explore
 * other inputs with `LINT_FUZZ_SEED=<n> npx vitest run test/lint-fuzz.test.ts`; a failure report
 * gives the seed, the case number, the mutations and the exact input, so it can become a named
 * regression case below.
 */
import { describe, expect, it } from "vitest";
import { Alias, isCollection, isMap, isScalar, isSeq, Pair, parseDocument, Scalar, visit, YAMLMap, YAMLSeq, type Node as YamlNode } from "yaml";
import { isDeepStrictEqual } from "node:util";
import { lintSdl } from "../src/sdl/index.js";
import { blockParse } from "../src/sdl/yaml-block.js";
import { fastParse } from "../src/sdl/yaml-fast.js";
import type { Layer } from "../src/sdl/findings.js";
import { RULES } from "../src/sdl/rules/catalog.js";
import { CORPUS_MISSING, HAS_CORPUS, corpusFiles, readCorpus } from "./support/corpus.js";
import { BASE, edits } from "./support/sdl-cases.js";

const DEFAULT_SEED = 0x5d1_2024;
const SEED = parseSeed(process.env.LINT_FUZZ_SEED) ?? DEFAULT_SEED;
const CASES = 2_500;
/**
 * A case that takes this many times the median case is reported as a hang or as work growing faster
 * than the input. Relative, not absolute, so a slow or busy machine does not fail the test; mutated
 * inputs with 8,000-character strings take about 50× the median.
 */
const HANG_FACTOR = 1_000;

function parseSeed(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`LINT_FUZZ_SEED must be an integer, got ${JSON.stringify(value)}`);
  return n >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: tiny, fast, and good enough to pick mutations; the same seed gives the same cases. */
class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Each case gets its own stream, so case N is reproducible without replaying cases 0..N-1. */
function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** Used when the corpus is absent (and always mixed in): they cover SDL 2.0 and 2.1 features. */
const INLINE_SDLS: Record<string, string> = {
  // The shared rule-test SDL behind a document marker, with a signed, attributed placement of its own.
  "inline/web-2.0.yaml":
    "---\n" +
    edits(
      BASE,
      ["    image: nginx:1.27.3\n", "    image: nginx:1.27\n"],
      ["          - www.example.com\n", "          - example.com\n"],
      [
        "  placement:\n    akash:\n",
        "  placement:\n    dcloud:\n      attributes:\n        region: us-west\n      signedBy:\n        anyOf:\n          - akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63\n",
      ],
      ["    akash:\n      profile: web\n", "    dcloud:\n      profile: web\n"],
    ),
  "inline/gpu-storage-ip-2.1.yaml": `version: "2.1"
endpoints:
  myip:
    kind: ip
services:
  app:
    image: ghcr.io/example/app:v1
    command:
      - /bin/sh
      - -c
    args:
      - "exec app --port 8080"
    credentials:
      host: ghcr.io
      username: someone
      password: "s3cretpass"
    params:
      storage:
        data:
          mount: /var/lib/app
          readOnly: false
        shm:
          mount: /dev/shm
    expose:
      - port: 8080
        as: 80
        proto: tcp
        http_options:
          max_body_size: 104857600
          read_timeout: 50000
          next_tries: 3
          next_cases: ["error", "timeout"]
        to:
          - global: true
            ip: myip
      - port: 9090
        to:
          - service: worker
  worker:
    image: busybox
    dependencies:
      - service: app
profiles:
  compute:
    app:
      resources:
        cpu:
          units: 4
          attributes:
            arch: amd64
        memory:
          size: 16Gi
        gpu:
          units: 1
          attributes:
            vendor:
              nvidia:
                - model: a100
                  ram: 80Gi
                  interface: sxm
        storage:
          - size: 10Gi
          - name: data
            size: 100Gi
            attributes:
              persistent: true
              class: beta3
          - name: shm
            size: 1Gi
            attributes:
              class: ram
              persistent: false
    worker:
      resources:
        cpu:
          units: 100m
        memory:
          size: 128Mi
        storage:
          size: 512Mi
  placement:
    akash:
      pricing:
        app:
          denom: uact
          amount: 100000
        worker:
          denom: uact
          amount: "10.5"
deployment:
  app:
    akash:
      profile: app
      count: 1
  worker:
    akash:
      profile: worker
      count: 2
`,
  // Anchors, a merge key, and names that need JSON-pointer escaping ("/" and "~").
  "inline/anchors-and-odd-names.yaml": `version: "2.0"
x-resources: &small
  cpu:
    units: 1
  memory:
    size: 1Gi
  storage:
    size: 1Gi
services:
  "api/v1~beta":
    image: "node:20"
    expose:
      - port: 3000
        as: 80
        to:
          - global: true
  db:
    image: postgres:16
    expose:
      - port: 5432
        to:
          - service: "api/v1~beta"
profiles:
  compute:
    small:
      resources: *small
    db:
      resources:
        <<: *small
        memory:
          size: 2Gi
  placement:
    "eu~west/1":
      pricing:
        small: {denom: uact, amount: 500}
        db: {denom: uakt, amount: 700}
deployment:
  "api/v1~beta":
    "eu~west/1":
      profile: small
      count: 1
  db:
    "eu~west/1":
      profile: db
      count: 1
`,
};

interface Source {
  name: string;
  text: string;
}

function fuzzSources(): Source[] {
  const sources = Object.entries(INLINE_SDLS).map(([name, text]) => ({ name, text }));
  for (const folder of ["awesome-akash", "chain-sdk-fixtures"]) {
    for (const file of corpusFiles(folder)) sources.push({ name: `${folder}/${file}`, text: readCorpus(folder, file) });
  }
  return sources;
}

// ---------------------------------------------------------------------------------------------
// Mutations

interface Mutation {
  name: string;
  apply(text: string, rng: Rng): string;
}

const HUGE = "9".repeat(400);

/** What a scalar may be replaced with: other types, extreme numbers, YAML syntax, long strings. */
const REPLACEMENT_SCALARS: readonly string[] = [
  "0", "1", "-1", "-0", "3.14", "-2.5", "1e400", "-1e400", "1e-400", HUGE, `-${HUGE}`, "18446744073709551616",
  "9223372036854775807", "-9223372036854775809", "4294967296", "65536", "0x7fffffff", "0o777", "1_000", ".inf", "-.inf",
  ".nan", "true", "false", "yes", "no", "on", "off", "True", "null", "~", "Null", "", "''", '""', '"\\u0000"', '"\\t\\n"',
  "{}", "[]", "{a: 1}", "[1, 2, [3]]", "!!binary aGVsbG8=", "!!str 5", "!!int x", "!!float abc", "!!map {}", "!custom 3",
  "2.0", '"2.1"', "2.2", "1Gi", "512mi", "0.0001", "1000000000000Ti", "-1Gi", "1e3Gi", "0m", "-100m", "uakt", "uact",
  "ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1", "/", "relative/path", "*", "&", "|", ">", "@x",
  "`x`", "%YAML 1.2", "#not a value", "a: b: c", "- item", "? key", "'unterminated", '"unterminated', "ünïcødé ✓ 🚀",
  "\u200b\u202e", "0.5.1", "1h", "720h1m", "-1h", "1y",
];

function longString(rng: Rng): string {
  const unit = rng.pick(["a", "é", "🚀", "ab ", "0"]);
  return unit.repeat(1_000 + rng.int(7_000));
}

function randomScalar(rng: Rng): string {
  return rng.chance(0.1) ? longString(rng) : rng.pick(REPLACEMENT_SCALARS);
}

/** Characters that upset parsers and position arithmetic: controls, surrogates, wide and invisible ones. */
const TRICKY_UNICODE: readonly string[] = [
  "\u0000", "\u0001", "\u0007", "\b", "\u001b", "\u007f", "\u0085", "\u00a0", "\u2028", "\u2029", "\ufeff", "\ufffe",
  "\uffff", "\ud800", "\udfff", "\u200b", "\u200d", "\u202e", "\u0301", "é", "ß", "中文", "😀", "👩‍👩‍👧", "\t", "\r", "\r\n",
  "\u3000", "𝔘",
];

function randomCodeUnits(rng: Rng): string {
  let out = "";
  const count = 1 + rng.int(8);
  for (let i = 0; i < count; i++) {
    out += rng.chance(0.7) ? String.fromCharCode(rng.int(256)) : String.fromCharCode(rng.int(0x10000));
  }
  return out;
}

function lines(text: string): string[] {
  return text.split("\n");
}

function withLines(text: string, rng: Rng, edit: (ls: string[], rng: Rng) => void): string {
  const ls = lines(text);
  edit(ls, rng);
  return ls.join("\n");
}

function insertAt(text: string, rng: Rng, insert: string): string {
  const at = rng.int(text.length + 1);
  return text.slice(0, at) + insert + text.slice(at);
}

/** `key: value` or `- value` lines whose value can be swapped (not a block opener, not a comment). */
const VALUE_LINE = /^(\s*(?:-\s+)?(?:[^\s:#'"][^:#]*|"[^"]*"|'[^']*'):[ \t]+|\s*-\s+)(?=[^\s#])(.*)$/;
/** `key:` lines that open a block (a map or list below). */
const BLOCK_KEY_LINE = /^(\s*(?:-\s+)?[^\s:#'"][^:#]*:)\s*$/;

function indexesMatching(ls: readonly string[], pattern: RegExp): number[] {
  const found: number[] = [];
  ls.forEach((line, i) => {
    if (pattern.test(line)) found.push(i);
  });
  return found;
}

const TEXT_MUTATIONS: readonly Mutation[] = [
  {
    name: "delete-line",
    apply: (t, rng) => withLines(t, rng, (ls) => void ls.splice(rng.int(ls.length), 1)),
  },
  {
    name: "duplicate-line",
    apply: (t, rng) =>
      withLines(t, rng, (ls) => {
        const i = rng.int(ls.length);
        ls.splice(i, 0, ls[i]!);
      }),
  },
  {
    name: "swap-lines",
    apply: (t, rng) =>
      withLines(t, rng, (ls) => {
        const i = rng.int(ls.length);
        const j = rng.chance(0.5) ? Math.min(ls.length - 1, i + 1) : rng.int(ls.length);
        [ls[i], ls[j]] = [ls[j]!, ls[i]!];
      }),
  },
  {
    name: "reindent-line",
    apply: (t, rng) =>
      withLines(t, rng, (ls) => {
        const i = rng.int(ls.length);
        const line = ls[i]!;
        const indent = /^ */.exec(line)![0].length;
        ls[i] = rng.chance(0.5) ? line.slice(Math.min(indent, 1 + rng.int(4))) : " ".repeat(1 + rng.int(8)) + line;
      }),
  },
  {
    name: "reindent-block",
    apply: (t, rng) =>
      withLines(t, rng, (ls) => {
        const from = rng.int(ls.length);
        const to = Math.min(ls.length, from + 1 + rng.int(10));
        const shift = rng.pick([-4, -2, -1, 1, 2, 3, 4]);
        for (let i = from; i < to; i++) ls[i] = shift > 0 ? " ".repeat(shift) + ls[i]! : ls[i]!.replace(new RegExp(`^ {0,${-shift}}`), "");
      }),
  },
  { name: "insert-random-code-units", apply: (t, rng) => insertAt(t, rng, randomCodeUnits(rng)) },
  { name: "insert-unicode", apply: (t, rng) => insertAt(t, rng, rng.pick(TRICKY_UNICODE)) },
  { name: "truncate", apply: (t, rng) => t.slice(0, rng.int(t.length + 1)) },
  {
    name: "inject-tab",
    apply: (t, rng) =>
      rng.chance(0.5)
        ? withLines(t, rng, (ls) => {
            const i = rng.int(ls.length);
            ls[i] = ls[i]!.replace(/^( {1,4})/, "\t");
          })
        : insertAt(t, rng, "\t"),
  },
  { name: "inject-nul", apply: (t, rng) => insertAt(t, rng, "\u0000") },
  {
    name: "inject-document-marker",
    apply: (t, rng) =>
      withLines(t, rng, (ls) => {
        ls.splice(rng.int(ls.length + 1), 0, rng.pick(["---", "...", "--- !!map", "--- |", "---\nversion: '2.0'", "%YAML 1.1\n---"]));
      }),
  },
  {
    name: "replace-scalar",
    apply: (t, rng) =>
      withLines(t, rng, (ls) => {
        const candidates = indexesMatching(ls, VALUE_LINE);
        if (candidates.length === 0) return;
        const i = rng.pick(candidates);
        ls[i] = ls[i]!.replace(VALUE_LINE, (_m, prefix: string) => prefix + randomScalar(rng));
      }),
  },
  {
    name: "empty-a-block",
    apply: (t, rng) =>
      withLines(t, rng, (ls) => {
        const candidates = indexesMatching(ls, BLOCK_KEY_LINE);
        if (candidates.length === 0) return;
        const i = rng.pick(candidates);
        ls[i] = ls[i]! + " " + rng.pick(["~", "null", "[]", "{}", '""', "0", "[~]", "- x"]);
      }),
  },
  {
    name: "text-anchor-alias",
    apply: (t, rng) =>
      withLines(t, rng, (ls) => {
        const keys = indexesMatching(ls, /^\s*(?:-\s+)?[^\s:#'"][^:#]*:(\s|$)/);
        if (keys.length < 2) return;
        const a = rng.pick(keys);
        const b = rng.pick(keys);
        const name = `a${rng.int(3)}`;
        ls[a] = ls[a]!.replace(/:(\s|$)/, `: &${name}$1`);
        const indent = /^\s*(?:-\s+)?/.exec(ls[b]!)![0];
        if (rng.chance(0.3)) ls.splice(b + 1, 0, `${indent.replace(/-/g, " ")}  <<: *${name}`);
        else ls[b] = ls[b]!.replace(/:(\s.*)?$/, `: *${rng.chance(0.9) ? name : "missing"}`);
      }),
  },
  {
    name: "line-endings",
    apply: (t, rng) => (rng.chance(0.5) ? t.replace(/\n/g, "\r\n") : t.replace(/\n/g, () => (rng.chance(0.2) ? "\r" : "\n"))),
  },
  { name: "byte-order-mark", apply: (t) => "\ufeff" + t },
  {
    name: "comment-out-line",
    apply: (t, rng) =>
      withLines(t, rng, (ls) => {
        const i = rng.int(ls.length);
        ls[i] = rng.chance(0.5) ? "#" + ls[i]! : ls[i]! + " # comment: with colon";
      }),
  },
];

/** Parses with the `yaml` package's Document API, edits the tree, prints it back. */
function structural(name: string, edit: (nodes: YamlNode[], rng: Rng, root: YamlNode) => YamlNode | undefined): Mutation {
  return {
    name,
    apply(text, rng) {
      const doc = parseDocument(text, { uniqueKeys: false, strict: false });
      if (doc.errors.length > 0 || !doc.contents) return TEXT_MUTATIONS[0]!.apply(text, rng);
      const nodes: YamlNode[] = [];
      visit(doc, {
        Node(_key, node) {
          nodes.push(node as YamlNode);
        },
      });
      const replaced = edit(nodes, rng, doc.contents as YamlNode);
      if (replaced) doc.contents = replaced as typeof doc.contents;
      try {
        return doc.toString({ lineWidth: 0 });
      } catch {
        // Some edits leave a tree the printer refuses (an alias before its anchor); fall back to text.
        return TEXT_MUTATIONS[2]!.apply(text, rng);
      }
    },
  };
}

/**
 * Replaces one node in the tree (found by identity); returns the new root when the root itself is
 * replaced. The parent is edited directly rather than through `visit`'s replace-and-continue,
 * because a replacement that contains the target (wrap in a list) would be visited forever.
 */
function replaceNode(root: YamlNode, target: YamlNode, replacement: YamlNode): YamlNode | undefined {
  if (root === target) return replacement;
  let edit: (() => void) | undefined;
  visit(root, {
    Node(key, node, path) {
      if (node !== target) return undefined;
      const parent = path[path.length - 1];
      if (parent instanceof Pair && (key === "key" || key === "value")) edit = () => (parent[key] = replacement);
      else if (isSeq(parent) && typeof key === "number") edit = () => (parent.items[key] = replacement);
      return visit.BREAK;
    },
  });
  edit?.();
  return undefined;
}

function scalarNode(rng: Rng): YamlNode {
  const raw = randomScalar(rng);
  const doc = parseDocument(`x: ${raw}`, { strict: false });
  const value = isMap(doc.contents) ? doc.contents.items[0]?.value : undefined;
  return isScalar(value) || isCollection(value) ? (value as YamlNode) : new Scalar(raw);
}

const STRUCTURAL_MUTATIONS: readonly Mutation[] = [
  structural("map-to-list", (nodes, rng, root) => {
    const maps = nodes.filter(isMap);
    if (maps.length === 0) return undefined;
    const map = rng.pick(maps);
    const seq = new YAMLSeq();
    for (const pair of map.items) {
      if (rng.chance(0.5)) seq.items.push(pair.value);
      else {
        const single = new YAMLMap();
        single.items.push(new Pair(pair.key, pair.value));
        seq.items.push(single);
      }
    }
    return replaceNode(root, map, seq);
  }),
  structural("list-to-map", (nodes, rng, root) => {
    const seqs = nodes.filter(isSeq);
    if (seqs.length === 0) return undefined;
    const seq = rng.pick(seqs);
    const map = new YAMLMap();
    seq.items.forEach((item, index) => {
      const key = isMap(item) && isScalar(item.items[0]?.key) && rng.chance(0.5) ? item.items[0]!.key : new Scalar(index);
      map.items.push(new Pair(key, item));
    });
    return replaceNode(root, seq, map);
  }),
  structural("scalar-to-collection", (nodes, rng, root) => {
    const scalars = nodes.filter(isScalar);
    if (scalars.length === 0) return undefined;
    const scalar = rng.pick(scalars);
    let replacement: YamlNode;
    if (rng.chance(0.5)) {
      replacement = new YAMLSeq();
      (replacement as YAMLSeq).items.push(scalar);
    } else {
      replacement = new YAMLMap();
      (replacement as YAMLMap).items.push(new Pair(new Scalar(rng.pick(["value", "units", "size", "kind", "0"])), scalar));
    }
    return replaceNode(root, scalar, replacement);
  }),
  structural("replace-node-with-scalar", (nodes, rng, root) => replaceNode(root, rng.pick(nodes), scalarNode(rng))),
  structural("delete-map-entry", (nodes, rng) => {
    const maps = nodes.filter((n): n is YAMLMap => isMap(n) && n.items.length > 0);
    if (maps.length === 0) return undefined;
    const map = rng.pick(maps);
    map.items.splice(rng.int(map.items.length), 1);
    return undefined;
  }),
  structural("duplicate-map-entry", (nodes, rng) => {
    const maps = nodes.filter((n): n is YAMLMap => isMap(n) && n.items.length > 0);
    if (maps.length === 0) return undefined;
    const map = rng.pick(maps);
    const pair = rng.pick(map.items);
    map.items.push(new Pair(pair.key, rng.chance(0.5) ? pair.value : scalarNode(rng)));
    return undefined;
  }),
  structural("rename-map-key", (nodes, rng) => {
    const maps = nodes.filter((n): n is YAMLMap => isMap(n) && n.items.length > 0);
    if (maps.length === 0) return undefined;
    const pair = rng.pick(rng.pick(maps).items);
    pair.key = new Scalar(rng.pick(["", "a/b", "~0~1", "__proto__", "constructor", "toString", "UPPER", "with space", "é", "1", "true", "null", "-x"]));
    return undefined;
  }),
  structural("anchor-and-alias", (nodes, rng, root) => {
    const target = rng.pick(nodes);
    const name = `n${rng.int(5)}`;
    (target as { anchor?: string }).anchor = name;
    const others = nodes.filter((n) => n !== target && n !== root);
    if (others.length === 0) return undefined;
    return replaceNode(root, rng.pick(others), new Alias(name) as unknown as YamlNode);
  }),
  structural("wrap-in-list", (nodes, rng, root) => {
    const node = rng.pick(nodes);
    const seq = new YAMLSeq();
    seq.items.push(node, ...(rng.chance(0.5) ? [scalarNode(rng)] : []));
    return replaceNode(root, node, seq);
  }),
];

const MUTATIONS: readonly Mutation[] = [...TEXT_MUTATIONS, ...STRUCTURAL_MUTATIONS];

// ---------------------------------------------------------------------------------------------
// What every lint result must satisfy

const RULE_IDS = new Set(RULES.map((r) => r.id));
const LAYERS = new Set<Layer>(["yaml", "go-parser", "chain", "manifest", "provider", "schema-only", "advice"]);
/** RFC 6901: "" or a sequence of "/"-prefixed segments in which "~" only appears as ~0 or ~1. */
const JSON_POINTER = /^(?:\/(?:[^~/]|~[01])*)*$/;

function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1;
}

/** Everything wrong with one lint result, as readable lines (empty when all is well). */
function resultProblems(text: string, result: unknown): string[] {
  if (typeof result !== "object" || result === null || !Array.isArray((result as { findings?: unknown }).findings)) {
    return [`lintSdl returned ${JSON.stringify(result)} instead of {findings: [...]}`];
  }
  const findings = (result as { findings: unknown[] }).findings;
  const fileLines = text.split("\n");
  // A finding may point just past the last line (an "unexpected end of file" at the very end).
  const maxLine = fileLines.length + 1;
  const problems: string[] = [];
  findings.forEach((raw, index) => {
    const f = raw as Record<string, unknown>;
    const where = `finding ${index} ${JSON.stringify(raw)}`;
    if (typeof f.ruleId !== "string" || !RULE_IDS.has(f.ruleId)) problems.push(`${where}: ruleId is not in the catalog RULES`);
    if (f.severity !== "error" && f.severity !== "warning") problems.push(`${where}: severity is not error|warning`);
    if (typeof f.layer !== "string" || !LAYERS.has(f.layer as Layer)) problems.push(`${where}: layer is not a known Layer`);
    if (typeof f.message !== "string" || f.message.trim() === "") problems.push(`${where}: message is empty`);
    if (!isPositiveInteger(f.line) || f.line > maxLine) problems.push(`${where}: line is not an integer in 1..${maxLine}`);
    if (!isPositiveInteger(f.column)) problems.push(`${where}: column is not an integer ≥ 1`);
    else if (isPositiveInteger(f.line) && f.line <= fileLines.length) {
      const lineLength = fileLines[f.line - 1]!.length;
      if (f.column > lineLength + 1) problems.push(`${where}: column is past the end of line ${f.line} (length ${lineLength})`);
    }
    if (typeof f.path !== "string" || !JSON_POINTER.test(f.path)) problems.push(`${where}: path is not a JSON pointer`);
  });
  return problems;
}

interface Failure {
  label: string;
  input: string;
  detail: string;
}

interface Checked {
  failure?: Failure;
  ms: number;
  findingCount: number;
}

/** Lints one input and returns what went wrong, if anything. */
function check(label: string, text: string): Checked {
  const started = performance.now();
  let result: unknown;
  try {
    result = lintSdl(text);
  } catch (err) {
    const detail = err instanceof Error ? (err.stack ?? err.message).split("\n").slice(0, 12).join("\n") : String(err);
    return { failure: { label, input: text, detail: `threw: ${detail}` }, ms: performance.now() - started, findingCount: 0 };
  }
  const ms = performance.now() - started;
  const problems = [...resultProblems(text, result), ...parsePathProblems(text)];
  const findingCount = problems.length === 0 ? (result as { findings: unknown[] }).findings.length : 0;
  return { failure: problems.length > 0 ? { label, input: text, detail: problems.slice(0, 5).join("\n") } : undefined, ms, findingCount };
}

/**
 * The block-style reader (src/sdl/yaml-block.ts) is a shortcut: whenever it accepts a text, its
 * tree, value and node count must be exactly what the js-yaml path makes of the same text.
 */
function parsePathProblems(text: string): string[] {
  const block = blockParse(text);
  if (block === undefined) return [];
  const fast = fastParse(text);
  if (isDeepStrictEqual(block, fast)) return [];
  return [`the block-style reader accepted this text but disagrees with the js-yaml path: ${firstDifference(JSON.stringify(fast), JSON.stringify(block))}`];
}

function firstDifference(expected: string | undefined, actual: string): string {
  if (expected === undefined) return "js-yaml's path returned nothing";
  let i = 0;
  while (i < expected.length && expected[i] === actual[i]) i++;
  return `js-yaml path …${expected.slice(Math.max(0, i - 80), i + 80)}… vs block reader …${actual.slice(Math.max(0, i - 80), i + 80)}…`;
}

/** Asserts one named input lints cleanly, printing the failure report (not a diff of it) when not. */
function expectWellFormed(name: string, text: string): void {
  const { failure } = check(name, text);
  expect(failure === undefined, failure ? describeFailures([failure]) : "").toBe(true);
}

function describeFailures(failures: readonly Failure[]): string {
  const shown = failures.slice(0, 5).map((f) => {
    const input = f.input.length <= 4_000 ? JSON.stringify(f.input) : `${JSON.stringify(f.input.slice(0, 4_000))}… (${f.input.length} characters)`;
    return `--- ${f.label}\n${f.detail}\ninput: ${input}`;
  });
  return `${failures.length} failing case(s) (seed ${SEED}); the first ${shown.length}:\n${shown.join("\n")}`;
}

// ---------------------------------------------------------------------------------------------
// Named inputs: edge cases and regressions found by this fuzzer (kept so they stay fixed)

function nested(depth: number, open: string, close: string, leaf = "x"): string {
  return open.repeat(depth) + leaf + close.repeat(depth);
}

function blockNested(depth: number): string {
  let out = "";
  for (let i = 0; i < depth; i++) out += `${" ".repeat(i)}k${i}:\n`;
  return out + `${" ".repeat(depth)}leaf: 1\n`;
}

const billionLaughs = [
  'version: "2.0"',
  "a: &a [x, x, x, x, x, x, x, x, x, x]",
  ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`),
  "services: *i",
].join("\n");

const NAMED_INPUTS: Record<string, string> = {
  "empty file": "",
  "only white space": "   \n\n\t\n",
  "only a byte-order mark": "\ufeff",
  "only a document marker": "---",
  "two empty documents": "---\n---\n",
  "document end marker": "...",
  "null document": "~",
  "a list at the root": "- a\n- b\n",
  "a string at the root": "just a string",
  "only NUL bytes": "\u0000\u0000\u0000",
  "lone surrogate": "version: \ud800\n",
  "version only": 'version: "2.0"\n',
  "sections that are null": "version: '2.0'\nservices: ~\nprofiles: ~\ndeployment: ~\n",
  "sections that are lists": "version: '2.0'\nservices: []\nprofiles: []\ndeployment: [web]\n",
  "sections that are scalars": "version: 2\nservices: 1\nprofiles: true\ndeployment: web\n",
  "complex keys": "? {a: 1}\n: b\n[x, y]: 1\nservices:\n  ? [web]\n  : {image: nginx}\n",
  "non-string keys": "1: a\ntrue: b\n~: c\n3.5: d\nservices:\n  1:\n    image: x\n",
  "keys that need pointer escaping": "services:\n  a/b~c:\n    image: x\n    expose: 1\n",
  "__proto__ key": "__proto__:\n  polluted: true\nservices:\n  __proto__:\n    image: x\nprofiles:\n  compute:\n    constructor:\n      resources: 1\n",
  "duplicate keys": "version: '2.0'\nversion: '2.1'\nservices: {}\nservices: {}\n",
  "alias before its anchor": "services: *later\nprofiles: &later {}\n",
  "undefined alias": "services: *nowhere\n",
  "merge key of a list": "base: &b {image: x}\nservices:\n  web:\n    <<: [*b, *b]\n",
  "billion laughs": billionLaughs,
  "deeply nested flow lists": `services: ${nested(5_000, "[", "]")}\n`,
  "deeply nested flow maps": `services: ${nested(2_000, "{a: ", "}")}\n`,
  "deeply nested block maps": blockNested(500),
  "one very long line": `version: "${"x".repeat(1_000_000)}"\n`,
  "CRLF line endings": 'version: "2.0"\r\nservices:\r\n  web:\r\n    image: nginx\r\n',
  "lone CR line endings": 'version: "2.0"\rservices:\r  web:\r    image: nginx\r',
  "tab indentation": 'version: "2.0"\nservices:\n\tweb:\n\t\timage: nginx\n',
  "tags on everything": "!!map\nversion: !!float 2.0\nservices: !!seq []\nprofiles: !!set {a}\ndeployment: !!omap [a: 1]\n",
  "binary tag": "version: !!binary aGVsbG8=\n",
  "YAML directive 1.1": "%YAML 1.1\n---\nversion: yes\n",
  "unknown directive": "%FOO bar\n---\nversion: '2.0'\n",
  "unterminated quote": 'version: "2.0\nservices:\n',
  "huge numbers everywhere": `version: ${HUGE}\nservices:\n  web:\n    image: x\n    expose:\n      - port: ${HUGE}\n        as: -${HUGE}\n        to: [{global: 1e400}]\n`,
};

/**
 * Inputs that crashed or broke an invariant, minimised by hand, each named by what it does. Go's
 * yaml.v3 refuses the first two ("anchor 'a' value contains itself"), so they should become a
 * yaml-syntax finding, not an exception.
 */
const REGRESSIONS: Record<string, string> = {
  // Found by the anchor-and-alias mutation: RangeError (stack overflow) in toPlain, src/sdl/yaml.ts.
  "alias to its own anchor, in a mapping": "a: &a\n  b: *a\n",
  "alias to its own anchor, in a list": "a: &a\n  - *a\n",
  // Found by insert-unicode/inject-tab/anchor mutations: the yaml package's LineCounter misses the
  // start of line 3 after this error, so the ":" of "l:" (line 3, column 2) was reported at 2:5,
  // past the end of line 2; every later finding in such a file is off by one line.
  "syntax error after a line that starts with ' :' keeps its real line": " :\n34\nl:",
};

// ---------------------------------------------------------------------------------------------

describe("lintSdl fuzzing", () => {
  const sources = fuzzSources();
  const sourceNote = HAS_CORPUS ? `${sources.length} inputs (awesome-akash, chain-sdk-fixtures, inline)` : `${sources.length} inline SDLs only (${CORPUS_MISSING})`;

  it(`never throws and returns well-formed findings on ${CASES} mutated SDLs, seed ${SEED}, ${sourceNote}`, () => {
    console.log(`lint fuzz: seed ${SEED} (set LINT_FUZZ_SEED to change it), ${CASES} cases from ${sourceNote}`);
    const failures: Failure[] = [];
    const applied = new Map<string, number>();
    let slowest = { ms: 0, label: "" };
    let withFindings = 0;
    let lintMs = 0;
    const timings: Array<{ ms: number; label: string; input: string }> = [];
    const started = performance.now();
    for (let index = 0; index < CASES; index++) {
      const rng = new Rng(caseSeed(SEED, index));
      const source = rng.pick(sources);
      let text = source.text;
      const names: string[] = [];
      const count = 1 + rng.int(3);
      for (let m = 0; m < count; m++) {
        const mutation = rng.pick(MUTATIONS);
        text = mutation.apply(text, rng);
        names.push(mutation.name);
        applied.set(mutation.name, (applied.get(mutation.name) ?? 0) + 1);
      }
      const label = `case ${index} (seed ${SEED}): ${source.name} + ${names.join(" + ")}`;
      const { failure, ms, findingCount } = check(label, text);
      if (failure) failures.push(failure);
      else if (findingCount > 0) withFindings++;
      lintMs += ms;
      timings.push({ ms, label, input: text });
      if (ms > slowest.ms) slowest = { ms, label };
    }
    const totalMs = performance.now() - started;
    const medianMs = timings.map((t) => t.ms).sort((a, b) => a - b)[Math.floor(timings.length / 2)]!;
    for (const { ms, label, input } of timings) {
      if (ms <= HANG_FACTOR * medianMs) continue;
      // A pause of the whole process (a GC, a busy machine stealing the CPU) can hit any one case:
      // time it again, and only a case that is slow both times is a hang.
      const again = check(label, input).ms;
      if (again <= HANG_FACTOR * medianMs) continue;
      const detail = `took ${ms.toFixed(0)} ms and then ${again.toFixed(0)} ms, more than ${HANG_FACTOR}× the median case (${medianMs.toFixed(2)} ms): a hang, or work that grows faster than the input`;
      failures.push({ label, input, detail });
    }
    console.log(
      `lint fuzz: ${withFindings} of ${CASES} cases had findings; ${(lintMs / 1000).toFixed(1)} s linting of ${(totalMs / 1000).toFixed(1)} s; ` +
        `slowest ${slowest.ms.toFixed(0)} ms (${slowest.label})`,
    );
    expect(
      failures.map((f) => f.label),
      describeFailures(failures),
    ).toEqual([]);
    // The generator must really exercise every mutation, or the test proves less than it claims.
    for (const mutation of MUTATIONS) expect(applied.get(mutation.name) ?? 0, `mutation ${mutation.name} never ran`).toBeGreaterThan(20);
    // Mutated SDLs are mostly broken: if almost none produce findings, the linter is not looking.
    expect(withFindings).toBeGreaterThan(CASES / 4);
  }, 120_000);

  it("is deterministic: the same input gives the same findings", () => {
    for (const source of sources.slice(0, 50)) expect(lintSdl(source.text)).toEqual(lintSdl(source.text));
  });

  describe("named edge inputs", () => {
    for (const [name, text] of Object.entries(NAMED_INPUTS)) {
      it(name, () => expectWellFormed(name, text));
    }
  });

  describe("regressions found by this fuzzer", () => {
    // 20,000 top-level keys (about 250 KB, far below the runner's 4 MiB cap) took 10 s, and 50,000
    // took 92 s: work that grows with the square of the number of keys (the yaml package's
    // uniqueKeys check, locate() per schema finding, withoutEchoes()). Linear work makes 4× the keys
    // cost about 4× the time, quadratic work up to 16×; below 4,000 keys the quadratic part hides
    // behind the linear one. Garbage collection alone can triple one run, so each side counts its
    // best of three; the large input stops at its first run within the limit, so a linear engine
    // usually pays for it once.
    it("lint time grows linearly with the number of keys (4× the keys, at most 8× the time)", () => {
      const MAX_RATIO = 8;
      const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join("\n");
      // CPU time of this process, not wall time: on a loaded machine (CI runs the rehearsed
      // registry beside this) waiting for a core would count as lint time.
      const timeOf = (text: string) => {
        const started = process.cpuUsage();
        lintSdl(text);
        const used = process.cpuUsage(started);
        return (used.user + used.system) / 1000;
      };
      const small = keys(4_000);
      const large = keys(16_000);
      timeOf(small); // warm-up: JIT and the lazily built schema validator
      const smallMs = Math.min(timeOf(small), timeOf(small), timeOf(small));
      let largeMs = Infinity;
      for (let run = 0; run < 3 && largeMs / smallMs > MAX_RATIO; run++) largeMs = Math.min(largeMs, timeOf(large));
      const ratio = largeMs / smallMs;
      expect(ratio, `linting 16,000 keys took ${ratio.toFixed(1)}× as long as 4,000 keys (${largeMs.toFixed(0)} ms vs ${smallMs.toFixed(0)} ms)`).toBeLessThanOrEqual(MAX_RATIO);
    });

    for (const [name, text] of Object.entries(REGRESSIONS)) {
      it(name, () => expectWellFormed(name, text));
    }
  });
});
