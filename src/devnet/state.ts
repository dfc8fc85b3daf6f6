/**
 * The chain's state: plain data (maps of records, bigint amounts, byte arrays) so a whole snapshot
 * is one `structuredClone`. That is how a transaction's messages are rolled back when one fails,
 * how `simulate` runs without side effects, and how CheckTx gets its own copy (baseapp's
 * checkState). State transitions live in `keeper.ts`; this module holds the records and keys.
 */
import type { GroupSpec } from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
import type { ResourceOffer } from "@akashnetwork/chain-sdk/private-types/akash.v1beta5";
import type { DecAmount } from "./decimal.js";

export type DeploymentState = "active" | "closed";
export type GroupState = "open" | "paused" | "insufficient_funds" | "closed";
export type OrderState = "open" | "active" | "closed";
export type BidState = "open" | "active" | "lost" | "closed";
export type LeaseState = "active" | "insufficient_funds" | "closed";
export type EscrowState = "open" | "closed" | "overdrawn";
export type EscrowScope = "deployment" | "bid";

/** `akash.market.v1.LeaseClosedReason`. */
export const LeaseClosedReason = {
  invalid: 0,
  owner: 1,
  unstable: 10000,
  decommission: 10001,
  unspecified: 10002,
  manifestTimeout: 10003,
  insufficientFunds: 20000,
} as const;

/** `akash.base.deposit.v1.Source`. */
export const DepositSource = { balance: 1, grant: 2 } as const;

export interface AccountRecord {
  address: string;
  accountNumber: number;
  sequence: number;
  /** Compressed secp256k1 key, set by the account's first signed transaction. */
  pubKey: Uint8Array | undefined;
}

export interface DeploymentRecord {
  owner: string;
  dseq: bigint;
  state: DeploymentState;
  hash: Uint8Array;
  createdAt: number;
  groups: GroupRecord[];
}

export interface GroupRecord {
  gseq: number;
  state: GroupState;
  /** Exactly what the tenant sent (chain-sdk's decoded `GroupSpec`). */
  spec: GroupSpec;
  createdAt: number;
}

export interface OrderId {
  owner: string;
  dseq: bigint;
  gseq: number;
  oseq: number;
}

export interface OrderRecord extends OrderId {
  state: OrderState;
  createdAt: number;
}

export interface BidId extends OrderId {
  provider: string;
  bseq: number;
}

export interface BidRecord {
  id: BidId;
  state: BidState;
  price: DecAmount;
  createdAt: number;
  resourcesOffer: ResourceOffer[];
}

export interface LeaseRecord {
  id: BidId;
  state: LeaseState;
  price: DecAmount;
  createdAt: number;
  closedOn: number;
  reason: number;
}

export interface DepositorRecord {
  owner: string;
  height: number;
  source: number;
  /** What is left of this deposit. */
  balance: DecAmount;
  direct: boolean;
}

export interface EscrowAccountRecord {
  scope: EscrowScope;
  xid: string;
  owner: string;
  state: EscrowState;
  /** Paid out to payments so far, per denom (atomics). */
  transferred: Map<string, bigint>;
  settledAt: number;
  /** Oldest first; charges and refunds go through them in this order. */
  deposits: DepositorRecord[];
}

export interface PaymentRecord {
  scope: EscrowScope;
  accountXid: string;
  /** "gseq/oseq/provider". */
  xid: string;
  /** The provider. */
  owner: string;
  state: EscrowState;
  rate: DecAmount;
  /** Earned and not yet withdrawn (atomics). */
  balance: bigint;
  /** What the account could not pay (atomics). */
  unsettled: bigint;
  /** Whole units moved to the provider's bank balance. */
  withdrawn: bigint;
}

export interface Attribute {
  key: string;
  value: string;
}

export interface ProviderRecord {
  owner: string;
  hostUri: string;
  attributes: Attribute[];
  info: { email: string; website: string };
}

export interface AuditRecord {
  owner: string;
  auditor: string;
  attributes: Attribute[];
}

export interface CertificateRecord {
  owner: string;
  /** Decimal serial number. */
  serial: string;
  state: "valid" | "revoked";
  /** PEM bytes. */
  cert: Uint8Array;
  pubkey: Uint8Array;
}

export interface MintRecord {
  owner: string;
  to: string;
  height: number;
  sequence: bigint;
  burnedUakt: bigint;
  status: "pending" | "executed";
  /** Set when executed. */
  mintedUact: bigint | undefined;
  /** Oracle price of AKT (decimal atomics, USD) used at execution. */
  aktPrice: bigint | undefined;
}

export interface MintState {
  pending: MintRecord[];
  executed: MintRecord[];
  nextSequence: bigint;
  epochBlocks: number;
  nextEpoch: number;
  /** USD per AKT, decimal atomics. */
  aktPrice: bigint;
  totalBurnedUakt: bigint;
  totalMintedUact: bigint;
}

export interface ChainData {
  chainId: string;
  height: number;
  /** Unix ms of the latest block. */
  blockTime: number;
  nextAccountNumber: number;
  accounts: Map<string, AccountRecord>;
  balances: Map<string, Map<string, bigint>>;
  supply: Map<string, bigint>;
  deployments: Map<string, DeploymentRecord>;
  orders: Map<string, OrderRecord>;
  bids: Map<string, BidRecord>;
  leases: Map<string, LeaseRecord>;
  escrowAccounts: Map<string, EscrowAccountRecord>;
  payments: Map<string, PaymentRecord>;
  providers: Map<string, ProviderRecord>;
  audits: Map<string, AuditRecord>;
  certificates: Map<string, CertificateRecord>;
  mint: MintState;
}

export function emptyChainData(chainId: string, mintEpochBlocks: number, aktPrice: bigint): ChainData {
  return {
    chainId,
    height: 0,
    blockTime: Date.now(),
    nextAccountNumber: 0,
    accounts: new Map(),
    balances: new Map(),
    supply: new Map(),
    deployments: new Map(),
    orders: new Map(),
    bids: new Map(),
    leases: new Map(),
    escrowAccounts: new Map(),
    payments: new Map(),
    providers: new Map(),
    audits: new Map(),
    certificates: new Map(),
    mint: {
      pending: [],
      executed: [],
      nextSequence: 0n,
      epochBlocks: mintEpochBlocks,
      nextEpoch: mintEpochBlocks,
      aktPrice,
      totalBurnedUakt: 0n,
      totalMintedUact: 0n,
    },
  };
}

/** A deep copy: the unit of rollback. */
export function snapshot(data: ChainData): ChainData {
  return structuredClone(data);
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

export function deploymentKey(owner: string, dseq: bigint): string {
  return `${owner}/${dseq}`;
}

export function orderKey(id: OrderId): string {
  return `${id.owner}/${id.dseq}/${id.gseq}/${id.oseq}`;
}

export function bidKey(id: BidId): string {
  return `${orderKey(id)}/${id.provider}/${id.bseq}`;
}

export function escrowAccountKey(scope: EscrowScope, xid: string): string {
  return `${scope}:${xid}`;
}

export function paymentKey(scope: EscrowScope, accountXid: string, xid: string): string {
  return `${escrowAccountKey(scope, accountXid)}|${xid}`;
}

export function auditKey(owner: string, auditor: string): string {
  return `${owner}|${auditor}`;
}

export function certificateKey(owner: string, serial: string): string {
  return `${owner}/${serial}`;
}

/** Escrow ids (chain-sdk `go/node/deployment/v1/escrow.go`, `go/node/market/v1/escrow.go`). */
export function deploymentEscrowXid(owner: string, dseq: bigint): string {
  return `${owner}/${dseq}`;
}

export function bidEscrowXid(id: BidId): string {
  return `${id.owner}/${id.dseq}/${id.gseq}/${id.oseq}/${id.provider}`;
}

export function leasePaymentXid(id: BidId): string {
  return `${id.gseq}/${id.oseq}/${id.provider}`;
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

export function balanceOf(data: ChainData, address: string, denom: string): bigint {
  return data.balances.get(address)?.get(denom) ?? 0n;
}

export function paymentsOf(data: ChainData, account: EscrowAccountRecord): PaymentRecord[] {
  const prefix = `${escrowAccountKey(account.scope, account.xid)}|`;
  const out: PaymentRecord[] = [];
  for (const [key, payment] of data.payments) if (key.startsWith(prefix)) out.push(payment);
  return out;
}

export function groupOf(data: ChainData, id: { owner: string; dseq: bigint; gseq: number }): GroupRecord | undefined {
  return data.deployments.get(deploymentKey(id.owner, id.dseq))?.groups.find((g) => g.gseq === id.gseq);
}
