/**
 * Making akash-stack's home folder (`$AKASH_STACK_HOME`, default `.akash-stack/`). It holds
 * generated secrets, deploy state, DNS backups and devnet.json: nothing to commit, and the secrets
 * must never be. A user's project has no `.gitignore` entry for it, so the folder ignores itself: a
 * `.gitignore` of `*` is written into it when it is created (never over one the user wrote).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export const HOME_GITIGNORE = "# Written by akash-stack: generated secrets, deploy state and backups stay out of git.\n*\n";

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
