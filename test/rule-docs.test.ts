// docs/rules/<rule-id>.md is generated from the rule catalog (scripts/rule-docs/generate.ts): the
// committed pages must match it, and every page's example must really fail and its fix really pass.
import { describe, expect, it, vi } from "vitest";
import { lintExample, loadExamples, renderAll, stalePages, changedWindow } from "../scripts/rule-docs/generate.js";
import { RULES } from "../src/sdl/rules/catalog.js";
import { ruleDocsUrl } from "../src/lint/rule-docs.js";

const EXAMPLES = loadExamples();

describe("rule docs", () => {
  it("match the catalog (else: npm run docs:rules, and commit docs/rules)", () => {
    expect(stalePages(renderAll())).toEqual([]);
  });

  it("match the catalog, and every example fails and its fix passes, with the linter loaded inside the test", async () => {
    // The same checks as above and below, on modules loaded afresh here. The rule catalog's texts,
    // the tables and the regular expressions of src/sdl/ are built when their modules load, before
    // any test runs; loading them inside this test is what lets mutation testing (Stryker) tie all
    // of them to it, and run it against each changed text or table.
    vi.resetModules();
    const fresh = await import("../scripts/rule-docs/generate.js");
    expect(fresh.stalePages(fresh.renderAll())).toEqual([]);
    const wrong: string[] = [];
    for (const [id, example] of Object.entries(fresh.loadExamples())) {
      if ("none" in example) continue;
      if (!fresh.lintExample(example.failing, example.options).some((f) => f.ruleId === id)) wrong.push(`${id}: its failing example passes`);
      if (fresh.lintExample(example.passing, example.options).some((f) => f.ruleId === id)) wrong.push(`${id}: its fix still fails`);
    }
    expect(wrong).toEqual([]);
  });

  it("have an example entry for every rule and for no other id", () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(RULES.map((r) => r.id).sort());
    // only rules no SDL can show go without an example
    expect(Object.entries(EXAMPLES).filter(([, e]) => "none" in e).map(([id]) => id).sort()).toEqual(["file-too-large", "internal-error", "schema-other"]);
  });

  it.each(Object.entries(EXAMPLES).filter(([, e]) => !("none" in e)))("%s: the failing example triggers it and the fix does not", (id, example) => {
    if ("none" in example) throw new Error("filtered above");
    expect(lintExample(example.failing, example.options).map((f) => f.ruleId)).toContain(id);
    expect(lintExample(example.passing, example.options).map((f) => f.ruleId)).not.toContain(id);
  });

  it("show the changed lines of both SDLs, with context, and the finding's line", () => {
    const failing = "a\nb\nc\nd\nX\nf\ng\nh\ni\nj\n";
    const passing = "a\nb\nc\nd\nY\nY2\nf\ng\nh\ni\nj\n";
    expect(changedWindow(failing, passing, 5)).toEqual({
      failing: { first: 2, last: 8, lines: ["b", "c", "d", "X", "f", "g", "h"] },
      passing: { first: 2, last: 9, lines: ["b", "c", "d", "Y", "Y2", "f", "g", "h"] },
    });
    // a finding far below the change widens the window to reach it
    expect(changedWindow(failing, passing, 10).failing.last).toBe(10);
  });

  it("are what SARIF helpUri links to", () => {
    expect(renderAll().has("denom-uact.md")).toBe(true);
    expect(ruleDocsUrl("denom-uact")).toMatch(/\/blob\/main\/docs\/rules\/denom-uact\.md$/);
  });
});
