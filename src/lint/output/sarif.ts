/**
 * SARIF 2.1.0, the format GitHub code scanning and most CI dashboards ingest. One run, one tool
 * (`akash-stack`), the rule catalog as `tool.driver.rules`, one result per finding.
 */
import { isAbsolute, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { Finding, RuleInfo, Severity } from "../../sdl/findings.js";
import type { FormatContext, FormattedOutput } from "./index.js";
import type { LintReport } from "../run.js";
import { PROJECT_URL, ruleDocsUrl } from "../rule-docs.js";

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json";

export function formatSarif(report: LintReport, context: FormatContext): FormattedOutput {
  const rules = rulesFor(report, context.rules);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = report.files.flatMap((file) => {
    const uri = artifactUri(file.path);
    const index = (finding: Finding): number => ruleIndex.get(finding.ruleId) ?? 0;
    return [
      ...file.findings.map((finding) => result(finding, uri, index(finding))),
      // Accepted by an inline comment: still reported, marked so code scanning shows it as suppressed.
      ...file.suppressed.map(({ finding, justification }) => ({
        ...result(finding, uri, index(finding)),
        suppressions: [{ kind: "inSource", justification }],
      })),
    ];
  });
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "akash-stack",
            version: context.toolVersion,
            informationUri: PROJECT_URL,
            rules: rules.map(reportingDescriptor),
          },
        },
        // Columns come from JavaScript string offsets.
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
  return { stdout: JSON.stringify(log, null, 2) + "\n", stderr: "" };
}

/**
 * The catalog, plus any rule id a finding uses that the catalog lacks (so every `ruleIndex` points
 * at a real entry even while the catalog and the engine are out of step).
 */
function rulesFor(report: LintReport, catalog: readonly RuleInfo[]): RuleInfo[] {
  const rules = [...catalog];
  const known = new Set(rules.map((r) => r.id));
  for (const file of report.files) {
    for (const f of [...file.findings, ...file.suppressed.map((s) => s.finding)]) {
      if (known.has(f.ruleId)) continue;
      known.add(f.ruleId);
      rules.push({ id: f.ruleId, layer: f.layer, severity: f.severity, summary: f.ruleId });
    }
  }
  return rules;
}

function reportingDescriptor(rule: RuleInfo) {
  return {
    id: rule.id,
    shortDescription: { text: rule.summary },
    helpUri: ruleDocsUrl(rule.id),
    defaultConfiguration: { level: level(rule.severity) },
    properties: { layer: rule.layer },
  };
}

function result(finding: Finding, uri: string, ruleIndex: number) {
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: level(finding.severity),
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri },
          region: { startLine: finding.line, startColumn: finding.column },
        },
      },
    ],
  };
}

function level(severity: Severity): "error" | "warning" {
  return severity === "error" ? "error" : "warning";
}

/**
 * A relative URI with forward slashes for files under the working folder (code scanning resolves
 * it against the repository root), a `file://` URI otherwise. Each segment is percent-encoded so
 * spaces, `#` and `%` in file names stay part of the path.
 */
function artifactUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split(sep).map(encodeURIComponent).join("/");
}

