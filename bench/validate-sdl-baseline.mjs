#!/usr/bin/env node
// The baseline `npm run bench` compares `akash-stack lint` against: what a chain-sdk user runs
// today to check SDL files. For every *.yaml/*.yml file in the given folders it reads the file,
// parses it with js-yaml (the parser chain-sdk's own `SDL.fromString` uses) and calls chain-sdk's
// `validateSDL`. Importing chain-sdk is part of the measured time on purpose, just as our CLI's
// start-up is part of its time.
//
// Usage: node bench/validate-sdl-baseline.mjs FOLDER... ; prints one summary line and exits 0.
import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateSDL } from "@akashnetwork/chain-sdk";

// js-yaml is chain-sdk's dependency, not ours: resolve it from chain-sdk's own location so the
// baseline loads the same copy chain-sdk does, whether or not npm hoisted it.
const requireFromChainSdk = createRequire(createRequire(import.meta.url).resolve("@akashnetwork/chain-sdk"));
const { load: loadYaml } = requireFromChainSdk("js-yaml");

const YAML_FILE = /\.ya?ml$/i;

function* yamlFiles(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(path);
    else if (YAML_FILE.test(entry.name)) yield path;
  }
}

const folders = process.argv.slice(2);
if (folders.length === 0) {
  process.stderr.write("usage: node bench/validate-sdl-baseline.mjs FOLDER...\n");
  process.exit(2);
}

let files = 0;
let valid = 0;
let invalid = 0;
let unparsable = 0;
let threw = 0;
for (const folder of folders) {
  for (const path of yamlFiles(folder)) {
    files++;
    let document;
    try {
      document = loadYaml(readFileSync(path, "utf8"));
    } catch {
      // A YAML syntax error is a result too (the user learns the file is broken), not a crash.
      unparsable++;
      continue;
    }
    try {
      const errors = validateSDL(document, "mainnet");
      if (errors && errors.length > 0) invalid++;
      else valid++;
    } catch {
      // validateSDL throws on some shapes (a document that is not a mapping); count it, keep going.
      threw++;
    }
  }
}
process.stdout.write(JSON.stringify({ files, valid, invalid, unparsable, threw }) + "\n");
