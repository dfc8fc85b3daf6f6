// "Did you mean" for misspelt profile, placement and service names, and a misspelt name that no
// longer hides the file's other findings (the rules judge the entry the author meant).
import { describe, expect, it } from "vitest";
import { closestName, didYouMean, editDistance } from "../src/sdl/suggest.js";
import { BASE, edit, lint } from "./support/sdl-cases.js";

describe("suggestions", () => {
  it("measure typos, transpositions included", () => {
    expect(editDistance("dcx", "dc")).toBe(1);
    expect(editDistance("ignroe", "ignore")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("abc", "abcdef", 2)).toBe(2);
  });

  it("suggest only names within typo distance", () => {
    expect(closestName("dcx", ["dc", "westcoast"])).toBe("dc");
    expect(closestName("web", ["api", "db"])).toBeUndefined();
    expect(closestName("WEB", ["web"])).toBe("web");
    expect(didYouMean("akahs", ["akash"])).toBe(' (did you mean "akash"?)');
    expect(didYouMean("zzz", ["akash"])).toBe("");
  });
});

describe("misspelt names in deployment", () => {
  /** BASE with a uakt price and too little CPU: two chain errors a broken reference used to hide. */
  const BROKEN = edit(edit(BASE, "denom: uact", "denom: uakt"), "units: 0.5", "units: 0.001");
  const ids = (text: string) => lint(text).map((f) => f.ruleId).sort();

  it("say what the name probably is", () => {
    const placement = lint(edit(BASE, "    akash:\n      profile: web", "    akahs:\n      profile: web")).find((f) => f.ruleId === "placement-missing");
    expect(placement?.message).toContain('no placement profile named akahs (did you mean "akash"?)');
    const profile = lint(edit(BASE, "profile: web", "profile: wbe")).find((f) => f.ruleId === "compute-profile-missing");
    expect(profile?.message).toContain('no compute profile named wbe (did you mean "web"?)');
    const service = lint(edit(BASE, "deployment:\n  web:", "deployment:\n  wen:")).find((f) => f.ruleId === "deployment-service-missing");
    expect(service?.message).toContain('no service profile named wen (did you mean "web"?)');
  });

  it("do not hide the other findings", () => {
    expect(ids(BROKEN)).toEqual(["cpu-out-of-range", "denom-uact"]);
    expect(ids(edit(BROKEN, "    akash:\n      profile: web", "    akahs:\n      profile: web"))).toEqual(["cpu-out-of-range", "denom-uact", "placement-missing"]);
    expect(ids(edit(BROKEN, "profile: web", "profile: wbe"))).toEqual(["compute-profile-missing", "cpu-out-of-range", "denom-uact"]);
  });
});
