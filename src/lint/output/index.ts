/**
 * Output formats for `akash-stack lint`, one file per format behind one small interface (as in
 * kubeconform's `pkg/output`). A formatter is a pure function from a report to text: it never
 * writes, so each format can be tested against golden strings.
 */
import type { RuleInfo } from "../../sdl/findings.js";
import type { LintReport } from "../run.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatText } from "./text.js";

export interface FormatContext {
  /** The akash-stack version, for SARIF's `tool.driver.version`. */
  toolVersion: string;
  /** Every rule the linter knows, for SARIF's `tool.driver.rules`. */
  rules: readonly RuleInfo[];
}

export interface FormattedOutput {
  /** The machine- or grep-readable result. */
  stdout: string;
  /** Human notes (summary lines); empty when the format carries its own summary. */
  stderr: string;
}

export type Formatter = (report: LintReport, context: FormatContext) => FormattedOutput;

export const FORMATTERS = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
} as const satisfies Record<string, Formatter>;

export type FormatName = keyof typeof FORMATTERS;

export const FORMAT_NAMES = Object.keys(FORMATTERS) as FormatName[];
