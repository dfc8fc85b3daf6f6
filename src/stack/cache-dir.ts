/**
 * Where akash-stack keeps scratch files for a stack (the stack's bundle while it loads, the type
 * check's record of the files it checked): `node_modules/.cache/akash-stack` of the nearest folder
 * above the stack that has node_modules (the usual place for a tool's scratch files, and where a
 * test runner such as vitest leaves modules to Node rather than transforming them itself), else
 * (or when that is not writable) the system's temporary folder.
 */
import { constants, existsSync } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export async function cacheDirFor(file: string): Promise<string> {
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
    if (!existsSync(join(dir, "node_modules"))) continue;
    const cache = join(dir, "node_modules", ".cache", "akash-stack");
    try {
      await mkdir(cache, { recursive: true });
      await access(cache, constants.W_OK);
      return cache;
    } catch {
      break;
    }
  }
  return tmpdir();
}
