/**
 * Permission checks mean nothing to root, who reads and writes anything, and CI runs as root. So
 * tests of "permission denied" run their child process as `nobody` when the suite is root, and as
 * the current user otherwise: the path is tested either way, never skipped.
 */
import { chmodSync } from "node:fs";
import { dirname } from "node:path";

/** The uid and gid of `nobody` (Debian's 65534), or undefined when not root (nothing to drop). */
export function unprivileged(): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
}

/** Lets an unprivileged child walk to `path`: each folder from `path` up to `stopAt` gets o+x. */
export function openPathTo(path: string, stopAt: string): void {
  for (let dir = dirname(path); dir.startsWith(stopAt) && dir !== dirname(dir); dir = dirname(dir)) chmodSync(dir, 0o755);
}
