/**
 * akash-stack's home folder (`$AKASH_STACK_HOME`, else the project's `.akash-stack/`): where it is
 * and making it. It holds generated secrets, deploy state, DNS backups and devnet.json: nothing to
 * commit, and the secrets must never be. A user's project has no `.gitignore` entry for it, so the
 * folder ignores itself: a `.gitignore` of `*` is written into it when it is created (never over
 * one the user wrote). Small and free of dependencies: the devnet and every command read it.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";

export const HOME_GITIGNORE = "# Written by akash-stack: generated secrets, deploy state and backups stay out of git.\n*\n";

/**
 * `$AKASH_STACK_HOME`, else the project's `.akash-stack`: the nearest folder at or above `cwd`
 * that has a `.akash-stack` folder or a package.json (the project root), so that commands run
 * from a subfolder find the project's devnet.json, state and secrets; else `cwd/.akash-stack`.
 */
export function stackHome(env: Readonly<Record<string, string | undefined>> = process.env, cwd: string = process.cwd()): string {
  const configured = env.AKASH_STACK_HOME;
  if (configured) return resolve(cwd, configured);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".akash-stack")) || existsSync(join(dir, "package.json"))) return join(dir, ".akash-stack");
    if (dirname(dir) === dir) return join(resolve(cwd), ".akash-stack");
  }
}

/** Creates `home` (and its parents) if missing, with its `.gitignore` when this call created it. */
export async function makeStackHome(home: string, mode?: number): Promise<void> {
  const firstCreated = await mkdir(home, { recursive: true, ...(mode !== undefined ? { mode } : {}) });
  if (firstCreated === undefined) return;
  // `mkdir` returns the first folder it made: `home` itself or one of its parents.
  const rel = relative(firstCreated, home);
  if (rel.startsWith("..") || rel.split(sep).includes("..")) return;
  await writeFile(join(home, ".gitignore"), HOME_GITIGNORE, { flag: "wx" }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "EEXIST") throw err;
  });
}
