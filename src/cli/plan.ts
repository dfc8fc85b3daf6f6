/**
 * `akash-stack plan STACK --network N [--output text|json] [--set key=value …] [--deposit 5ACT] [--detailed-exitcode]`.
 * Reads only. Exit codes follow every command's contract: 0 the plan was made (whatever it says),
 * 1 it failed, 2 usage errors and unreadable input. With `--detailed-exitcode`, as
 * `terraform plan -detailed-exitcode`: 0 nothing to change, 2 a deploy would change something, 1
 * any error, usage errors included (2 is taken by "changes").
 */
import { CosmosChainClient } from "../chain/cosmos/client.js";
import { WalletError } from "../chain/errors.js";
import { loadMnemonic } from "../chain/wallet.js";
import { parseAmount } from "../deploy/deposit.js";
import { prepareDeployment } from "../deploy/desired.js";
import { buildPlan, formatPlan } from "../deploy/plan.js";
import { defaultIo, explainFailure, homeOf, loadAndSynth, measureBlockTime, openNetwork, type ChainFlags, type CommandIo } from "../deploy/session.js";
import { loadState } from "../deploy/state.js";

export interface PlanFlags extends ChainFlags {
  output?: string;
  set?: string[];
  deposit?: string;
  /** Exit 2 when a deploy would change something, and 1 for every error (see above). */
  detailedExitcode?: boolean;
}

const EXIT_OK = 0;
const EXIT_ERROR = 1;
const EXIT_USAGE = 2;
/** With --detailed-exitcode: a deploy would change something. */
const EXIT_CHANGES = 2;

export async function runPlan(stackArg: string, flags: PlanFlags, io: CommandIo = defaultIo()): Promise<number> {
  const format = flags.output ?? "text";
  if (format !== "text" && format !== "json") {
    io.write("stderr", `akash-stack plan: --output must be text or json, not ${JSON.stringify(format)}\n`);
    return flags.detailedExitcode ? EXIT_ERROR : EXIT_USAGE;
  }
  let chain: CosmosChainClient | undefined;
  try {
    const network = await openNetwork(flags, io);
    const deposit = flags.deposit ? parseAmount(flags.deposit, network.depositDenom) : undefined;
    const stack = await loadAndSynth(stackArg, flags.set ?? [], io, { typecheck: flags.typecheck, name: flags.name });
    const home = homeOf(io);
    const desired = await prepareDeployment(stack.name, stack.synth, { mode: "plan", env: io.env, home, cwd: io.cwd });
    const state = await loadState(home, stack.name, network.name);

    let owner = state?.owner;
    let keyAddress: string | undefined;
    try {
      const source = await loadMnemonic({ env: io.env, mnemonicFile: flags.mnemonicFile, devnetMnemonic: network.devnetMnemonic });
      chain = await CosmosChainClient.connect(network, source.mnemonic);
      keyAddress = owner = chain.address;
    } catch (err) {
      // Planning works without a key; only balances and the mint are then unknown.
      if (!(err instanceof WalletError) || flags.mnemonicFile) throw err;
      chain = await readOnlyChain(network);
    }
    await measureBlockTime(network, chain);
    const plan = await buildPlan({ desired, network, chain, owner, state, ...(deposit ? { deposit } : {}) });
    if (state && keyAddress && state.owner !== keyAddress) {
      plan.notes.push(`the state file belongs to ${state.owner}, not to the key given (${keyAddress}); deploy will refuse to use it`);
    }
    io.write("stdout", format === "json" ? JSON.stringify(plan, null, 2) + "\n" : formatPlan(plan));
    return flags.detailedExitcode && plan.decision.action !== "nothing" ? EXIT_CHANGES : EXIT_OK;
  } catch (err) {
    const { message, exitCode } = explainFailure(err);
    io.write("stderr", `akash-stack plan: ${message}\n`);
    return flags.detailedExitcode ? EXIT_ERROR : exitCode;
  } finally {
    await chain?.close().catch(() => undefined);
  }
}

/**
 * Without a key, queries still work: a client for a throw-away key reads the chain (it never signs;
 * its address is not used for anything).
 */
async function readOnlyChain(network: Parameters<typeof CosmosChainClient.connect>[0]): Promise<CosmosChainClient> {
  const { Mnemonic } = await import("../chain/wallet.js");
  const { Bip39, Random } = await import("@cosmjs/crypto");
  const words = Bip39.encode(Random.getBytes(16)).toString();
  return CosmosChainClient.connect(network, new Mnemonic(words));
}
