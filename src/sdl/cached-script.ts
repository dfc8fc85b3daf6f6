/**
 * Runs a CommonJS bundle that the build wrote together with a V8 code cache of it
 * (`scripts/build-cached-bundles.mjs`). The code cache holds the bytecode of every function the
 * build's warm-up run compiled, so a cold process skips parsing and compiling them: in a cold
 * `akash-stack lint` that is a tenth of the main thread's time, which ES modules cannot avoid on
 * Node 20 (no compile cache for them).
 *
 * The bundle is one function expression, `(function (module, exports, require, __filename) {…})`,
 * so the text compiled here is exactly the file the cache was made from. V8 refuses a cache made by
 * another V8 version or with other V8 flags (Node was upgraded after the install, or NODE_OPTIONS
 * sets V8 flags the build did not have); the bundle then compiles as usual, and the cache is made
 * anew when the process ends, so only that one run is slow.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename } from "node:path";
import { Script } from "node:vm";

type BundleFactory = (module: { exports: unknown }, exports: unknown, require: NodeJS.Require, filename: string) => void;

export interface CachedBundle {
  exports: unknown;
  /** False when there was no cache or V8 refused it (the code was compiled from source). */
  cacheAccepted: boolean;
}

/** The cache file written beside a bundle. */
export function cacheFileOf(bundle: string): string {
  return bundle.replace(/\.cjs$/, ".cache");
}

/**
 * The name stack traces show for a bundle: its place in the package, not a path. V8 keeps the name
 * a script was compiled under in its code cache, and shows that name even when the cache is used
 * elsewhere: with the path, every install's traces named the build machine's folder. The build
 * (scripts/build-cached-bundles.mjs) compiles under the same name.
 */
export function scriptNameOf(bundle: string): string {
  return `akash-stack/dist/chunks/${basename(bundle)}`;
}

/** Evaluates `bundle` (an absolute path) with its code cache, if there is one, and returns its exports. */
export function runCachedBundle(bundle: string): CachedBundle {
  const cache = cacheFileOf(bundle);
  const cachedData = readCache(cache);
  const script = new Script(readFileSync(bundle, "utf8"), { filename: scriptNameOf(bundle), cachedData });
  const factory = script.runInThisContext() as BundleFactory;
  const module: { exports: unknown } = { exports: {} };
  factory(module, module.exports, createRequire(bundle), bundle);
  const cacheAccepted = cachedData !== undefined && !script.cachedDataRejected;
  if (!cacheAccepted) process.once("exit", () => renewCache(script, cache));
  return { exports: module.exports, cacheAccepted };
}

/** The cache's bytes; undefined when there is none or it cannot be read (then the bundle just compiles). */
function readCache(cache: string): Buffer | undefined {
  try {
    return readFileSync(cache);
  } catch {
    return undefined;
  }
}

/**
 * Writes a cache of `script` made now, at the end of the run, so it holds every function this run
 * compiled. Written to a temporary file and renamed, so a concurrent run reads the old cache or
 * the new one, never half of one. Where the folder is read-only (a shared install), nothing is
 * written and the next run compiles again, as without a cache.
 */
function renewCache(script: Script, cache: string): void {
  const temporary = `${cache}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cache);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // nothing was written, or it cannot be removed either: leave it
    }
  }
}
