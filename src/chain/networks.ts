/**
 * The networks akash-stack deploys to, and where their endpoints are.
 *
 * `mainnet` and `sandbox` have public defaults; `local` is whatever `akash-stack devnet` wrote to
 * `$AKASH_STACK_HOME/devnet.json`. Every endpoint can be overridden (flags, then `AKASH_RPC`,
 * `AKASH_GRPC`, `AKASH_API`), because public endpoints come and go and users run their own nodes.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export const NETWORK_NAMES = ["mainnet", "sandbox", "local"] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

export interface Network {
  name: NetworkName;
  chainId: string;
  /** CometBFT JSON-RPC (transactions, blocks). */
  rpc: string;
  /** gRPC (queries through chain-sdk). */
  grpc: string;
  /** grpc-gateway REST (shown to users; not needed by the deployer). */
  api: string;
  /** Gas price, e.g. "0.025uakt". */
  gasPrice: string;
  /** Typical seconds per block, for estimates before the chain is asked. */
  blockSeconds: number;
  /** The denom prices and deposits are in. */
  depositDenom: string;
  /** True when `blockSeconds` is a guess that should be measured on the chain before use (a devnet.json without it). */
  blockTimeUnknown?: boolean;
  /** The devnet's well-known test mnemonic (local only): used when no other key is given. */
  devnetMnemonic?: string;
}

export interface EndpointOverrides {
  rpc?: string;
  grpc?: string;
  api?: string;
}

export class NetworkError extends Error {
  override readonly name = "NetworkError";
}

/** ~6.1 s per block on akashnet-2 (reference §1.3). */
export const MAINNET_BLOCK_SECONDS = 6.1;

const PUBLIC_NETWORKS: Record<Exclude<NetworkName, "local">, Omit<Network, "name">> = {
  mainnet: {
    chainId: "akashnet-2",
    rpc: "https://rpc.akashnet.net:443",
    grpc: "https://grpc.akashnet.net:443",
    api: "https://api.akashnet.net:443",
    gasPrice: "0.025uakt",
    blockSeconds: MAINNET_BLOCK_SECONDS,
    depositDenom: "uact",
  },
  sandbox: {
    chainId: "sandbox-2",
    rpc: "https://rpc.sandbox-2.aksh.pw:443",
    grpc: "http://grpc.sandbox-2.aksh.pw:9090",
    api: "https://api.sandbox-2.aksh.pw:443",
    gasPrice: "0.025uakt",
    blockSeconds: MAINNET_BLOCK_SECONDS,
    depositDenom: "uact",
  },
};

/** What `akash-stack devnet` writes (issue #4); only the fields the deployer reads. */
export interface DevnetFile {
  chainId: string;
  rpc: string;
  grpc: string;
  api: string;
  mnemonic: string;
  /** Milliseconds between blocks (`blockTimeMs` is accepted too). */
  blockTime?: number;
  blockTimeMs?: number;
  providers?: Array<{ address: string; hostUri: string }>;
}

export function isNetworkName(value: string): value is NetworkName {
  return (NETWORK_NAMES as readonly string[]).includes(value);
}

/**
 * The network's configuration with overrides applied. For `local`, reads `devnet.json` under
 * `home` and fails with what to do when no devnet is running.
 */
export async function resolveNetwork(
  name: string,
  options: { home: string; env?: Readonly<Record<string, string | undefined>>; overrides?: EndpointOverrides },
): Promise<Network> {
  if (!isNetworkName(name)) {
    throw new NetworkError(`unknown network ${JSON.stringify(name)}: use one of ${NETWORK_NAMES.join(", ")}`);
  }
  const env = options.env ?? {};
  const base: Network = name === "local" ? await readDevnet(options.home) : { name, ...PUBLIC_NETWORKS[name] };
  const pick = (flag: string | undefined, variable: string, fallback: string) => trimSlash(flag ?? env[variable] ?? fallback);
  return {
    ...base,
    rpc: pick(options.overrides?.rpc, "AKASH_RPC", base.rpc),
    grpc: pick(options.overrides?.grpc, "AKASH_GRPC", base.grpc),
    api: pick(options.overrides?.api, "AKASH_API", base.api),
  };
}

export function devnetFilePath(home: string): string {
  return join(home, "devnet.json");
}

async function readDevnet(home: string): Promise<Network> {
  const path = devnetFilePath(home);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new NetworkError(`--network local needs a running devnet, and ${path} does not exist: start one with \`akash-stack devnet\` (same AKASH_STACK_HOME)`);
    }
    throw new NetworkError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: Partial<DevnetFile>;
  try {
    parsed = JSON.parse(text) as Partial<DevnetFile>;
  } catch {
    throw new NetworkError(`${path} is not valid JSON: restart \`akash-stack devnet\` to rewrite it`);
  }
  const missing = (["chainId", "rpc", "grpc", "api"] as const).filter((k) => typeof parsed[k] !== "string" || parsed[k] === "");
  if (missing.length > 0) {
    throw new NetworkError(`${path} lacks ${missing.join(", ")}: restart \`akash-stack devnet\` to rewrite it`);
  }
  const blockMs = [parsed.blockTime, parsed.blockTimeMs].find((v): v is number => typeof v === "number" && v > 0);
  // Unknown block time: assume 1 s (the devnet's default); commands measure it on connect.
  const blockSeconds = blockMs !== undefined ? blockMs / 1000 : 1;
  return {
    name: "local",
    chainId: parsed.chainId!,
    rpc: parsed.rpc!,
    grpc: parsed.grpc!,
    api: parsed.api!,
    gasPrice: "0.025uakt",
    blockSeconds,
    blockTimeUnknown: blockMs === undefined,
    depositDenom: "uact",
    ...(typeof parsed.mnemonic === "string" && parsed.mnemonic !== "" ? { devnetMnemonic: parsed.mnemonic } : {}),
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
