/**
 * The built CLI for end-to-end tests. `npm test` builds it first (`pretest`); building again from a
 * test file would delete and rewrite dist/chunks while other test files run the CLI, so a test file
 * builds only when nothing is built yet (a run of that file alone on a fresh checkout).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./corpus.js";

export const CLI = join(PROJECT_ROOT, "dist", "cli.js");
export const CLI_FRONT = join(PROJECT_ROOT, "dist", "chunks", "cli-front.cjs");

export function ensureBuilt(): void {
  if (existsSync(CLI) && existsSync(CLI_FRONT)) return;
  execFileSync(process.execPath, [join(PROJECT_ROOT, "scripts", "build.mjs")], { cwd: PROJECT_ROOT, stdio: "pipe" });
}
