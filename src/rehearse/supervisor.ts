/**
 * The supervisor: one Node process inside the stack's network namespace that starts each service
 * with its launcher, restarts it when it exits (as Kubernetes restarts a container, with a backoff),
 * watches its ports to say when it is ready, and stops everything on SIGTERM or SIGINT.
 *
 * It takes its input on standard input, as JSON, because that input holds the services' resolved
 * environments (secrets): they go from memory to the services' environments and nowhere else.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, rmSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { renderLauncher, textFiles } from "./launcher.js";
import type { RehearsalService } from "./plan.js";
import { writeState, type RehearsalState } from "./state.js";

export interface SupervisorInput {
  dir: string;
  toolsBin: string;
  services: RehearsalService[];
  /** The state without services, supervisor PID and start time. */
  state: Omit<RehearsalState, "services" | "supervisorPid" | "startedAt" | "ca">;
  /** Where the edge's local CA appears on this machine, once made; null when no service makes one. */
  caFile: string | null;
}

/** How long a service gets between SIGTERM and SIGKILL, as Kubernetes' default grace period is 30 s. */
const STOP_GRACE_MS = 10_000;
const READY_POLL_MS = 500;
const MAX_BACKOFF_MS = 10_000;
/** A service that ran this long before exiting restarts at once again (its backoff is reset). */
const HEALTHY_RUN_MS = 30_000;

interface Running {
  service: RehearsalService;
  child: ChildProcess | undefined;
  startedAt: number;
  failures: number;
  timer: NodeJS.Timeout | undefined;
}

export function serviceDir(dir: string, service: string): string {
  return join(dir, "services", service);
}

export function volumeDir(dir: string, service: string, volume: string): string {
  return join(dir, "volumes", service, volume);
}

export async function readSupervisorInput(stream: NodeJS.ReadableStream): Promise<SupervisorInput> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as SupervisorInput;
}

/** Runs until SIGTERM or SIGINT, then stops every service; resolves with the exit code. */
export async function supervise(input: SupervisorInput): Promise<number> {
  const state: RehearsalState = {
    ...input.state,
    ca: null,
    services: {},
    supervisorPid: process.pid,
    startedAt: new Date().toISOString(),
  };
  const running = new Map<string, Running>();
  let stopping = false;
  let dirty = true;
  const save = async () => {
    if (!dirty) return;
    dirty = false;
    await writeState(input.dir, state);
  };

  for (const service of input.services) {
    const dir = serviceDir(input.dir, service.name);
    await mkdir(join(dir, "files"), { recursive: true, mode: 0o700 });
    for (const { index, text } of textFiles(service.runtime)) await writeFile(join(dir, "files", String(index)), text, { mode: 0o600 });
    const volumeDirs: Record<string, string> = {};
    for (const volume of service.volumes) {
      volumeDirs[volume.name] = volumeDir(input.dir, service.name, volume.name);
      await mkdir(volumeDirs[volume.name]!, { recursive: true });
    }
    const launcher = join(dir, "launch.sh");
    await writeFile(launcher, renderLauncher(service, { serviceDir: dir, volumeDirs, toolsBin: input.toolsBin }), { mode: 0o700 });
    await chmod(launcher, 0o700);
    state.services[service.name] = { pid: null, ready: false, restarts: 0, log: join(dir, "output.log") };
    running.set(service.name, { service, child: undefined, startedAt: 0, failures: 0, timer: undefined });
  }

  const start = (entry: Running) => {
    const dir = serviceDir(input.dir, entry.service.name);
    rmSync(join(dir, "pid"), { force: true }); // the launcher writes the new one
    const logFd = openSync(join(dir, "output.log"), "a", 0o600);
    // The argv travels in the environment, not the script (which is on disk) or the command line
    // (which `ps` shows everyone): the launcher takes it back out before it execs.
    const env: Record<string, string> = {};
    for (const entryText of entry.service.env) env[entryText.slice(0, entryText.indexOf("="))] = entryText.slice(entryText.indexOf("=") + 1);
    const child = spawn("unshare", ["--pid", "--fork", "--kill-child", "--mount", "--propagation", "private", "/bin/sh", join(dir, "launch.sh")], {
      env: { ...env, ...argvEnv(entry.service.argv) },
      stdio: ["ignore", logFd, logFd],
      detached: true,
    });
    closeSync(logFd);
    entry.child = child;
    entry.startedAt = Date.now();
    child.on("exit", () => {
      entry.child = undefined;
      const serviceState = state.services[entry.service.name]!;
      serviceState.pid = null;
      serviceState.ready = false;
      dirty = true;
      if (stopping) return;
      entry.failures = Date.now() - entry.startedAt >= HEALTHY_RUN_MS ? 0 : entry.failures + 1;
      serviceState.restarts += 1;
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, entry.failures - 1));
      entry.timer = setTimeout(() => start(entry), delay);
    });
    child.on("error", () => undefined); // "exit" follows; a missing unshare shows in the log
  };
  for (const entry of running.values()) start(entry);

  const tick = async () => {
    for (const entry of running.values()) {
      const serviceState = state.services[entry.service.name]!;
      if (!entry.child) continue;
      const pid = await readPid(serviceDir(input.dir, entry.service.name));
      if (pid !== null && pid !== serviceState.pid) {
        serviceState.pid = pid;
        dirty = true;
      }
      const ready = serviceState.pid !== null && (await portsOpen(entry.service));
      if (ready !== serviceState.ready) {
        serviceState.ready = ready;
        dirty = true;
      }
    }
    if (state.ca === null && input.caFile !== null && existsSync(input.caFile)) {
      state.ca = input.caFile;
      dirty = true;
    }
    await save();
  };
  const poller = setInterval(() => void tick().catch(() => undefined), READY_POLL_MS);
  await tick();

  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  stopping = true;
  clearInterval(poller);
  await stopAll([...running.values()], state);
  dirty = true;
  await save();
  return 0;
}

async function stopAll(entries: Running[], state: RehearsalState): Promise<void> {
  for (const entry of entries) clearTimeout(entry.timer);
  const exits = entries.flatMap((entry) => (entry.child ? [new Promise<void>((resolve) => entry.child!.once("exit", () => resolve()))] : []));
  const signalAll = (signal: NodeJS.Signals) => {
    for (const entry of entries) {
      const pid = state.services[entry.service.name]?.pid;
      if (entry.child && pid) tryKill(pid, signal);
      else if (entry.child?.pid) tryKill(entry.child.pid, signal);
    }
  };
  signalAll("SIGTERM");
  const timedOut = await Promise.race([Promise.all(exits).then(() => false), sleep(STOP_GRACE_MS).then(() => true)]);
  if (timedOut) {
    // A PID namespace's init ignores signals it has no handler for; SIGKILL from outside always works.
    signalAll("SIGKILL");
    await Promise.race([Promise.all(exits), sleep(5000)]);
  }
  for (const name of Object.keys(state.services)) {
    state.services[name]!.pid = null;
    state.services[name]!.ready = false;
  }
}

/** The argv as AKASH_STACK_REHEARSE_ARGC and AKASH_STACK_REHEARSE_ARG_<i>, which the launcher unsets. */
export function argvEnv(argv: readonly string[]): Record<string, string> {
  const env: Record<string, string> = { AKASH_STACK_REHEARSE_ARGC: String(argv.length) };
  argv.forEach((arg, i) => (env[`AKASH_STACK_REHEARSE_ARG_${i}`] = arg));
  return env;
}

async function readPid(dir: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(join(dir, "pid"), "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

async function portsOpen(service: RehearsalService): Promise<boolean> {
  const tcp = service.ports.filter((p) => p.proto === "TCP");
  const results = await Promise.all(tcp.map((p) => tcpOpen(p.port)));
  return results.every(Boolean);
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, timeout: 1000 });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
