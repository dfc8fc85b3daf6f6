/**
 * chain-sdk's ES module chunks that hold the served services' descriptors. chain-sdk bundles its
 * generated descriptors into hashed chunk files it loads on demand and does not export, so from
 * source they are found by scanning its ESM build. The built CLI and library cannot do that (the
 * chain libraries are bundled, not installed): scripts/build.mjs replaces this module with static
 * imports of chain-sdk's service chunks, which it bundles.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/** Service chunks of chain-sdk's ESM build, as scripts/build.mjs also finds them. */
export const SERVICE_CHUNK = /^(query|service)_akash-[A-Z0-9]+\.js$/;

/** The modules of the chunks that declare one of `services`. */
export async function descriptorChunks(services: readonly string[]): Promise<Array<Record<string, unknown>>> {
  const cjsEntry = createRequire(import.meta.url).resolve("@akashnetwork/chain-sdk");
  const esmDir = join(dirname(cjsEntry), "..", "esm");
  const modules: Array<Record<string, unknown>> = [];
  for (const file of readdirSync(esmDir).filter((f) => SERVICE_CHUNK.test(f))) {
    // importing every chunk costs about a second; the few that hold a wanted service are enough
    const text = readFileSync(join(esmDir, file), "utf8");
    if (!services.some((name) => text.includes(`typeName: "${name}"`))) continue;
    modules.push((await import(pathToFileURL(join(esmDir, file)).href)) as Record<string, unknown>);
  }
  return modules;
}
