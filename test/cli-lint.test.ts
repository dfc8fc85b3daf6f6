// End-to-end tests of `akash-stack lint`: the built CLI (dist/cli.js) run on files made here.
// Inputs are chosen so their findings come from the YAML layer or the file runner (size limit),
// not from the rule engine that is still being written; where the engine may add findings later,
// tests assert only what stays true (exit-code classes, relative counts).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { lintFiles, MAX_FILE_BYTES } from "../src/lint/run.js";
import { BASE } from "./support/sdl-cases.js";
import { CLI, ensureBuilt } from "./support/built-cli.js";
import { openPathTo, unprivileged } from "./support/unprivileged.js";

// Lets the in-process runner test below make the engine throw; the CLI runs in its own process.
vi.mock("../src/sdl/index.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../src/sdl/index.js")>();
  return {
    ...original,
    lintSdl: (text: string, options?: import("../src/sdl/findings.js").LintOptions) => {
      if (text.includes("PLEASE-THROW")) throw new TypeError("boom");
      if (text.includes("PLEASE-SHUFFLE")) return { findings: SHUFFLED };
      return original.lintSdl(text, options);
    },
  };
});

/** Findings out of order, with bad positions, as a careless rule might return them. */
const SHUFFLED = [
  { ruleId: "r-c", severity: "warning", layer: "advice", message: "c", line: 7, column: 2, path: "" },
  { ruleId: "r-a", severity: "error", layer: "chain", message: "a", line: 2, column: 9, path: "" },
  { ruleId: "r-b", severity: "error", layer: "chain", message: "b", line: 2, column: 3, path: "" },
  { ruleId: "r-z", severity: "warning", layer: "advice", message: "z", line: 0, column: Number.NaN, path: "" },
] as const;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const VERSION = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;

/** A complete SDL that every layer accepts: the rule tests' shared base (pinned image, global expose with a host, uact pricing). */
const VALID_SDL = BASE;

/** Valid SDL plus a second YAML document: the YAML layer warns that it is ignored. */
const SDL_WITH_WARNING = VALID_SDL + "---\nignored: true\n";

/** Broken YAML (an unclosed flow sequence): a yaml-syntax error at a known place. */
const BROKEN_YAML = 'version: "2.0"\nservices:\n  web: [\ndeployment: {}\n';

/** Billion laughs: nine levels of nine-fold aliases expand to 9^9 nodes. */
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
  "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
  "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]",
  "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]",
  "services: *i",
  "deployment: *i",
  "",
].join("\n");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface JsonReport {
  files: Array<{ path: string; findings: Array<Record<string, unknown> & { ruleId: string; severity: string; message: string }> }>;
  summary: { files: number; errors: number; warnings: number; skipped: number; suppressed: number };
}

let work: string;

/** Runs `akash-stack ARGS...`, with `input` on its standard input (none: an empty pipe). */
function cli(args: string[], cwd = work, input: string | Buffer = "", as?: { uid: number; gid: number }): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", timeout: 20_000, input, ...as });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `akash-stack lint ARGS...`. */
function lint(args: string[], cwd = work, input?: string | Buffer): Run {
  return cli(["lint", ...args], cwd, input);
}

function lintJson(args: string[], cwd = work, input?: string | Buffer): Run & { report: JsonReport } {
  const run = lint(["--format", "json", ...args], cwd, input);
  return { ...run, report: JSON.parse(run.stdout) as JsonReport };
}

function file(relativePath: string, content: string | Buffer): string {
  const path = join(work, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return relativePath;
}

/** Usage and I/O errors: one line on stderr, and never a stack trace. */
function expectCleanStderr(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at .+[:(]/);
  expect(stderr).not.toMatch(/node:internal|\.ts:\d+|\.js:\d+/);
}

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "akash-stack-lint-"));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("exit codes", () => {
  it("exits 0 for a valid SDL, with an empty stdout and the summary on stderr", () => {
    const run = lint([file("valid.yaml", VALID_SDL)]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/: error /);
    expect(run.stderr).toMatch(/^0 errors, \d+ warnings? in 1 file$/m);
  });

  it("exits 1 on an error finding, printed as file:line:col: severity rule-id message", () => {
    const run = lint([file("broken.yaml", BROKEN_YAML)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^broken\.yaml:\d+:\d+: error yaml-syntax \S.*$/m);
    expect(run.stderr).toMatch(/^1 error, \d+ warnings? in 1 file$/m);
    expectCleanStderr(run.stderr);
  });

  it("keeps stdout grep-able: only finding lines, the summary only on stderr", () => {
    const run = lint([file("broken.yaml", BROKEN_YAML), file("valid.yaml", VALID_SDL)]);
    for (const line of run.stdout.trimEnd().split("\n")) expect(line).toMatch(/^[^:]+:\d+:\d+: (error|warning) [a-z0-9-]+ /);
    expect(run.stdout).not.toMatch(/in \d+ files?/);
    expect(run.stderr).toMatch(/ in 2 files$/m);
  });

  it("exits 2 on usage errors, each one line on stderr", () => {
    for (const args of [["--bogus"], ["--format", "xml", "x.yaml"], ["--max-warnings", "many", "x.yaml"], ["--max-warnings", "-1", "x.yaml"], ["--network", "testnet", "x.yaml"]]) {
      const run = lint(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.trimEnd().split("\n"), run.stderr).toHaveLength(1);
      expect(run.stderr).toMatch(/^akash-stack lint: .*--help/);
      expectCleanStderr(run.stderr);
    }
    expect(lint(["--format", "xml", "x.yaml"]).stderr).toMatch(/xml.*text, json, sarif, github/);
  });

  it("exits 2 for an unknown command, and 0 for --version and --help", () => {
    const unknown = cli(["nonsense"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("akash-stack: unknown command 'nonsense' (see 'akash-stack --help')\n");
    const version = cli(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);
    const help = lint(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/summary .* goes to stderr/);
    expect(help.stdout).toMatch(/Exit codes:/);
  });
});

describe("standard input (-)", () => {
  it("lints an SDL piped in, shown as <stdin>, with the same findings as the file", () => {
    const fromFile = lintJson([file("stdin-broken.yaml", BROKEN_YAML)]);
    const fromStdin = lintJson(["-"], work, BROKEN_YAML);
    expect(fromStdin.code).toBe(1);
    expect(fromStdin.report.files.map((f) => f.path)).toEqual(["<stdin>"]);
    expect(fromStdin.report.files[0]!.findings).toEqual(fromFile.report.files[0]!.findings);
    expect(lint(["-"], work, VALID_SDL).code).toBe(0);
  });

  it("lints standard input beside files, and only once when - is given twice", () => {
    const { code, report } = lintJson(["-", file("stdin-valid.yaml", VALID_SDL), "-"], work, BROKEN_YAML);
    expect(code).toBe(1);
    expect(report.files.map((f) => f.path)).toEqual(["<stdin>", "stdin-valid.yaml"]);
  });

  it("reports empty and oversized input as findings", () => {
    expect(lint(["-"], work, "").stdout).toBe("<stdin>:1:1: error yaml-syntax the document is empty\n");
    const big = lintJson(["-"], work, Buffer.alloc(MAX_FILE_BYTES + 10_000, "#"));
    expect(big.code).toBe(1);
    expect(big.report.files[0]!.findings.map((f) => [f.ruleId, f.message])).toEqual([
      ["file-too-large", "input is over the 4 MiB limit, so it was not parsed; an SDL is a few KiB: check that this is the right file"],
    ]);
  });
});

describe("missing and unreadable input", () => {
  it("exits 2 for a missing path, naming it on one line", () => {
    const run = lint(["does-not-exist.yaml"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("akash-stack lint: does-not-exist.yaml: no such file or folder (check the path; it is resolved from the current folder)\n");
  });

  it("still lints the other paths when one is missing, and exits 2", () => {
    const { code, report, stderr } = lintJson([file("valid.yaml", VALID_SDL), "gone.yaml"]);
    expect(code).toBe(2);
    expect(report.files.map((f) => f.path)).toEqual(["valid.yaml"]);
    expect(stderr).toMatch(/gone\.yaml: no such file/);
  });

  it("exits 2 for a folder without SDL files, saying how to fix it", () => {
    file("no-sdl/compose.yaml", "services:\n  web:\n    image: nginx\n");
    file("no-sdl/readme.md", "services:\ndeployment:\n");
    const run = lint(["no-sdl"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^akash-stack lint: no SDL files found under no-sdl: .*name a file explicitly to lint it anyway\n$/);
    expectCleanStderr(run.stderr);
  });

  it("exits 2 for a broken symbolic link named explicitly", () => {
    symlinkSync(join(work, "nowhere.yaml"), join(work, "dangling.yaml"));
    const run = lint(["dangling.yaml"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/dangling\.yaml: no such file/);
  });

  it("exits 2 for a file without read permission (as nobody when the suite runs as root, who reads anything)", () => {
    const path = file("locked.yaml", VALID_SDL);
    chmodSync(join(work, path), 0o000);
    openPathTo(join(work, path), tmpdir());
    try {
      const run = cli(["lint", path], work, "", unprivileged());
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/locked\.yaml: permission denied/);
    } finally {
      chmodSync(join(work, path), 0o644);
    }
  });
});

describe("bad input becomes findings, never a crash", () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ["empty.yaml", "", /empty/i],
    ["binary.yaml", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]), /NUL|binary|not a YAML text/i],
    ["list.yaml", "- services\n- deployment\n", /not a YAML mapping|mapping/i],
    ["bomb.yaml", ALIAS_BOMB, /alias/i],
  ];
  for (const [name, content, message] of cases) {
    it(`${name}: one yaml-syntax error, exit 1, no stack trace`, () => {
      const started = Date.now();
      const { code, report, stderr } = lintJson([file(name, content)]);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(code).toBe(1);
      const [only] = report.files;
      expect(only?.findings.some((f) => f.ruleId === "yaml-syntax" && f.severity === "error" && message.test(f.message)), JSON.stringify(only)).toBe(true);
      expectCleanStderr(stderr);
    });
  }

  it("a 10 MB file: a file-too-large error at 1:1 without parsing it, exit 1", () => {
    const big = "services:\n" + "  # padding\n".repeat(Math.ceil((10 * 1024 * 1024) / 12));
    const { code, report, stderr } = lintJson([file("huge.yaml", big)]);
    expect(code).toBe(1);
    expect(report.files[0]!.findings).toEqual([
      expect.objectContaining({ ruleId: "file-too-large", severity: "error", line: 1, column: 1, path: "", message: expect.stringMatching(/10\.0 MiB.*4 MiB/) }),
    ]);
    expectCleanStderr(stderr);
  });

  it("a file of exactly 4 MiB is still parsed", () => {
    expect(4 * 1024 * 1024).toBe(MAX_FILE_BYTES);
    // One long comment line: cheap to parse, so the test measures the limit, not the YAML parser.
    const text = BROKEN_YAML + "#".repeat(4 * 1024 * 1024 - BROKEN_YAML.length);
    const { report } = lintJson([file("edge.yaml", text)]);
    expect(report.files[0]!.findings.map((f) => f.ruleId)).toContain("yaml-syntax");
    expect(report.files[0]!.findings.map((f) => f.ruleId)).not.toContain("file-too-large");
  });

  it("keeps linting the other files after a bad one", () => {
    const { report } = lintJson([file("empty.yaml", ""), file("broken.yaml", BROKEN_YAML), file("valid.yaml", VALID_SDL)]);
    expect(report.files.map((f) => f.path)).toEqual(["empty.yaml", "broken.yaml", "valid.yaml"]);
  });
});

describe("json contract", () => {
  it("lists every file, also without findings, with exactly the contract fields", () => {
    const { code, report } = lintJson([file("broken.yaml", BROKEN_YAML), file("valid.yaml", VALID_SDL)]);
    expect(code).toBe(1);
    expect(Object.keys(report)).toEqual(["files", "skipped", "summary"]);
    expect(Object.keys(report.summary)).toEqual(["files", "errors", "warnings", "skipped", "suppressed"]);
    expect(report.files.map((f) => f.path)).toEqual(["broken.yaml", "valid.yaml"]);
    for (const f of report.files) expect(Object.keys(f)).toEqual(["path", "findings"]);
    const finding = report.files[0]!.findings.find((f) => f.ruleId === "yaml-syntax")!;
    expect(Object.keys(finding)).toEqual(["ruleId", "severity", "layer", "message", "line", "column", "path"]);
    expect(finding).toMatchObject({ severity: "error", layer: "yaml", line: expect.any(Number), column: expect.any(Number), path: expect.any(String) });
    expect(finding.line as number).toBeGreaterThanOrEqual(1);
    expect(finding.column as number).toBeGreaterThanOrEqual(1);
    const all = report.files.flatMap((f) => f.findings);
    expect(report.summary).toEqual({
      files: 2,
      errors: all.filter((f) => f.severity === "error").length,
      warnings: all.filter((f) => f.severity === "warning").length,
      skipped: 0,
      suppressed: 0,
    });
  });

});

describe("--ignore and --max-warnings", () => {
  it("--ignore drops the rule's findings, also from the summary and the exit code", () => {
    const path = file("broken.yaml", BROKEN_YAML);
    const before = lintJson([path]);
    const ignored = before.report.files[0]!.findings.filter((f) => f.ruleId === "yaml-syntax");
    expect(ignored.length).toBeGreaterThan(0);
    const after = lintJson(["--ignore", "yaml-syntax", path]);
    expect(after.report.files[0]!.findings.filter((f) => f.ruleId === "yaml-syntax")).toEqual([]);
    expect(after.report.summary.errors).toBe(before.report.summary.errors - ignored.filter((f) => f.severity === "error").length);
    // A file that does not parse gives the rule engine nothing to check, so nothing else fails it.
    expect(after.code).toBe(0);
  });

  it("--ignore is repeatable and accepts comma-separated ids; unknown ids get a warning", () => {
    const path = file("broken.yaml", BROKEN_YAML);
    const run = lint(["--ignore", "no-such-rule", "--ignore", "other-rule,yaml-syntax", path]);
    expect(run.stdout).not.toMatch(/yaml-syntax/);
    expect(run.stderr).toMatch(/--ignore no-such-rule names no known rule/);
    expect(run.stderr).toMatch(/--ignore other-rule names no known rule/);
  });

  it("--max-warnings N fails the run only when warnings exceed N", () => {
    const path = file("warn.yaml", SDL_WITH_WARNING);
    const base = lintJson([path]);
    expect(base.report.summary.errors).toBe(0);
    const warnings = base.report.summary.warnings;
    expect(warnings).toBeGreaterThanOrEqual(1);
    expect(base.code).toBe(0);
    expect(lint(["--max-warnings", String(warnings), path]).code).toBe(0);
    const over = lint(["--max-warnings", String(warnings - 1), path]);
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(new RegExp(`${warnings} warnings?, more than --max-warnings ${warnings - 1} allows`));
  });

  it("--network is accepted and does not change YAML-level findings", () => {
    const path = file("broken.yaml", BROKEN_YAML);
    const sandbox = lint(["--network", "sandbox", path]);
    const mainnet = lint(["--network", "mainnet", path]);
    expect([sandbox.code, mainnet.code]).toEqual([1, 1]);
    expect(sandbox.stdout).toBe(mainnet.stdout);
  });
});

describe("folders", () => {
  it("recurses into SDL look-alikes only, skipping node_modules and dot-folders", () => {
    file("tree/a.yaml", VALID_SDL);
    file("tree/nested/deeper/b.yml", VALID_SDL.replace("deployment:", "'deployment':"));
    file("tree/profiles-only.yaml", "services:\n  web:\n    image: x\nprofiles:\n  compute: {}\n");
    file("tree/compose.yaml", "services:\n  web:\n    image: nginx\n");
    file("tree/nested-key.yaml", "spec:\n  services: {}\n  deployment: {}\n");
    file("tree/sdl.txt", VALID_SDL);
    file("tree/.github/workflows/sdl.yaml", VALID_SDL);
    file("tree/node_modules/pkg/sdl.yaml", VALID_SDL);
    const { report } = lintJson(["tree"]);
    expect(report.files.map((f) => f.path)).toEqual([join("tree", "a.yaml"), join("tree", "nested", "deeper", "b.yml"), join("tree", "profiles-only.yaml")]);
  });

  it("lints a file named explicitly even if it does not look like an SDL", () => {
    const { report } = lintJson([file("tree/compose.yaml", "services:\n  web:\n    image: nginx\n")]);
    expect(report.files.map((f) => f.path)).toEqual([join("tree", "compose.yaml")]);
  });

  it("lints each file once when it is named twice", () => {
    const path = file("tree/a.yaml", VALID_SDL);
    const { report } = lintJson([path, "tree", `./${path}`]);
    expect(report.files.map((f) => f.path).filter((p) => p === path)).toHaveLength(1);
  });

  it("defaults to the current folder", () => {
    const dir = join(work, "cwd-default");
    mkdirSync(join(dir, "deploy"), { recursive: true });
    writeFileSync(join(dir, "deploy", "web.yaml"), BROKEN_YAML);
    const { code, report } = lintJson([], dir);
    expect(code).toBe(1);
    expect(report.files.map((f) => f.path)).toEqual([join("deploy", "web.yaml")]);
  });
});

describe("other formats end to end", () => {
  it("github: workflow commands on stdout", () => {
    const run = lint(["--format", "github", file("broken.yaml", BROKEN_YAML)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error file=broken\.yaml,line=\d+,col=\d+,title=yaml-syntax::\S/m);
  });

  it("sarif: driver named akash-stack with the package version, results with relative URIs", () => {
    const run = lint(["--format", "sarif", file("sub dir/broken.yaml", BROKEN_YAML)]);
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout);
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0].tool.driver).toMatchObject({ name: "akash-stack", version: VERSION });
    const ruleIds = log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toEqual(expect.arrayContaining(["yaml-syntax", "file-too-large", "internal-error"]));
    const result = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "yaml-syntax");
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe("sub%20dir/broken.yaml");
    expect(ruleIds[result.ruleIndex]).toBe("yaml-syntax");
  });
});

describe("lintFiles (in process)", () => {
  it("lints given bytes for -, and calls - an input error when the caller has no standard input", () => {
    const withStdin = lintFiles(["-"], { cwd: work, stdin: Buffer.from(BROKEN_YAML) });
    expect(withStdin.files.map((f) => f.path)).toEqual(["<stdin>"]);
    expect(withStdin.files[0]!.findings.map((f) => f.ruleId)).toContain("yaml-syntax");
    const without = lintFiles(["-"], { cwd: work });
    expect(without.files).toEqual([]);
    expect(without.inputErrors).toEqual(["-: standard input is not available here; name a file or folder"]);
  });

  it("turns an exception from the engine into an internal-error finding and keeps going", () => {
    const crash = file("crash.yaml", "services: {}\n# PLEASE-THROW\n");
    const broken = file("broken.yaml", BROKEN_YAML);
    const report = lintFiles([crash, broken], { cwd: work });
    expect(report.files.map((f) => f.path)).toEqual(["crash.yaml", "broken.yaml"]);
    expect(report.files[0]!.findings).toEqual([
      expect.objectContaining({ ruleId: "internal-error", severity: "error", line: 1, column: 1, message: expect.stringMatching(/TypeError: boom.*please report/) }),
    ]);
    expect(report.files[1]!.findings.map((f) => f.ruleId)).toContain("yaml-syntax");
    expect(report.inputErrors).toEqual([]);
  });

  it("sorts findings by line, then column, and repairs positions that are not 1-based", () => {
    const report = lintFiles([file("shuffle.yaml", "# PLEASE-SHUFFLE\n")], { cwd: work });
    expect(report.files[0]!.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([
      ["r-z", 1, 1],
      ["r-b", 2, 3],
      ["r-a", 2, 9],
      ["r-c", 7, 2],
    ]);
    expect(report.summary).toEqual({ files: 1, errors: 2, warnings: 2, skipped: 0, suppressed: 0 });
  });

  it("applies --ignore before counting", () => {
    const report = lintFiles([file("shuffle.yaml", "# PLEASE-SHUFFLE\n")], { cwd: work, ignore: ["r-a", "r-c"] });
    expect(report.files[0]!.findings.map((f) => f.ruleId)).toEqual(["r-z", "r-b"]);
    expect(report.summary).toEqual({ files: 1, errors: 1, warnings: 1, skipped: 0, suppressed: 0 });
  });
});
