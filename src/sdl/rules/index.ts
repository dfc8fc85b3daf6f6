/** The rule families, in the order a deploy meets their layers. */
import { checkReferences } from "./references.js";
import type { RuleFamily } from "./types.js";

export const RULE_FAMILIES: readonly RuleFamily[] = [checkReferences];
