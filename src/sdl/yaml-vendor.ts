/**
 * Loads the `yaml` package for the slow parse path (the few files js-yaml cannot vouch for).
 *
 * Why not a plain `require("yaml")`: that loads ~70 module files from node_modules and compiles
 * them, about 40 ms, and the first parse compiles another ~20 ms of cold code. A cold
 * `akash-stack lint` of a folder pays all of it as soon as one file has a YAML syntax error. So the
 * build (`scripts/build-cached-bundles.mjs`) writes the package as one bundle beside the lint
 * engine's code, `yaml-vendor.cjs`, with a V8 code cache made after a few warm-up parses; loading
 * it and the first parse then take about 15 ms together (see `cached-script.ts`).
 *
 * From source (tests, tsx) there is no such file and the package is required as usual.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCachedBundle } from "./cached-script.js";

export type YamlLibrary = typeof import("yaml");

/** The bundle's file name; scripts/build-cached-bundles.mjs writes it. */
export const YAML_VENDOR_FILE = "yaml-vendor.cjs";

let loaded: YamlLibrary | undefined;

/**
 * The package, loaded on first use and shared by everything in this process that writes or reads
 * YAML through it (the linter's slow path, synthesis, filling secrets): the CLI then never loads
 * the package's ES module copy, whose compile every chain command paid at start-up.
 */
export function yamlLibrary(): YamlLibrary {
  return (loaded ??= loadYamlLibrary());
}

/** The bundled package beside this module's code, or `require("yaml")` when there is none. */
export function loadYamlLibrary(): YamlLibrary {
  const bundle = join(dirname(fileURLToPath(import.meta.url)), YAML_VENDOR_FILE);
  if (!existsSync(bundle)) return createRequire(import.meta.url)("yaml") as YamlLibrary;
  return runCachedBundle(bundle).exports as YamlLibrary;
}
