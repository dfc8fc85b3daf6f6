/**
 * The devnet as a background process: start it detached (`devnet --detach`), find it from anywhere
 * in the project through devnet.json (src/stack/home.ts), ask whether it runs, stop it.
 *
 * devnet.json names the devnet's pid. A pid alone can outlive its process (a devnet killed with
 * SIGKILL leaves the file behind, and the pid may be reused), so a devnet counts as running only
 * when that pid is alive, is not a zombie, runs an akash-stack devnet (its command line), and its
 * RPC answers.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";

export interface DevnetFileView {
  pid: number;
  rpc: string;
  chainId: string;
  path: string;
}

export type DevnetState = { kind: "none"; path: string } | { kind: "stale"; file: DevnetFileView; why: string } | { kind: "running"; file: DevnetFileView; height: number };

export async function readDevnetFile(home: string): Promise<DevnetFileView | undefined> {
  const path = join(home, "devnet.json");
  let parsed: { pid?: unknown; rpc?: unknown; chainId?: unknown };
  try {
    parsed = JSON.parse(await readFile(path, "utf8")) as typeof parsed;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    // Unreadable or half-written by something else: treated as no devnet, not a crash.
    return undefined;
  }
  if (typeof parsed.pid !== "number" || typeof parsed.rpc !== "string") return undefined;
  return { pid: parsed.pid, rpc: parsed.rpc, chainId: typeof parsed.chainId === "string" ? parsed.chainId : "akash-local", path };
}

/** Alive, not a zombie, and an akash-stack devnet by its command line (Linux /proc; elsewhere kill(0)). */
export async function isDevnetProcess(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    if (state === "Z" || state === "X") return false;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replace(/\0/g, " ");
    return /devnet/.test(cmdline);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      try {
        await readFile("/proc/self/stat", "utf8");
        return false; // /proc exists, the pid does not
      } catch {
        // no /proc: fall through to kill(0)
      }
    }
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
  }
}

/** The chain's height from CometBFT `/status`, or undefined when it does not answer. */
export async function rpcHeight(rpc: string, timeoutMs = 2000): Promise<number | undefined> {
  try {
    const response = await fetch(`${rpc}/status`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { result?: { sync_info?: { latest_block_height?: string } } };
    const height = Number(body.result?.sync_info?.latest_block_height);
    return Number.isFinite(height) ? height : undefined;
  } catch {
    return undefined;
  }
}

export async function devnetState(home: string): Promise<DevnetState> {
  const file = await readDevnetFile(home);
  if (!file) return { kind: "none", path: join(home, "devnet.json") };
  if (!(await isDevnetProcess(file.pid))) return { kind: "stale", file, why: `pid ${file.pid} is not a running devnet` };
  const height = await rpcHeight(file.rpc);
  if (height === undefined) return { kind: "stale", file, why: `pid ${file.pid} runs, but its RPC ${file.rpc} does not answer` };
  return { kind: "running", file, height };
}

/** SIGTERM, then waits for the process to go (SIGKILL after `graceMs`); removes devnet.json if it stayed. */
export async function stopDevnetProcess(file: DevnetFileView, graceMs = 15_000): Promise<"stopped" | "killed"> {
  process.kill(file.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  let outcome: "stopped" | "killed" = "stopped";
  while (await isDevnetProcess(file.pid)) {
    if (Date.now() > deadline) {
      process.kill(file.pid, "SIGKILL");
      outcome = "killed";
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await rm(file.path, { force: true });
  return outcome;
}

export interface DetachRequest {
  /** The CLI's own invocation: node, its flags, the script (process.execPath, execArgv, argv[1]). */
  command: { node: string; execArgv: string[]; script: string };
  args: string[];
  home: string;
  env: NodeJS.ProcessEnv;
  /** How long to wait for the chain to answer. */
  timeoutMs: number;
}

/** Starts `akash-stack devnet` in the background (its own session, output in HOME/devnet.log) and waits until its chain answers. */
export async function startDetached(request: DetachRequest): Promise<{ pid: number; log: string; file: DevnetFileView; height: number }> {
  const log = join(request.home, "devnet.log");
  mkdirSync(request.home, { recursive: true, mode: 0o700 });
  const fd = openSync(log, "a", 0o600);
  const child = spawn(request.command.node, [...request.command.execArgv, request.command.script, "devnet", ...request.args], {
    detached: true,
    stdio: ["ignore", fd, fd],
    env: { ...request.env, AKASH_STACK_HOME: request.home, AKASH_STACK_DEVNET_DETACHED: "1" },
  });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start a background devnet; see ${log}`);
  let exited: number | null | undefined;
  child.once("exit", (code) => (exited = code));
  child.unref();
  const deadline = Date.now() + request.timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`the background devnet exited (code ${exited}) before its chain answered; see ${log}`);
    const file = await readDevnetFile(request.home);
    if (file?.pid === pid) {
      const height = await rpcHeight(file.rpc);
      if (height !== undefined) return { pid, log, file, height };
    }
    if (Date.now() > deadline) {
      process.kill(pid, "SIGTERM");
      throw new Error(`the background devnet (pid ${pid}) did not answer within ${Math.round(request.timeoutMs / 1000)} s; it was stopped. See ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
