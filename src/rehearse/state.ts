/**
 * A rehearsal's state file, `$AKASH_STACK_HOME/rehearse/<stack>/state.json`: what is running and
 * whether it is ready, written by the supervisor (atomically: a reader sees the old file or the
 * new one) and read by `rehearse --status`, `--stop` and `--detach`. It never holds a secret: the
 * admin password is in a file of its own, mode 0600, named here.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface ServiceState {
  /** The host PID of the service's first process (its PID namespace's init); null while it is down. */
  pid: number | null;
  /** Every TCP port it exposes accepts connections. */
  ready: boolean;
  restarts: number;
  /** Its output, appended across restarts. */
  log: string;
}

export interface RehearsalState {
  stack: string;
  /** The network namespace clients join with `ip netns exec`. */
  netns: string;
  /** The edge's local CA certificate (PEM), once the edge has made it; null when no service makes one. */
  ca: string | null;
  /** Every name that resolves inside the namespace, and its address. */
  hosts: Record<string, string>;
  services: Record<string, ServiceState>;
  /** The stack's login (`Stack.login`): the password is in `passwordFile`, never here. */
  admin: { username: string; passwordFile: string; host: string } | null;
  /** What differs from a provider. */
  changes: string[];
  supervisorPid: number;
  startedAt: string;
}

export function rehearsalDir(home: string, stack: string): string {
  return join(home, "rehearse", stack);
}

export function stateFile(dir: string): string {
  return join(dir, "state.json");
}

export async function readState(dir: string): Promise<RehearsalState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(dir), "utf8")) as RehearsalState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export async function writeState(dir: string, state: RehearsalState): Promise<void> {
  const file = stateFile(dir);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

export function allReady(state: RehearsalState): boolean {
  const services = Object.values(state.services);
  return services.length > 0 && services.every((s) => s.ready && s.pid !== null);
}

/** Whether a process is alive (signal 0), without touching it. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The object `rehearse --output json` prints: the shape the README documents. */
export function publicView(state: RehearsalState): {
  stack: string;
  netns: string;
  ca: string | null;
  hosts: Record<string, string>;
  services: Record<string, { pid: number | null; ready: boolean }>;
  admin: { username: string; passwordFile: string } | null;
} {
  return {
    stack: state.stack,
    netns: state.netns,
    ca: state.ca,
    hosts: state.hosts,
    services: Object.fromEntries(Object.entries(state.services).map(([name, s]) => [name, { pid: s.pid, ready: s.ready }])),
    admin: state.admin ? { username: state.admin.username, passwordFile: state.admin.passwordFile } : null,
  };
}
