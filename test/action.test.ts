// The GitHub Action (action.yml, action/index.cjs): run exactly as GitHub runs it (`node` on its
// entry with INPUT_* variables, in the workspace), its SARIF validated by Microsoft's SARIF
// Multitool, the committed bundle checked against a fresh build, and the action and every workflow
// (the README's; this repository's are in workflows-actionlint.test.ts) checked by actionlint.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lintRunFor } from "../src/cli/action/inputs.js";
import { BASE } from "./support/sdl-cases.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { missingForRealStack, skipUnlessAvailable, tool } from "./support/real-tools.js";

const ACTION_ENTRY = join(PROJECT_ROOT, "action", "index.cjs");
const MULTITOOL = join(PROJECT_ROOT, "node_modules", "@microsoft", "sarif-multitool", "bin.js");

/** image-unpinned (warning) at 4:12, suppressed on one file below. */
const UNPINNED = BASE.replace("nginx:1.27.3", "nginx:latest");
/** denom-uact (error) at 28:18. */
const UAKT = BASE.replace("denom: uact", "denom: uakt");

let workspace: string;

/** Runs the committed action as the runner does: `node <main>` in the workspace, inputs as INPUT_* (hyphens kept). */
function runAction(inputs: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: workspace };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [ACTION_ENTRY], { cwd: workspace, env, encoding: "utf8", timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** Findings the Multitool reports as errors or warnings (`file(line,col): warning SARIF2005: …`). */
function multitoolProblems(sarifPath: string): string[] {
  const result = spawnSync(process.execPath, [MULTITOOL, "validate", sarifPath], {
    encoding: "utf8",
    timeout: 120_000,
    // .NET without ICU on slim images
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" },
  });
  const output = `${result.stdout}${result.stderr}`;
  expect(output, output).toMatch(/Analysis completed successfully/);
  return output.split("\n").filter((line) => /:\s*(error|warning)\s+[A-Z]+\d+/.test(line));
}

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), "akash-stack-action-"));
  mkdirSync(join(workspace, "deploy", "team"), { recursive: true });
  // 20 SDLs, as in the speed goal: one error, one suppressed warning, one warning, the rest clean
  for (let i = 0; i < 17; i++) writeFileSync(join(workspace, "deploy", `clean-${String(i).padStart(2, "0")}.yaml`), BASE.replace("MODE=production", `MODE=p${i}`));
  writeFileSync(join(workspace, "deploy", "uakt.yaml"), UAKT);
  writeFileSync(join(workspace, "deploy", "team", "latest.yaml"), UNPINNED);
  writeFileSync(join(workspace, "deploy", "team", "accepted.yaml"), UNPINNED.replace("image: nginx:latest", "image: nginx:latest # akash-stack-ignore image-unpinned: follows upstream"));
  writeFileSync(join(workspace, "docker-compose.yml"), "services:\n  web:\n    image: nginx\n");
  mkdirSync(join(workspace, ".github", "workflows"), { recursive: true });
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe("the action's inputs", () => {
  it("become lint's paths and flags, with the CLI's defaults for empty inputs", () => {
    expect(lintRunFor({})).toEqual({ paths: ["."], flags: { format: "github", ignore: [] } });
    expect(
      lintRunFor({
        INPUT_PATHS: " deploy/\n  stacks/out.yaml \n",
        INPUT_FORMAT: "sarif",
        "INPUT_MAX-WARNINGS": "0",
        "INPUT_SARIF-FILE": "out.sarif",
        INPUT_CONFIG: "ci/.akash-stack.yaml",
      }),
    ).toEqual({
      paths: ["deploy/", "stacks/out.yaml"],
      flags: { format: "sarif", ignore: [], maxWarnings: 0, sarifFile: "out.sarif", config: "ci/.akash-stack.yaml" },
    });
    expect(lintRunFor({ INPUT_PATHS: "-odd.yaml", "INPUT_MAX-WARNINGS": "", INPUT_FORMAT: "" })).toEqual({ paths: ["-odd.yaml"], flags: { format: "github", ignore: [] } });
  });

  it("are each checked, with what to write instead", () => {
    expect(lintRunFor({ INPUT_FORMAT: "xml", "INPUT_MAX-WARNINGS": "some" })).toEqual({
      errors: [
        'input format: "xml" is not a format: use text, json, sarif, github',
        'input max-warnings: "some" is not a whole number of warnings (0 or more), or leave it empty for no limit',
      ],
    });
  });
});

describe("the committed bundle", () => {
  it("is what src/ builds today (else: npm run build:action)", () => {
    const result = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts", "build-action.mjs"), "--check"], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000 });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("runs alone: no node_modules next to it, no import of a package at run time", () => {
    const lonely = mkdtempSync(join(tmpdir(), "akash-stack-action-alone-"));
    try {
      cpSync(ACTION_ENTRY, join(lonely, "index.cjs"));
      writeFileSync(join(lonely, "broken.yaml"), 'version: "2.0"\nservices:\n  web: [\n');
      // a YAML syntax error takes the engine's slow path through the `yaml` package
      const result = spawnSync(process.execPath, [join(lonely, "index.cjs")], { cwd: lonely, env: { INPUT_PATHS: "broken.yaml", INPUT_FORMAT: "json" }, encoding: "utf8" });
      expect(result.stderr).not.toMatch(/Cannot find module|internal error/);
      expect(JSON.parse(result.stdout).files[0].findings.map((f: { ruleId: string }) => f.ruleId)).toContain("yaml-syntax");
    } finally {
      rmSync(lonely, { recursive: true, force: true });
    }
  });
});

describe("the action, run as GitHub runs it", () => {
  it("writes annotations and a SARIF file, fails the step on an error, and finishes well within 2 s for 20 SDLs", () => {
    const run = runAction({ paths: "deploy/", format: "github", "max-warnings": "", "sarif-file": "akash-stack.sarif", config: "" });
    expect(run.code).toBe(1);
    expect(run.stdout.split("\n").filter(Boolean)).toEqual([
      expect.stringMatching(/^::warning file=deploy\/team\/latest\.yaml,line=4,col=12,title=image-unpinned::image "nginx:latest"/),
      expect.stringMatching(/^::error file=deploy\/uakt\.yaml,line=28,col=18,title=denom-uact::invalid price: unsupported denomination uakt/),
    ]);
    expect(run.stderr).toMatch(/^1 error, 1 warning in 20 files \(1 suppressed inline\)$/m);
    expect(run.ms).toBeLessThan(2000);
    const sarif = JSON.parse(readFileSync(join(workspace, "akash-stack.sarif"), "utf8"));
    const results = sarif.runs[0].results as Array<{ ruleId: string; suppressions?: unknown }>;
    expect(results.map((r) => [r.ruleId, r.suppressions !== undefined])).toEqual([
      ["image-unpinned", true],
      ["image-unpinned", false],
      ["denom-uact", false],
    ]);
  });

  it("takes max-warnings and config, and passes with exit 0 when they allow the findings", () => {
    writeFileSync(join(workspace, "ci.akash-stack.yaml"), "ignore: [denom-uact]\n");
    expect(runAction({ paths: "deploy", config: "ci.akash-stack.yaml", "max-warnings": "1" }).code).toBe(0);
    const strict = runAction({ paths: "deploy", config: "ci.akash-stack.yaml", "max-warnings": "0" });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("1 warning, more than --max-warnings 0 allows");
    const bad = runAction({ paths: "deploy", format: "xml" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('akash-stack lint: input format: "xml" is not a format: use text, json, sarif, github (see action.yml)\n');
  });

  it("writes SARIF that Microsoft's SARIF Multitool validates with no error or warning (and the check can fail)", () => {
    const path = join(workspace, "akash-stack.sarif");
    expect(multitoolProblems(path)).toEqual([]);
    const log = JSON.parse(readFileSync(path, "utf8"));
    delete log.runs[0].tool.driver.informationUri;
    const without = join(workspace, "without-information-uri.sarif");
    writeFileSync(without, JSON.stringify(log));
    expect(multitoolProblems(without)).toEqual([expect.stringMatching(/warning SARIF2005: .*informationUri/)]);
  }, 240_000);
});

// This repository's own workflows (.github/workflows/sdl.yml runs action.yml with `uses: ./`) are
// checked by test/workflows-actionlint.test.ts; here, the README's workflow for other repositories.
const skipActionlint = skipUnlessAvailable("the README workflow's actionlint check", missingForRealStack(["actionlint"], []).filter((m) => !m.startsWith("root")));

describe.skipIf(skipActionlint)("actionlint", () => {
  const actionlint = (): string => tool("actionlint");

  it("passes the README's workflow, with the action's inputs checked against action.yml", () => {
    const repo = mkdtempSync(join(tmpdir(), "akash-stack-actionlint-"));
    try {
      const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
      const block = /```yaml\n(name: SDL\n[\s\S]*?)```/.exec(readme)?.[1];
      expect(block).toContain("uses: akash-stack/akash-stack@");
      execFileSync("git", ["init", "-q", repo]);
      mkdirSync(join(repo, ".github", "workflows"), { recursive: true });
      cpSync(join(PROJECT_ROOT, "action.yml"), join(repo, "action.yml"));
      cpSync(ACTION_ENTRY, join(repo, "action", "index.cjs"), { recursive: true });
      // the published ref, as a local action, so actionlint reads action.yml and checks `with:`
      writeFileSync(join(repo, ".github", "workflows", "sdl.yml"), block!.replace(/uses: akash-stack\/akash-stack@\S+/, "uses: ./"));
      const clean = spawnSync(actionlint(), ["-no-color"], { cwd: repo, encoding: "utf8" });
      expect(`${clean.stdout}${clean.stderr}`).toBe("");
      // the same check fails on an input action.yml does not declare
      writeFileSync(join(repo, ".github", "workflows", "sdl.yml"), block!.replace(/uses: akash-stack\/akash-stack@\S+/, "uses: ./").replace("max-warnings:", "max-warning:"));
      const broken = spawnSync(actionlint(), ["-no-color"], { cwd: repo, encoding: "utf8" });
      expect(broken.status).toBe(1);
      expect(broken.stdout).toMatch(/input "max-warning" is not defined in action "akash-stack lint"/);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
