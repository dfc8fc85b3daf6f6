// The lint config file (.akash-stack.yaml) and inline suppressions (# akash-stack-ignore …), every
// form: found by walking up, nearest wins, --config, ignore, severity overrides, per-path overrides,
// network, max-warnings, unknown keys and rule ids with suggestions; suppressions on the line and
// the line before, whole-file ones, a missing reason, an unknown rule, an unused one, and SARIF.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseConfig } from "../src/lint/config.js";
import { lintFiles, type LintReport } from "../src/lint/run.js";
import { applySuppressions } from "../src/lint/suppressions.js";
import { RULES } from "../src/sdl/rules/catalog.js";
import type { Finding } from "../src/sdl/findings.js";
import { BASE } from "./support/sdl-cases.js";
import { CLI, ensureBuilt } from "./support/built-cli.js";

/** Two warnings: image-unpinned at 4:12 (the image) and ingress-without-host at 8:15 (the port's expose). */
const TWO_WARNINGS = BASE.replace("nginx:1.27.3", "nginx:latest").replace("        accept:\n          - www.example.com\n", "");
/** One error on every network: denom-uact at 28:18. */
const UAKT = BASE.replace("denom: uact", "denom: uakt");
const KNOWN = new Set(RULES.map((r) => r.id));

let work: string;

function write(relativePath: string, content: string): string {
  const path = join(work, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

function ids(report: LintReport, file = 0): string[] {
  return report.files[file]!.findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.ruleId}`);
}

function cli(args: string[], cwd = work) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "akash-stack-config-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the config file", () => {
  it("is found by walking up from each SDL, and the nearest one wins", () => {
    write("walk/.akash-stack.yaml", "ignore: [image-unpinned]\n");
    write("walk/a/deploy.yaml", TWO_WARNINGS);
    write("walk/b/.akash-stack.yaml", "ignore: [ingress-without-host]\n");
    write("walk/b/deploy.yaml", TWO_WARNINGS);
    const report = lintFiles(["walk"], { cwd: work });
    expect(report.files.map((f) => f.path)).toEqual([join("walk", "a", "deploy.yaml"), join("walk", "b", "deploy.yaml")]);
    expect(ids(report, 0)).toEqual(["8:15 warning ingress-without-host"]);
    expect(ids(report, 1)).toEqual(["4:12 warning image-unpinned"]);
    // without configs, both warnings in both files
    expect(lintFiles(["walk"], { cwd: work, config: false }).summary.warnings).toBe(4);
  });

  it("--config names one file for every SDL instead", () => {
    write("explicit.yaml", "rules:\n  image-unpinned: error\n");
    const report = lintFiles(["walk"], { cwd: work, config: "explicit.yaml" });
    expect(ids(report, 0)).toEqual(["4:12 error image-unpinned", "8:15 warning ingress-without-host"]);
    expect(ids(report, 1)).toEqual(["4:12 error image-unpinned", "8:15 warning ingress-without-host"]);
  });

  it("applies severity overrides and per-path overrides (globs relative to its folder, later ones win)", () => {
    write(
      "paths/.akash-stack.yaml",
      [
        "rules:",
        "  ingress-without-host: error",
        "overrides:",
        '  - files: ["legacy/**"]',
        "    ignore: [denom-uact]",
        "    rules: { ingress-without-host: warning }",
        "  - files: legacy/strict.yaml",
        "    rules:",
        "      image-unpinned: error",
        "",
      ].join("\n"),
    );
    write("paths/new.yaml", TWO_WARNINGS);
    write("paths/legacy/old.yaml", TWO_WARNINGS + "# keep\n");
    write("paths/legacy/strict.yaml", TWO_WARNINGS);
    write("paths/legacy/uakt.yaml", UAKT);
    const report = lintFiles(["paths"], { cwd: work });
    const byName = (name: string) => ids(report, report.files.findIndex((f) => f.path.endsWith(name)));
    expect(byName("new.yaml")).toEqual(["4:12 warning image-unpinned", "8:15 error ingress-without-host"]);
    expect(byName("old.yaml")).toEqual(["4:12 warning image-unpinned", "8:15 warning ingress-without-host"]);
    expect(byName("strict.yaml")).toEqual(["4:12 error image-unpinned", "8:15 warning ingress-without-host"]);
    expect(byName("uakt.yaml")).toEqual([]);
  });

  it("sets the network and max-warnings; flags win over it", () => {
    write("net/.akash-stack.yaml", "network: sandbox\nmax-warnings: 1\n");
    write("net/deploy.yaml", UAKT);
    write("net/warn.yaml", TWO_WARNINGS);
    const report = lintFiles(["net"], { cwd: work });
    expect(report.files[0]!.findings[0]!.message).toMatch(/the sandbox node accepts only uact/);
    expect(lintFiles(["net"], { cwd: work, network: "mainnet" }).files[0]!.findings[0]!.message).toMatch(/the mainnet node/);
    expect(report.configMaxWarnings).toBe(1);
    const run = cli(["lint", "--ignore", "denom-uact", "net"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("2 warnings, more than max-warnings in the config 1 allows");
    expect(cli(["lint", "--ignore", "denom-uact", "--max-warnings", "5", "net"]).code).toBe(0);
  });

  it("rejects unknown keys, rule ids, severities and values, each at FILE:LINE:COL with a suggestion", () => {
    const text = [
      "ignroe: [image-unpinned]",
      "ignore: [image-unpined, ingress-without-host]",
      "rules:",
      "  denom-uact: fatal",
      "  image-unpinnd: error",
      "network: mainet",
      "max-warnings: many",
      "overrides:",
      "  - file: [x]",
      "    ignore: [denom-uact]",
      "",
    ].join("\n");
    const parsed = parseConfig(text, ".akash-stack.yaml", KNOWN);
    expect("errors" in parsed && parsed.errors).toEqual([
      '.akash-stack.yaml:1:1: unknown key "ignroe" in the config (did you mean "ignore"?); the keys are network, max-warnings, ignore, rules, overrides',
      '.akash-stack.yaml:2:10: unknown rule id "image-unpined" (did you mean "image-unpinned"?); the rule ids are listed in docs/rules/README.md',
      ".akash-stack.yaml:4:15: the severity of denom-uact must be error or warning (use ignore to turn a rule off)",
      '.akash-stack.yaml:5:3: unknown rule id "image-unpinnd" (did you mean "image-unpinned"?); the rule ids are listed in docs/rules/README.md',
      '.akash-stack.yaml:6:10: network must be mainnet or sandbox (did you mean "mainnet"?)',
      ".akash-stack.yaml:7:15: max-warnings must be a whole number of warnings (0 or more)",
      '.akash-stack.yaml:9:5: unknown key "file" in an override (did you mean "files"?); the keys are files, ignore, rules',
      ".akash-stack.yaml:9:5: an override needs files: the globs of the SDL paths it applies to, relative to the config's folder (e.g. [\"legacy/**\"])",
    ]);
  });

  it("accepts an empty file, and rejects one that is not a mapping or not YAML", () => {
    expect(parseConfig("", "c.yaml", KNOWN)).toMatchObject({ config: { overrides: [] } });
    expect(parseConfig("- ignore\n", "c.yaml", KNOWN)).toEqual({ errors: ["c.yaml:1:1: the config must be a mapping of network, max-warnings, ignore, rules, overrides"] });
    expect(parseConfig("ignore: [a\n", "c.yaml", KNOWN)).toMatchObject({ errors: [expect.stringMatching(/^c\.yaml:\d+:\d+: .*; fix the YAML$/)] });
  });

  it("a broken config is unreadable input: exit 2, its errors once, and its SDLs not linted", () => {
    write("broken/.akash-stack.yaml", "ignore: [nope-rule]\n");
    write("broken/a.yaml", TWO_WARNINGS);
    write("broken/b.yaml", TWO_WARNINGS);
    const run = cli(["lint", "broken"]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines.filter((l) => l.includes("unknown rule id"))).toEqual([`akash-stack lint: ${join("broken", ".akash-stack.yaml")}:1:10: unknown rule id "nope-rule"; the rule ids are listed in docs/rules/README.md`]);
    expect(lines.filter((l) => l.includes("not linted, because its config file has errors"))).toHaveLength(2);
    expect(cli(["lint", "--config", "missing.yaml", join("walk", "a")]).stderr).toMatch(/--config missing\.yaml: no such file or folder/);
  });
});

describe("inline suppressions", () => {
  const at = (line: number, ruleId = "image-unpinned"): Finding => ({ ruleId, severity: "warning", layer: "advice", message: "m", line, column: 3, path: "" });

  it("cover their own line, and the next line when alone on theirs", () => {
    const text = ["a: 1 # akash-stack-ignore image-unpinned: pinned by digest upstream", "  # akash-stack-ignore image-unpinned, ingress-without-host: demo only", "b: 2", "c: 3", ""].join("\n");
    const result = applySuppressions(text, [at(1), at(3), at(3, "ingress-without-host"), at(4)]);
    expect(result.findings).toEqual([at(4)]);
    expect(result.suppressed.map((s) => [s.finding.line, s.finding.ruleId, s.justification])).toEqual([
      [1, "image-unpinned", "pinned by digest upstream"],
      [3, "image-unpinned", "demo only"],
      [3, "ingress-without-host", "demo only"],
    ]);
    expect(result.problems).toEqual([]);
  });

  it("a trailing one does not cover the next line; a file-wide one covers every line", () => {
    const text = "a: 1 # akash-stack-ignore image-unpinned: here only\nb: 2\n# akash-stack-ignore-file ingress-without-host: internal network\n";
    const result = applySuppressions(text, [at(1), at(2), at(9, "ingress-without-host")]);
    expect(result.findings).toEqual([at(2)]);
    expect(result.suppressed).toHaveLength(2);
  });

  it("reports a missing reason (and does not suppress), an unknown rule with a suggestion, and unused ones", () => {
    const text = [
      "a: 1 # akash-stack-ignore image-unpinned",
      "b: 2 # akash-stack-ignore image-unpined: typo",
      "c: 3 # akash-stack-ignore ingress-without-host: nothing here",
      "# akash-stack-ignore-file denom-uact: never reported",
      "d: 4 # akash-stack-ignore: no rule",
      "e: 5 # akash-stack-ignore suppression-unused: sneaky",
      "",
    ].join("\n");
    const result = applySuppressions(text, [at(1), at(2)]);
    expect(result.findings).toEqual([at(1), at(2)]);
    expect(new Set(result.problems.map((p) => p.ruleId))).toEqual(new Set(["suppression-invalid", "suppression-unused"]));
    expect(result.problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.ruleId} ${p.message}`)).toEqual([
      "1:6 error suppression-invalid this akash-stack-ignore has no reason, so it suppresses nothing: write # akash-stack-ignore RULE-ID[, RULE-ID]: reason, saying why the finding is acceptable here",
      '2:6 error suppression-invalid unknown rule id "image-unpined" in this akash-stack-ignore (did you mean "image-unpinned"?); the rule ids are in docs/rules/README.md',
      "5:6 error suppression-invalid this akash-stack-ignore names no rule: write # akash-stack-ignore RULE-ID[, RULE-ID]: reason",
      "6:6 error suppression-invalid suppression-unused cannot be suppressed inline: fix the comment, or ignore the rule in .akash-stack.yaml",
      "3:6 warning suppression-unused akash-stack-ignore ingress-without-host suppresses nothing on this line: remove it from the comment",
      "4:1 warning suppression-unused akash-stack-ignore-file denom-uact suppresses nothing in this file: remove it from the comment",
    ]);
  });

  it("ignores the marker inside words and without a # comment", () => {
    const text = "name: my-akash-stack-ignore-thing\nx: akash-stack-ignore image-unpinned: no\n";
    expect(applySuppressions(text, [at(1), at(2)])).toEqual({ findings: [at(1), at(2)], suppressed: [], problems: [] });
  });

  it("end to end: text and json leave suppressed findings out, SARIF marks them, and the config can ignore the directives' own rule", () => {
    const sdl = TWO_WARNINGS.replace("image: nginx:latest", "image: nginx:latest # akash-stack-ignore image-unpinned: tracks upstream on purpose").replace(
      "    expose:\n",
      "    expose:\n      # akash-stack-ignore ingress-without-host, too-many-volumes: internal test network\n",
    );
    write("inline/deploy.yaml", sdl);
    const text = cli(["lint", "inline"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      `${join("inline", "deploy.yaml")}:8:7: warning suppression-unused akash-stack-ignore too-many-volumes suppresses nothing on this line or the next: remove it from the comment\n`,
    );
    expect(text.stderr).toMatch(/^0 errors, 1 warning in 1 file \(2 suppressed inline\)$/m);
    const sarif = JSON.parse(cli(["lint", "--format", "sarif", "inline"]).stdout);
    const suppressed = sarif.runs[0].results.filter((r: { suppressions?: unknown }) => r.suppressions);
    expect(suppressed.map((r: { ruleId: string; suppressions: unknown }) => [r.ruleId, r.suppressions])).toEqual([
      ["image-unpinned", [{ kind: "inSource", justification: "tracks upstream on purpose" }]],
      ["ingress-without-host", [{ kind: "inSource", justification: "internal test network" }]],
    ]);
    write("inline/.akash-stack.yaml", "ignore: [suppression-unused]\n");
    const json = JSON.parse(cli(["lint", "--format", "json", "inline"]).stdout);
    expect(json.files[0].findings).toEqual([]);
    expect(json.summary).toEqual({ files: 1, errors: 0, warnings: 0, skipped: 0, suppressed: 2 });
  });
});
