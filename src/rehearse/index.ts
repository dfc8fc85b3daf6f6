/**
 * `akash-stack rehearse`: runs a stack's services on this machine, from the manifest a provider
 * would get (secrets filled in as at deploy), each from the same program its image runs, in one
 * network namespace where services reach each other by their SDL names. Kept apart from the devnet
 * (which imitates the chain and the providers): a later change can let devnet providers run their
 * leases with it.
 *
 * Needs root (network namespaces, mounts), iproute2, util-linux's unshare, and the programs that
 * scripts/build-tools.sh builds.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ManifestGroup } from "../sdl/manifest.js";
import type { LoginDeclaration } from "../stack/synth.js";
import { createNetns, deleteNetns, netnsName, netnsPids, NetnsInUseError } from "./netns.js";
import { planRehearsal, type RehearsalPlan } from "./plan.js";
import { allReady, processAlive, readState, rehearsalDir, type RehearsalState } from "./state.js";
import { volumeDir, type SupervisorInput } from "./supervisor.js";

export { RehearsalPlanError, planRehearsal, type RehearsalPlan, type RehearsalService } from "./plan.js";
export { publicView, readState, rehearsalDir, type RehearsalState } from "./state.js";

export interface RehearseStart {
  stack: string;
  /** `$AKASH_STACK_HOME`. */
  home: string;
  groups: readonly ManifestGroup[];
  dnsNames: readonly string[];
  login: (LoginDeclaration & { value: string }) | undefined;
  /** `.cache/tools/bin`. */
  toolsBin: string;
  /** How to run the supervisor: the CLI, with `rehearse --supervise`. */
  supervisorCommand: string[];
  /** Remove the stack's volumes first. */
  fresh: boolean;
}

/** Something stops the rehearsal from starting; the message says what to do. */
export class RehearseError extends Error {
  override readonly name = "RehearseError";
}

export interface Started {
  plan: RehearsalPlan;
  dir: string;
  netns: string;
  /** The supervisor process; the caller waits for it (foreground) or lets it go (detached). */
  supervisor: ReturnType<typeof spawn>;
  log: string;
  /** An edge makes a local CA, and clients need its certificate: ready means it is there too. */
  needsCa: boolean;
}

export async function startRehearsal(options: RehearseStart, detached: boolean): Promise<Started> {
  if (process.getuid?.() !== 0) throw new RehearseError("rehearse needs root: it makes a network namespace and mounts each service's root (run it with sudo)");
  const plan = planRehearsal({ stack: options.stack, groups: options.groups, dnsNames: options.dnsNames });
  for (const service of plan.services) {
    for (const file of service.runtime.files) {
      if ("tool" in file.from && !existsSync(join(options.toolsBin, file.from.tool))) {
        throw new RehearseError(
          `${service.image} needs ${file.from.tool} in ${options.toolsBin}, which is not there: in a clone of akash-stack run scripts/build-tools.sh (Go and the module proxy), or set AKASH_STACK_TOOLS to the folder that has the programs`,
        );
      }
      if ("host" in file.from && !existsSync(file.from.host)) {
        throw new RehearseError(`${service.image} needs ${file.from.host}, which is not installed: apt-get install the Debian package that has it (tini, gosu)`);
      }
    }
  }
  const dir = rehearsalDir(options.home, options.stack);
  const previous = await readState(dir);
  if (previous && processAlive(previous.supervisorPid)) {
    throw new RehearseError(`stack ${options.stack} is already being rehearsed (supervisor pid ${previous.supervisorPid}): stop it with 'akash-stack rehearse ${options.stack} --stop'`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (options.fresh) await rm(join(dir, "volumes"), { recursive: true, force: true });
  await rm(join(dir, "state.json"), { force: true });

  const netns = netnsName(options.stack);
  try {
    await createNetns(netns, plan.hosts);
  } catch (err) {
    if (err instanceof NetnsInUseError) throw new RehearseError(err.message);
    throw err;
  }

  let admin: RehearsalState["admin"] = null;
  if (options.login) {
    const passwordFile = join(dir, "admin-password");
    await writeFile(passwordFile, options.login.value, { mode: 0o600 });
    admin = { username: options.login.username, passwordFile, host: options.login.host };
  }
  const input: SupervisorInput = {
    dir,
    toolsBin: options.toolsBin,
    services: plan.services,
    state: {
      stack: options.stack,
      netns,
      hosts: Object.fromEntries(plan.hosts.map((h) => [h, "127.0.0.1"])),
      admin,
      changes: plan.changes,
    },
    caFile: caFileOf(plan, dir),
  };

  const log = join(dir, "supervisor.log");
  const logFd = openSync(log, "a", 0o600);
  const [command, ...args] = options.supervisorCommand;
  const supervisor = spawn("ip", ["netns", "exec", netns, command!, ...args], {
    stdio: ["pipe", detached ? logFd : "inherit", detached ? logFd : "inherit"],
    detached,
    env: { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin" },
  });
  closeSync(logFd);
  supervisor.stdin!.end(JSON.stringify(input));
  return { plan, dir, netns, supervisor, log, needsCa: input.caFile !== null };
}

/**
 * Where Caddy's local CA certificate appears on this machine: under the image's XDG_DATA_HOME,
 * which must be on one of its volumes to be seen from outside its root.
 */
function caFileOf(plan: RehearsalPlan, dir: string): string | null {
  for (const service of plan.services) {
    if (!service.image.startsWith("caddy:")) continue;
    const data = service.env.find((e) => e.startsWith("XDG_DATA_HOME="))?.slice("XDG_DATA_HOME=".length) ?? "/data";
    const volume = service.volumes.find((v) => data === v.mount || data.startsWith(`${v.mount}/`));
    if (!volume) return null;
    const inside = data.slice(volume.mount.length);
    return join(volumeDir(dir, service.name, volume.name), inside, "caddy", "pki", "authorities", "local", "root.crt");
  }
  return null;
}

/** Waits until every service is ready, the supervisor dies, or the time is up. */
export async function waitUntilReady(started: Pick<Started, "dir" | "needsCa">, supervisorPid: number, timeoutMs: number): Promise<{ state: RehearsalState | undefined; outcome: "ready" | "died" | "timeout" }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readState(started.dir).catch(() => undefined);
    if (state && allReady(state) && (!started.needsCa || state.ca !== null)) return { state, outcome: "ready" };
    if (!processAlive(supervisorPid)) return { state, outcome: "died" };
    if (Date.now() > deadline) return { state, outcome: "timeout" };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Stops a rehearsal: SIGTERM to the supervisor, which stops the services; then whatever is left
 * (a supervisor that died leaves its services) is killed, and the namespace is removed. Volumes stay.
 */
export async function stopRehearsal(home: string, stack: string): Promise<{ stopped: boolean }> {
  const dir = rehearsalDir(home, stack);
  const state = await readState(dir);
  const netns = state?.netns ?? netnsName(stack);
  let stopped = false;
  if (state && processAlive(state.supervisorPid)) {
    stopped = true;
    process.kill(state.supervisorPid, "SIGTERM");
    const deadline = Date.now() + 30_000;
    while (processAlive(state.supervisorPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const after = await readState(dir);
  for (const service of Object.values(after?.services ?? {})) {
    if (service.pid !== null && processAlive(service.pid)) {
      stopped = true;
      process.kill(service.pid, "SIGKILL");
    }
  }
  if (state && processAlive(state.supervisorPid)) process.kill(state.supervisorPid, "SIGKILL");
  // Without a state of our own, the namespace may be another folder's running rehearsal: leave it
  // unless nothing runs inside.
  if (state || (await netnsPids(netns)).length === 0) await deleteNetns(netns);
  await rm(join(dir, "admin-password"), { force: true });
  return { stopped };
}
