/**
 * `akash-stack deposit STACK --network N --amount 5` (ACT; or `5ACT`, `5000000uact`): tops up the
 * deployment's escrow. Exit codes: 0 deposited, 1 failed, 2 usage (bad amount, no deployment).
 */
import { microToWhole } from "../deploy/amounts.js";
import { depositToStack, parseAmount } from "../deploy/deposit.js";
import { defaultIo, explainFailure, homeOf, openNetwork, openSigner, stackNameOf, UsageError, type ChainFlags, type CommandIo } from "../deploy/session.js";
import { withDeploymentFromChain } from "../deploy/discover.js";
import { loadState, lockState } from "../deploy/state.js";

export interface DepositFlags extends ChainFlags {
  amount?: string;
  /** `json`: one object on stdout, `{stack, network, dseq, amount, denom, tx}`. */
  output?: "text" | "json";
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
    const signer = await openSigner(network, flags, io, (m) => io.write("stderr", `${m}\n`));
    closeChain = () => signer.chain.close();
    const cached = await loadState(home, stack, network.name);
    if (cached && signer.chain.address !== cached.owner) throw new UsageError(`the deployment belongs to ${cached.owner}, but the key given is ${signer.chain.address}`);
    // The state file is a cache: without it, the deployment akash-stack marked as the stack's is used.
    const { state, notes } = await withDeploymentFromChain(cached, signer.chain, stack, network);
    for (const line of notes) io.write("stderr", `${line}\n`);
    if (!state?.current) throw new UsageError(`${stack} has no deployment on ${network.name} (none in the state file, none marked on chain): deploy it first, or adopt one with \`akash-stack import ${stack} --network ${network.name} --dseq N\``);
    const tx = await depositToStack(state, signer.chain, home, amount);
    if (flags.output === "json") {
      io.write("stdout", `${JSON.stringify({ stack, network: network.name, dseq: state.current!.dseq, amount: amount.amount, denom: amount.denom, tx: tx.hash })}\n`);
    } else {
      io.write("stdout", `deposited ${microToWhole(BigInt(amount.amount))} ACT into deployment ${state.current!.dseq} (tx ${tx.hash}); see the runway with \`akash-stack status ${stack} --network ${network.name}\`\n`);
    }
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
