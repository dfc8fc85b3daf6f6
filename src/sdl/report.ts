/**
 * Collects findings. Severity and layer come from the rule catalog, so a rule's id alone decides
 * how a finding is judged and the two can never disagree.
 */
import type { Finding } from "./findings.js";
import { ruleInfo } from "./rules/catalog.js";
import type { YEntry, YNode } from "./yaml.js";

export type Where = YNode | YEntry;

export class Reporter {
  readonly findings: Finding[] = [];

  /** Reports rule `ruleId` at a node (its value) or at a mapping entry (its key). */
  add(ruleId: string, where: Where, message: string): void {
    const info = ruleInfo(ruleId);
    if (!info) throw new Error(`unknown rule id ${ruleId}: add it to src/sdl/rules/catalog.ts`);
    const at = "kind" in where ? where : where.key;
    this.findings.push({ ruleId, severity: info.severity, layer: info.layer, message, line: at.line, column: at.column, path: at.pointer });
  }
}
