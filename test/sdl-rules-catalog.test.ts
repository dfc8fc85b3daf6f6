/**
 * The rule catalog is the CLI's contract (`--ignore RULE-ID`, SARIF rule ids): every rule in it
 * must be exercised by some test, and the catalog must stay consistent.
 */
import { readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RULES, ruleInfo } from "../src/sdl/rules/catalog.js";

const TEST_DIR = dirname(fileURLToPath(import.meta.url));
const SELF = basename(fileURLToPath(import.meta.url));

/** The text of every other test file: a rule id counts as tested when a test names it in quotes. */
function otherTestSources(): string {
  return readdirSync(TEST_DIR)
    .filter((f) => f.endsWith(".test.ts") && f !== SELF)
    .map((f) => readFileSync(join(TEST_DIR, f), "utf8"))
    .join("\n");
}

describe("rule catalog", () => {
  it("has unique, kebab-case ids with a summary each", () => {
    const ids = RULES.map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.summary.length).toBeGreaterThan(10);
      expect(ruleInfo(rule.id)).toBe(rule);
    }
  });

  it("every rule id appears in at least one test's expectations", () => {
    const sources = otherTestSources();
    const untested = RULES.map((r) => r.id).filter((id) => !sources.includes(`"${id}"`));
    expect(untested).toEqual([]);
  });
});
