/** Helpers for the stack tests: fixture paths and the line each wrong-stack fixture marks. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./corpus.js";

export const FIXTURE_STACKS = join(PROJECT_ROOT, "test", "fixtures", "stacks");

export function fixtureStack(name: string): string {
  return join(FIXTURE_STACKS, `${name}.ts`);
}

/** The 1-based line of `file` that carries `marker` (the fixtures mark their mistake with `// ← the mistake`). */
export function markedLine(file: string, marker = "// ← the mistake"): number {
  const lines = readFileSync(file, "utf8").split("\n");
  const index = lines.findIndex((line) => line.includes(marker));
  if (index < 0) throw new Error(`${file} has no line marked ${JSON.stringify(marker)}`);
  return index + 1;
}
