/**
 * The chain, as the deployer needs it: one interface, no Cosmos types.
 *
 * Akash plans to leave its Cosmos chain (AEP-79, Solana or an EVM L2), so the deployer talks to
 * this interface only and a second implementation can replace `cosmos/` without touching plan,
 * deploy, status or close. Messages are intents ("create this deployment"), not protobuf; amounts
 * are decimal strings (uint64 and 18-decimal values do not fit a JS number); `dseq` is a decimal
 * string for the same reason.
 */
import type { GroupSpec } from "../sdl/groups.js";

/** A whole-number amount of one denom: `{denom: "uact", amount: "500000"}`. */
export interface Coin {
  denom: string;
  /** Decimal integer string. */
  amount: string;
}

/** A per-block rate or an escrow balance: an 18-decimal amount (`"12.500000000000000000"`). */
export interface DecCoin {
  denom: string;
  /** Decimal string, possibly with a fraction. */
  amount: string;
}

export type DeploymentState = "active" | "closed" | "unknown";
export type GroupState = "open" | "paused" | "insufficient_funds" | "closed" | "unknown";
export type OrderState = "open" | "active" | "closed" | "unknown";
export type BidState = "open" | "active" | "lost" | "closed" | "unknown";
export type LeaseState = "active" | "insufficient_funds" | "closed" | "unknown";
export type EscrowState = "open" | "closed" | "overdrawn" | "unknown";

export interface OnChainGroup {
  gseq: number;
  state: GroupState;
  spec: GroupSpec;
}

export interface EscrowAccount {
  state: EscrowState;
  /** What is left to pay leases with, per denom (18-decimal strings). */
  funds: DecCoin[];
  /** Paid out so far. */
  transferred: DecCoin[];
  /** Block height of the last settlement. */
  settledAt: number;
}

export interface DeploymentInfo {
  owner: string;
  dseq: string;
  state: DeploymentState;
  /** Lower-case hex SHA-256 of the manifest. */
  hash: string;
  createdAt: number;
  groups: OnChainGroup[];
  escrow: EscrowAccount | undefined;
}

export interface Order {
  owner: string;
  dseq: string;
  gseq: number;
  oseq: number;
  state: OrderState;
  createdAt: number;
}

export interface Bid {
  owner: string;
  dseq: string;
  gseq: number;
  oseq: number;
  provider: string;
  bseq: number;
  state: BidState;
  /** Price per block for the whole group. */
  price: DecCoin;
  createdAt: number;
}

export interface LeasePayment {
  state: EscrowState;
  rate: DecCoin;
  balance: DecCoin;
  withdrawn: Coin;
}

export interface Lease {
  owner: string;
  dseq: string;
  gseq: number;
  oseq: number;
  provider: string;
  bseq: number;
  state: LeaseState;
  price: DecCoin;
  createdAt: number;
  closedOn: number;
  /** The chain's close reason (`ManifestTimeout`, `InsufficientFunds`…), or "" while open. */
  closeReason: string;
  payment: LeasePayment | undefined;
}

export interface ProviderInfo {
  owner: string;
  /** `https://provider.example.com:8443`. */
  hostUri: string;
  attributes: Array<{ key: string; value: string }>;
}

/** Attributes an auditor signed for a provider. */
export interface AuditedAttributes {
  auditor: string;
  attributes: Array<{ key: string; value: string }>;
}

export interface Certificate {
  owner: string;
  /** Decimal serial number. */
  serial: string;
  state: "valid" | "revoked" | "unknown";
  /** The certificate in PEM. */
  certPem: string;
}

export interface DepositParams {
  /** The smallest deposit the chain accepts, per denom. */
  minDeposits: Coin[];
}

export interface MintParams {
  /** The smallest mint that executes (smaller ones are accepted, then silently cancelled). */
  minMint: Coin;
  /** Blocks between mint epochs: a mint lands after at most this many blocks. */
  epochBlocks: number;
  /** The mint spread, in basis points. */
  spreadBps: number;
  /** Price of one whole AKT in whole ACT (≈ USD); undefined when the chain has no healthy price. */
  aktPriceInAct: number | undefined;
  /** False when minting is halted (circuit breaker). */
  mintsAllowed: boolean;
}

/** What the deployer asks the chain to do. The owner and signer is always the client's own address. */
export type ChainMsg =
  | { type: "create-deployment"; dseq: string; groups: readonly GroupSpec[]; hash: string; deposit: Coin }
  | { type: "update-deployment"; dseq: string; hash: string }
  | { type: "close-deployment"; dseq: string }
  | { type: "create-lease"; dseq: string; gseq: number; oseq: number; provider: string; bseq: number }
  | { type: "deposit"; dseq: string; amount: Coin }
  | { type: "mint-act"; burn: Coin };

export interface TxResult {
  /** Upper-case hex transaction hash. */
  hash: string;
  height: number;
  gasWanted: number;
  gasUsed: number;
  fee: Coin[];
}

export interface SignedMemo {
  height: number;
  memo: string;
}

export interface BroadcastOptions {
  memo?: string;
  /**
   * Called with the hash once the transaction is signed and before it is sent, so the caller can
   * record it: after a crash the hash is how the transaction is found again.
   */
  onSigned?(hash: string): void | Promise<void>;
  /** Called after the node accepted the transaction into its mempool (before inclusion). */
  onBroadcast?(hash: string): void | Promise<void>;
}

/** A chain the deployer can read and, with a key, write. */
export interface ChainClient {
  /** `akashnet-2`, `sandbox-2`, `akash-local`. */
  readonly chainId: string;
  /** The signer's address (the owner of everything this client creates). */
  readonly address: string;
  /** The gas denom and price per unit of gas, for estimates: `{denom: "uakt", price: 0.025}`. */
  readonly gasPrice: { denom: string; price: number };

  latestHeight(): Promise<number>;
  /** Seconds per block, measured from recent blocks (for runway and polling). */
  blockTimeSeconds(): Promise<number>;

  deployment(owner: string, dseq: string): Promise<DeploymentInfo | undefined>;
  deployments(owner: string, state?: "active" | "closed"): Promise<DeploymentInfo[]>;
  orders(owner: string, dseq: string): Promise<Order[]>;
  bids(owner: string, dseq: string, state?: BidState): Promise<Bid[]>;
  leases(owner: string, dseq: string): Promise<Lease[]>;
  provider(address: string): Promise<ProviderInfo | undefined>;
  providerAudits(address: string): Promise<AuditedAttributes[]>;
  certificates(owner: string, serial?: string): Promise<Certificate[]>;
  balances(address: string): Promise<Coin[]>;
  depositParams(): Promise<DepositParams>;
  mintParams(): Promise<MintParams>;
  /** A transaction by hash: undefined while unknown (not yet included, or dropped). */
  findTx(hash: string): Promise<{ code: number; height: number; log: string } | undefined>;
  /**
   * The memos of the successful transactions `signer` sent, newest first, up to `limit`;
   * undefined when the node keeps no transaction index (CometBFT `tx_index = "null"`).
   */
  memosOf(signer: string, limit: number): Promise<SignedMemo[] | undefined>;

  /**
   * Signs the messages as one transaction with simulated gas × a margin, broadcasts it, and waits
   * until it is included. Throws `ChainTxError` for a transaction the chain rejected.
   */
  signAndBroadcast(msgs: readonly ChainMsg[], options?: BroadcastOptions): Promise<TxResult>;

  close(): Promise<void>;
}
