/**
 * Rules about inline suppression comments (`# akash-stack-ignore RULE-ID: reason`), which the
 * runner applies after the engine (src/lint/suppressions.ts). No Akash layer enforces them: they
 * keep a repository's suppressions honest.
 */
import type { RuleInfo } from "../findings.js";

export const SUPPRESSION_RULES: RuleInfo[] = [
  { id: "suppression-invalid", layer: "advice", severity: "error", summary: "An akash-stack-ignore comment must name known rule ids and give a reason after ':'." },
  { id: "suppression-unused", layer: "advice", severity: "warning", summary: "An akash-stack-ignore comment that suppresses nothing should be removed." },
];
