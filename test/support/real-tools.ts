/**
 * The real components tests prove the project against: programs built by scripts/build-tools.sh
 * and Debian packages that .ci/run installs. In CI a missing one fails the test that needs it,
 * naming what is missing; elsewhere the test is skipped with the same message, so nobody reads a
 * green run as proof that never ran.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./corpus.js";

/** `.cache/tools/bin`, or undefined when scripts/build-tools.sh has not run. */
export function toolsBin(): string | undefined {
  // Set by scripts/mutate.mjs: Stryker runs the tests in a copy of the project without .cache/.
  const given = process.env.AKASH_STACK_TOOLS_BIN;
  if (given) return existsSync(given) ? given : undefined;
  const printed = spawnSync(join(PROJECT_ROOT, "scripts", "build-tools.sh"), ["--print"], { encoding: "utf8" }).stdout.trim();
  return printed !== "" && existsSync(printed) ? printed : undefined;
}

export function tool(name: string): string {
  const bin = toolsBin();
  if (!bin || !existsSync(join(bin, name))) throw new Error(`${name} is not built: run scripts/build-tools.sh`);
  return join(bin, name);
}

/** What is missing for tests that need root, network namespaces and these programs; [] when nothing is. */
export function missingForRealStack(tools: readonly string[], debian: readonly string[]): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push("root (network namespaces and mounts)");
  const bin = toolsBin();
  for (const name of tools) if (!bin || !existsSync(join(bin, name))) missing.push(`${name} (scripts/build-tools.sh)`);
  for (const program of debian) {
    if (spawnSync("sh", ["-c", `command -v ${program}`]).status !== 0) missing.push(`${program} (Debian package; .ci/run installs it)`);
  }
  return missing;
}

/** Throws under CI when something is missing; otherwise says so and returns whether to skip. */
export function skipUnlessAvailable(what: string, missing: readonly string[]): boolean {
  if (missing.length === 0) return false;
  const message = `${what} needs ${missing.join(", ")}`;
  if (process.env.CI) throw new Error(`${message}: CI must provide them (.ci/run)`);
  console.warn(`SKIPPED: ${message}`);
  return true;
}
