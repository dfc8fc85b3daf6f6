// A folder lint never skips an SDL silently: every SDL is found whatever its indentation, document
// markers, comments or key order, and every other YAML file is counted and, with --verbose, listed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { discoverFiles, notAnSdlBecause } from "../src/lint/discover.js";
import { lintFiles } from "../src/lint/run.js";
import { CORPUS_MISSING, HAS_CORPUS, corpusPath } from "./support/corpus.js";
import { BASE } from "./support/sdl-cases.js";
import { CLI, ensureBuilt } from "./support/built-cli.js";

/** The four awesome-akash SDLs whose keys sit indented under `---` (flame also has CRLF line ends). */
const INDENTED_CORPUS_FILES = ["webtop__deploy.yaml", "ollama-tee__deploy.yaml", "Elizaos-ai_Agents__deploy.yaml", "flame__deploy.yaml"];

/** YAML files a repository holds beside its SDLs, none of them an SDL. */
const OTHER_YAML: Record<string, string> = {
  "ci/workflow.yml": "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      db:\n        image: postgres:16\n    steps:\n      - run: echo deployment\n",
  "compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    profiles: [debug]\n    deploy:\n      replicas: 2\nvolumes:\n  data: {}\n",
  "chart/values.yaml": "replicaCount: 1\nimage:\n  repository: nginx\nservice:\n  type: ClusterIP\ndeployment:\n  annotations: {}\n",
};

function indented(text: string, by: number): string {
  const pad = " ".repeat(by);
  return text
    .split("\n")
    .map((line) => (line === "" ? line : pad + line))
    .join("\n");
}

/** SDLs in every shape a folder lint must still find. */
const SDL_SHAPES: Record<string, string> = {
  "column-one.yaml": BASE,
  "indented-under-marker.yaml": "---\n" + indented(BASE, 2),
  "indented-four-crlf.yaml": ("---\n" + indented(BASE, 4)).replace(/\n/g, "\r\n"),
  "comments-and-directive.yaml": "%YAML 1.2\n# the web service\n\n---   # first document\n" + indented(BASE, 2),
  "keys-reordered.yaml": BASE.slice(BASE.indexOf("profiles:")) + BASE.slice(0, BASE.indexOf("profiles:")),
  "quoted-keys.yaml": BASE.replace(/^services:/m, '"services":').replace(/^deployment:/m, "'deployment':"),
  "content-on-marker.yml": "--- " + BASE,
  "flow-style.yaml": '{version: "2.0", services: {web: {image: "nginx:1.27.3"}}, profiles: {}, deployment: {}}\n',
  "bom.yaml": "\uFEFF" + BASE,
  "only-profiles.yaml": BASE.slice(0, BASE.indexOf("deployment:")),
};

describe("which YAML text is an SDL", () => {
  it.each(Object.entries(SDL_SHAPES))("finds %s", (_name, text) => {
    expect(notAnSdlBecause(text)).toBeUndefined();
  });

  it.each(Object.entries(OTHER_YAML))("skips %s, saying why", (_name, text) => {
    expect(notAnSdlBecause(text)).toMatch(/^no top-level "/);
  });

  it("does not take keys nested under another key, or in comments, for top-level ones", () => {
    expect(notAnSdlBecause("app:\n  services:\n    web: {}\n  deployment: {}\n")).toBe('no top-level "services:", "deployment:" or "profiles:" key');
    expect(notAnSdlBecause("# services:\n# deployment:\nname: x\n")).toBe('no top-level "services:", "deployment:" or "profiles:" key');
    expect(notAnSdlBecause("services:\n  web: {}\n")).toBe('no top-level "deployment:" or "profiles:" key');
    expect(notAnSdlBecause("deployment: {}\n")).toBe('no top-level "services:" key');
  });
});

describe("a folder lint", () => {
  let work: string;
  beforeAll(() => {
    ensureBuilt();
    work = mkdtempSync(join(tmpdir(), "akash-stack-discovery-"));
    for (const [path, text] of Object.entries({ ...OTHER_YAML, ...Object.fromEntries(Object.entries(SDL_SHAPES).map(([n, t]) => [`shapes/${n}`, t])) })) {
      mkdirSync(dirname(join(work, "repo", path)), { recursive: true });
      writeFileSync(join(work, "repo", path), text);
    }
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("lints every SDL shape and counts the other YAML files with their reasons", () => {
    const report = lintFiles(["repo"], { cwd: work });
    expect(report.files.map((f) => f.path.split(/[\\/]/).pop()).sort()).toEqual(Object.keys(SDL_SHAPES).sort());
    expect(report.skipped.map((s) => s.path.replace(/\\/g, "/"))).toEqual(["repo/chart/values.yaml", "repo/ci/workflow.yml", "repo/compose.yaml"]);
    expect(report.summary.skipped).toBe(3);
    expect(report.skipped.every((s) => s.reason.startsWith("no top-level"))).toBe(true);
  });

  it("says how many YAML files it skipped in the summary, and lists them with --verbose", () => {
    const quiet = spawnSync(process.execPath, [CLI, "lint", "repo"], { cwd: work, encoding: "utf8" });
    expect(quiet.stderr).toMatch(/ in 10 files; 3 other YAML files skipped \(not an SDL; --verbose lists them\)$/m);
    expect(quiet.stderr).not.toMatch(/skipped repo/);
    const verbose = spawnSync(process.execPath, [CLI, "lint", "--verbose", "repo"], { cwd: work, encoding: "utf8" });
    expect(verbose.stderr).toContain(`akash-stack lint: skipped ${join("repo", "compose.yaml")}: not an SDL (no top-level "deployment:" or "profiles:" key); name it explicitly to lint it anyway\n`);
    expect(verbose.stderr.match(/: skipped /g)).toHaveLength(3);
    const json = JSON.parse(spawnSync(process.execPath, [CLI, "lint", "--format", "json", "repo"], { cwd: work, encoding: "utf8" }).stdout);
    expect(json.summary).toMatchObject({ files: 10, skipped: 3 });
    expect(json.skipped).toContainEqual({ path: join("repo", "chart", "values.yaml"), reason: 'no top-level "services:" key' });
  });

  it("always lints a file named explicitly, SDL or not", () => {
    const report = lintFiles([join("repo", "compose.yaml")], { cwd: work });
    expect(report.files).toHaveLength(1);
    expect(report.skipped).toEqual([]);
  });

  it("names the skipped files in the error when a folder holds no SDL", () => {
    const discovery = discoverFiles([join("repo", "chart")], { cwd: work });
    expect(discovery.errors).toEqual([expect.stringMatching(/^no SDL files found under .*chart: .*\(1 other YAML file skipped; --verbose lists them\)/)]);
  });

  describe.skipIf(!HAS_CORPUS && process.env.CI !== "true")(`the four indented awesome-akash SDLs (${HAS_CORPUS ? "corpus present" : CORPUS_MISSING})`, () => {
    it("are linted from a folder beside a workflow, a compose file and a Helm values file", () => {
      if (!HAS_CORPUS) throw new Error(CORPUS_MISSING);
      const folder = join(work, "awesome");
      mkdirSync(folder, { recursive: true });
      for (const name of INDENTED_CORPUS_FILES) copyFileSync(corpusPath("awesome-akash", name), join(folder, name));
      for (const [path, text] of Object.entries(OTHER_YAML)) {
        mkdirSync(dirname(join(folder, path)), { recursive: true });
        writeFileSync(join(folder, path), text);
      }
      const run = spawnSync(process.execPath, [CLI, "lint", "--format", "json", "awesome"], { cwd: work, encoding: "utf8" });
      const report = JSON.parse(run.stdout) as { files: Array<{ path: string; findings: unknown[] }>; summary: { files: number; skipped: number } };
      expect(report.files.map((f) => f.path).sort()).toEqual(INDENTED_CORPUS_FILES.map((n) => join("awesome", n)).sort());
      expect(report.summary).toMatchObject({ files: 4, skipped: 3 });
      // each is linted exactly as when named on its own
      for (const name of INDENTED_CORPUS_FILES) {
        const alone = lintFiles([join(folder, name)]).files[0]!.findings;
        expect(report.files.find((f) => f.path.endsWith(name))!.findings).toEqual(alone);
        expect(readFileSync(join(folder, name), "utf8")).toMatch(/^---\r?\n +version:/);
      }
    });
  });
});
