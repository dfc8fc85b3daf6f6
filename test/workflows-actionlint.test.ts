/**
 * Every GitHub Actions workflow in the repository passes actionlint (built from the Go module proxy
 * by scripts/build-tools.sh), which also runs shellcheck-style checks on `run:` blocks' expressions.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./support/corpus.js";
import { missingForRealStack, skipUnlessAvailable, tool } from "./support/real-tools.js";

const WORKFLOWS = join(PROJECT_ROOT, ".github", "workflows");
const skip = skipUnlessAvailable("the actionlint check", missingForRealStack(["actionlint"], []).filter((m) => !m.startsWith("root")));

describe.skipIf(skip)("GitHub Actions workflows", () => {
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

  it("exist", () => {
    expect(files).toContain("openregistry-image.yml");
  });

  it("pass actionlint", () => {
    const run = spawnSync(tool("actionlint"), ["-no-color", ...files.map((f) => join(WORKFLOWS, f))], { cwd: PROJECT_ROOT, encoding: "utf8" });
    expect(`${run.stdout}${run.stderr}`).toBe("");
    expect(run.status).toBe(0);
  });

  it("would catch a broken workflow (actionlint reports an unknown expression context)", () => {
    const bad = "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ nope.value }}\n";
    const run = spawnSync(tool("actionlint"), ["-no-color", "-"], { input: bad, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/undefined variable "nope"/);
  });
});
