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
import { defaultIo, explainFailure, homeOf, loadAndSynth, measureBlockTime, openNetwork, UsageError, type ChainFlags, type CommandIo } from "../deploy/session.js";
import { loadState } from "../deploy/state.js";
import type { Lease } from "../chain/types.js";

export interface PlanFlags extends ChainFlags {
  output?: string;
  set?: string[];
  deposit?: string;
  /** Whose deployments to plan against when no key is given. */
  owner?: string;
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
    let noteAboutOwner: string | undefined;

    let owner: string | undefined;
    let keyAddress: string | undefined;
    try {
      const source = await loadMnemonic({ env: io.env, mnemonicFile: flags.mnemonicFile, devnetMnemonic: network.devnetMnemonic });
      chain = await CosmosChainClient.connect(network, source.mnemonic);
      keyAddress = owner = chain.address;
    } catch (err) {
      // Planning works without a key when the owner is named: only the chain's view is needed.
      if (!(err instanceof WalletError) || flags.mnemonicFile) throw err;
    }
    if (flags.owner !== undefined) {
      if (!/^akash1[02-9ac-hj-np-z]{38,58}$/.test(flags.owner)) throw new UsageError(`--owner ${JSON.stringify(flags.owner)} is not an akash1… account address`);
      if (keyAddress && keyAddress !== flags.owner) {
        throw new UsageError(`--owner ${flags.owner} is not the key's address (${keyAddress}): drop --owner to plan for the key, or drop the key to plan for ${flags.owner}`);
      }
      owner = flags.owner;
    }
    if (!owner && state?.owner) {
      owner = state.owner;
      noteAboutOwner = `no key given: planned for ${owner}, the owner recorded in the state file`;
    }
    if (!owner) {
      throw new UsageError(
        `cannot plan ${stack.name} on ${network.name}: without a key or an owner the deployments on chain cannot be listed, and a guessed "create" could pay for a duplicate. ` +
          `Give the key (AKASH_MNEMONIC or --mnemonic-file) or the account with --owner akash1…`,
      );
    }
    chain ??= await readOnlyChain(network);
    await measureBlockTime(network, chain);
    // With the key, the providers' copy of the running manifest gives a field-level diff.
    const runningManifest = keyAddress ? await manifestReader(chain) : undefined;
    const plan = await buildPlan({ desired, network, chain, owner, state, ...(deposit ? { deposit } : {}), ...(runningManifest ? { runningManifest } : {}) });
    if (noteAboutOwner) plan.notes.push(noteAboutOwner);
    if (state && state.owner !== owner) {
      plan.notes.push(`the state file belongs to ${state.owner}, not to ${owner}; deploy will refuse to use it`);
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

async function manifestReader(chain: CosmosChainClient): Promise<(lease: Lease) => Promise<unknown>> {
  const [{ ProviderJwts }, { ProviderDirectory }] = await Promise.all([import("../provider/jwt.js"), import("../deploy/providers.js")]);
  const providers = new ProviderDirectory(chain, new ProviderJwts(chain.aminoSigner, chain.address), { initialRetryDelayMs: 500, maxRetryDelayMs: 2000 });
  return async (lease) => (await providers.client(lease.provider)).leaseManifest(lease.dseq, lease.gseq, lease.oseq, 15_000);
}
