/**
 * akash-stack's home folder (`.akash-stack/`) ignores itself in git: it holds generated secrets and
 * deploy state, and a user's project has no .gitignore entry for it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HOME_GITIGNORE, makeStackHome } from "../src/stack/home.js";

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "akash-stack-home-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("makeStackHome", () => {
  it("writes a .gitignore of * into the home it creates, with its parents", async () => {
    const home = join(tempDir(), "project", ".akash-stack");
    await makeStackHome(home, 0o700);
    expect(readFileSync(join(home, ".gitignore"), "utf8")).toBe(HOME_GITIGNORE);
    expect(HOME_GITIGNORE.split("\n")).toContain("*");
  });

  it("leaves a home that exists as it is: no .gitignore added, none overwritten", async () => {
    const existing = join(tempDir(), ".akash-stack");
    mkdirSync(existing);
    await makeStackHome(existing);
    expect(() => readFileSync(join(existing, ".gitignore"))).toThrow(/ENOENT/);

    const mine = join(tempDir(), ".akash-stack");
    mkdirSync(mine);
    writeFileSync(join(mine, ".gitignore"), "secrets.json\n");
    await makeStackHome(mine);
    expect(readFileSync(join(mine, ".gitignore"), "utf8")).toBe("secrets.json\n");
  });
});
