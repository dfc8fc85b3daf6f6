/**
 * What every chain command (plan, deploy, status, close, deposit) sets up the same way: the
 * network, the key, the chain client, the stack and its synthesis. Loaded only by those commands,
 * so `lint` never pays for chain-sdk.
 */
import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { locateStack, loadStack, shortPath } from "../stack/load.js";
import type { CosmosChainClient } from "../chain/cosmos/client.js";
import { resolveNetwork, type Network } from "../chain/networks.js";
import { loadMnemonic } from "../chain/wallet.js";
import { ParamError, parseSetFlags } from "../stack/params.js";
import { stackHome } from "../stack/secrets.js";
import { isSdlFile, sdlFileAsSynth, sdlFileStackName } from "../stack/sdl-file.js";
import { formatProblem, synth, SynthError, type SynthResult } from "../stack/synth.js";
import { describeTypeCheck, startTypeCheck } from "../stack/typecheck.js";
import { ProviderDirectory, type ProviderTuning } from "./providers.js";

export interface CommandIo {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  write(stream: "stdout" | "stderr", text: string): void;
  /** Asks a yes/no question on the terminal; undefined when there is no terminal. */
  ask?(question: string): Promise<boolean>;
}

export interface ChainFlags {
  network?: string;
  mnemonicFile?: string;
  /** Endpoint overrides. */
  rpc?: string;
  grpc?: string;
  /** `--name`: the deployment's name instead of the stack's or the SDL file's. */
  name?: string;
  /** `--no-typecheck` (plan, deploy) sets this to false. */
  typecheck?: boolean;
}

/** A problem with the command line or its inputs (exit code 2 where the command has one). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function defaultIo(): CommandIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    write: (stream, text) => void (stream === "stdout" ? process.stdout : process.stderr).write(text),
    ...(process.stdin.isTTY && process.stdout.isTTY ? { ask: askOnTerminal } : {}),
  };
}

async function askOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export function homeOf(io: CommandIo): string {
  return stackHome(io.env, io.cwd);
}

export async function openNetwork(flags: ChainFlags, io: CommandIo): Promise<Network> {
  if (!flags.network) throw new UsageError("--network is required: mainnet, sandbox or local");
  return resolveNetwork(flags.network, { home: homeOf(io), env: io.env, overrides: { rpc: flags.rpc, grpc: flags.grpc } });
}

export interface Signer {
  chain: CosmosChainClient;
  origin: string;
  providers: ProviderDirectory;
}

/** The chain client with the user's key. Throws `WalletError` with what to do when there is no key. */
export async function openSigner(network: Network, flags: ChainFlags, io: CommandIo, log: (m: string) => void, tuning?: ProviderTuning): Promise<Signer> {
  const source = await loadMnemonic({ env: io.env, mnemonicFile: flags.mnemonicFile, devnetMnemonic: network.devnetMnemonic });
  // Loaded here, not at the top: chain-sdk and cosmjs take a while to load, and `deploy` overlaps
  // that with loading the stack.
  const [{ CosmosChainClient }, { ProviderJwts }] = await Promise.all([import("../chain/cosmos/client.js"), import("../provider/jwt.js")]);
  const chain = await CosmosChainClient.connect(network, source.mnemonic, { log });
  // Open the gRPC and RPC connections now (the first call on each pays the handshake), while the
  // caller is still busy loading the stack.
  await Promise.all([measureBlockTime(network, chain), chain.depositParams().catch(() => undefined), chain.latestHeight().catch(() => undefined)]);
  const tokens = new ProviderJwts(chain.aminoSigner, chain.address);
  return { chain, origin: source.origin, providers: new ProviderDirectory(chain, tokens, tuning, log) };
}

/** When devnet.json did not say, the block time is measured: poll intervals, timeouts and costs follow it. */
export async function measureBlockTime(network: Network, chain: Pick<CosmosChainClient, "blockTimeSeconds">): Promise<void> {
  if (!network.blockTimeUnknown) return;
  // The chain client reads `network.blockSeconds` too, so this updates it as well.
  network.blockSeconds = await chain.blockTimeSeconds();
  network.blockTimeUnknown = false;
}

/**
 * The name a stack's state is kept under: `--name` when given, else the file name for a path
 * (`stacks/registry.ts` and `deploy/registry.yaml` → `registry`), else the name itself. Cheap
 * (nothing is loaded), so status, close and deposit work without the stack's source, and agree
 * with plan and deploy.
 */
export function stackNameOf(arg: string, name?: string): string {
  if (name !== undefined) {
    if (!STACK_NAME.test(name)) throw new UsageError(`--name ${JSON.stringify(name)} is not a usable name: use lowercase letters, digits, - and _, starting with a letter or digit`);
    return name;
  }
  if (isSdlFile(arg)) {
    const fromFile = sdlFileStackName(arg);
    if (!STACK_NAME.test(fromFile)) throw new UsageError(`${arg}: cannot name the deployment after this file (${JSON.stringify(fromFile)}): pass --name NAME (lowercase letters, digits, - and _)`);
    return fromFile;
  }
  const looksLikePath = /[\\/]/.test(arg) || /\.(m?ts|m?js)$/.test(arg);
  if (looksLikePath) return basename(arg).replace(/\.(m?ts|m?js)$/, "");
  if (!STACK_NAME.test(arg)) throw new UsageError(`${JSON.stringify(arg)} is not a stack name: use a name (like registry), a path to a .ts stack file or to an SDL (.yaml) file`);
  return arg;
}

const STACK_NAME = /^[a-z0-9][-a-z0-9_]*$/;

export interface LoadedStack {
  name: string;
  file: string;
  synth: SynthResult;
}

export interface LoadOptions {
  /** `--no-typecheck` sets this to false. */
  typecheck?: boolean;
  /** `--name`: the deployment's name instead of the file's. */
  name?: string;
}

/** The stack file has type errors; the message lists them at file:line:column. */
export class StackTypeError extends Error {
  override readonly name = "StackTypeError";
}

/**
 * Finds, loads and synthesizes a stack (`registry` or a path), with `--set` overrides; or reads
 * and lints a plain SDL file (`deploy/web.yaml`), which has no parameters.
 */
export async function loadAndSynth(stackArg: string, set: readonly string[], io: CommandIo, options: LoadOptions = {}): Promise<LoadedStack> {
  if (isSdlFile(stackArg)) return loadSdlFile(stackArg, set, io, options);
  const located = locateStack(stackArg, io.cwd);
  if ("error" in located) throw new UsageError(located.error);
  // The type check runs on another thread while the stack loads.
  const typeChecked = options.typecheck === false ? undefined : startTypeCheck(located.file);
  const loaded = await loadStack(located.file, io.cwd);
  const typeProblems = typeChecked ? describeTypeCheck(await typeChecked, shortPath(located.file, io.cwd), io.cwd) : [];
  if (typeProblems.length > 0) throw new StackTypeError(typeProblems.join("\n"));
  if ("error" in loaded) throw new UsageError(loaded.error);
  try {
    const overrides = parseSetFlags(loaded.definition.params, [...set]);
    // The file's name keys the state (what status, close and deposit can know without loading it).
    return { name: options.name !== undefined ? stackNameOf(stackArg, options.name) : located.name, file: located.file, synth: synth(loaded.definition, overrides) };
  } catch (err) {
    if (err instanceof ParamError) throw new UsageError(err.message);
    if (err instanceof SynthError) throw new UsageError(err.problems.map((p) => formatProblem(p, io.cwd)).join("\n"));
    throw err;
  }
}

async function loadSdlFile(path: string, set: readonly string[], io: CommandIo, options: LoadOptions): Promise<LoadedStack> {
  if (set.length > 0) throw new UsageError(`--set applies to stack parameters, and ${path} is an SDL file, which has none: drop --set, or edit the file`);
  const name = stackNameOf(path, options.name);
  const file = resolve(io.cwd, path);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder; name an SDL file" : (err as Error).message}`);
  }
  const result = sdlFileAsSynth(text, file);
  if ("problems" in result) {
    throw new UsageError(`${result.problems.map((p) => formatProblem(p, io.cwd)).join("\n")}\n${path} has errors (run \`akash-stack lint ${path}\` for the full report): fix them and run again`);
  }
  for (const warning of result.warnings) io.write("stderr", `${formatProblem(warning, io.cwd)} (warning)\n`);
  return { name, file, synth: result };
}

/** Poll intervals and timeouts scaled to the network's block time. */
export function timingsFor(network: Network): { pollMs: number; bidTimeoutMs: number; readyTimeoutMs: number; manifestDeadlineMs: number } {
  const blockMs = network.blockSeconds * 1000;
  return {
    // A quarter block: a new block is noticed soon after it is made, at a few queries per block.
    pollMs: Math.min(3000, Math.max(50, Math.round(blockMs / 4))),
    // Console gives up on bids after 60 s; providers' bids expire after 5 minutes.
    bidTimeoutMs: network.name === "local" ? 30_000 : 120_000,
    readyTimeoutMs: network.name === "local" ? 120_000 : 15 * 60_000,
    // Providers close a lease without a manifest after 5 minutes; stop well before.
    manifestDeadlineMs: network.name === "local" ? 30_000 : 180_000,
  };
}

/** Error kinds the user can act on, and the exit code each gets (2 usage, 1 everything else). */
export function explainFailure(err: unknown): { message: string; exitCode: number } {
  const name = err instanceof Error ? err.name : "";
  const message = err instanceof Error ? err.message : String(err);
  const usage = ["UsageError", "NetworkError", "WalletError", "AmountError"];
  if (usage.includes(name)) return { message, exitCode: 2 };
  const known = [
    "StateError",
    "StackTypeError",
    "MissingSecretsError",
    "InvalidDeploymentError",
    "ChainTxError",
    "ChainUnavailableError",
    "TxTimeoutError",
    "DeployError",
    "ProviderHttpError",
    "ProviderUnavailableError",
    "ProviderTlsError",
  ];
  if (known.includes(name)) return { message, exitCode: 1 };
  return { message: `unexpected error: ${message}`, exitCode: 1 };
}
