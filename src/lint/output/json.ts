/**
 * JSON, a stable contract for scripts:
 * `{"files":[{"path","findings":[{"ruleId","severity","layer","message","line","column","path"}]}],
 *   "skipped":[{"path","reason"}], "summary":{"files","errors","warnings","skipped","suppressed"}}`.
 * `skipped` lists the YAML files a folder held that are not an SDL. Every linted file is listed, also without findings.
 * Lines and columns are 1-based; a finding's `path` is a JSON pointer into the SDL.
 */
import type { FormattedOutput } from "./index.js";
import type { LintReport } from "../run.js";

export function formatJson(report: LintReport): FormattedOutput {
  // Built field by field so the key order and the field set are the contract, whatever else a
  // finding object may carry.
  const document = {
    files: report.files.map((file) => ({
      path: file.path,
      findings: file.findings.map((f) => ({
        ruleId: f.ruleId,
        severity: f.severity,
        layer: f.layer,
        message: f.message,
        line: f.line,
        column: f.column,
        path: f.path,
      })),
    })),
    skipped: report.skipped.map((file) => ({ path: file.path, reason: file.reason })),
    summary: { files: report.summary.files, errors: report.summary.errors, warnings: report.summary.warnings, skipped: report.summary.skipped, suppressed: report.summary.suppressed },
  };
  return { stdout: JSON.stringify(document, null, 2) + "\n", stderr: "" };
}
