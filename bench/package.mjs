// The package as a user gets it, for `npm run bench` (bench/run.mjs):
//   - installed size of the tarball and its dependencies in an empty folder (goal ≤ 40 MB);
//   - the install's wall time with an empty npm cache, from the registry (reported: it measures the
//     network as much as the package);
//   - `synth` of the `init` project's stack in a cold process with the type check, against
//     `--no-typecheck`: the goal (≤ 1.5 s) is for a stack that changed since the last check on a
//     machine that has run synth before (TypeScript's code cache is there; src/stack/typecheck.ts);
//     the first run after an install, with no cache at all, is reported too.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { folderBytes, npmInstall, packTarball } from "../scripts/pack-install.mjs";

export const PACKAGE_GOALS = { installedMb: 40, coldSynthMs: 1500 };

/**
 * Measures and adds rows through `addRow({name, ours, baseline, ratio, goal, result})`.
 * `env` is the environment measured processes run with; `timing(stats)` and `stats(values)` format.
 */
export function measurePackage({ root, node, runs, env, addRow, stats, timing }) {
  const work = mkdtempSync(join(tmpdir(), "akash-stack-bench-package-"));
  try {
    process.stdout.write("packing the package and installing it into an empty folder with an empty npm cache…\n");
    const packed = packTarball(root, work);
    const previousCache = process.env.npm_config_cache;
    process.env.npm_config_cache = join(work, "npm-cache");
    let installMs;
    try {
      installMs = npmInstall(join(work, "tool"), [packed.tarball]);
    } finally {
      if (previousCache === undefined) delete process.env.npm_config_cache;
      else process.env.npm_config_cache = previousCache;
    }
    const installedMb = folderBytes(join(work, "tool", "node_modules")) / 1024 / 1024;
    addRow({
      name: `installed size (tarball ${(packed.size / 1024 / 1024).toFixed(1)} MB)`,
      ours: `${installedMb.toFixed(1)} MB`,
      baseline: "",
      ratio: "",
      goal: `≤ ${PACKAGE_GOALS.installedMb} MB`,
      result: installedMb <= PACKAGE_GOALS.installedMb ? "PASS" : "FAIL",
    });
    addRow({ name: "install time, empty folder, empty npm cache", ours: `${(installMs / 1000).toFixed(1)} s`, baseline: "", ratio: "", goal: "reported", result: "INFO" });

    const app = join(work, "app");
    const cli = (cwd) => join(cwd, "node_modules", "akash-stack", "dist", "cli.js");
    check(spawnSync(node, [cli(join(work, "tool")), "init", app], { env, encoding: "utf8" }), "akash-stack init");
    npmInstall(app, [packed.tarball], { saveDev: true });
    process.stdout.write(`timing cold synths of the init project's stack, with and without the type check (${runs} runs each)…\n`);
    const cache = join(app, "node_modules", ".cache", "akash-stack");
    const synth = (extra, forget) => {
      forget();
      const started = performance.now();
      check(spawnSync(node, [cli(app), "synth", "web", ...extra], { cwd: app, env, encoding: "utf8" }), `akash-stack synth web ${extra.join(" ")}`);
      return performance.now() - started;
    };
    // Everything akash-stack keeps between runs: the stack's bundle, the record of the last clean
    // check, TypeScript's code cache. As after a fresh `npm ci`.
    const forgetAll = () => rmSync(cache, { recursive: true, force: true });
    // Only the record of the last clean check, so the check runs in full: a cold process after the
    // stack changed, on a machine that has run synth before (TypeScript's code cache stays).
    const forgetChecks = () => {
      for (const name of existsSync(cache) ? readdirSync(cache) : []) if (name.startsWith("typecheck-")) rmSync(join(cache, name));
    };
    synth([], forgetAll); // warm the file cache
    const fresh = [];
    const changed = [];
    const unchecked = [];
    for (let i = 0; i < runs; i++) {
      fresh.push(synth([], forgetAll));
      changed.push(synth([], forgetChecks));
      unchecked.push(synth(["--no-typecheck"], forgetAll));
    }
    const withoutCheck = stats(unchecked);
    const coldChanged = stats(changed);
    const first = stats(fresh);
    addRow({
      name: "synth the init stack: cold process, changed stack",
      ours: timing(coldChanged),
      baseline: `--no-typecheck ${timing(withoutCheck)}`,
      ratio: `check +${(coldChanged.median - withoutCheck.median).toFixed(0)} ms`,
      goal: `≤ ${PACKAGE_GOALS.coldSynthMs} ms`,
      result: coldChanged.median <= PACKAGE_GOALS.coldSynthMs ? "PASS" : "FAIL",
    });
    addRow({
      name: "synth the init stack: first run after install",
      ours: timing(first),
      baseline: `--no-typecheck ${timing(withoutCheck)}`,
      ratio: `check +${(first.median - withoutCheck.median).toFixed(0)} ms`,
      goal: "reported",
      result: "INFO",
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function check(result, what) {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status ?? result.signal}: ${result.stderr}`);
}
