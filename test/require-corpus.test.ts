/** Under CI, a missing SDL corpus stops the run with the folder's name (test/support/require-corpus.ts). */
import { describe, expect, it } from "vitest";
import { corpusProblem } from "./support/require-corpus.js";

describe("the corpus under CI", () => {
  it("is required when CI is set, naming the missing folder", () => {
    expect(corpusProblem({ CI: "true" }, "/nowhere/shared/sdl-corpus", () => false)).toMatch(/^the shared SDL corpus is missing: \/nowhere\/shared\/sdl-corpus does not exist/);
  });

  it("is fine when present, and only noted outside CI", () => {
    expect(corpusProblem({ CI: "true" }, "/x", () => true)).toBeUndefined();
    expect(corpusProblem({}, "/nowhere", () => false)).toBeUndefined();
  });
});
