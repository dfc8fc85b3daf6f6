/** The rule families, in the order a deploy meets their layers. */
import { checkReferences } from "./references.js";
import { checkChain } from "./chain.js";
import { checkManifest } from "./manifest-rules.js";
import { checkProvider } from "./provider.js";
import { checkAdvice } from "./advice.js";
import type { RuleFamily } from "./types.js";

export const RULE_FAMILIES: readonly RuleFamily[] = [checkReferences, checkChain, checkManifest, checkProvider, checkAdvice];
