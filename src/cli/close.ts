/**
 * `akash-stack close STACK --network N [--yes]`: closes the stack's deployment and reports the
 * refund. The deployment comes from the state file or, without one, from the chain (discover.ts).
 * Idempotent: closing what is already closed (or was never deployed) succeeds and says so.
 * Asks first on a terminal; with no terminal it needs --yes.
 * Exit codes: 0 closed or nothing to close, 1 the close failed or was declined, 2 usage (including
 * no terminal to ask on and no --yes).
 */
import { closeStack, formatClosed } from "../deploy/close.js";
import { withDeploymentFromChain } from "../deploy/discover.js";
import { defaultIo, explainFailure, homeOf, openNetwork, openSigner, stackNameOf, UsageError, type ChainFlags, type CommandIo } from "../deploy/session.js";
import { loadState, lockState, saveState } from "../deploy/state.js";

export interface CloseFlags extends ChainFlags {
  yes?: boolean;
  /** `json`: one object on stdout, `{stack, network, deployments: [{dseq, outcome, tx?, refund?}]}`. */
  output?: "text" | "json";
}

export async function runClose(stackArg: string, flags: CloseFlags, io: CommandIo = defaultIo()): Promise<number> {
  let release: (() => Promise<void>) | undefined;
  let closeChain: (() => Promise<void>) | undefined;
  try {
    const stack = stackNameOf(stackArg, flags.name);
    const network = await openNetwork(flags, io);
    if (!flags.yes && !io.ask) {
      throw new UsageError(`close asks before closing ${stack}'s deployment on ${network.name}, and there is no terminal to ask on: run it again with --yes to close without asking`);
    }
    const home = homeOf(io);
    const lock = await lockState(home, stack, network.name);
    release = () => lock.release();
    const signer = await openSigner(network, flags, io, (m) => io.write("stderr", `${m}\n`));
    closeChain = () => signer.chain.close();
    const cached = await loadState(home, stack, network.name);
    if (cached && signer.chain.address !== cached.owner) {
      throw new UsageError(`the deployment belongs to ${cached.owner}, but the key given is ${signer.chain.address}; only the owner can close it`);
    }
    // No deployment known here: the chain knows the ones akash-stack marked as this stack's.
    const { state, notes } = await withDeploymentFromChain(cached, signer.chain, stack, network);
    for (const line of notes) io.write("stderr", `${line}\n`);
    if (state && state !== cached) await saveState(home, state);
    const print = (results: Parameters<typeof formatClosed>[0]) =>
      io.write("stdout", flags.output === "json" ? `${JSON.stringify({ stack, network: network.name, deployments: results })}\n` : formatClosed(results, stack, network.name));
    if (!state || (!state.current && !state.previous)) {
      print([]);
      return 0;
    }
    const dseqs = [state.previous, state.current].flatMap((r) => (r ? [r.dseq] : []));
    const question = `Close deployment${dseqs.length === 1 ? "" : "s"} ${dseqs.join(" and ")} of ${stack} on ${network.name}? Its leases end, its services stop and the unspent deposit is refunded.`;
    if (!flags.yes && !(await io.ask!(question))) {
      io.write("stderr", `akash-stack close: not closed: deployment${dseqs.length === 1 ? "" : "s"} ${dseqs.join(" and ")} keep${dseqs.length === 1 ? "s" : ""} running\n`);
      return 1;
    }
    print(await closeStack(state, signer.chain, home));
    return 0;
  } catch (err) {
    const { message, exitCode } = explainFailure(err);
    io.write("stderr", `akash-stack close: ${message}\n`);
    return exitCode;
  } finally {
    await closeChain?.().catch(() => undefined);
    await release?.().catch(() => undefined);
  }
}
