/**
 * Single-change SDL cases for the rule tests: a valid base SDL, exact edits to it, and
 * expectations on the findings of one rule. Positions are found by searching the edited text, an
 * oracle independent of the YAML parser the linter uses.
 */
import { expect } from "vitest";
import type { Finding, LintOptions, Severity } from "../../src/sdl/findings.js";
import { lintText } from "../../src/sdl/lint.js";

/**
 * Valid for the Go parser, the chain, the node and strict providers: uact pricing, one global
 * service with an accept host, a pinned image. Every case changes one thing.
 */
export const BASE = `version: "2.0"
services:
  web:
    image: nginx:1.27.3
    env:
      - MODE=production
    expose:
      - port: 80
        as: 80
        accept:
          - www.example.com
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu:
          units: 0.5
        memory:
          size: 512Mi
        storage:
          size: 1Gi
  placement:
    akash:
      pricing:
        web:
          denom: uact
          amount: 1000
deployment:
  web:
    akash:
      profile: web
      count: 1
`;

/** A second, internal service `db` deployed next to `web` in placement akash. */
export const DB_SERVICE = `  db:
    image: postgres:16.4
    expose:
      - port: 5432
        to:
          - service: web
`;
export const DB_PROFILE = `    db:
      resources:
        cpu:
          units: 1
        memory:
          size: 1Gi
        storage:
          size: 10Gi
`;
export const DB_PRICE = `        db:
          denom: uact
          amount: 2000
`;
export const DB_DEPLOYMENT = `  db:
    akash:
      profile: db
      count: 1
`;

/** BASE with a db service (service, profile, price in akash, deployment): still valid. */
export const TWO_SERVICES = edits(
  BASE,
  ["profiles:\n", DB_SERVICE + "profiles:\n"],
  ["  placement:\n", DB_PROFILE + "  placement:\n"],
  ["deployment:\n", DB_PRICE + "deployment:\n"],
  ["      count: 1\n", "      count: 1\n" + DB_DEPLOYMENT],
);

/** Replaces the single occurrence of `from` in `text`; fails when it is missing or ambiguous. */
export function edit(text: string, from: string, to: string): string {
  const first = text.indexOf(from);
  if (first < 0) throw new Error(`edit: ${JSON.stringify(from)} is not in the text`);
  if (text.indexOf(from, first + 1) >= 0) throw new Error(`edit: ${JSON.stringify(from)} occurs more than once`);
  return text.slice(0, first) + to + text.slice(first + from.length);
}

/** Applies several edits in order. */
export function edits(text: string, ...changes: Array<[from: string, to: string]>): string {
  return changes.reduce((t, [from, to]) => edit(t, from, to), text);
}

/**
 * 1-based position of `inner` inside the single occurrence of `needle` (of `needle` itself when
 * `inner` is omitted), so a case can name a key or a value on one particular line.
 */
export function at(text: string, needle: string, inner?: string): { line: number; column: number } {
  const start = text.indexOf(needle);
  if (start < 0) throw new Error(`at: ${JSON.stringify(needle)} is not in the text`);
  if (text.indexOf(needle, start + 1) >= 0) throw new Error(`at: ${JSON.stringify(needle)} occurs more than once`);
  let offset = start;
  if (inner !== undefined) {
    const within = needle.indexOf(inner);
    if (within < 0) throw new Error(`at: ${JSON.stringify(inner)} is not in ${JSON.stringify(needle)}`);
    offset += within;
  }
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

export function lint(text: string, options: LintOptions = {}): Finding[] {
  return lintText(text, options).findings;
}

/** The findings of one rule. */
export function findingsOf(text: string, ruleId: string, options: LintOptions = {}): Finding[] {
  return lint(text, options).filter((f) => f.ruleId === ruleId);
}

/**
 * Asserts that `ruleId` reports exactly once, with this severity, at this position, and returns
 * the finding for further checks on its message.
 */
export function expectOne(
  text: string,
  ruleId: string,
  severity: Severity,
  where: { line: number; column: number },
  options: LintOptions = {},
): Finding {
  const found = findingsOf(text, ruleId, options);
  expect(found.map((f) => ({ ruleId: f.ruleId, severity: f.severity, line: f.line, column: f.column }))).toEqual([
    { ruleId, severity, ...where },
  ]);
  return found[0]!;
}

/** Asserts that `ruleId` does not report. */
export function expectNone(text: string, ruleId: string, options: LintOptions = {}): void {
  expect(findingsOf(text, ruleId, options)).toEqual([]);
}
