/**
 * Findings are what every SDL check returns. They never throw and never print: formatting,
 * exit codes and flags live in `src/lint` and `src/cli`.
 */

/** error: the Go parser, the chain or a provider rejects the SDL (or no provider can ever bid). */
export type Severity = "error" | "warning";

/**
 * Which layer of the Akash stack enforces a rule. The order is the order in which a deploy meets
 * them: the YAML decoder, the Go SDL parser, chain group validation (and the node's message
 * handler), manifest validation (CLI and provider), the provider alone, chain-sdk's JSON schema
 * alone, and advice that no layer enforces.
 */
export type Layer = "yaml" | "go-parser" | "chain" | "manifest" | "provider" | "schema-only" | "advice";

export interface Finding {
  ruleId: string;
  severity: Severity;
  layer: Layer;
  /** What is wrong and what to do about it. */
  message: string;
  /** 1-based line of the offending key or value. */
  line: number;
  /** 1-based column of the offending key or value. */
  column: number;
  /** JSON pointer (RFC 6901) into the SDL document, "" for the whole document. */
  path: string;
}

/** Static description of a rule: one entry per rule id, listed in `src/sdl/rules/catalog.ts`. */
export interface RuleInfo {
  id: string;
  layer: Layer;
  severity: Severity;
  /** One line: what the rule checks. */
  summary: string;
}

/** Options that change which rules apply. */
export interface LintOptions {
  /** Network rules (denoms, deposits) differ between mainnet and sandbox only in effective dates today. */
  network?: "mainnet" | "sandbox";
}

/** Escapes one JSON-pointer segment (RFC 6901 §3). */
export function pointerSegment(segment: string | number): string {
  const text = String(segment);
  // Called for every mapping key of every linted file: skip the two regex replaces when there is
  // nothing to escape, which is almost always.
  if (!text.includes("~") && !text.includes("/")) return text;
  return text.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Joins segments into a JSON pointer: `pointer("services", "web")` is `/services/web`. */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => "/" + pointerSegment(s)).join("");
}
