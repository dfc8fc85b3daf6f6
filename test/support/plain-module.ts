/**
 * A source module built to one plain ES module file, for tests that run it in a child `node`
 * without a TypeScript loader (tsx changes what the child sees: it touches `process.stdout`).
 */
import { build } from "esbuild";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PROJECT_ROOT } from "./corpus.js";

/** Builds `src/…` (a path under the project) into `folder` and returns the built file's URL for `import`. */
export async function buildPlainModule(source: string, folder: string): Promise<string> {
  const outfile = join(folder, "module.mjs");
  await build({ entryPoints: [join(PROJECT_ROOT, source)], outfile, bundle: true, format: "esm", platform: "node", logLevel: "silent" });
  return pathToFileURL(outfile).href;
}
