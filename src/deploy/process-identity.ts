/**
 * Who holds a lock file, and whether that holder is still a live akash-stack run.
 *
 * A pid alone is not enough: a run killed with SIGKILL stays a zombie until its parent reaps it
 * (`kill(pid, 0)` still succeeds), and after a reboot or a long time the pid may belong to another
 * program. On Linux, `/proc/PID/stat` gives the state (Z = zombie, X = dead) and the start time in
 * clock ticks since boot, which together with the command line identifies one process for its
 * whole life. Elsewhere (no /proc) only `kill(pid, 0)` is available, and a live pid is trusted.
 */
import { readFile } from "node:fs/promises";

export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
  startTime?: string;
  /** /proc/PID/cmdline with NULs as spaces. */
  cmdline?: string;
}

interface ProcStat {
  state: string;
  startTime: string;
}

/** Parses /proc/PID/stat; the command name (field 2) may contain spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
  const state = fields[0];
  const startTime = fields[19];
  if (!state || !startTime) return undefined;
  return { state, startTime };
}

async function readProc(pid: number): Promise<{ stat?: ProcStat; cmdline?: string } | undefined> {
  let statText: string;
  try {
    statText = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // No such process; or no /proc on this system (then the caller falls back to kill(0)).
    if (code === "ENOENT" || code === "ESRCH") return (await hasProcFs()) ? {} : undefined;
    return undefined;
  }
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").then(
    (t) => t.replace(/\0+$/, "").replace(/\0/g, " "),
    () => undefined,
  );
  return { stat: parseProcStat(statText), ...(cmdline !== undefined ? { cmdline } : {}) };
}

async function hasProcFs(): Promise<boolean> {
  try {
    await readFile("/proc/self/stat", "utf8");
    return true;
  } catch {
    return false;
  }
}

/** What this process writes into a lock file. */
export async function identifyProcess(pid: number): Promise<ProcessIdentity | undefined> {
  const proc = await readProc(pid);
  if (!proc?.stat) return undefined;
  return { pid, startTime: proc.stat.startTime, ...(proc.cmdline !== undefined ? { cmdline: proc.cmdline } : {}) };
}

/** Reads a lock file: JSON `{pid, startTime, cmdline}`, or a bare pid (older versions). */
export function parseLockHolder(text: string): ProcessIdentity | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const parsed = JSON.parse(trimmed) as Partial<ProcessIdentity>;
    if (typeof parsed.pid !== "number" || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return undefined;
    return {
      pid: parsed.pid,
      ...(typeof parsed.startTime === "string" ? { startTime: parsed.startTime } : {}),
      ...(typeof parsed.cmdline === "string" ? { cmdline: parsed.cmdline } : {}),
    };
  } catch {
    return undefined;
  }
}

/** A bare pid (older lock files) counts as ours only if its command line names akash-stack. */
const AKASH_STACK_COMMAND = /akash-stack|dist\/cli\.js/;

/** True when the process named by the lock file is alive, not a zombie, and the same process that wrote it. */
export async function holdsLock(holder: ProcessIdentity): Promise<boolean> {
  const proc = await readProc(holder.pid);
  if (proc === undefined) return killZeroSays(holder.pid);
  if (!proc.stat) return false; // gone
  if (proc.stat.state === "Z" || proc.stat.state === "X") return false;
  if (holder.startTime !== undefined) {
    return proc.stat.startTime === holder.startTime && (holder.cmdline === undefined || proc.cmdline === holder.cmdline);
  }
  return proc.cmdline !== undefined && AKASH_STACK_COMMAND.test(proc.cmdline);
}

function killZeroSays(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
