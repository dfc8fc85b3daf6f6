/**
 * Every rule the linter knows, with its layer and severity. Rule ids are part of the CLI contract
 * (`--ignore RULE-ID`, SARIF rule ids): never rename one.
 */
import type { RuleInfo } from "../findings.js";
import { DECODE_RULES } from "./decode-rules.js";
import { REFERENCE_RULES } from "./references.js";
import { CHAIN_RULES } from "./chain.js";
import { MANIFEST_RULES } from "./manifest-rules.js";
import { PROVIDER_RULES } from "./provider.js";
import { ADVICE_RULES } from "./advice.js";
import { SCHEMA_RULES } from "../schema/index.js";
import { SUPPRESSION_RULES } from "./suppression-rules.js";

export const RULES: readonly RuleInfo[] = [...DECODE_RULES, ...REFERENCE_RULES, ...CHAIN_RULES, ...MANIFEST_RULES, ...PROVIDER_RULES, ...ADVICE_RULES, ...SCHEMA_RULES, ...SUPPRESSION_RULES];

const byId = new Map(RULES.map((r) => [r.id, r]));

/** The rule with this id, or undefined. */
export function ruleInfo(id: string): RuleInfo | undefined {
  return byId.get(id);
}
