/**
 * The lint pipeline: YAML → Go decoding → rule families → the schema-only layer, merged into one
 * list. Everything is reported in one pass; nothing stops at the first error.
 */
import type { Finding, LintOptions } from "./findings.js";
import { decodeSdl } from "./decode.js";
import type { Sdl } from "./model.js";
import { Reporter } from "./report.js";
import { RULE_FAMILIES } from "./rules/index.js";
import { schemaFindings } from "./schema/index.js";
import { parseYaml, type ParsedYaml, type YamlProblem } from "./yaml.js";

export interface LintResult {
  findings: Finding[];
  /** The decoded SDL, when the YAML and the version could be read. */
  sdl: Sdl | undefined;
}

/**
 * A layer that judges the raw YAML tree (the precompiled JSON-schema validator). It also gets the
 * whole parse, whose `plain` data spares it a walk over the tree when the parser already built it.
 */
export type ExtraLayer = (root: NonNullable<ParsedYaml["root"]>, parsed: ParsedYaml) => Finding[];

/** The layers that run on the raw YAML tree beside the Go decoding. */
const DEFAULT_EXTRA_LAYERS: readonly ExtraLayer[] = [schemaFindings];

export function lintText(text: string, options: LintOptions = {}, extraLayers: readonly ExtraLayer[] = DEFAULT_EXTRA_LAYERS): LintResult {
  const parsed = parseYaml(text);
  const findings: Finding[] = parsed.problems.map(yamlFinding);
  const root = parsed.root;
  if (!root || root.kind !== "map") return { findings, sdl: undefined };
  const report = new Reporter();
  const sdl = decodeSdl(root, report);
  if (sdl) for (const family of RULE_FAMILIES) family({ sdl, report, options });
  const own = [...findings, ...report.findings];
  const extra = extraLayers.flatMap((layer) => layer(root, parsed));
  return { findings: sortFindings([...own, ...withoutEchoes(extra, own)]), sdl };
}

function yamlFinding(p: YamlProblem): Finding {
  const hint = p.code === "syntax" ? ": fix the YAML syntax (indentation, quotes, a stray character) at this position" : "";
  return {
    ruleId: "yaml-syntax",
    severity: p.code === "multiple-documents" ? "warning" : "error",
    layer: "yaml",
    message: p.message + hint,
    line: p.line,
    column: p.column,
    path: "",
  };
}

/**
 * Drops schema-only findings that repeat something a stricter layer already said about the same
 * place (the schema's "must be at least 1" next to Go's "port value must be 0 < value"), so each
 * mistake is reported once, at its truest layer.
 */
function withoutEchoes(extra: Finding[], own: Finding[]): Finding[] {
  const errorPaths = new Set(own.filter((f) => f.severity === "error" && f.path !== "").map((f) => f.path));
  return extra.filter((f) => !pointerAndAncestors(f.path).some((p) => errorPaths.has(p)));
}

/** "/a/b/c" → ["/a/b/c", "/a/b", "/a"]. */
function pointerAndAncestors(path: string): string[] {
  const out: string[] = [];
  for (let p = path; p !== ""; p = p.slice(0, p.lastIndexOf("/"))) out.push(p);
  return out;
}

/**
 * By line, column, then rule id. Rule ids are compared by code unit, not with `localeCompare`: the
 * first `localeCompare` call loads ICU's collator, about 15 ms of every cold run, and for rule ids
 * (lowercase letters, digits and "-") both orders are the same (test/lint-fast-paths.test.ts).
 */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}
