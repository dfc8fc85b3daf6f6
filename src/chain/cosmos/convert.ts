/**
 * chain-sdk query responses (protobuf objects with `Long`s, enums and byte arrays) → the
 * deployer's chain-agnostic types. Pure functions; the client calls them on every answer.
 */
import type { GroupSpec } from "../../sdl/groups.js";
import type { EndpointKindValue, StorageVolume, UnitResources } from "../../sdl/resources.js";
import type {
  Bid,
  BidState,
  Coin,
  DecCoin,
  DeploymentInfo,
  DeploymentState,
  EscrowAccount,
  EscrowState,
  GroupState,
  Lease,
  LeasePayment,
  LeaseState,
  OnChainGroup,
  Order,
  OrderState,
} from "../types.js";

/** The `Long` (or number/bigint) chain-sdk returns for uint64 fields. */
type LongLike = { toString(): string } | number | bigint | undefined;

export function longToString(value: LongLike): string {
  return value === undefined ? "0" : value.toString();
}

export function longToNumber(value: LongLike): number {
  return Number(longToString(value));
}

/** Enum numbers → names, with the protobuf enums' value order (0 is always "invalid"). */
const DEPLOYMENT_STATES: Record<number, DeploymentState> = { 1: "active", 2: "closed" };
const GROUP_STATES: Record<number, GroupState> = { 1: "open", 2: "paused", 3: "insufficient_funds", 4: "closed" };
const ORDER_STATES: Record<number, OrderState> = { 1: "open", 2: "active", 3: "closed" };
const BID_STATES: Record<number, BidState> = { 1: "open", 2: "active", 3: "lost", 4: "closed" };
const LEASE_STATES: Record<number, LeaseState> = { 1: "active", 2: "insufficient_funds", 3: "closed" };
const ESCROW_STATES: Record<number, EscrowState> = { 1: "open", 2: "closed", 3: "overdrawn" };
const LEASE_CLOSE_REASONS: Record<number, string> = {
  0: "",
  1: "closed by owner",
  10000: "Unstable",
  10001: "Decommissioned",
  10002: "Unspecified",
  10003: "ManifestTimeout",
  20000: "InsufficientFunds",
};

export const deploymentState = (n: number): DeploymentState => DEPLOYMENT_STATES[n] ?? "unknown";
export const groupState = (n: number): GroupState => GROUP_STATES[n] ?? "unknown";
export const orderState = (n: number): OrderState => ORDER_STATES[n] ?? "unknown";
export const bidState = (n: number): BidState => BID_STATES[n] ?? "unknown";
export const leaseState = (n: number): LeaseState => LEASE_STATES[n] ?? "unknown";
export const escrowState = (n: number): EscrowState => ESCROW_STATES[n] ?? "unknown";
export const leaseCloseReason = (n: number): string => LEASE_CLOSE_REASONS[n] ?? `reason ${n}`;

export const BID_STATE_NUMBERS: Record<BidState, number> = { unknown: 0, open: 1, active: 2, lost: 3, closed: 4 };

interface ProtoAttribute {
  key: string;
  value: string;
}
interface ProtoResourceValue {
  val: Uint8Array;
}
interface ProtoResources {
  id: number;
  cpu?: { units?: ProtoResourceValue; attributes: ProtoAttribute[] };
  memory?: { quantity?: ProtoResourceValue; attributes: ProtoAttribute[] };
  storage: Array<{ name: string; quantity?: ProtoResourceValue; attributes: ProtoAttribute[] }>;
  gpu?: { units?: ProtoResourceValue; attributes: ProtoAttribute[] };
  endpoints: Array<{ kind: number; sequenceNumber: number }>;
}
export interface ProtoGroupSpec {
  name: string;
  requirements?: { signedBy?: { allOf: string[]; anyOf: string[] }; attributes: ProtoAttribute[] };
  resources: Array<{ resource?: ProtoResources; count: number; price?: { denom: string; amount: string } }>;
}

/** A group spec read from the chain, in the shape `src/sdl/groups.ts` builds from an SDL. */
export function groupSpecFromProto(spec: ProtoGroupSpec): GroupSpec {
  const attributes = spec.requirements?.attributes ?? [];
  return {
    name: spec.name,
    requirements: {
      signedBy: { allOf: spec.requirements?.signedBy?.allOf ?? [], anyOf: spec.requirements?.signedBy?.anyOf ?? [] },
      attributes: attributes.length > 0 ? attributes.map(copyAttribute) : null,
    },
    resources: spec.resources.map((unit) => ({
      resources: resourcesFromProto(unit.resource),
      count: unit.count,
      price: { denom: unit.price?.denom ?? "", amount: toDec18(unit.price?.amount ?? "0") },
    })),
  };
}

function resourcesFromProto(r: ProtoResources | undefined): UnitResources {
  if (!r) return { id: 0, cpu: undefined, memory: undefined, storage: [], gpu: undefined, endpoints: [] };
  return {
    id: r.id,
    cpu: r.cpu ? { units: valueOf(r.cpu.units), attributes: r.cpu.attributes.map(copyAttribute) } : undefined,
    memory: r.memory ? { size: valueOf(r.memory.quantity), attributes: r.memory.attributes.map(copyAttribute) } : undefined,
    storage: r.storage.map(
      (v): StorageVolume => ({ name: v.name, size: valueOf(v.quantity), attributes: v.attributes.length > 0 ? v.attributes.map(copyAttribute) : null }),
    ),
    gpu: r.gpu ? { units: valueOf(r.gpu.units), attributes: r.gpu.attributes.map(copyAttribute) } : undefined,
    endpoints: r.endpoints.map((e) => ({ kind: e.kind as EndpointKindValue, sequenceNumber: e.sequenceNumber })),
  };
}

function valueOf(v: ProtoResourceValue | undefined): bigint {
  if (!v || v.val.length === 0) return 0n;
  const text = new TextDecoder().decode(v.val);
  return /^\d+$/.test(text) ? BigInt(text) : 0n;
}

function copyAttribute(a: ProtoAttribute): ProtoAttribute {
  return { key: a.key, value: a.value };
}

/**
 * Any decimal string → the canonical 18-decimal form our group specs use ("10000" →
 * "10000.000000000000000000"), so chain and SDL prices compare as strings.
 */
export function toDec18(amount: string): string {
  const negative = amount.startsWith("-");
  const body = negative ? amount.slice(1) : amount;
  const [whole = "0", fraction = ""] = body.split(".");
  const digits = (whole.replace(/^0+(?=\d)/, "") || "0") + "." + fraction.padEnd(18, "0").slice(0, 18);
  return negative ? `-${digits}` : digits;
}

export function decCoin(c: { denom: string; amount: string } | undefined): DecCoin {
  return { denom: c?.denom ?? "", amount: toDec18(c?.amount || "0") };
}

export function coin(c: { denom: string; amount: string } | undefined): Coin {
  return { denom: c?.denom ?? "", amount: c?.amount || "0" };
}

interface ProtoAccount {
  state?: { state: number; transferred: Array<{ denom: string; amount: string }>; settledAt: LongLike; funds: Array<{ denom: string; amount: string }> };
}

export function escrowFromProto(account: ProtoAccount | undefined): EscrowAccount | undefined {
  if (!account?.state) return undefined;
  return {
    state: escrowState(account.state.state),
    funds: account.state.funds.map(decCoin),
    transferred: account.state.transferred.map(decCoin),
    settledAt: longToNumber(account.state.settledAt),
  };
}

interface ProtoDeploymentResponse {
  deployment?: { id?: { owner: string; dseq: LongLike }; state: number; hash: Uint8Array; createdAt: LongLike };
  groups: Array<{ id?: { gseq: number }; state: number; groupSpec?: ProtoGroupSpec }>;
  escrowAccount?: ProtoAccount;
}

export function deploymentFromProto(response: ProtoDeploymentResponse): DeploymentInfo | undefined {
  const d = response.deployment;
  if (!d?.id) return undefined;
  const groups: OnChainGroup[] = response.groups
    .map((g) => ({ gseq: g.id?.gseq ?? 0, state: groupState(g.state), spec: groupSpecFromProto(g.groupSpec ?? { name: "", resources: [] }) }))
    .sort((a, b) => a.gseq - b.gseq);
  return {
    owner: d.id.owner,
    dseq: longToString(d.id.dseq),
    state: deploymentState(d.state),
    hash: Buffer.from(d.hash).toString("hex"),
    createdAt: longToNumber(d.createdAt),
    groups,
    escrow: escrowFromProto(response.escrowAccount),
  };
}

interface ProtoOrder {
  id?: { owner: string; dseq: LongLike; gseq: number; oseq: number };
  state: number;
  createdAt: LongLike;
}

export function orderFromProto(o: ProtoOrder): Order {
  return {
    owner: o.id?.owner ?? "",
    dseq: longToString(o.id?.dseq),
    gseq: o.id?.gseq ?? 0,
    oseq: o.id?.oseq ?? 0,
    state: orderState(o.state),
    createdAt: longToNumber(o.createdAt),
  };
}

interface ProtoBid {
  id?: { owner: string; dseq: LongLike; gseq: number; oseq: number; provider: string; bseq: number };
  state: number;
  price?: { denom: string; amount: string };
  createdAt: LongLike;
}

export function bidFromProto(b: ProtoBid): Bid {
  return {
    owner: b.id?.owner ?? "",
    dseq: longToString(b.id?.dseq),
    gseq: b.id?.gseq ?? 0,
    oseq: b.id?.oseq ?? 0,
    provider: b.id?.provider ?? "",
    bseq: b.id?.bseq ?? 0,
    state: bidState(b.state),
    price: decCoin(b.price),
    createdAt: longToNumber(b.createdAt),
  };
}

interface ProtoLeaseResponse {
  lease?: {
    id?: { owner: string; dseq: LongLike; gseq: number; oseq: number; provider: string; bseq: number };
    state: number;
    price?: { denom: string; amount: string };
    createdAt: LongLike;
    closedOn: LongLike;
    reason: number;
  };
  escrowPayment?: {
    state?: {
      state: number;
      rate?: { denom: string; amount: string };
      balance?: { denom: string; amount: string };
      withdrawn?: { denom: string; amount: string };
    };
  };
}

export function leaseFromProto(r: ProtoLeaseResponse): Lease | undefined {
  const l = r.lease;
  if (!l?.id) return undefined;
  const p = r.escrowPayment?.state;
  const payment: LeasePayment | undefined = p
    ? { state: escrowState(p.state), rate: decCoin(p.rate), balance: decCoin(p.balance), withdrawn: coin(p.withdrawn) }
    : undefined;
  return {
    owner: l.id.owner,
    dseq: longToString(l.id.dseq),
    gseq: l.id.gseq,
    oseq: l.id.oseq,
    provider: l.id.provider,
    bseq: l.id.bseq,
    state: leaseState(l.state),
    price: decCoin(l.price),
    createdAt: longToNumber(l.createdAt),
    closedOn: longToNumber(l.closedOn),
    closeReason: leaseCloseReason(l.reason),
    payment,
  };
}
