/**
 * `akash-stack logs STACK [SERVICE] [--follow] [--tail N]`, `events STACK [--follow]` and
 * `shell STACK SERVICE -- CMD…`: the provider's lease websockets (src/provider/lease-streams.ts)
 * with the same JWT and pinned TLS as a deploy. Exit codes: 0 done (for shell: the command exited
 * 0), 1 a failure (for shell: the command exited non-zero, which is printed), 2 usage.
 */
import { leaseTargets, NoDeploymentError, targetsFor, type LeaseTarget } from "../deploy/lease-access.js";
import { withDeploymentFromChain } from "../deploy/discover.js";
import { defaultIo, explainFailure, homeOf, openNetwork, openSigner, stackNameOf, UsageError, type ChainFlags, type CommandIo } from "../deploy/session.js";
import { loadState } from "../deploy/state.js";
import { runShell, streamEvents, streamLogs } from "../provider/lease-streams.js";

export interface LogsFlags extends ChainFlags {
  follow?: boolean;
  tail?: string;
}

export interface EventsFlags extends ChainFlags {
  follow?: boolean;
}

/** Finds the stack's leases, runs `work` on them, and turns failures into messages and exit codes. */
async function withLeases(command: string, stackArg: string, flags: ChainFlags, io: CommandIo, work: (targets: LeaseTarget[], stack: string) => Promise<number>): Promise<number> {
  let closeChain: (() => Promise<void>) | undefined;
  try {
    const stack = stackNameOf(stackArg);
    const network = await openNetwork(flags, io);
    const signer = await openSigner(network, flags, io, () => {});
    closeChain = () => signer.chain.close();
    const cached = await loadState(homeOf(io), stack, network.name);
    if (cached && cached.owner !== signer.chain.address) {
      throw new UsageError(`the deployment belongs to ${cached.owner}, but the key given is ${signer.chain.address}; providers only answer the owner`);
    }
    const { state } = await withDeploymentFromChain(cached, signer.chain, stack, network);
    if (!state?.current) {
      throw new NoDeploymentError(`${signer.chain.address} has no active deployment of ${stack} on ${network.name}; deploy it, or adopt one with \`akash-stack import ${stack} --network ${network.name} --dseq N\``);
    }
    return await work(await leaseTargets(state, signer.chain, signer.providers), stack);
  } catch (err) {
    if (err instanceof NoDeploymentError) {
      io.write("stderr", `akash-stack ${command}: ${err.message}\n`);
      return 1;
    }
    const { message, exitCode } = explainFailure(err);
    io.write("stderr", `akash-stack ${command}: ${message}\n`);
    return exitCode;
  } finally {
    await closeChain?.().catch(() => undefined);
  }
}

/** Stops following on Ctrl-C (exit 0: the user asked for it). */
function interruptible(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  return { signal: controller.signal, dispose: () => process.off("SIGINT", stop) };
}

export async function runLogs(stackArg: string, service: string | undefined, flags: LogsFlags, io: CommandIo = defaultIo()): Promise<number> {
  let tail: number | undefined;
  if (flags.tail !== undefined) {
    tail = Number(flags.tail);
    if (!Number.isInteger(tail) || tail < 0) {
      io.write("stderr", `akash-stack logs: --tail ${JSON.stringify(flags.tail)} must be a whole number of lines (0 or more)\n`);
      return 2;
    }
  }
  return withLeases("logs", stackArg, flags, io, async (targets, stack) => {
    const chosen = targetsFor(targets, service, stack);
    const stop = interruptible();
    try {
      await Promise.all(
        chosen.map((t) =>
          streamLogs(t.client, t.lease, { follow: flags.follow === true, ...(tail !== undefined ? { tail } : {}), ...(service ? { services: [service] } : {}), signal: stop.signal }, (line) =>
            io.write("stdout", `[${line.pod}] ${line.message}\n`),
          ),
        ),
      );
    } finally {
      stop.dispose();
    }
    return 0;
  });
}

export async function runEvents(stackArg: string, flags: EventsFlags, io: CommandIo = defaultIo()): Promise<number> {
  return withLeases("events", stackArg, flags, io, async (targets) => {
    const stop = interruptible();
    try {
      await Promise.all(
        targets.map((t) =>
          streamEvents(t.client, t.lease, { follow: flags.follow === true, signal: stop.signal }, (e) =>
            io.write("stdout", `${e.type.padEnd(7)} ${e.reason.padEnd(10)} ${e.object.kind}/${e.object.name}: ${e.message}\n`),
          ),
        ),
      );
    } finally {
      stop.dispose();
    }
    return 0;
  });
}

export async function runShellCommand(stackArg: string, service: string, command: readonly string[], flags: ChainFlags, io: CommandIo = defaultIo()): Promise<number> {
  if (command.length === 0) {
    io.write("stderr", `akash-stack shell: give the command after --, e.g. akash-stack shell ${stackArg} ${service} --network N -- sh -c 'ls /'\n`);
    return 2;
  }
  return withLeases("shell", stackArg, flags, io, async (targets, stack) => {
    const [target] = targetsFor(targets, service, stack);
    const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
    if (tty) process.stdin.setRawMode(true);
    try {
      const result = await runShell(
        target!.client,
        target!.lease,
        { service, command, tty, ...(tty ? { stdin: process.stdin, terminal: process.stdout } : {}) },
        { stdout: (chunk) => io.write("stdout", chunk.toString("utf8")), stderr: (chunk) => io.write("stderr", chunk.toString("utf8")) },
      );
      if (result.exitCode === 0) return 0;
      io.write("stderr", `akash-stack shell: ${result.exitCode < 0 ? result.message : `the command exited with code ${result.exitCode}${result.message ? ` (${result.message})` : ""}`}\n`);
      return 1;
    } finally {
      if (tty) {
        process.stdin.setRawMode(false);
        process.stdin.pause();
      }
    }
  });
}
