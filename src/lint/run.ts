/**
 * Lints files: reads each one, runs the SDL engine on it, drops ignored rules and sorts the
 * findings. Prints nothing; formatting and exit handling live in `src/lint/output` and `src/cli`.
 *
 * Bad input never stops the run. A file that is too large, binary, empty or not an SDL becomes a
 * finding, and so does an exception from the engine (`internal-error`), so one odd file cannot hide
 * the findings of the others.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Finding, LintOptions, Severity } from "../sdl/findings.js";
import { lintSdl } from "../sdl/index.js";
import { RULES } from "../sdl/rules/catalog.js";
import { ruleSettingsFor, type RuleSettings } from "./config.js";
import { ConfigFinder, pathForGlobs } from "./config-files.js";
import { STDIN_SHOWN, discoverFiles, pathError, type DiscoveredFile, type SkippedFile } from "./discover.js";
import { applySuppressions, type SuppressedFinding } from "./suppressions.js";

/** SDLs are a few KiB; a file this large is not one, and parsing it would only waste time and memory. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

export interface FileReport {
  /** The path as shown to the user (relative to the working folder when inside it). */
  path: string;
  /** Sorted by line, then column. */
  findings: Finding[];
  /** Findings an inline `akash-stack-ignore` comment accepted, with its reason (shown only in SARIF). */
  suppressed: SuppressedFinding[];
}

export interface LintSummary {
  files: number;
  errors: number;
  warnings: number;
  /** YAML files under the folders given that are not an SDL (listed in `LintReport.skipped`). */
  skipped: number;
  /** Findings accepted by inline suppressions (not counted in errors and warnings). */
  suppressed: number;
}

export interface LintReport {
  /** Every linted file, in the order discovered, including files without findings. */
  files: FileReport[];
  summary: LintSummary;
  /** YAML files a folder walk left out because they are not an SDL, with the reason. */
  skipped: SkippedFile[];
  /** Paths that could not be linted at all (missing, unreadable, a folder without SDL files, a broken config). */
  inputErrors: string[];
  /** The smallest `max-warnings` among the config files in force, if any sets one. */
  configMaxWarnings?: number;
}

export interface LintFilesOptions extends LintOptions {
  /** Rule ids whose findings are dropped entirely (also from the summary). */
  ignore?: readonly string[];
  /** Folder that relative paths are resolved against. Defaults to `process.cwd()`. */
  cwd?: string;
  /** Standard input's content, which the path `-` stands for (see `DiscoverOptions.stdin`). */
  stdin?: Buffer;
  /**
   * Config files: `false` uses none; a path uses that file for every SDL (`--config`); undefined
   * (the default) uses the `.akash-stack.yaml` nearest to each SDL.
   */
  config?: string | false;
}

/** Lints files and folders in this thread. Never throws. */
export function lintFiles(paths: readonly string[], options: LintFilesOptions = {}): LintReport {
  const cwd = options.cwd ?? process.cwd();
  const discovery = discoverFiles(paths, { cwd, stdin: options.stdin });
  const configs = options.config === false ? undefined : new ConfigFinder(cwd, new Set(RULES.map((r) => r.id)), options.config);
  const cliIgnore = new Set(options.ignore ?? []);
  const reports: FileReport[] = [];
  const inputErrors = [...discovery.errors];
  const brokenConfigs = new Set<string>();
  let configMaxWarnings: number | undefined;
  for (const file of discovery.files) {
    // standard input is governed by the config of the working folder
    const lookup = configs?.configFor(file.bytes !== undefined ? join(cwd, STDIN_SHOWN) : file.absolutePath);
    if (lookup !== undefined && "errors" in lookup) {
      // each broken config's errors once, however many files it governs
      for (const error of lookup.errors) {
        if (brokenConfigs.has(error)) continue;
        brokenConfigs.add(error);
        inputErrors.push(error);
      }
      inputErrors.push(`${file.path}: not linted, because its config file has errors (fix them, or name another with --config)`);
      continue;
    }
    const config = lookup?.config;
    if (config?.maxWarnings !== undefined) configMaxWarnings = Math.min(configMaxWarnings ?? Infinity, config.maxWarnings);
    const network = options.network ?? config?.network;
    const outcome = lintFile(file, network ? { network } : {});
    if ("inputError" in outcome) {
      inputErrors.push(outcome.inputError);
      continue;
    }
    const settings = lookup === undefined ? undefined : ruleSettingsFor(lookup.config, pathForGlobs(lookup.folder, file.absolutePath));
    reports.push(judged(file.path, outcome, settings, cliIgnore));
  }
  const report: LintReport = { files: reports, summary: summarize(reports, discovery.skipped.length), skipped: discovery.skipped, inputErrors };
  if (configMaxWarnings !== undefined) report.configMaxWarnings = configMaxWarnings;
  return report;
}

/**
 * One file's findings as reported: the config's severities and ignores, then the file's inline
 * suppressions (whose own findings the config may also ignore or re-rank), then `--ignore`.
 */
function judged(path: string, outcome: LintedText, settings: RuleSettings | undefined, cliIgnore: ReadonlySet<string>): FileReport {
  const configured = (findings: readonly Finding[]): Finding[] =>
    settings === undefined ? [...findings] : findings.filter((f) => !settings.ignore.has(f.ruleId)).map((f) => withSeverity(f, settings.severity.get(f.ruleId)));
  const { findings, suppressed, problems } = applySuppressions(outcome.text, configured(outcome.findings));
  const kept = [...findings, ...configured(problems)].filter((f) => !cliIgnore.has(f.ruleId)).map(normalized);
  return { path, findings: sortByPosition(kept), suppressed: suppressed.filter((s) => !cliIgnore.has(s.finding.ruleId)) };
}

function withSeverity(finding: Finding, severity: Severity | undefined): Finding {
  return severity === undefined || severity === finding.severity ? finding : { ...finding, severity };
}

/** Counts files, errors, warnings and suppressed findings. */
export function summarize(files: readonly FileReport[], skipped = 0): LintSummary {
  let suppressed = 0;
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    suppressed += file.suppressed.length;
    for (const finding of file.findings) {
      if (finding.severity === "error") errors++;
      else warnings++;
    }
  }
  return { files: files.length, errors, warnings, skipped, suppressed };
}

/**
 * The process exit code for a report: 2 when some input could not be read, 1 when a finding fails
 * the run (any error, or more warnings than `maxWarnings`), else 0. No `maxWarnings` means warnings
 * never fail the run.
 */
export function exitCodeFor(report: LintReport, maxWarnings?: number): 0 | 1 | 2 {
  if (report.inputErrors.length > 0) return 2;
  if (report.summary.errors > 0) return 1;
  if (maxWarnings !== undefined && report.summary.warnings > maxWarnings) return 1;
  return 0;
}

/** A file's text and the engine's findings on it (the text is where inline suppressions are read). */
interface LintedText {
  text: string;
  findings: Finding[];
}

type FileOutcome = LintedText | { inputError: string };

function lintFile(file: DiscoveredFile, options: LintOptions): FileOutcome {
  // The folder walk read the whole file already (to tell an SDL from other YAML): lint that text
  // rather than stat and read the file a second time. Such files are at most 1 MiB, far below the
  // size limit, and are regular files.
  if (file.text !== undefined) return lintFileText(file.text, options);
  // Content the caller supplied (standard input) is checked against the size limit like a file.
  const bytes = file.bytes ?? readRegularFile(file);
  if (!Buffer.isBuffer(bytes)) return bytes;
  // A file may have grown between stat and read; supplied content stops just past the limit.
  if (bytes.length > MAX_FILE_BYTES) return { text: "", findings: [tooLarge(bytes.length, file.bytes !== undefined)] };
  return lintFileText(bytes.toString("utf8"), options);
}

/** The bytes of a regular file, or the outcome that replaces linting it (too large, unreadable). */
function readRegularFile(file: DiscoveredFile): Buffer | FileOutcome {
  try {
    const stats = statSync(file.absolutePath);
    // FIFOs and devices would block or never end; only regular files are SDL candidates.
    if (!stats.isFile()) return { inputError: `${file.path}: not a regular file (name a .yaml file or a folder, or - for standard input)` };
    if (stats.size > MAX_FILE_BYTES) return { text: "", findings: [tooLarge(stats.size)] };
    return readFileSync(file.absolutePath);
  } catch (err) {
    return { inputError: pathError(file.path, err) };
  }
}

function lintFileText(text: string, options: LintOptions): FileOutcome {
  try {
    return { text, findings: lintSdl(text, options).findings };
  } catch (err) {
    return { text, findings: [internalError(err)] };
  }
}

/** `cut`: only the first `size` bytes were read (standard input), so the real size is not known. */
function tooLarge(size: number, cut = false): Finding {
  const limit = `${MAX_FILE_BYTES / 1024 / 1024} MiB`;
  const what = cut ? `input is over the ${limit} limit` : `file is ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${limit} limit`;
  return {
    ruleId: "file-too-large",
    severity: "error",
    layer: "yaml",
    message: `${what}, so it was not parsed; an SDL is a few KiB: check that this is the right file`,
    line: 1,
    column: 1,
    path: "",
  };
}

function internalError(err: unknown): Finding {
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return {
    ruleId: "internal-error",
    severity: "error",
    layer: "yaml",
    message: `the linter failed on this file (${reason}); this is a bug in akash-stack, please report it with the file attached`,
    line: 1,
    column: 1,
    path: "",
  };
}

/** Keeps the output contract (1-based integer positions) even if a rule reports a bad position. */
function normalized(finding: Finding): Finding {
  const line = Number.isInteger(finding.line) && finding.line >= 1 ? finding.line : 1;
  const column = Number.isInteger(finding.column) && finding.column >= 1 ? finding.column : 1;
  return line === finding.line && column === finding.column ? finding : { ...finding, line, column };
}

function sortByPosition(findings: Finding[]): Finding[] {
  // Array.prototype.sort is stable: findings at the same position keep the engine's order.
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}
