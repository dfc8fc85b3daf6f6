/**
 * Vitest's global setup: under CI the shared SDL corpus is required. Without it, 555 corpus tests
 * would quietly skip or never be created and the run would still be green, so the run fails
 * before any test, naming the missing folder. Outside CI the corpus tests skip with a notice.
 */
import { existsSync } from "node:fs";
import { CORPUS } from "./corpus.js";

/** Why the run cannot go on, or undefined. */
export function corpusProblem(env: Readonly<Record<string, string | undefined>>, corpus: string, exists: (path: string) => boolean = existsSync): string | undefined {
  if (!env.CI || exists(corpus)) return undefined;
  return `the shared SDL corpus is missing: ${corpus} does not exist. CI needs it (it sits beside the checkout as ../shared/sdl-corpus); without it the corpus tests would not run.`;
}

export default function requireCorpus(): void {
  const problem = corpusProblem(process.env, CORPUS);
  if (problem) throw new Error(problem);
  if (!existsSync(CORPUS)) console.warn(`NOTICE: ${CORPUS} is missing: the corpus tests are skipped (CI would fail)`);
}
