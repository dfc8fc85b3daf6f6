/**
 * `akash-stack close STACK --network N`: closes the stack's deployment and reports the refund.
 * Idempotent: closing what is already closed (or was never deployed) succeeds and says so.
 * Exit codes: 0 closed or nothing to close, 1 the close failed, 2 usage.
 */
import { closeStack, formatClosed } from "../deploy/close.js";
import { defaultIo, explainFailure, homeOf, openNetwork, openSigner, stackNameOf, UsageError, type ChainFlags, type CommandIo } from "../deploy/session.js";
import { loadState, lockState } from "../deploy/state.js";

export async function runClose(stackArg: string, flags: ChainFlags, io: CommandIo = defaultIo()): Promise<number> {
  let release: (() => Promise<void>) | undefined;
  let closeChain: (() => Promise<void>) | undefined;
  try {
    const stack = stackNameOf(stackArg, flags.name);
    const network = await openNetwork(flags, io);
    const home = homeOf(io);
    const lock = await lockState(home, stack, network.name);
    release = () => lock.release();
    const state = await loadState(home, stack, network.name);
    if (!state || (!state.current && !state.previous)) {
      io.write("stdout", formatClosed([], stack, network.name));
      return 0;
    }
    const signer = await openSigner(network, flags, io, (m) => io.write("stderr", `${m}\n`));
    closeChain = () => signer.chain.close();
    if (signer.chain.address !== state.owner) {
      throw new UsageError(`the deployment belongs to ${state.owner}, but the key given is ${signer.chain.address}; only the owner can close it`);
    }
    const results = await closeStack(state, signer.chain, home);
    io.write("stdout", formatClosed(results, stack, network.name));
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
