#!/usr/bin/env node
// `npm run bench`: measures the linter against its acceptance goals and exits non-zero when one fails.
//
//   1. linting ../shared/sdl-corpus/awesome-akash in one process takes at most 0.5× the wall time of
//      bench/validate-sdl-baseline.mjs (js-yaml + chain-sdk's validateSDL) over the same folder;
//   2. `akash-stack lint FILE` cold-starts in at most 2× the wall time of `node -e 0`;
//   3. the peak RSS of linting the whole folder stays under 150 MB;
//   4. in CI, on a repository of 20 SDLs, the GitHub Action (`node action/index.cjs` with INPUT_*
//      variables, as the runner starts it, no npm install) and `npx akash-stack lint` (the package
//      installed in the repository) each finish within 2 s. An absolute goal, as the issue states
//      it; `node -e 0` is timed alongside for scale;
//   5. the package (bench/package.mjs): installed size ≤ 40 MB, the install time (reported), and a
//      cold, type-checked synth of the stack `init` writes in ≤ 1.5 s (with the type check's cost).
//
// Every number is a ratio against a baseline measured in the same run (or, for memory, an absolute
// cap), because absolute times say more about the machine than about the linter. Each process is
// started fresh; subject and baseline runs alternate so that a noisy neighbour or CPU throttling
// hits both alike. Wall time is the median of N runs after a warm-up.
//
// Flags: --runs N (timed runs of the corpus measurement, default 7; cold start uses 3N).
// Exit codes: 0 every goal met (or skipped), 1 a goal failed, 2 the bench itself could not run.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { measurePackage } from "./package.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist", "cli.js");
const BASELINE = join(ROOT, "bench", "validate-sdl-baseline.mjs");
const CORPUS = resolve(ROOT, "..", "shared", "sdl-corpus");
const AWESOME = join(CORPUS, "awesome-akash");
const NODE = process.execPath;

const GOALS = {
  corpusRatio: 0.5,
  coldStartRatio: 2,
  peakRssMb: 150,
  ciSeconds: 2,
};

/** The GitHub Action's entry (action.yml `runs.main`), committed. */
const ACTION_ENTRY = join(ROOT, "action", "index.cjs");
/** How many SDLs the CI measurement's repository holds. */
const CI_REPOSITORY_SDLS = 20;

/** Exit statuses of `akash-stack lint` that mean "it ran": 0 clean, 1 findings failed the run. */
const LINT_RAN = new Set([0, 1]);

class BenchError extends Error {}

// ---------------------------------------------------------------------------------------------
// Build

/** Newest modification time under a path (files only), 0 when it does not exist. */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds dist/cli.js when it is missing or older than anything it is built from. */
function ensureBuilt() {
  const inputs = ["src", "scripts", "package.json"].map((p) => newestMtime(join(ROOT, p)));
  const built = existsSync(CLI) ? statSync(CLI).mtimeMs : 0;
  if (built >= Math.max(...inputs)) return;
  process.stdout.write(existsSync(CLI) ? "dist/cli.js is older than src: rebuilding…\n" : "dist/cli.js is missing: building…\n");
  const result = spawnSync(NODE, [join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new BenchError(`the build failed (node scripts/build.mjs exited ${result.status ?? result.signal}); fix it and rerun npm run bench`);
}

// ---------------------------------------------------------------------------------------------
// Running processes

/**
 * Children get the environment without variables that change what every `node` process does before
 * running any code:
 *   - NODE_OPTIONS: a caller's flags could skew one side (and V8 refuses code caches made without them);
 *   - NODE_EXTRA_CA_CERTS: Node parses the whole file of certificates at start-up. With a system CA
 *     bundle (as some CI images and sandboxes set) that is ~90 ms on every process, three times
 *     `node -e 0` itself: it would hide the linter's start-up cost in the cold-start ratio and
 *     dilute the corpus ratio. `lint` makes no TLS connection, so it is neither side's work.
 */
const STRIPPED_ENV = new Set(["NODE_OPTIONS", "NODE_EXTRA_CA_CERTS"]);
const CHILD_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => !STRIPPED_ENV.has(name)));

/**
 * A command to measure: `label` for messages, `argv` (argv[0] is the program), and the exit
 * statuses that mean it ran properly.
 */
function command(label, argv, okStatuses = new Set([0]), { cwd = ROOT, env = {} } = {}) {
  return { label, argv, okStatuses, cwd, env };
}

function run(cmd, { captureStdout = false, argvPrefix = [], env = CHILD_ENV } = {}) {
  const [program, ...args] = [...argvPrefix, ...cmd.argv];
  const started = process.hrtime.bigint();
  const result = spawnSync(program, args, {
    cwd: cmd.cwd ?? ROOT,
    env: { ...env, ...cmd.env },
    stdio: ["ignore", captureStdout ? "pipe" : "ignore", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw new BenchError(`${cmd.label}: could not start ${program}: ${result.error.message}`);
  if (!cmd.okStatuses.has(result.status ?? -1)) {
    const stderr = result.stderr.toString().trim().split("\n").slice(-5).join("\n  ");
    throw new BenchError(`${cmd.label} exited ${result.status ?? result.signal} (expected ${[...cmd.okStatuses].join(" or ")}):\n  ${stderr}`);
  }
  return { elapsedMs, stdout: captureStdout ? result.stdout.toString() : "" };
}

/**
 * Times `subject` and `baseline` alternately: `warmup` untimed rounds (file cache, JIT caches on
 * disk), then `runs` timed rounds. Returns both sets of wall times in milliseconds.
 */
function timePair(subject, baseline, { warmup, runs }) {
  for (let i = 0; i < warmup; i++) {
    run(subject);
    run(baseline);
  }
  const subjectMs = [];
  const baselineMs = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so neither always runs right after the other.
    if (i % 2 === 0) {
      subjectMs.push(run(subject).elapsedMs);
      baselineMs.push(run(baseline).elapsedMs);
    } else {
      baselineMs.push(run(baseline).elapsedMs);
      subjectMs.push(run(subject).elapsedMs);
    }
  }
  return { subject: stats(subjectMs), baseline: stats(baselineMs) };
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

// ---------------------------------------------------------------------------------------------
// Peak memory

/**
 * How to read a child's peak RSS. GNU time (`/usr/bin/time -f %M`) reports it from the kernel
 * without touching the child; where it is missing (macOS, slim containers) a preloaded module
 * records `process.resourceUsage().maxRSS` when the child exits. Both report kilobytes.
 */
function rssProbe() {
  const scratch = mkdtempSync(join(tmpdir(), "akash-stack-bench-"));
  const out = join(scratch, "rss");
  const gnuTime = "/usr/bin/time";
  if (existsSync(gnuTime)) {
    const probe = spawnSync(gnuTime, ["-f", "%M", "-o", out, NODE, "-e", "0"], { stdio: "ignore" });
    if (probe.status === 0 && /^\d+\s*$/.test(safeRead(out))) {
      return {
        name: "GNU time %M",
        measureKb(cmd) {
          run(cmd, { argvPrefix: [gnuTime, "-f", "%M", "-o", out] });
          // GNU time writes "Command exited with non-zero status 1" first when the child exits 1
          // (lint findings): the number is always the last line.
          return lastNumber(safeRead(out), cmd);
        },
        cleanup: () => rmSync(scratch, { recursive: true, force: true }),
      };
    }
  }
  const preload =
    'data:text/javascript,import { writeFileSync } from "node:fs";' +
    'process.on("exit", () => writeFileSync(process.env.AKASH_STACK_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));';
  return {
    name: "process.resourceUsage().maxRSS (preload)",
    measureKb(cmd) {
      if (cmd.argv[0] !== NODE) throw new BenchError(`${cmd.label}: the preload RSS probe only works for node processes`);
      const argv = [NODE, "--import", preload, ...cmd.argv.slice(1)];
      run({ ...cmd, argv }, { env: { ...CHILD_ENV, AKASH_STACK_BENCH_RSS_FILE: out } });
      return lastNumber(safeRead(out), cmd);
    },
    cleanup: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

function lastNumber(text, cmd) {
  const match = /(\d+)\s*$/.exec(text);
  if (!match) throw new BenchError(`${cmd.label}: could not read its peak RSS (the probe wrote ${JSON.stringify(text)})`);
  return Number(match[1]);
}

function safeRead(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Largest peak RSS over `runs` runs, in MB (the goal is a cap, so the worst run is what counts). */
function peakRssMb(probe, cmd, runs) {
  let peakKb = 0;
  for (let i = 0; i < runs; i++) peakKb = Math.max(peakKb, probe.measureKb(cmd));
  return peakKb / 1024;
}

// ---------------------------------------------------------------------------------------------
// Report

const rows = [];

function addRow(row) {
  rows.push(row);
}

function ms(value) {
  return `${value.toFixed(0)} ms`;
}

function timing(s) {
  return `${ms(s.median)} (${s.min.toFixed(0)}–${s.max.toFixed(0)}, n=${s.runs})`;
}

function printTable() {
  const header = ["measurement", "akash-stack", "baseline", "ratio", "goal", "result"];
  const body = rows.map((r) => [r.name, r.ours, r.baseline, r.ratio, r.goal, r.result]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  process.stdout.write("\n" + line(header) + "\n" + line(widths.map((w) => "-".repeat(w))) + "\n");
  for (const cells of body) process.stdout.write(line(cells) + "\n");
  process.stdout.write("\n");
}

function passFail(ok) {
  return ok ? "PASS" : "FAIL";
}

// ---------------------------------------------------------------------------------------------
// Measurements


function lintCommand(label, paths) {
  return command(label, [NODE, CLI, "lint", "--format", "json", ...paths], LINT_RAN);
}

function measureCorpus(runs, probe) {
  const fileCount = readdirSync(AWESOME).filter((name) => /\.ya?ml$/i.test(name)).length;
  const lint = lintCommand("akash-stack lint awesome-akash", [AWESOME]);
  const baseline = command("validate-sdl-baseline awesome-akash", [NODE, BASELINE, AWESOME]);

  // One untimed run of each to check that both really did the work (and to show what they found).
  const report = JSON.parse(run(lint, { captureStdout: true }).stdout);
  const baselineSummary = JSON.parse(run(baseline, { captureStdout: true }).stdout);
  const linted = report.files.length;
  if (linted === 0) throw new BenchError("akash-stack lint linted no files in awesome-akash: the measurement would be meaningless");
  process.stdout.write(
    `awesome-akash: ${fileCount} YAML files. akash-stack lint linted ${linted} (${report.summary.errors} errors, ${report.summary.warnings} warnings; ` +
      `${report.summary.skipped} other YAML files skipped). validateSDL baseline: ${baselineSummary.valid} valid, ${baselineSummary.invalid} invalid, ` +
      `${baselineSummary.unparsable} not parsable by js-yaml, ${baselineSummary.threw} threw.\n`,
  );

  process.stdout.write(`timing the corpus lint against the validateSDL baseline (1 warm-up + ${runs} runs each)…\n`);
  const time = timePair(lint, baseline, { warmup: 1, runs });
  const ratio = time.subject.median / time.baseline.median;
  addRow({
    name: `lint awesome-akash (${fileCount} files), wall`,
    ours: timing(time.subject),
    baseline: `validateSDL ${timing(time.baseline)}`,
    ratio: `${ratio.toFixed(2)}×`,
    goal: `≤ ${GOALS.corpusRatio}×`,
    result: passFail(ratio <= GOALS.corpusRatio),
  });

  const rssRuns = 3;
  process.stdout.write(`measuring peak RSS with ${probe.name} (${rssRuns} runs each)…\n`);
  const oursMb = peakRssMb(probe, lint, rssRuns);
  const baselineMb = peakRssMb(probe, baseline, rssRuns);
  addRow({
    name: `lint awesome-akash (${fileCount} files), peak RSS`,
    ours: `${oursMb.toFixed(1)} MB (max of ${rssRuns})`,
    baseline: `validateSDL ${baselineMb.toFixed(1)} MB (for scale)`,
    ratio: `${(oursMb / baselineMb).toFixed(2)}×`,
    goal: `< ${GOALS.peakRssMb} MB`,
    result: passFail(oursMb < GOALS.peakRssMb),
  });
}

function measureColdStart(runs, sampleFile) {
  const lint = lintCommand("akash-stack lint (one file)", [sampleFile]);
  const bareNode = command("node -e 0", [NODE, "-e", "0"]);
  process.stdout.write(`timing the cold start of one-file lint against node -e 0 (2 warm-ups + ${runs} runs each)…\n`);
  const time = timePair(lint, bareNode, { warmup: 2, runs });
  const ratio = time.subject.median / time.baseline.median;
  addRow({
    name: `cold start: lint one file (${basename(sampleFile)}, ${statSync(sampleFile).size} B)`,
    ours: timing(time.subject),
    baseline: `node -e 0 ${timing(time.baseline)}`,
    ratio: `${ratio.toFixed(2)}×`,
    goal: `≤ ${GOALS.coldStartRatio}×`,
    result: passFail(ratio <= GOALS.coldStartRatio),
  });
}

/**
 * A repository as CI checks it out: 20 SDLs (the first corpus files by name, else the project's
 * synthesized SDLs repeated), and akash-stack installed in node_modules as npm installs a package
 * (its bin linked into node_modules/.bin). Returns the repository's folder.
 */
function ciRepository(scratch, corpusPresent) {
  const repo = join(scratch, "repo");
  const deploy = join(repo, "deploy");
  mkdirSync(deploy, { recursive: true });
  const sources = corpusPresent
    ? readdirSync(AWESOME).filter((name) => /\.ya?ml$/i.test(name)).sort().map((name) => join(AWESOME, name))
    : readdirSync(join(ROOT, "out")).filter((name) => name.endsWith(".sdl.yaml")).map((name) => join(ROOT, "out", name));
  if (sources.length === 0) throw new BenchError("no SDLs to build the CI repository from (no corpus and no out/*.sdl.yaml)");
  for (let i = 0; i < CI_REPOSITORY_SDLS; i++) copyFileSync(sources[i % sources.length], join(deploy, `${String(i).padStart(2, "0")}-${basename(sources[i % sources.length])}`));
  writeFileSync(join(repo, "package.json"), `${JSON.stringify({ name: "ci-repository", private: true, devDependencies: { "akash-stack": "*" } })}\n`);
  mkdirSync(join(repo, "node_modules", ".bin"), { recursive: true });
  symlinkSync(ROOT, join(repo, "node_modules", "akash-stack"), "dir");
  // npm links a package's bin executable; the build writes dist/cli.js without the mode bit
  chmodSync(CLI, 0o755);
  symlinkSync(join("..", "akash-stack", "dist", "cli.js"), join(repo, "node_modules", ".bin", "akash-stack"));
  return repo;
}

function measureCi(runs, scratch, corpusPresent) {
  if (!existsSync(ACTION_ENTRY)) throw new BenchError(`${ACTION_ENTRY} is missing: run npm run build:action`);
  const repo = ciRepository(scratch, corpusPresent);
  const sarif = join(scratch, "akash-stack.sarif");
  const inputs = { INPUT_PATHS: "deploy/", INPUT_FORMAT: "github", "INPUT_SARIF-FILE": sarif, "INPUT_MAX-WARNINGS": "", INPUT_CONFIG: "", GITHUB_ACTIONS: "true" };
  const action = command("the GitHub Action", [NODE, ACTION_ENTRY], LINT_RAN, { cwd: repo, env: inputs });
  const npxPath = join(dirname(NODE), "npx");
  const npx = command("npx akash-stack lint", [existsSync(npxPath) ? npxPath : "npx", "--no-install", "akash-stack", "lint", "--output", "github", "deploy/"], LINT_RAN, { cwd: repo });
  const bareNode = command("node -e 0", [NODE, "-e", "0"]);
  for (const subject of [action, npx]) {
    process.stdout.write(`timing ${subject.label} on a repository of ${CI_REPOSITORY_SDLS} SDLs (1 warm-up + ${runs} runs, node -e 0 alongside)…\n`);
    const time = timePair(subject, bareNode, { warmup: 1, runs });
    addRow({
      name: `CI: ${subject.label}, ${CI_REPOSITORY_SDLS} SDLs`,
      ours: timing(time.subject),
      baseline: `node -e 0 ${timing(time.baseline)}`,
      ratio: `${(time.subject.median / time.baseline.median).toFixed(2)}×`,
      goal: `≤ ${GOALS.ciSeconds} s`,
      result: passFail(time.subject.median <= GOALS.ciSeconds * 1000),
    });
  }
  if (!existsSync(sarif)) throw new BenchError("the Action wrote no SARIF file: the measurement would be meaningless");
}

/** The corpus file of median size: a typical SDL, chosen the same way on every run. */
function medianSizedFile(folder) {
  const files = readdirSync(folder)
    .filter((name) => /\.ya?ml$/i.test(name))
    .map((name) => ({ path: join(folder, name), size: statSync(join(folder, name)).size }))
    .sort((a, b) => a.size - b.size || a.path.localeCompare(b.path));
  return files[Math.floor(files.length / 2)]?.path;
}

function parseRuns(argv) {
  const at = argv.indexOf("--runs");
  if (at === -1) return 7;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new BenchError(`--runs needs a whole number of runs (1 or more), got ${argv[at + 1] ?? "nothing"}`);
  return value;
}

function main() {
  const started = process.hrtime.bigint();
  const runs = parseRuns(process.argv.slice(2));
  ensureBuilt();
  const corpusPresent = existsSync(AWESOME);
  process.stdout.write(`akash-stack bench: node ${process.version}, ${NODE}\n`);
  const stripped = [...STRIPPED_ENV].filter((name) => process.env[name] !== undefined);
  if (stripped.length > 0) process.stdout.write(`measured processes run without ${stripped.join(" and ")} (set here; see bench/run.mjs)\n`);

  const scratch = mkdtempSync(join(tmpdir(), "akash-stack-bench-sample-"));
  const probe = rssProbe();
  try {
    if (corpusPresent) {
      measureCorpus(runs, probe);
    } else {
      for (const [name, goal] of [
        ["lint awesome-akash, wall", `≤ ${GOALS.corpusRatio}×`],
        ["lint awesome-akash, peak RSS", `< ${GOALS.peakRssMb} MB`],
      ]) {
        process.stdout.write(`skipped: ${name}: the SDL corpus is not at ${CORPUS} (check it out next to the project to measure this)\n`);
        addRow({ name, ours: "skipped", baseline: "", ratio: "", goal, result: "SKIP" });
      }
    }
    // The cold start does not need the corpus: a real corpus file when there is one, else the
    // project's own synthesized backend SDL (committed, and kept lint-clean by CI).
    const sampleFile = (corpusPresent ? medianSizedFile(AWESOME) : undefined) ?? join(ROOT, "out", "backend.sdl.yaml");
    measureColdStart(runs * 3, sampleFile);
    measureCi(runs, scratch, corpusPresent);
    measurePackage({ root: ROOT, node: NODE, runs, env: CHILD_ENV, addRow, stats, timing });
  } finally {
    probe.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  }

  printTable();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const failed = rows.filter((r) => r.result === "FAIL");
  const skipped = rows.filter((r) => r.result === "SKIP");
  if (failed.length > 0) {
    process.stdout.write(`${failed.length} goal${failed.length === 1 ? "" : "s"} failed: ${failed.map((r) => r.name).join("; ")} (bench took ${seconds.toFixed(0)} s)\n`);
    return 1;
  }
  process.stdout.write(`all goals met${skipped.length > 0 ? ` (${skipped.length} skipped: no corpus)` : ""} (bench took ${seconds.toFixed(0)} s)\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  if (!(err instanceof BenchError)) throw err;
  process.stderr.write(`bench: ${err.message}\n`);
  process.exitCode = 2;
}
