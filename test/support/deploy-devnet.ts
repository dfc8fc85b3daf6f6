/**
 * Helpers for the deployer's end-to-end tests: a devnet in this process (200 ms blocks, three
 * providers) writing devnet.json into a throw-away AKASH_STACK_HOME, and the chain commands run as
 * child processes against it, exactly as a user runs them (so SIGKILL and output capture are real).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CosmosChainClient } from "../../src/chain/cosmos/client.js";
import { resolveNetwork } from "../../src/chain/networks.js";
import type { ChainClient } from "../../src/chain/types.js";
import { Mnemonic } from "../../src/chain/wallet.js";
import { PROJECT_ROOT } from "./corpus.js";

export const DEVNET_AVAILABLE = existsSync(join(PROJECT_ROOT, "src", "devnet", "index.ts"));
export const DEVNET_MISSING = "src/devnet/index.ts does not exist yet: the devnet end-to-end tests did not run";

type DevnetModule = typeof import("../../src/devnet/index.js");
export type Devnet = Awaited<ReturnType<DevnetModule["startDevnet"]>>;

export interface TestNet {
  home: string;
  devnet: Devnet;
  /** A client with the devnet's funded test key, for checking the chain from the test. */
  chain: CosmosChainClient;
  /** Everything the commands printed, for the mnemonic grep. */
  transcript: string[];
  stop(): Promise<void>;
}

export async function startTestNet(options: { blockTime?: number; providers?: number } = {}): Promise<TestNet> {
  const { startDevnet } = (await import("../../src/devnet/index.js")) as DevnetModule;
  const home = mkdtempSync(join(tmpdir(), "akash-stack-e2e-"));
  const devnet = await startDevnet({ blockTime: options.blockTime ?? 200, providers: options.providers ?? 3, home });
  const network = await resolveNetwork("local", { home });
  network.blockSeconds = (options.blockTime ?? 200) / 1000;
  network.blockTimeUnknown = false;
  const chain = await CosmosChainClient.connect(network, new Mnemonic(devnet.mnemonic));
  return {
    home,
    devnet,
    chain,
    transcript: [],
    async stop() {
      await chain.close();
      await devnet.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `command stack` with `flags` (the CLI's options object) in a child process. */
export function runCommand(
  net: TestNet,
  command: "plan" | "deploy" | "status" | "close" | "deposit" | "import",
  stack: string,
  flags: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "test", "support", "run-chain-command.mjs"), command, stack, JSON.stringify(flags)], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", AKASH_STACK_HOME: net.home, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      net.transcript.push(stdout, stderr);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The JSONL lines a `deploy --output jsonl` printed, parsed. */
export function jsonlOf(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function summaryOf(stdout: string): {
  status: string;
  dseq: string;
  owner: string;
  action: string;
  leases: Array<{ provider: string; gseq: number; oseq: number; price: string }>;
  endpoints: Record<string, { uris: string[]; ips: Array<{ ip: string }>; forwardedPorts: unknown[] }>;
  txs: Array<{ hash: string; what: string }>;
  error?: string;
} {
  const last = jsonlOf(stdout).at(-1);
  if (!last || last.step !== "summary") throw new Error(`no summary line in:\n${stdout}`);
  return last as unknown as ReturnType<typeof summaryOf>;
}

/** Active deployments of the test account on chain, and the active leases of each. */
export async function activeOnChain(chain: ChainClient): Promise<Array<{ dseq: string; leases: Array<{ gseq: number; provider: string }> }>> {
  const deployments = await chain.deployments(chain.address, "active");
  return Promise.all(
    deployments.map(async (d) => ({
      dseq: d.dseq,
      leases: (await chain.leases(chain.address, d.dseq)).filter((l) => l.state === "active").map((l) => ({ gseq: l.gseq, provider: l.provider })),
    })),
  );
}

/**
 * Mints ACT for the test account. Establishes the AKT price on the mint ledger, which the deployer
 * reads when the chain's oracle query is not served (the devnet does not serve it yet).
 */
/** The small one-service stack the deploy tests deploy, and the flags of an unattended local deploy. */
export const WEB_STACK = "test/fixtures/deploy/web.ts";
export const LOCAL_JSONL = { network: "local", yes: true, output: "jsonl" };

/** A started test network whose wallet already holds ACT, as the deploy tests need. */
export async function startFundedTestNet(): Promise<TestNet> {
  const net = await startTestNet();
  await mintAct(net);
  return net;
}

export async function mintAct(net: TestNet, burnUakt = 100_000_000n): Promise<void> {
  const before = await uact(net.chain);
  await net.chain.signAndBroadcast([{ type: "mint-act", burn: { denom: "uakt", amount: burnUakt.toString() } }]);
  const deadline = Date.now() + 20_000;
  while ((await uact(net.chain)) <= before) {
    if (Date.now() > deadline) throw new Error("the test's ACT mint did not execute");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function uact(chain: ChainClient): Promise<bigint> {
  return BigInt((await chain.balances(chain.address)).find((c) => c.denom === "uact")?.amount ?? "0");
}

/** Every file under `dir` (recursively) except the named ones, with its text. */
export function filesUnder(dir: string, except: readonly string[] = []): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (except.includes(entry)) continue;
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, except));
    else out.push({ path, text: readFileSync(path, "utf8") });
  }
  return out;
}

export function readState(net: TestNet, stack: string): {
  current?: { dseq: string; leases: Array<{ gseq: number; manifestHash?: string }> };
  previous?: unknown;
  txs: Array<{ hash: string; what: string; dseq?: string; outcome?: string }>;
  closed: Array<{ dseq: string }>;
} {
  return JSON.parse(readFileSync(join(net.home, "state", `${stack}.local.json`), "utf8")) as ReturnType<typeof readState>;
}
