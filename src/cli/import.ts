/**
 * `akash-stack import STACK --network N --dseq N`: adopts a deployment made elsewhere as the
 * stack's. Sends nothing. Exit codes: 0 imported, 1 the deployment cannot be adopted, 2 usage.
 */
import { importDeployment } from "../deploy/import.js";
import { defaultIo, explainFailure, homeOf, openNetwork, openSigner, stackNameOf, UsageError, type ChainFlags, type CommandIo } from "../deploy/session.js";
import { loadState, lockState } from "../deploy/state.js";

export interface ImportFlags extends ChainFlags {
  dseq?: string;
}

export async function runImport(stackArg: string, flags: ImportFlags, io: CommandIo = defaultIo()): Promise<number> {
  let release: (() => Promise<void>) | undefined;
  let closeChain: (() => Promise<void>) | undefined;
  try {
    const stack = stackNameOf(stackArg);
    if (!flags.dseq) throw new UsageError("--dseq is required: the sequence number of the deployment to adopt");
    const network = await openNetwork(flags, io);
    const home = homeOf(io);
    const lock = await lockState(home, stack, network.name);
    release = () => lock.release();
    const signer = await openSigner(network, flags, io, (m) => io.write("stderr", `${m}\n`));
    closeChain = () => signer.chain.close();
    const state = await importDeployment(
      { stack, network: network.name, depositDenom: network.depositDenom, dseq: flags.dseq, home, state: await loadState(home, stack, network.name) },
      signer.chain,
    );
    const record = state.current!;
    io.write(
      "stdout",
      `deployment ${record.dseq} is now ${stack}'s on ${network.name} (${record.leases.length} active lease${record.leases.length === 1 ? "" : "s"}); ` +
        `status, deploy and close use it\n`,
    );
    return 0;
  } catch (err) {
    const { message, exitCode } = explainFailure(err);
    io.write("stderr", `akash-stack import: ${message}\n`);
    return exitCode;
  } finally {
    await closeChain?.().catch(() => undefined);
    await release?.().catch(() => undefined);
  }
}
