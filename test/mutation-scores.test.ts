/**
 * scripts/mutation-scores.mjs, which fails CI when one core module's mutation score is under 80%:
 * which mutants belong to which module, and how the score is counted.
 */
import { describe, expect, it } from "vitest";
import { moduleOf, score, scoreModules, table, type ReportFiles } from "../scripts/mutation-scores.mjs";

function mutants(line: number, ...statuses: Array<string | [string, string]>): ReportFiles[string]["mutants"] {
  return statuses.map((s) => {
    const [status, statusReason] = Array.isArray(s) ? s : [s, undefined];
    return { status, ...(statusReason ? { statusReason } : {}), location: { start: { line } } };
  });
}

describe("mutation scores per module", () => {
  it("maps a file, a folder's files and a line range to modules", () => {
    const folder = moduleOf("src/dns/namecheap/*.ts");
    expect(folder.name).toBe("src/dns/namecheap/");
    expect(folder.owns("src/dns/namecheap/xml.ts", 1)).toBe(true);
    expect(folder.owns("src/dns/namecheap/sub/x.ts", 1)).toBe(false);
    expect(folder.owns("src/dns/merge.ts", 1)).toBe(false);
    const range = moduleOf("src/deploy/deploy.ts:196-267");
    expect(range.name).toBe("src/deploy/deploy.ts (lines 196–267)");
    expect([195, 196, 267, 268].map((line) => range.owns("src/deploy/deploy.ts", line))).toEqual([false, true, true, false]);
    const file = moduleOf("src/chain/retry.ts");
    expect([file.owns("src/chain/retry.ts", 9), file.owns("src/chain/retry.tsx", 9)]).toEqual([true, false]);
  });

  it("counts killed and timed-out mutants as detected, out of those that could be", () => {
    expect(score({ killed: 7, timeout: 1, survived: 1, noCoverage: 1 })).toBe(80);
    expect(score({ killed: 0, timeout: 0, survived: 0, noCoverage: 0 })).toBeUndefined();
  });

  it("keeps static and disabled mutants out of the score but shows them", () => {
    const rows = scoreModules(["src/a.ts", "src/b/*.ts"], {
      "src/a.ts": { mutants: mutants(3, "Killed", "Killed", "Killed", "Survived", "Timeout", "NoCoverage", "CompileError", ["Ignored", 'Static mutant (and "ignoreStatic" was enabled)'], ["Ignored", "equivalent: x"]) },
      "src/b/c.ts": { mutants: mutants(1, "Survived") },
      "src/other.ts": { mutants: mutants(1, "Killed") },
    });
    expect(rows).toEqual([
      { name: "src/a.ts", killed: 3, survived: 1, timeout: 1, noCoverage: 1, disabled: 1, static: 1, score: (100 * 4) / 6 },
      { name: "src/b/", killed: 0, survived: 1, timeout: 0, noCoverage: 0, disabled: 0, static: 0, score: 0 },
    ]);
    const text = table(rows);
    expect(text).toContain("| `src/a.ts` | 3 | 1 | 1 | 1 | 1 | 1 | 66.67% |");
    expect(text.split("\n").at(-1)).toBe("| **all** | 3 | 2 | 1 | 1 | 1 | 1 | 57.14% |");
  });
});
