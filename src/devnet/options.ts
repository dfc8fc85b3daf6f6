/**
 * The devnet's options and what it reports about itself, plus the fault requests it takes: the
 * plain types of `akash-stack/devnet` (src/devnet/public.ts), kept apart from the devnet's
 * internals so the package's declarations carry no chain library types.
 */

export type ProviderFaultKind = 404 | 500 | "timeout";

/** The JSON a fault request carries; every field is optional. */
export interface FaultSpec {
  /** Providers stop bidding (true) or resume (false). */
  noBids?: boolean;
  /** Extra blocks every provider waits before bidding (0 = normal). */
  slowBidBlocks?: number;
  /** The next N CometBFT RPC calls answer a JSON-RPC error (HTTP 500). */
  rpcErrors?: number;
  /** The next N CometBFT RPC calls have their connection dropped without an answer. */
  rpcDrops?: number;
  /** The next `count` calls to a provider (all providers when `provider` is omitted) fail this way. */
  providerErrors?: { provider?: string | number; status: ProviderFaultKind; count: number };
  /** Takes a provider offline (connections refused) or back online. */
  providerOffline?: { provider: string | number; offline: boolean };
  /** Leaves a deployment's escrow with one block of payments; its leases close with insufficient_funds. */
  drainEscrow?: { owner: string; dseq: string | number };
  /**
   * The next N blocks include no transaction: what a busy chain does to a transaction's inclusion.
   * Broadcasts still pass CheckTx and wait in the mempool, where a re-broadcast finds them.
   */
  holdTxBlocks?: number;
}

export interface FaultState {
  noBids: boolean;
  slowBidBlocks: number;
  rpcErrors: number;
  rpcDrops: number;
  providerErrors: Record<string, Array<{ status: ProviderFaultKind; count: number }>>;
  offlineProviders: string[];
  holdTxBlocks: number;
}

export interface ProviderTimings {
  /** Blocks between an accepted manifest and services reporting ready. */
  rolloutBlocks: number;
  /** A bid with no lease is closed after this long (provider --bid-timeout, 5 min). */
  bidTimeoutMs: number;
  /** A lease with no manifest is closed after this long (provider --manifest-timeout, 5 min). */
  manifestTimeoutMs: number;
  /** A request held by the "timeout" fault is dropped after this long. */
  hangMs: number;
}

export interface DevnetOptions {
  /** Milliseconds between blocks (default 1000). */
  blockTime?: number;
  /** Number of providers (default 3). */
  providers?: number;
  /** Mnemonic of the funded test account (default: the documented test mnemonic). */
  mnemonic?: string;
  /** Where devnet.json goes (default $AKASH_STACK_HOME, else ".akash-stack"). */
  home?: string;
  /** Write devnet.json (default true). */
  writeDevnetJson?: boolean;
  /** Fixed ports (default: any free port) on 127.0.0.1. */
  ports?: { rpc?: number; grpc?: number; api?: number; admin?: number };
  /** Blocks between mint epochs (default 5). */
  mintEpochBlocks?: number;
  /** The oracle's AKT price in USD (default "0.5"). */
  aktPriceUsd?: string;
  /** Provider behaviour timings (rollout, bid and manifest timeouts). */
  providerTimings?: Partial<ProviderTimings>;
  /** Faults in force from the start. */
  faults?: FaultSpec;
}

export interface DevnetProviderInfo {
  address: string;
  hostUri: string;
  region: string;
  audited: boolean;
  attributes: Array<{ key: string; value: string }>;
  /** PEM of the certificate the provider's HTTPS server presents (also on chain). */
  certificate: string;
}

export interface DevnetInfo {
  chainId: string;
  /** Milliseconds between blocks. */
  blockTimeMs: number;
  /** CometBFT RPC base URL (createStargateClient's baseUrl). */
  rpc: string;
  /** gRPC URL (createChainNodeSDK's query.baseUrl). */
  grpc: string;
  /** grpc-gateway REST base URL (createChainNodeWebSDK's query.baseUrl). */
  api: string;
  /** Admin endpoint (faults). */
  admin: string;
  mnemonic: string;
  /** The funded account of `mnemonic` (HD index 0). */
  testAccount: string;
  /** The auditor that signs some providers' attributes. */
  auditor: string;
  providers: DevnetProviderInfo[];
}

