/**
 * The `akash-stack lint` action: lint the paths, print in the chosen format, return the exit code.
 * In the built CLI this module, the lint engine, js-yaml and the schema validator are all in the
 * pre-compiled front bundle (see src/cli/main.ts), so a cold lint compiles none of them.
 */
import { writeFileSync } from "node:fs";
import type { RuleInfo } from "../sdl/findings.js";
import { MAX_FILE_BYTES, RULES, STDIN_PATH, exitCodeFor, lintFiles } from "../lint/engine.js";
import { didYouMean } from "../sdl/suggest.js";
import { readAtMost, type InputStream } from "./stdin.js";
import { FORMATTERS, type FormatName } from "../lint/output/index.js";

export interface LintFlags {
  format: FormatName;
  /** Warnings above this many fail the run; undefined means warnings never do. */
  maxWarnings?: number;
  /** Rule ids to drop. */
  ignore: string[];
  network?: "mainnet" | "sandbox";
  /** List the YAML files a folder walk skipped as not an SDL, with the reason. */
  verbose?: boolean;
  /** A config file for every SDL instead of the `.akash-stack.yaml` nearest to each. */
  config?: string;
  /** Also write the findings as SARIF to this file, whatever `format` is (annotations and code scanning in one run). */
  sarifFile?: string;
}

export interface LintContext {
  toolVersion: string;
  write(stream: "stdout" | "stderr", text: string): void;
  cwd?: string;
  /** Standard input, for the path `-` (tests pass their own). */
  stdin?: InputStream;
}

const PREFIX = "akash-stack lint:";
const EXIT_UNREADABLE = 2;

/** Runs `lint` and returns the process exit code (0 pass, 1 findings fail the run, 2 unreadable input). */
export async function lintCommand(paths: readonly string[], flags: LintFlags, context: LintContext): Promise<number> {
  const rules: readonly RuleInfo[] = RULES; // every rule the engine and the runner report
  const knownIds = new Set(rules.map((r) => r.id));
  for (const id of flags.ignore) {
    if (!knownIds.has(id)) context.write("stderr", `${PREFIX} warning: --ignore ${id} names no known rule${didYouMean(id, knownIds)}; check the spelling\n`);
  }

  const targets = paths.length > 0 ? paths : ["."];
  let stdin: Buffer | undefined;
  if (targets.includes(STDIN_PATH)) {
    try {
      stdin = await readAtMost(context.stdin ?? process.stdin, MAX_FILE_BYTES + 1, (hint) => context.write("stderr", `${PREFIX} ${hint}\n`));
    } catch (err) {
      context.write("stderr", `${PREFIX} ${STDIN_PATH}: cannot read standard input (${err instanceof Error ? err.message : String(err)})\n`);
      return EXIT_UNREADABLE;
    }
  }
  const options = { ignore: flags.ignore, network: flags.network, cwd: context.cwd, stdin, config: flags.config };
  // One thread on purpose: a worker thread was measured slower on 2 cores (V8's background JIT
  // threads already use the second core during a cold run).
  const report = lintFiles(targets, options);

  // With nothing linted there is nothing to format: an empty JSON or SARIF document would read as "all clean".
  const anythingLinted = report.files.length > 0 || report.inputErrors.length === 0;
  if (anythingLinted) {
    const output = FORMATTERS[flags.format](report, { toolVersion: context.toolVersion, rules });
    if (output.stdout) context.write("stdout", output.stdout);
    if (output.stderr) context.write("stderr", output.stderr);
  }
  if (anythingLinted && flags.sarifFile !== undefined) {
    try {
      writeFileSync(flags.sarifFile, FORMATTERS.sarif(report, { toolVersion: context.toolVersion, rules }).stdout);
    } catch (err) {
      context.write("stderr", `${PREFIX} --sarif-file ${flags.sarifFile}: cannot write it (${err instanceof Error ? err.message : String(err)}); check that its folder exists and is writable\n`);
      return EXIT_UNREADABLE;
    }
  }
  if (flags.verbose) {
    for (const skipped of report.skipped) context.write("stderr", `${PREFIX} skipped ${skipped.path}: not an SDL (${skipped.reason}); name it explicitly to lint it anyway\n`);
  }
  for (const error of report.inputErrors) context.write("stderr", `${PREFIX} ${error}\n`);
  const { warnings } = report.summary;
  // the flag wins over the config files' max-warnings
  const maxWarnings = flags.maxWarnings ?? report.configMaxWarnings;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    const source = flags.maxWarnings !== undefined ? "--max-warnings" : "max-warnings in the config";
    context.write("stderr", `${PREFIX} ${warnings} warning${warnings === 1 ? "" : "s"}, more than ${source} ${maxWarnings} allows\n`);
  }
  return exitCodeFor(report, maxWarnings);
}
