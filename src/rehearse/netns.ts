/**
 * The stack's network namespace: one per stack, named `akash-stack-<stack>`, with loopback up and
 * a hosts file of its own (`/etc/netns/<name>/hosts`, which `ip netns exec` puts over /etc/hosts),
 * so that every service name and the stack's DNS names resolve to loopback inside it and nowhere
 * else. The machine's own /etc/hosts is never touched.
 */
import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The namespace belongs to a rehearsal that is still running. */
export class NetnsInUseError extends Error {
  override readonly name = "NetnsInUseError";
}

export const NETNS_ETC = "/etc/netns";

export function netnsName(stack: string): string {
  return `akash-stack-${stack}`;
}

/** The hosts file: loopback for every name, on IPv4 and IPv6. */
export function renderHosts(names: readonly string[]): string {
  const all = ["localhost", ...names.filter((n) => n !== "localhost")].join(" ");
  return `# akash-stack rehearse: the stack's names, inside its network namespace only\n127.0.0.1 ${all}\n::1 ${all}\n`;
}

export async function netnsExists(name: string): Promise<boolean> {
  const { stdout } = await run("ip", ["netns", "list"]);
  return stdout.split("\n").some((line) => line.split(" ")[0] === name);
}

/** The processes inside a namespace (`ip netns pids`); [] when it does not exist. */
export async function netnsPids(name: string): Promise<number[]> {
  if (!(await netnsExists(name))) return [];
  const { stdout } = await run("ip", ["netns", "pids", name]);
  return stdout.split("\n").filter((l) => /^\d+$/.test(l.trim())).map(Number);
}

/**
 * Creates the namespace and its hosts file. A leftover of a run that died (no process inside) is
 * replaced; one with processes inside belongs to a rehearsal still running, maybe started from
 * another folder, and is never taken over.
 */
export async function createNetns(name: string, hosts: readonly string[]): Promise<void> {
  const pids = await netnsPids(name);
  if (pids.length > 0) {
    throw new NetnsInUseError(`network namespace ${name} is in use by ${pids.length} process${pids.length === 1 ? "" : "es"} (pid ${pids.slice(0, 5).join(", ")}): another rehearsal of this stack is running, maybe from another folder; stop it there with --stop`);
  }
  if (await netnsExists(name)) await run("ip", ["netns", "delete", name]);
  await run("ip", ["netns", "add", name]);
  await run("ip", ["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
  const dir = `${NETNS_ETC}/${name}`;
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/hosts`, renderHosts(hosts));
}

export async function deleteNetns(name: string): Promise<void> {
  if (await netnsExists(name)) await run("ip", ["netns", "delete", name]);
  await rm(`${NETNS_ETC}/${name}`, { recursive: true, force: true });
}
