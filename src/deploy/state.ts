/**
 * What akash-stack knows about a stack's deployment on one network:
 * `$AKASH_STACK_HOME/state/<stack>.<network>.json`.
 *
 * It is written before every transaction (the dseq before the create is broadcast, the chosen
 * bids before the lease) and after every step, so a run killed at any point can be resumed by
 * running the same command: the state says what was being done, the chain says what happened.
 * It holds no secrets: hashes, ids, addresses, host names and transaction hashes only (the
 * manifest, whose env may carry secret values, is never stored).
 *
 * Writes are atomic (temporary file, fsync, rename, fsync of the folder): a crash leaves the old
 * file or the new one, never a torn one. A lock file keeps two runs from interleaving.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Coin, DecCoin } from "../chain/types.js";
import { makeStackHome } from "../stack/home.js";
import { holdsLock, identifyProcess, parseLockHolder } from "./process-identity.js";

export const STATE_VERSION = 1;

export type StepName = "create-deployment" | "wait-bids" | "select-bids" | "create-lease" | "send-manifest" | "wait-ready" | "dns" | "verify";

export interface LeaseRecord {
  gseq: number;
  oseq: number;
  provider: string;
  bseq: number;
  /** Price per block for the group. */
  price: DecCoin;
  /** The provider's `host_uri` (from chain). */
  hostUri?: string;
  /** The manifest hash this provider last accepted; differs from the deployment's after an update until re-sent. */
  manifestHash?: string;
}

export interface ServiceEndpoints {
  /** Ingress host names (generated and `accept` hosts), no scheme. */
  uris: string[];
  /** Leased IPs with their ports. */
  ips: Array<{ ip: string; port: number; externalPort: number; protocol: string }>;
  /** Random node ports on the provider's host. */
  forwardedPorts: Array<{ host: string; port: number; externalPort: number; proto: string }>;
  /** The provider serving this service. */
  provider: string;
}

export type DeploymentPhase = "creating" | "created" | "leasing" | "leased" | "manifest-sent" | "ready" | "closing";

export interface DeploymentRecord {
  dseq: string;
  /** Hex SHA-256 of the manifest on chain (with secret values). */
  hash: string;
  /** Hex SHA-256 of the manifest with `<secret:NAME>` placeholders: lets `plan` compare without secret values. */
  templateHash: string;
  /** Group names in gseq order (gseq = index + 1). */
  groups: string[];
  deposit: Coin;
  phase: DeploymentPhase;
  /** Hash of the create transaction, recorded before it is broadcast. */
  createTx?: string;
  /** Hash of the pending update transaction, recorded before it is broadcast. */
  updateTx?: string;
  /** Hash of the lease transaction, recorded before it is broadcast. */
  leaseTx?: string;
  /** Bids chosen for the lease transaction in flight. */
  pendingLeases?: LeaseRecord[];
  leases: LeaseRecord[];
  endpoints: Record<string, ServiceEndpoints>;
  createdAt: string;
}

export interface TxRecord {
  hash: string;
  what: string;
  dseq?: string;
  height?: number;
  /** Set for an attempt that did not take effect (out of gas or a sequence race, then retried). */
  outcome?: string;
  at: string;
}

export interface StepLogEntry {
  at: string;
  step: string;
  status: string;
  dseq?: string;
  detail?: string;
}

export interface ClosedDeployment {
  dseq: string;
  closedAt: string;
  reason: string;
  tx?: string;
}

export interface StackState {
  version: typeof STATE_VERSION;
  stack: string;
  network: string;
  chainId: string;
  owner: string;
  /** The deployment the stack runs on, or is being created. */
  current?: DeploymentRecord;
  /** The deployment being replaced: closed once `current` is ready. */
  previous?: DeploymentRecord;
  closed: ClosedDeployment[];
  /**
   * What `akash-stack verify` (and `dns apply`) read for the current deployment, written after
   * wait-ready: `{ips, hosts, endpoints}` as documented in `src/verify/state.ts`.
   */
  verify?: { ips: Record<string, string>; hosts: Record<string, string>; endpoints: Record<string, string>; tlsPorts?: Record<string, number> };
  txs: TxRecord[];
  log: StepLogEntry[];
  updatedAt: string;
}

/** How many step-log and transaction entries are kept (oldest dropped): the file stays small. */
const MAX_LOG = 300;
const MAX_TXS = 200;

export class StateError extends Error {
  override readonly name = "StateError";
}

export function stateDir(home: string): string {
  return join(home, "state");
}

export function statePath(home: string, stack: string, network: string): string {
  return join(stateDir(home), `${stack}.${network}.json`);
}

export function newState(stack: string, network: string, chainId: string, owner: string): StackState {
  return { version: STATE_VERSION, stack, network, chainId, owner, closed: [], txs: [], log: [], updatedAt: new Date().toISOString() };
}

export async function loadState(home: string, stack: string, network: string): Promise<StackState | undefined> {
  const path = statePath(home, stack, network);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StateError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: StackState;
  try {
    parsed = JSON.parse(text) as StackState;
  } catch {
    throw new StateError(`${path} is not valid JSON. It records which deployment belongs to ${stack}; restore it from a backup, or move it away to start over (an active deployment must then be closed by hand)`);
  }
  if (parsed.version !== STATE_VERSION || parsed.stack !== stack || parsed.network !== network) {
    throw new StateError(`${path} is not a version-${STATE_VERSION} state file for ${stack} on ${network}: move it away or restore the right one`);
  }
  parsed.closed ??= [];
  parsed.txs ??= [];
  parsed.log ??= [];
  return parsed;
}

/** Atomically replaces the state file: temp file in the same folder, fsync, rename, fsync the folder. */
export async function saveState(home: string, state: StackState): Promise<void> {
  const dir = stateDir(home);
  await makeStackHome(home, 0o700);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = statePath(home, state.stack, state.network);
  state.updatedAt = new Date().toISOString();
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent — at or under the cap, splice(0, length - cap) removes nothing
  if (state.log.length > MAX_LOG) state.log.splice(0, state.log.length - MAX_LOG);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent — at or under the cap, splice(0, length - cap) removes nothing
  if (state.txs.length > MAX_TXS) state.txs.splice(0, state.txs.length - MAX_TXS);
  const text = JSON.stringify(state, null, 2) + "\n";
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temp, "wx", 0o600);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent — force matters only for a missing file, and this process just created temp
    await rm(temp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

/** fsync of the folder makes the rename itself durable (POSIX); unsupported platforms skip it. */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Windows cannot open folders; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

export function recordStep(state: StackState, step: string, status: string, dseq?: string, detail?: string): void {
  state.log.push({ at: new Date().toISOString(), step, status, ...(dseq ? { dseq } : {}), ...(detail ? { detail } : {}) });
}

export function recordTx(state: StackState, tx: Omit<TxRecord, "at">): void {
  const existing = state.txs.find((t) => t.hash === tx.hash);
  if (existing) Object.assign(existing, tx);
  else state.txs.push({ ...tx, at: new Date().toISOString() });
}

// -----------------------------------------------------------------------------------------------
// Lock: one run per stack and network at a time
// -----------------------------------------------------------------------------------------------

export interface StateLock {
  release(): Promise<void>;
}

/**
 * Takes `<stack>.<network>.lock`, which names the holder: `{pid, startTime, cmdline}` (see
 * `process-identity.ts`). The lock is taken over when its holder is gone, is a zombie (killed but
 * not yet reaped: it will never release anything), or is another program that reuses the pid; a
 * live holder is an error naming its pid.
 */
export async function lockState(home: string, stack: string, network: string): Promise<StateLock> {
  const dir = stateDir(home);
  await makeStackHome(home, 0o700);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${stack}.${network}.lock`);
  const mine = await identifyProcess(process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, JSON.stringify(mine ?? { pid: process.pid }) + "\n", { flag: "wx", mode: 0o600 });
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = parseLockHolder(await readFile(path, "utf8").catch(() => ""));
    if (holder && holder.pid !== process.pid && (await holdsLock(holder))) {
      throw new StateError(`another akash-stack run (pid ${holder.pid}) is working on ${stack} on ${network}; wait for it to finish (or remove ${path} if that process is not akash-stack)`);
    }
    await rm(path, { force: true });
  }
  throw new StateError(`cannot take the lock ${path}; remove it if no other akash-stack run is active`);
}
