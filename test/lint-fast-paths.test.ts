/**
 * The shortcuts `akash-stack lint` takes for speed (issue #2) must not change a single finding.
 * Each test here runs a shortcut next to the straightforward path it replaces and expects the same
 * result: rule-id ordering without ICU, the parser's plain data instead of `toPlain`, the folder
 * walk's text instead of a second read, the per-day denom policy, and the pre-compiled bundles
 * (the CLI front with the lint engine, the `yaml` package) with their V8 code caches.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import * as yamlPackage from "yaml";
import { discoverFiles } from "../src/lint/discover.js";
import { lintFiles } from "../src/lint/run.js";
import { pointerSegment, type Finding } from "../src/sdl/findings.js";
import { lintSdl } from "../src/sdl/index.js";
import { lintText, sortFindings } from "../src/sdl/lint.js";
import { RULES } from "../src/sdl/rules/catalog.js";
import { schemaFindings } from "../src/sdl/schema/index.js";
import { runCachedBundle } from "../src/sdl/cached-script.js";
import { parseYaml, toPlain, type YNode } from "../src/sdl/yaml.js";
import { CORPUS_MISSING, HAS_CORPUS, PROJECT_ROOT, corpusFiles, corpusPath, readCorpus } from "./support/corpus.js";

/** Every corpus SDL, or none when the corpus is absent (tests below then use the inline SDLs only). */
function corpusTexts(): Array<{ name: string; text: string }> {
  return ["awesome-akash", "chain-sdk-fixtures"].flatMap((folder) => corpusFiles(folder).map((file) => ({ name: `${folder}/${file}`, text: readCorpus(folder, file) })));
}

const VALID = `version: "2.0"
services:
  web:
    image: nginx:1.27
    expose:
      - port: 80
        as: 80
        accept: [web.example.com]
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu: {units: 0.5}
        memory: {size: 512Mi}
        storage: {size: 1Gi}
  placement:
    dcloud:
      pricing:
        web: {denom: uakt, amount: 1000}
deployment:
  web:
    dcloud:
      profile: web
      count: 1
`;

/** Inline SDLs for the parser checks: keys that are not their own text, anchors, odd values. */
const INLINE: Record<string, string> = {
  valid: VALID,
  "numeric and null keys": 'version: "2.0"\nservices:\n  1.0: {image: x}\n  ~: {image: y}\n  "80": {image: z}\nprofiles: {}\n',
  "anchors and aliases": 'version: "2.0"\nservices:\n  a: &s {image: nginx:1, expose: [{port: 80, to: [{global: true}]}]}\n  b: *s\n',
  "anchor written before a key": 'version: "2.0"\nservices:\n  web:\n    &k image: nginx\n    env: [*k]\n',
  "__proto__ key": 'version: "2.0"\nservices:\n  __proto__: {image: x}\n',
  "numbers, booleans and nulls": 'version: 2.0\nservices:\n  w:\n    image: 12\n    env: [true, null, ~, .inf, -0, 0x1f, 1e3]\n',
  "empty values": 'version: "2.0"\nservices:\n  w:\n    image:\n    expose:\nprofiles:\n',
};

function allTexts(): Array<{ name: string; text: string }> {
  return [...Object.entries(INLINE).map(([name, text]) => ({ name, text })), ...corpusTexts()];
}

describe("sorting findings by rule id", () => {
  it("rule ids use only lowercase letters, digits and '-', so code-unit order is locale-independent", () => {
    for (const { id } of RULES) expect(id, id).toMatch(/^[a-z][a-z0-9-]*$/);
  });

  it("orders findings at one position by rule id exactly as the ICU collation (localeCompare) did", () => {
    const ids = [...RULES.map((r) => r.id), "yaml-syntax"];
    const atOnePlace = (id: string): Finding => ({ ruleId: id, severity: "warning", layer: "advice", message: id, line: 3, column: 7, path: "" });
    // reversed input, so a sort that did nothing would fail
    const sorted = sortFindings([...ids].reverse().map(atOnePlace)).map((f) => f.ruleId);
    expect(sorted).toEqual([...ids].sort((a, b) => a.localeCompare(b, "en")));
  });
});

describe("the parser's plain data (the schema layer's input)", () => {
  it("equals toPlain(root), key order included, whenever the parser provides it", () => {
    let provided = 0;
    for (const { name, text } of allTexts()) {
      const parsed = parseYaml(text);
      if (parsed.plain === undefined || !parsed.root) continue;
      provided++;
      // JSON text compares key order too; the values in SDLs are JSON-safe except NaN/Infinity
      expect(JSON.stringify(parsed.plain), name).toBe(JSON.stringify(toPlain(parsed.root)));
      expect(parsed.plain, name).toEqual(toPlain(parsed.root));
    }
    expect(provided).toBeGreaterThan(0);
  });

  it("is left out where js-yaml's value and the tree may differ: keys that are not their text, anchors", () => {
    for (const name of ["numeric and null keys", "anchors and aliases", "anchor written before a key"]) {
      expect(parseYaml(INLINE[name]!).plain, name).toBeUndefined();
    }
  });

  it("gives the same schema findings as validating toPlain(root)", () => {
    for (const { name, text } of allTexts()) {
      const parsed = parseYaml(text);
      if (!parsed.root) continue;
      expect(schemaFindings(parsed.root, parsed), name).toEqual(schemaFindings(parsed.root));
    }
  });

  it("comes with every node's JSON pointer assigned in the same walk (documents without anchors)", () => {
    /** Pointers the walk got wrong, found by walking the tree again the plain way. */
    const wrongPointers = (node: YNode, expected: string, wrong: string[]): string[] => {
      if (node.pointer !== expected) wrong.push(`${expected} has ${node.pointer}`);
      if (node.kind === "map") {
        for (const e of node.entries) {
          const child = `${expected}/${pointerSegment(e.key.text)}`;
          if (e.key.pointer !== child) wrong.push(`key ${child} has ${e.key.pointer}`);
          wrongPointers(e.value, child, wrong);
        }
      } else if (node.kind === "seq") {
        node.items.forEach((item, i) => wrongPointers(item, `${expected}/${i}`, wrong));
      }
      return wrong;
    };
    let walked = 0;
    for (const { name, text } of allTexts()) {
      const parsed = parseYaml(text);
      if (!parsed.root || parsed.plain === undefined) continue; // the anchors-free js-yaml path
      walked++;
      expect(wrongPointers(parsed.root, "", []), name).toEqual([]);
    }
    expect(walked).toBeGreaterThan(0);
  });
});

describe("the folder walk's text", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "akash-stack-fast-paths-"));
    mkdirSync(join(work, "sub", "deeper"), { recursive: true });
    writeFileSync(join(work, "top.yaml"), VALID);
    writeFileSync(join(work, "sub", "deeper", "b.yml"), VALID.replace("nginx:1.27", "nginx:1.26"));
    writeFileSync(join(work, "sub", "not-sdl.yaml"), "name: ci\non: push\n");
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("is each file's whole content, and display paths are as relative() makes them", () => {
    const inside = discoverFiles(["."], { cwd: work });
    expect(inside.files.map((f) => f.path)).toEqual([`sub${sep}deeper${sep}b.yml`, "top.yaml"]);
    for (const file of inside.files) expect(file.text).toBe(readFileSync(file.absolutePath, "utf8"));
    // the working folder named by its path, a folder below it, a folder outside it
    expect(discoverFiles([work], { cwd: work }).files.map((f) => f.path)).toEqual([`sub${sep}deeper${sep}b.yml`, "top.yaml"]);
    expect(discoverFiles(["sub"], { cwd: work }).files.map((f) => f.path)).toEqual([`sub${sep}deeper${sep}b.yml`]);
    // from a folder below: files inside it by their relative path, the others by their absolute path
    expect(discoverFiles([work], { cwd: join(work, "sub", "deeper") }).files.map((f) => f.path)).toEqual(["b.yml", join(work, "top.yaml")]);
  });

  it("gives the same report as linting each file read on its own", () => {
    const report = lintFiles(["."], { cwd: work });
    const expected = report.files.map((f) => lintText(readFileSync(join(work, f.path), "utf8")).findings);
    expect(report.files.map((f) => f.findings)).toEqual(expected);
    expect(report.files.length).toBe(2);
  });
});

describe("the denom policy, computed once per day", () => {
  afterEach(() => vi.useRealTimers());

  it("follows the clock across the day the uact rule starts", () => {
    const denomUact = () => lintSdl(VALID, { network: "mainnet" }).findings.filter((f) => f.ruleId === "denom-uact");
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-03-30T23:59:00Z"));
    expect(denomUact()).toEqual([]);
    vi.setSystemTime(new Date("2026-03-31T00:01:00Z"));
    expect(denomUact()).toHaveLength(1);
    vi.setSystemTime(new Date("2026-03-30T12:00:00Z"));
    expect(denomUact()).toEqual([]);
  });
});

describe("the pre-compiled bundles with V8 code caches", () => {
  let folder: string;
  let engine: { lintFiles: typeof lintFiles; RULES: typeof RULES };
  let engineCacheAccepted: boolean;

  beforeAll(async () => {
    // Built into a folder of our own, so this test never races the CLI build of other test files.
    folder = mkdtempSync(join(tmpdir(), "akash-stack-bundles-"));
    const script = pathToFileURL(join(PROJECT_ROOT, "scripts", "build-cached-bundles.mjs")).href;
    const { buildCachedBundles } = (await import(script)) as { buildCachedBundles(folder: string, root: string): Promise<void> };
    await buildCachedBundles(folder, PROJECT_ROOT);
    const loaded = runCachedBundle(join(folder, "cli-front.cjs"));
    engine = loaded.exports as typeof engine;
    engineCacheAccepted = loaded.cacheAccepted;
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("V8 accepts the caches the build made (else every cold lint compiles the engine again)", () => {
    expect(engineCacheAccepted).toBe(true);
    expect(runCachedBundle(join(folder, "yaml-vendor.cjs")).cacheAccepted).toBe(true);
  });

  it("the bundled engine lints exactly like the source", () => {
    const work = mkdtempSync(join(tmpdir(), "akash-stack-bundle-lint-"));
    try {
      for (const [name, text] of Object.entries(INLINE)) writeFileSync(join(work, `${name.replace(/\W+/g, "-")}.yaml`), text);
      writeFileSync(join(work, "broken.yaml"), "--\nversion: '2.0'\nservices:\n  web:\n    image: nginx\n");
      const files = [join(work, "broken.yaml"), ...Object.keys(INLINE).map((name) => join(work, `${name.replace(/\W+/g, "-")}.yaml`))];
      expect(engine.lintFiles(files, { network: "mainnet" })).toEqual(lintFiles(files, { network: "mainnet" }));
      expect(engine.RULES).toEqual(RULES);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it.skipIf(!HAS_CORPUS)(`the bundled engine lints the SDL corpus exactly like the source${HAS_CORPUS ? "" : ` (skipped: ${CORPUS_MISSING})`}`, () => {
    const folders = [corpusPath("awesome-akash"), corpusPath("chain-sdk-fixtures")];
    expect(engine.lintFiles(folders)).toEqual(lintFiles(folders));
  });

  it("the bundled yaml package reports what the package does for a file js-yaml cannot read", () => {
    type Yaml = typeof import("yaml");
    const bundled = runCachedBundle(join(folder, "yaml-vendor.cjs")).exports as Yaml;
    const text = "--\nversion: '2.0'\nservices:\n  web:\n    image: nginx\n";
    const options = { schema: "core", uniqueKeys: false, prettyErrors: false, strict: false } as const;
    const errors = (yaml: Yaml) => yaml.parseAllDocuments(text, options).flatMap((d) => ("errors" in d ? d.errors.map((e) => [e.code, e.message, e.pos]) : []));
    const fromPackage = errors(yamlPackage);
    expect(fromPackage.length).toBeGreaterThan(0);
    expect(errors(bundled)).toEqual(fromPackage);
  });
});
