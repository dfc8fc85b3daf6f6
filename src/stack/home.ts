/**
 * Where akash-stack keeps a project's devnet.json, state and generated secrets. Small and free of
 * dependencies: the devnet and every command read it.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

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
