#!/usr/bin/env zx
// The README's main command (`npm run demo`): the registry stack from TypeScript to a
// provider-ready manifest, on this machine, with no network access and no tokens spent.
//
// Steps that need the embedded local network (devnet, deploy, status, close, dns, verify) run as
// soon as those commands exist in the CLI, so this script stays the one entry point as they land.
import { $, chalk, fs, path } from "zx";

$.verbose = false;
$.quiet = true;
const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..");
const cli = path.join(root, "dist", "cli.js");
const run = (args) => $({ cwd: root, nothrow: true })`node ${cli} ${args}`;
const step = (title) => console.log(chalk.bold(`\n▶ ${title}`));

if (!fs.existsSync(cli)) {
  step("build");
  await $({ cwd: root })`node scripts/build.mjs`;
}

step("synth: stacks/registry.ts → out/registry.sdl.yaml");
const synth = await run(["synth", "registry"]);
process.stdout.write(synth.stdout + synth.stderr);
if (synth.exitCode !== 0) process.exit(synth.exitCode ?? 1);

step("lint: Go parser, chain and provider rules");
const lint = await run(["lint", "out/registry.sdl.yaml"]);
process.stdout.write(lint.stdout + lint.stderr);
if (lint.exitCode !== 0) process.exit(lint.exitCode ?? 1);

step("manifest: the exact bytes a provider receives, and the hash that goes on chain");
const hash = await run(["manifest", "out/registry.sdl.yaml", "--hash"]);
if (hash.exitCode !== 0) {
  process.stdout.write(hash.stderr);
  process.exit(hash.exitCode ?? 1);
}
console.log(`deployment version (sha256): ${hash.stdout.trim()}`);

const help = (await run(["--help"])).stdout;
if (!/^\s+devnet\b/m.test(help) || !/^\s+deploy\b/m.test(help)) {
  step("deploy to the local network");
  console.log("skipped: `devnet` and `deploy` are not in this build yet (issues #4 and #5).");
}
console.log(chalk.green("\ndemo finished"));
