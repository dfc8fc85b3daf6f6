#!/usr/bin/env node
// Runs Stryker (stryker.config.mjs), then the per-module score check (scripts/mutation-scores.mjs).
//
//   node scripts/mutate.mjs          every mutant; rewrites the committed incremental baseline
//   node scripts/mutate.mjs --ci     only mutants whose code or covering tests changed since the
//                                    baseline (Stryker's --incremental); the baseline file is
//                                    rewritten too, but CI's copy is thrown away with its clone
//
// Why a wrapper and not `stryker run` in package.json:
//   - Stryker tests a copy of the project in .stryker-tmp/sandbox-*/, and several tests find the
//     shared SDL corpus as ../shared beside the project root; from the sandbox that is
//     .stryker-tmp/shared, so it is linked there to the real one.
//   - Stryker 10 refuses to start on Node 20; this says which Node to use instead of its stack trace.
//   - The baseline is committed gzipped (test/mutation/stryker-incremental.json.gz, about a
//     twentieth of its 17 MB); Stryker reads and writes it unpacked in .stryker-tmp/.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ci = process.argv.includes("--ci");

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  process.stderr.write(`mutation testing needs Node 22 or later (Stryker 10); this is Node ${process.versions.node}. CI runs it with Node 22 from .cache/node/.\n`);
  process.exit(2);
}

const shared = resolve(root, "..", "shared");
const link = join(root, ".stryker-tmp", "shared");
if (existsSync(shared) && !isLink(link)) {
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(shared, link, "dir");
}

// Stryker's incrementalFile (stryker.config.mjs) is the unpacked copy.
const baseline = join(root, "test", "mutation", "stryker-incremental.json.gz");
const unpacked = join(root, ".stryker-tmp", "stryker-incremental.json");
mkdirSync(dirname(unpacked), { recursive: true });
if (existsSync(baseline)) writeFileSync(unpacked, gunzipSync(readFileSync(baseline)));

// The package exports no bin path; its package.json locates it.
const stryker = join(dirname(createRequire(import.meta.url).resolve("@stryker-mutator/core/package.json")), "bin", "stryker.js");
// --force with --incremental: test every mutant, but still write the baseline for the next run.
const args = [stryker, "run", "--incremental", ...(ci ? [] : ["--force"])];
// Stryker knows a test by its name, and test/dns-property.test.ts puts its random seed in its
// describe name: with a new seed each run, its tests would be "new" every time and every mutant
// they cover tested again. The baseline's seed keeps them the same tests.
const env = { ...process.env, DNS_PROPERTY_SEED: process.env.DNS_PROPERTY_SEED ?? "1683996686" };
// Stryker's copy of the project leaves out .cache/, where scripts/build-tools.sh put the Go oracles
// the golden-data tests run (and, under CI, require): point them at this checkout's.
const toolsBin = spawnSync(join(root, "scripts", "build-tools.sh"), ["--print"], { encoding: "utf8" }).stdout.trim();
if (toolsBin !== "") env.AKASH_STACK_TOOLS_BIN = toolsBin;
const run = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env });
if (run.status !== 0) process.exit(run.status ?? 1);
// gzip writes no timestamp or name here, so an unchanged result packs to the same bytes.
writeFileSync(baseline, gzipSync(readFileSync(unpacked), { level: 9 }));

const check = spawnSync(process.execPath, [join(root, "scripts", "mutation-scores.mjs")], { cwd: root, stdio: "inherit" });
process.exit(check.status ?? 1);

function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
