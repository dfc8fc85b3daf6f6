/**
 * `akash-stack deposit STACK --network N --amount 5` (ACT; or `5ACT`, `5000000uact`): tops up the
 * deployment's escrow. Exit codes: 0 deposited, 1 failed, 2 usage (bad amount, no deployment).
 */
import { microToWhole } from "../deploy/amounts.js";
import { depositToStack, parseAmount } from "../deploy/deposit.js";
import { defaultIo, explainFailure, homeOf, openNetwork, openSigner, stackNameOf, UsageError, type ChainFlags, type CommandIo } from "../deploy/session.js";
import { loadState, lockState } from "../deploy/state.js";

export interface DepositFlags extends ChainFlags {
  amount?: string;
}

export async function runDeposit(stackArg: string, flags: DepositFlags, io: CommandIo = defaultIo()): Promise<number> {
  let release: (() => Promise<void>) | undefined;
  let closeChain: (() => Promise<void>) | undefined;
  try {
    if (!flags.amount) throw new UsageError("--amount is required, in ACT (like --amount 5)");
    const stack = stackNameOf(stackArg, flags.name);
    const network = await openNetwork(flags, io);
    const amount = parseAmount(flags.amount, network.depositDenom);
    const home = homeOf(io);
    const lock = await lockState(home, stack, network.name);
    release = () => lock.release();
    const state = await loadState(home, stack, network.name);
    if (!state?.current) throw new UsageError(`${stack} has no deployment on ${network.name}: deploy it first`);
    const signer = await openSigner(network, flags, io, (m) => io.write("stderr", `${m}\n`));
    closeChain = () => signer.chain.close();
    if (signer.chain.address !== state.owner) throw new UsageError(`the deployment belongs to ${state.owner}, but the key given is ${signer.chain.address}`);
    const tx = await depositToStack(state, signer.chain, home, amount);
    io.write("stdout", `deposited ${microToWhole(BigInt(amount.amount))} ACT into deployment ${state.current!.dseq} (tx ${tx.hash}); see the runway with \`akash-stack status ${stack} --network ${network.name}\`\n`);
    return 0;
  } catch (err) {
    const { message, exitCode } = explainFailure(err);
    io.write("stderr", `akash-stack deposit: ${message}\n`);
    return exitCode;
  } finally {
    await closeChain?.().catch(() => undefined);
    await release?.().catch(() => undefined);
  }
}
