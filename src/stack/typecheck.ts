/**
 * Type-checking a stack file and what it imports before synth, plan or deploy use it. esbuild,
 * which loads stacks, only strips types: without this check `gpu: 1` in a service's compute was
 * dropped silently while tsc reported TS2353.
 *
 * The check is TypeScript's own, with the user's TypeScript and tsconfig.json (the nearest above
 * the stack file), so it agrees with `tsc` in their editor and CI; only the stack file is a root.
 * TypeScript is a peer dependency: a project made by `akash-stack init` has it, and without it the
 * check says how to add it or skip it.
 *
 * What it costs: TypeScript parses the standard library and every declaration the stack reaches
 * (half a second to two seconds cold, most of it @types/node when the tsconfig asks for it). So:
 * - the built CLI runs the check in a worker thread (`startTypeCheck`) while the stack loads and
 *   synthesizes, and TypeScript's own code loads with a V8 code cache (`typescript-loader.ts`);
 * - a clean check records the files it read with their sizes and times; when none has changed
 *   since, the next run skips TypeScript entirely, as `tsc --build` does.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type * as TypeScript from "typescript";
import { cacheDirFor } from "./cache-dir.js";
import { formatLocation } from "./location.js";
import { loadTypeScript } from "./typescript-loader.js";

export interface TypeProblem {
  file: string;
  line: number;
  column: number;
  /** `TS2353`. */
  code: string;
  message: string;
}

export type TypeCheckOutcome =
  | { kind: "passed"; files: number; reused: boolean }
  | { kind: "failed"; problems: TypeProblem[] }
  | { kind: "unavailable"; reason: string };

/** The worker's file beside the chunk this module is built into (scripts/build.mjs writes it). */
const WORKER_FILE = "typecheck-worker.mjs";

/**
 * Starts the check: in a worker thread when the CLI is built (so it overlaps with loading and
 * synthesizing the stack on another core), in this thread otherwise (tests running the sources).
 */
export async function startTypeCheck(stackFile: string): Promise<TypeCheckOutcome> {
  return runTypeCheck(stackFile).catch((err: unknown) => ({
    kind: "unavailable",
    reason: `the type check of ${stackFile} failed to run: ${err instanceof Error ? err.message : String(err)}; run with --no-typecheck to skip it`,
  }));
}

async function runTypeCheck(stackFile: string): Promise<TypeCheckOutcome> {
  const cacheDir = await cacheDirFor(stackFile);
  // Nothing changed since the last clean check: a few file stats, not worth a thread.
  const prepared = prepareTypeCheck(stackFile, cacheDir);
  if ("kind" in prepared) return prepared;
  const worker = join(dirname(fileURLToPath(import.meta.url)), WORKER_FILE);
  if (!import.meta.url.endsWith(".mjs") || !existsSync(worker)) return checkWithTypeScript(prepared);
  const { Worker } = await import("node:worker_threads");
  return new Promise((resolvePromise, reject) => {
    const thread = new Worker(worker, { workerData: { stackFile, cacheDir } });
    thread.once("message", (outcome: TypeCheckOutcome) => resolvePromise(outcome));
    thread.once("error", reject);
    thread.once("exit", (code) => {
      if (code !== 0) reject(new Error(`the type check's worker stopped with exit code ${code}`));
    });
  });
}

/** The check itself, synchronous (the worker runs this). */
export function typeCheck(stackFile: string, cacheDir: string): TypeCheckOutcome {
  const prepared = prepareTypeCheck(stackFile, cacheDir);
  return "kind" in prepared ? prepared : checkWithTypeScript(prepared);
}

interface PreparedCheck {
  stackFile: string;
  typescript: { path: string; version: string };
  configFile: string | undefined;
  /** Where a clean check records the files it read. */
  record: string;
  fingerprint: Record<string, unknown>;
}

/**
 * Everything decided before TypeScript loads (loading it is a good part of the cost): whether it is
 * installed, which tsconfig applies, and whether the last clean check still holds.
 */
function prepareTypeCheck(stackFile: string, cacheDir: string): PreparedCheck | TypeCheckOutcome {
  const typescript = resolveTypeScript(stackFile);
  if (!typescript) {
    return {
      kind: "unavailable",
      reason:
        `cannot type-check ${stackFile}: the typescript package is not installed in this project; ` +
        `add it with \`npm install --save-dev typescript\`, or skip the check with --no-typecheck`,
    };
  }
  const configFile = findTsconfig(dirname(stackFile));
  const record = join(cacheDir, `typecheck-${createHash("sha256").update(`${stackFile}\0${configFile ?? ""}`).digest("hex").slice(0, 16)}.json`);
  const fingerprint = { typescript: typescript.version, node: process.version, config: configFile ? stamp(configFile) : null };
  const reused = unchangedSinceLastPass(record, fingerprint);
  if (reused !== undefined) return { kind: "passed", files: reused, reused: true };
  return { stackFile, typescript, configFile, record, fingerprint };
}

function checkWithTypeScript({ stackFile, typescript, configFile, record, fingerprint }: PreparedCheck): TypeCheckOutcome {
  const { ts, saveCodeCache } = loadTypeScript(typescript.path, typescript.version, dirname(record));
  try {
    return checkProgram(ts, stackFile, configFile, record, fingerprint);
  } finally {
    saveCodeCache();
  }
}

function checkProgram(ts: typeof TypeScript, stackFile: string, configFile: string | undefined, record: string, fingerprint: Record<string, unknown>): TypeCheckOutcome {
  const options = compilerOptions(ts, configFile);
  if ("problems" in options) return { kind: "failed", problems: options.problems };

  const program = ts.createProgram({ rootNames: [stackFile], options: options.options });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length > 0) return { kind: "failed", problems: diagnostics.map((d) => problemOf(ts, d, configFile ?? stackFile)) };

  const files = program.getSourceFiles().map((f) => f.fileName);
  try {
    writeFileSync(record, JSON.stringify({ ...fingerprint, files: files.map((f) => [f, stamp(f)]) }));
  } catch {
    // A read-only cache only costs the next run a full check.
  }
  return { kind: "passed", files: files.length, reused: false };
}

/** `stacks/web.ts:12:7: error TS2353: …`, one per problem. */
export function formatTypeProblem(problem: TypeProblem, baseDir: string): string {
  return `${formatLocation({ file: problem.file, line: problem.line, column: problem.column }, baseDir)}: error ${problem.code}: ${problem.message}`;
}

/**
 * What to tell the user about an outcome: nothing when it passed, else one line per problem and a
 * last line that says what happened and what to do.
 */
export function describeTypeCheck(outcome: TypeCheckOutcome, shownFile: string, baseDir: string): string[] {
  if (outcome.kind === "passed") return [];
  if (outcome.kind === "unavailable") return [outcome.reason];
  const count = `${outcome.problems.length} type error${outcome.problems.length === 1 ? "" : "s"}`;
  return [
    ...outcome.problems.map((p) => formatTypeProblem(p, baseDir)),
    `${count} in ${shownFile} and what it imports: nothing was done. Fix ${outcome.problems.length === 1 ? "it" : "them"} (tsc reports the same), or run with --no-typecheck to skip the check`,
  ];
}

/** The user's TypeScript (its main file and version), resolved from the stack file; else the one beside akash-stack. */
function resolveTypeScript(stackFile: string): { path: string; version: string } | undefined {
  for (const from of [stackFile, fileURLToPath(import.meta.url)]) {
    try {
      const require = createRequire(from);
      const path = require.resolve("typescript");
      const manifest = require.resolve("typescript/package.json");
      return { path, version: String((JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown }).version) };
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** The nearest tsconfig.json at or above `dir`, as `tsc` finds it. */
function findTsconfig(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, "tsconfig.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(at) === at) return undefined;
  }
}

/** Used when there is no tsconfig.json: what `akash-stack init` writes. */
const DEFAULT_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2023"],
  types: [],
  strict: true,
  skipLibCheck: true,
};

function compilerOptions(ts: typeof TypeScript, configFile: string | undefined): { options: TypeScript.CompilerOptions } | { problems: TypeProblem[] } {
  const problems: TypeScript.Diagnostic[] = [];
  let options: TypeScript.CompilerOptions;
  if (configFile) {
    const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => problems.push(d) });
    if (parsed) problems.push(...parsed.errors.filter((d) => d.code !== NO_INPUTS_FOUND));
    options = parsed?.options ?? {};
  } else {
    const converted = ts.convertCompilerOptionsFromJson(DEFAULT_OPTIONS, process.cwd());
    problems.push(...converted.errors);
    options = converted.options;
  }
  if (problems.length > 0) return { problems: problems.map((d) => problemOf(ts, d, configFile ?? "tsconfig.json")) };
  // Only checking: nothing is written, whatever the tsconfig says about output.
  return { options: { ...options, noEmit: true, incremental: false, composite: false, declaration: false, emitDeclarationOnly: false } };
}

/** TS18003: the tsconfig's `include` matches nothing. Irrelevant here: the stack file is the root. */
const NO_INPUTS_FOUND = 18003;

function problemOf(ts: typeof TypeScript, d: TypeScript.Diagnostic, fallbackFile: string): TypeProblem {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
  const code = `TS${d.code}`;
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return { file: resolve(d.file.fileName), line: line + 1, column: character + 1, code, message };
  }
  return { file: fallbackFile, line: 0, column: 0, code, message };
}

type Stamp = [size: number, mtimeMs: number] | null;

function stamp(file: string): Stamp {
  try {
    const s = statSync(file);
    return [s.size, s.mtimeMs];
  } catch {
    return null;
  }
}

/** The number of files of the last clean check, when it was under the same conditions and none has changed. */
function unchangedSinceLastPass(record: string, fingerprint: Record<string, unknown>): number | undefined {
  let last: { files?: Array<[string, Stamp]> } & Record<string, unknown>;
  try {
    last = JSON.parse(readFileSync(record, "utf8")) as typeof last;
  } catch {
    return undefined;
  }
  for (const [key, value] of Object.entries(fingerprint)) if (JSON.stringify(last[key]) !== JSON.stringify(value)) return undefined;
  if (!Array.isArray(last.files)) return undefined;
  for (const [file, was] of last.files) if (JSON.stringify(stamp(file)) !== JSON.stringify(was)) return undefined;
  return last.files.length;
}
