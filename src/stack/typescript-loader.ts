/**
 * Loads the user's TypeScript (lib/typescript.js, a 9 MB CommonJS file) with a V8 code cache of it,
 * the way src/sdl/cached-script.ts loads the CLI's own bundles. Compiling TypeScript's code is about
 * a quarter of a cold type check; the cache, made after a check ran, holds every function that
 * check compiled, so later processes skip that. It is written to the stack's cache folder
 * (`node_modules/.cache/akash-stack`), one per TypeScript and Node version, when there was none or
 * V8 refused it; a folder that cannot be written only costs the next run the compile.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import type * as TypeScript from "typescript";

export interface LoadedTypeScript {
  ts: typeof TypeScript;
  /** Writes a cache of what this process compiled, unless the one it used was accepted. Call it after the check. */
  saveCodeCache(): void;
}

export function loadTypeScript(mainFile: string, version: string, cacheDir: string): LoadedTypeScript {
  const cacheFile = join(cacheDir, `typescript-${version}-node${process.versions.v8}.cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet
  }
  // The CommonJS wrapper, so the compiled text (and the cache's source check) is the same every time.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(mainFile, "utf8")}\n})`;
  const script = new Script(source, { filename: mainFile, ...(cachedData ? { cachedData } : {}) });
  const module: { exports: unknown } = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(mainFile), module, mainFile, dirname(mainFile));
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  return {
    ts: module.exports as typeof TypeScript,
    saveCodeCache() {
      if (accepted) return;
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      } catch {
        rmSync(temporary, { force: true });
      }
    },
  };
}
