/**
 * `akash-stack synth STACK [--out DIR] [--set key=value …] [--check]`: loads a TypeScript stack,
 * synthesizes it and writes `DIR/STACK.sdl.yaml` (default `out/`), or with `--check` compares the
 * result with that file and fails on drift (for CI, next to `lint`).
 *
 * Stack files are found and loaded by src/stack/load.ts (an esbuild bundle of the stack, imported
 * at run time), shared with plan, deploy and dns.
 *
 * Secrets: synth never reads a secret value, so none can reach the file or the output; only names.
 * Exit codes: 0 written or up to date; 1 the stack has problems, or --check found drift;
 * 2 usage errors (unknown stack, bad --set); anything thrown escapes to main (3, a bug).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadStack, locateStack, shortPath } from "../stack/load.js";
import { ParamError, parseSetFlags } from "../stack/params.js";
import { isSdlFile } from "../stack/sdl-file.js";
import type { StackDefinition } from "../stack/stack.js";
import { formatProblem, synth, SynthError, type SynthResult } from "../stack/synth.js";
import { describeTypeCheck, startTypeCheck } from "../stack/typecheck.js";

export interface SynthFlags {
  /** Folder for `<stack>.sdl.yaml`; default `out`. */
  out?: string;
  /** `key=value` parameter overrides. */
  set?: string[];
  /** Compare with the file on disk instead of writing it. */
  check?: boolean;
  /** `--no-typecheck` sets this to false: skip TypeScript's check of the stack file. */
  typecheck?: boolean;
  /** `json`: one object on stdout (file, whether it is up to date, DNS records, secrets); problems stay on stderr. */
  output?: "text" | "json";
}

/** What `synth --output json` prints: names and paths only, never a secret value. */
export interface SynthJson {
  stack: string;
  file: string;
  /** With --check: whether the file on disk matches; otherwise true once written. */
  upToDate: boolean;
  written: boolean;
  dns: Array<{ fqdn: string; type: "A"; endpoint: string; ttl: number }>;
  secrets: Array<{ name: string; generated?: string }>;
  warnings: string[];
}

/** Where the command runs and prints; tests pass their own. */
export interface SynthIo {
  cwd: string;
  write(stream: "stdout" | "stderr", text: string): void;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const DEFAULT_OUT = "out";

const defaultIo: SynthIo = {
  cwd: process.cwd(),
  write: (stream, text) => void (stream === "stdout" ? process.stdout : process.stderr).write(text),
};

export async function runSynth(stack: string, opts: SynthFlags, io: SynthIo = { ...defaultIo, cwd: process.cwd() }): Promise<number> {
  const json = opts.output === "json";
  // With --output json, stdout carries the one object and nothing else.
  const say = (text: string) => {
    if (!json) io.write("stdout", text + "\n");
  };
  const complain = (text: string) => io.write("stderr", text + "\n");

  if (isSdlFile(stack)) {
    complain(`akash-stack synth: ${stack} is an SDL file already, and synth turns a TypeScript stack into one: lint it with \`akash-stack lint ${stack}\`, or deploy it as it is with \`akash-stack deploy ${stack} --network …\``);
    return EXIT_USAGE;
  }
  const located = locateStack(stack, io.cwd);
  if ("error" in located) {
    complain(`akash-stack synth: ${located.error}`);
    return EXIT_USAGE;
  }
  const { file, name } = located;
  const shownFile = shortPath(file, io.cwd);

  // The type check runs on another thread while the stack loads.
  const typeChecked = opts.typecheck === false ? undefined : startTypeCheck(file);
  const loaded = await loadStack(file, io.cwd);
  const typeProblems = typeChecked ? describeTypeCheck(await typeChecked, shownFile, io.cwd) : [];
  if (typeProblems.length > 0) {
    for (const line of typeProblems) complain(line);
    return EXIT_FAILED;
  }
  if ("error" in loaded) {
    complain(loaded.error);
    return EXIT_FAILED;
  }
  const definition = loaded.definition;

  let result: SynthResult;
  try {
    const overrides = parseSetFlags(definition.params, opts.set ?? []);
    result = synth(definition, overrides);
  } catch (err) {
    if (err instanceof ParamError) {
      complain(`akash-stack synth: ${err.message.split("\n").join("\nakash-stack synth: ")}`);
      complain(`parameters of ${shownFile}: ${describeParams(definition)}`);
      return EXIT_USAGE;
    }
    if (err instanceof SynthError) {
      for (const problem of err.problems) complain(`${formatProblem(problem, io.cwd)}`);
      complain(`${err.problems.length} problem${err.problems.length === 1 ? "" : "s"} in ${shownFile}: nothing was written`);
      return EXIT_FAILED;
    }
    throw err;
  }

  for (const warning of result.warnings) complain(`${formatProblem(warning, io.cwd)} (warning)`);

  const outDir = resolve(io.cwd, opts.out ?? DEFAULT_OUT);
  const target = join(outDir, `${name}.sdl.yaml`);
  const shownTarget = shortPath(target, io.cwd);

  if (opts.check) {
    let onDisk: string;
    try {
      onDisk = await readFile(target, "utf8");
    } catch {
      complain(`${shownTarget} does not exist: run \`akash-stack synth ${stack}\` and commit the file`);
      return EXIT_FAILED;
    }
    if (json) io.write("stdout", `${JSON.stringify(synthJson(name, shownTarget, result, onDisk === result.sdl, false, io.cwd))}\n`);
    if (onDisk === result.sdl) {
      say(`${shownTarget} is up to date with ${shownFile}`);
      return EXIT_OK;
    }
    complain(`${shownTarget} is out of date with ${shownFile}: run \`akash-stack synth ${stack}\` and commit the result.`);
    complain(lineDiff(onDisk, result.sdl, `${shownTarget} (on disk)`, `${shownTarget} (synthesized)`));
    return EXIT_FAILED;
  }

  await writeAtomically(target, result.sdl);
  if (json) io.write("stdout", `${JSON.stringify(synthJson(name, shownTarget, result, true, true, io.cwd))}\n`);
  say(`wrote ${shownTarget}`);
  for (const record of result.dns) say(`  DNS wanted: ${record.fqdn} A -> leased IP of endpoint ${record.endpoint} (ttl ${record.ttl})`);
  if (result.secrets.length > 0) {
    const names = result.secrets.map((s) => (s.generated ? `${s.name} (generated on first deploy)` : s.name));
    say(`  secrets needed at deploy time: ${names.join(", ")}`);
  }
  return EXIT_OK;
}

function synthJson(stack: string, file: string, result: SynthResult, upToDate: boolean, written: boolean, cwd: string): SynthJson {
  return {
    stack,
    file,
    upToDate,
    written,
    dns: result.dns.map((r) => ({ fqdn: r.fqdn, type: r.type, endpoint: r.endpoint, ttl: r.ttl })),
    secrets: result.secrets.map((s) => (s.generated ? { name: s.name, generated: s.generated } : { name: s.name })),
    warnings: result.warnings.map((w) => formatProblem(w, cwd)),
  };
}

function describeParams(definition: StackDefinition): string {
  const entries = Object.entries(definition.params);
  if (entries.length === 0) return "none";
  return entries.map(([k, v]) => `${k} (${typeof v}, default ${JSON.stringify(v)})`).join(", ");
}

async function writeAtomically(target: string, text: string): Promise<void> {
  await mkdir(resolve(target, ".."), { recursive: true });
  // `out/*.tmp` is git-ignored, so an interrupted run leaves nothing to commit by mistake.
  const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, text, { encoding: "utf8", flag: "wx" });
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** How many differing lines `--check` shows before it stops; the fix is to re-run synth anyway. */
const MAX_DIFF_LINES = 60;
const CONTEXT_LINES = 2;

/**
 * A unified-diff-like listing of what changed (LCS over lines; SDL files are a few hundred lines).
 * Enough to see what drifted in a CI log; not meant to be applied with `patch`.
 */
export function lineDiff(before: string, after: string, beforeName: string, afterName: string): string {
  const a = before.split("\n");
  const b = after.split("\n");
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  type Op = { kind: " " | "-" | "+"; text: string; line: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: " ", text: a[i++]!, line: j++ + 1 });
    else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: "-", text: a[i++]!, line: j + 1 });
    else ops.push({ kind: "+", text: b[j]!, line: ++j });
  }
  const changed = ops.map((op, k) => (op.kind !== " " ? k : -1)).filter((k) => k >= 0);
  const shown = new Set<number>();
  for (const k of changed) for (let c = k - CONTEXT_LINES; c <= k + CONTEXT_LINES; c++) if (c >= 0 && c < ops.length) shown.add(c);
  const out = [`--- ${beforeName}`, `+++ ${afterName}`];
  let printedChanges = 0;
  let previous = -2;
  for (const k of [...shown].sort((x, y) => x - y)) {
    if (k !== previous + 1) out.push(`@@ near line ${ops[k]!.line} of the synthesized file @@`);
    previous = k;
    const op = ops[k]!;
    out.push(`${op.kind}${op.text}`);
    if (op.kind !== " " && ++printedChanges >= MAX_DIFF_LINES) {
      out.push(`… ${changed.length - printedChanges} more changed lines`);
      break;
    }
  }
  return out.join("\n");
}
