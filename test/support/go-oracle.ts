/**
 * The check every golden-data file made by a Go oracle (tools/oracles/) gets: a fresh run of the
 * built program prints it byte for byte, so the committed file provably is Go's answer. Off CI the
 * check is skipped, saying so, when scripts/build-tools.sh has not built the program; under CI it
 * fails naming it.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { missingForRealStack, skipUnlessAvailable, tool } from "./real-tools.js";

export function describeGoOracleOutput(oracle: string, goldenFile: string, goldenText: string, what: string): void {
  const skip = skipUnlessAvailable(`checking ${goldenFile} against Go`, missingForRealStack([oracle], []).filter((m) => !m.startsWith("root")));
  describe.skipIf(skip)(goldenFile, () => {
    it(`is exactly what ${what} prints today (tools/oracles/${oracle})`, () => {
      const run = spawnSync(tool(oracle), [], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      // not toBe on hundreds of KB: a mismatch names the first differing line instead of printing both files
      const fresh = run.stdout.split("\n");
      const committed = goldenText.split("\n");
      const line = fresh.findIndex((l, i) => l !== committed[i]);
      expect(line === -1 ? "" : `line ${line + 1}: Go prints ${fresh[line]}, the file has ${committed[line]}`).toBe("");
      expect(committed.length).toBe(fresh.length);
    });
  });
}
