/**
 * The `schema-only` layer: objections from chain-sdk's JSON schema (what `validateSDL` and Akash
 * Console enforce) that the Go parser and the chain do not share. They are warnings: the SDL
 * deploys with the CLI, but Console refuses it.
 *
 * The schema is compiled ahead of time by `scripts/compile-schema.mjs`; this module only runs it
 * and turns ajv's errors into findings.
 */
import type { Finding, RuleInfo } from "../findings.js";
import { pointerSegment } from "../findings.js";
import { locate, toPlain, type YNode } from "../yaml.js";
import validate, { type SchemaError } from "./generated-validator.js";
import { collapseSchemaErrors } from "./collapse.js";
import { schemaMessage } from "./messages.js";

export const SCHEMA_RULES: RuleInfo[] = [
  { id: "schema-unknown-key", layer: "schema-only", severity: "warning", summary: "A key chain-sdk's schema does not know (Console rejects it; the Go parser ignores it)." },
  { id: "schema-required", layer: "schema-only", severity: "warning", summary: "A field chain-sdk's schema requires is missing." },
  { id: "schema-type", layer: "schema-only", severity: "warning", summary: "A value has a type chain-sdk's schema does not accept (a number where it wants text, an empty key where it wants a mapping...)." },
  { id: "schema-enum", layer: "schema-only", severity: "warning", summary: "A value outside the fixed set chain-sdk's schema allows (version, proto, vendor, permissions...)." },
  { id: "schema-pattern", layer: "schema-only", severity: "warning", summary: "A text value does not match the pattern chain-sdk's schema requires (denom, price amount, CPU units...)." },
  { id: "schema-range", layer: "schema-only", severity: "warning", summary: "A number outside the range chain-sdk's schema allows (ports, count, HTTP options...)." },
  { id: "schema-length", layer: "schema-only", severity: "warning", summary: "A text, list or mapping shorter or longer than chain-sdk's schema allows (credentials, vendor...)." },
  { id: "schema-other", layer: "schema-only", severity: "warning", summary: "Any other objection from chain-sdk's schema (forbidden combinations, ambiguous forms)." },
];

const RULE_BY_KEYWORD: Record<string, string> = {
  additionalProperties: "schema-unknown-key",
  required: "schema-required",
  type: "schema-type",
  enum: "schema-enum",
  const: "schema-enum",
  pattern: "schema-pattern",
  minimum: "schema-range",
  maximum: "schema-range",
  exclusiveMinimum: "schema-range",
  exclusiveMaximum: "schema-range",
  minLength: "schema-length",
  maxLength: "schema-length",
  minItems: "schema-length",
  maxItems: "schema-length",
  minProperties: "schema-length",
  maxProperties: "schema-length",
};

/**
 * Validates the document against chain-sdk's schema. Pure; never throws on any YAML tree.
 * `parsed.plain`, when given, must be `toPlain(root)`: the parser often has it already, and
 * building it again is a walk over every node of every file.
 */
export function schemaFindings(root: YNode, parsed?: { plain?: unknown }): Finding[] {
  const data = parsed?.plain !== undefined ? parsed.plain : toPlain(root);
  if (validate(data)) return [];
  // `validate.errors` is shared module state: take a copy before anything else can validate.
  const errors = collapseSchemaErrors([...(validate.errors ?? [])]);
  return mergeSamePlace(errors.map((error) => toFinding(error, root)), root);
}

/** Where a finding points: the extra key itself for unknown keys, the value (or parent) otherwise. */
function findingPath(error: SchemaError): string {
  if (error.keyword === "additionalProperties") {
    return `${error.instancePath}/${pointerSegment(String(error.params["additionalProperty"]))}`;
  }
  return error.instancePath;
}

interface Located extends Finding {
  /** Kept until merging so several missing fields at one place become one finding. */
  missing: string[];
  error: SchemaError;
}

function toFinding(error: SchemaError, root: YNode): Located {
  const path = findingPath(error);
  const { line, column } = locate(root, path);
  return {
    ruleId: RULE_BY_KEYWORD[error.keyword] ?? "schema-other",
    severity: "warning",
    layer: "schema-only",
    message: schemaMessage(error, path, root),
    line,
    column,
    path,
    missing: error.keyword === "required" ? [String(error.params["missingProperty"])] : [],
    error,
  };
}

/**
 * One finding per (rule, place). Missing fields at one place are named together; for other rules
 * the first error stands for the rest. Sorted by position so output is stable and readable.
 */
function mergeSamePlace(located: Located[], root: YNode): Finding[] {
  const byPlace = new Map<string, Located>();
  for (const finding of located) {
    const key = `${finding.ruleId}\u0000${finding.path}`;
    const first = byPlace.get(key);
    if (!first) byPlace.set(key, finding);
    else for (const name of finding.missing) if (!first.missing.includes(name)) first.missing.push(name);
  }
  const findings: Finding[] = [];
  for (const { missing, error, ...finding } of byPlace.values()) {
    const message =
      missing.length > 1 ? schemaMessage({ ...error, params: { ...error.params, missingProperty: missing } }, finding.path, root) : finding.message;
    findings.push({ ...finding, message });
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column || compareText(a.path, b.path) || compareText(a.ruleId, b.ruleId));
}

/** Code-unit order, not locale order: the same input must sort the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
