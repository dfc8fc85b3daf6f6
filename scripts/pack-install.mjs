// Packs akash-stack as npm would publish it and installs the tarball into an empty folder, the way
// a user gets it: used by the acceptance test (test/package-install.test.ts) and by the bench
// (bench/run.mjs: installed size, install time). Only the npm registry is needed (for esbuild and,
// in a project made by `init`, TypeScript).
import { execFileSync, spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** npm without the noise and the questions; the user's cache, so a second install is as for them. */
const NPM_ENV = { npm_config_fund: "false", npm_config_audit: "false", npm_config_update_notifier: "false", npm_config_loglevel: "error" };

/**
 * Writes the package's declarations (dist/types, which `prepack` makes) and packs the built dist/
 * without rebuilding it (other processes may be running the built CLI). Returns the tarball's path.
 */
export function packTarball(root, destination) {
  execFileSync(process.execPath, [join(root, "scripts", "build-types.mjs")], { cwd: root, stdio: "pipe" });
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", destination], {
    cwd: root,
    env: { ...process.env, ...NPM_ENV },
    encoding: "utf8",
  });
  const [packed] = JSON.parse(out);
  return { tarball: join(destination, packed.filename), size: packed.size, unpackedSize: packed.unpackedSize, files: packed.files.map((f) => f.path) };
}

/**
 * Installs `specs` (a tarball path, package names) into `dir`, made empty but for a package.json
 * if needed. Returns the wall time in milliseconds. Throws with npm's output when it fails.
 */
export function npmInstall(dir, specs, { saveDev = false } = {}) {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length === 0) writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "empty", private: true }, null, 2)}\n`);
  const started = performance.now();
  const result = spawnSync("npm", ["install", ...(saveDev ? ["--save-dev"] : []), ...specs], {
    cwd: dir,
    env: { ...process.env, ...NPM_ENV },
    encoding: "utf8",
    timeout: 300_000,
  });
  if (result.status !== 0) throw new Error(`npm install ${specs.join(" ")} in ${dir} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return performance.now() - started;
}

/**
 * Total size of the files under `dir` in bytes, as the disk holds them: symbolic links count as
 * themselves, not their targets, and a file with several hard links once (esbuild's install links
 * its 11 MB binary into a second place).
 */
export function folderBytes(dir, seen = new Set()) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      total += folderBytes(path, seen);
      continue;
    }
    const stat = lstatSync(path);
    const inode = `${stat.dev}:${stat.ino}`;
    if (seen.has(inode)) continue;
    seen.add(inode);
    total += stat.size;
  }
  return total;
}
