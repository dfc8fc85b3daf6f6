/**
 * Real tools built from the Go module proxy by scripts/build-tools.sh (tools/README.md), found in
 * the bin folder that `scripts/build-tools.sh --print` names for this checkout. In CI a missing
 * tool fails the test that needs it, naming the tool; elsewhere such tests are skipped with the
 * same message, so a developer without Go still runs the rest.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./corpus.js";

export const IN_CI = process.env.CI === "true";

/** The tool's path, or undefined when it is not built. */
export function builtTool(name: string): string | undefined {
  const bin = execFileSync(join(PROJECT_ROOT, "scripts", "build-tools.sh"), ["--print"], { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
  const path = bin === "" ? undefined : join(bin, name);
  return path !== undefined && existsSync(path) ? path : undefined;
}

/** Why a tool is missing, and how to get it. */
export function missingTool(name: string): string {
  return `${name} is not built in ${join(PROJECT_ROOT, ".cache", "tools", "bin")}: run scripts/build-tools.sh (needs Go and the Go module proxy)`;
}
