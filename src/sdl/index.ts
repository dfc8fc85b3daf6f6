/**
 * Public surface of the SDL engine: parse, lint, and (in `manifest.ts`) build the manifest a
 * provider receives. Pure functions: no I/O, no printing.
 */
import type { Finding, LintOptions } from "./findings.js";
import { lintText } from "./lint.js";

export type { Finding, LintOptions, Layer, Severity, RuleInfo } from "./findings.js";

export interface LintSdlResult {
  findings: Finding[];
}

/** Lints SDL text with every layer. Never throws; bad input becomes findings. */
export function lintSdl(text: string, options: LintOptions = {}): LintSdlResult {
  return { findings: lintText(text, options).findings };
}
