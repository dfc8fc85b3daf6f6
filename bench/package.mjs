// The package as a user gets it, for `npm run bench` (bench/run.mjs):
//   - installed size of the tarball and its dependencies in an empty folder (goal ≤ 40 MB);
//   - the install's wall time with an empty npm cache, from the registry (reported: it measures the
//     network as much as the package);
//   - `synth` of the `init` project's stack, cold (no record of an earlier clean type check, and no
//     compile cache), with and without the type check: the goal is ≤ 1.5 s with it, and the
//     difference is what the check costs.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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
    process.stdout.write(`timing a cold synth of the init project's stack, with and without the type check (${runs} runs each)…\n`);
    const synth = (extra) => {
      rmSync(join(app, "node_modules", ".cache", "akash-stack"), { recursive: true, force: true });
      const started = performance.now();
      check(spawnSync(node, [cli(app), "synth", "web", ...extra], { cwd: app, env, encoding: "utf8" }), `akash-stack synth web ${extra.join(" ")}`);
      return performance.now() - started;
    };
    synth([]); // warm the file cache
    const checked = [];
    const unchecked = [];
    for (let i = 0; i < runs; i++) {
      checked.push(synth([]));
      unchecked.push(synth(["--no-typecheck"]));
    }
    const withCheck = stats(checked);
    const without = stats(unchecked);
    addRow({
      name: "synth the init stack, cold, type-checked",
      ours: timing(withCheck),
      baseline: `--no-typecheck ${timing(without)}`,
      ratio: `check +${(withCheck.median - without.median).toFixed(0)} ms`,
      goal: `≤ ${PACKAGE_GOALS.coldSynthMs} ms`,
      result: withCheck.median <= PACKAGE_GOALS.coldSynthMs ? "PASS" : "FAIL",
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function check(result, what) {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status ?? result.signal}: ${result.stderr}`);
}
