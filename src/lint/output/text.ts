/**
 * Text: one grep-able line per finding on stdout, `file:line:col: severity rule-id message`, and
 * the summary on stderr, so `akash-stack lint . | grep denom` shows findings only.
 */
import type { FormatContext, FormattedOutput } from "./index.js";
import type { LintReport, LintSummary } from "../run.js";
import { ruleDocsUrl } from "../rule-docs.js";

export function formatText(report: LintReport, context?: Pick<FormatContext, "rules">): FormattedOutput {
  const lines: string[] = [];
  const reported = new Set<string>();
  for (const file of report.files) {
    for (const f of file.findings) {
      lines.push(`${file.path}:${f.line}:${f.column}: ${f.severity} ${f.ruleId} ${oneLine(f.message)}`);
      reported.add(f.ruleId);
    }
  }
  return { stdout: lines.map((l) => l + "\n").join(""), stderr: ruleHints(reported, context?.rules ?? []) + summaryLine(report.summary) + "\n" };
}

/**
 * One line per rule that reported, in first-reported order: its id, what it checks and its page,
 * `  denom-uact: Prices are in uact… https://…/docs/rules/denom-uact.md`. On stderr, like the
 * summary, so stdout stays one finding per line.
 */
function ruleHints(reported: ReadonlySet<string>, rules: FormatContext["rules"]): string {
  const byId = new Map(rules.map((r) => [r.id, r]));
  let hints = "";
  for (const id of reported) {
    const rule = byId.get(id);
    if (rule !== undefined) hints += `  ${id}: ${rule.summary} ${ruleDocsUrl(id)}\n`;
  }
  return hints;
}

/**
 * `2 errors, 1 warning in 3 files`, and when a folder held YAML files that are not an SDL,
 * `; 4 other YAML files skipped (not an SDL; --verbose lists them)`: a skip is never silent.
 */
export function summaryLine(summary: LintSummary): string {
  const suppressed = summary.suppressed === 0 ? "" : ` (${summary.suppressed} suppressed inline)`;
  const findings = `${count(summary.errors, "error")}, ${count(summary.warnings, "warning")} in ${count(summary.files, "file")}${suppressed}`;
  if (summary.skipped === 0) return findings;
  return `${findings}; ${summary.skipped} other YAML file${summary.skipped === 1 ? "" : "s"} skipped (not an SDL; --verbose lists them)`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Keeps one finding on one line: a message with line breaks would break `grep` and editors' parsers. */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}
