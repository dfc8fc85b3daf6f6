/**
 * GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=RULE-ID::message`, which the
 * runner turns into annotations on the pull request. The summary goes to stderr as in `text`.
 */
import type { FormattedOutput } from "./index.js";
import type { LintReport } from "../run.js";
import { summaryLine } from "./text.js";

/** GitHub shows at most this many annotations of each severity per step (actions/toolkit docs). */
const ANNOTATIONS_SHOWN_PER_STEP = 10;

export function formatGithub(report: LintReport): FormattedOutput {
  const lines: string[] = [];
  for (const file of report.files) {
    for (const f of file.findings) {
      const properties = [
        `file=${escapeProperty(file.path)}`,
        `line=${f.line}`,
        `col=${f.column}`,
        `title=${escapeProperty(f.ruleId)}`,
      ].join(",");
      lines.push(`::${f.severity} ${properties}::${escapeData(f.message)}`);
    }
  }
  const notes = [summaryLine(report.summary)];
  const { errors, warnings } = report.summary;
  if (errors > ANNOTATIONS_SHOWN_PER_STEP || warnings > ANNOTATIONS_SHOWN_PER_STEP) {
    notes.push(
      `GitHub shows only ${ANNOTATIONS_SHOWN_PER_STEP} error and ${ANNOTATIONS_SHOWN_PER_STEP} warning annotations per step; ` +
        `upload --format sarif to code scanning to see all of them`,
    );
  }
  return { stdout: lines.map((l) => l + "\n").join(""), stderr: notes.map((n) => n + "\n").join("") };
}

/** Escapes a command's message (actions/toolkit `escapeData`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a command property value (actions/toolkit `escapeProperty`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
