/**
 * Locates the shared SDL corpus (`../shared/sdl-corpus` beside the checkout). It is data we may read
 * but never copy into the project; tests that need it say plainly when it is absent.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CORPUS = resolve(PROJECT_ROOT, "..", "shared", "sdl-corpus");
export const HAS_CORPUS = existsSync(CORPUS);
export const CORPUS_MISSING = `the shared SDL corpus is not at ${CORPUS}: corpus tests did not run`;

export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

/** The YAML files of a corpus folder, sorted by name. */
export function corpusFiles(folder: string): string[] {
  const dir = corpusPath(folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort();
}

export function readCorpus(...parts: string[]): string {
  return readFileSync(corpusPath(...parts), "utf8");
}
