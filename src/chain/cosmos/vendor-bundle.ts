/**
 * The built CLI's source of the chain libraries: `chain-vendor.cjs` with its V8 code cache, which
 * scripts/build.mjs writes beside the CLI's chunks and loads through this module in place of
 * vendor-entry.ts (that file says why). Not used from source.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCachedBundle } from "../../sdl/cached-script.js";

/** The bundle's file name; scripts/build-cached-bundles.mjs writes it. */
export const CHAIN_VENDOR_FILE = "chain-vendor.cjs";

export function loadChainVendorBundle(): Record<string, unknown> {
  const bundle = join(dirname(fileURLToPath(import.meta.url)), CHAIN_VENDOR_FILE);
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: the CLI was not built completely; run \`node scripts/build.mjs\``);
  return runCachedBundle(bundle).exports as Record<string, unknown>;
}
