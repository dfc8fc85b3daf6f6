/**
 * State records as the protobuf messages the chain answers with (ready for a codec's
 * `fromPartial`). Decimal amounts are written with 18 fractional digits, the form chain-sdk's
 * patched `DecCoin`/`LegacyDec` codecs turn into the chain's wire atomics.
 */
import { PubKey } from "@akashnetwork/chain-sdk/private-types/cosmos.secp256k1";
import { BaseAccount } from "@akashnetwork/chain-sdk/private-types/cosmos.v1beta1";
import type { GroupSpec } from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
import { packAny } from "./codec.js";
import { formatDecimal } from "./decimal.js";
import { decimalAtomicsOf } from "./keeper.js";
import {
  escrowAccountKey,
  type AccountRecord,
  type BidRecord,
  type ChainData,
  type DeploymentRecord,
  type EscrowAccountRecord,
  type GroupRecord,
  type LeaseRecord,
  type OrderRecord,
  type PaymentRecord,
} from "./state.js";

export const DEPLOYMENT_STATE = { active: 1, closed: 2 } as const;
export const GROUP_STATE = { open: 1, paused: 2, insufficient_funds: 3, closed: 4 } as const;
export const ORDER_STATE = { open: 1, active: 2, closed: 3 } as const;
export const BID_STATE = { open: 1, active: 2, lost: 3, closed: 4 } as const;
export const LEASE_STATE = { active: 1, insufficient_funds: 2, closed: 3 } as const;
export const ESCROW_STATE = { open: 1, closed: 2, overdrawn: 3 } as const;
export const ESCROW_SCOPE = { deployment: 1, bid: 2 } as const;

function decCoin(denom: string, atomics: bigint): { denom: string; amount: string } {
  return { denom, amount: formatDecimal(atomics) };
}

export function deploymentView(d: DeploymentRecord) {
  return { id: { owner: d.owner, dseq: d.dseq.toString() }, state: DEPLOYMENT_STATE[d.state], hash: d.hash, createdAt: String(d.createdAt) };
}

/** A stored group spec with its prices in the chain's 18-decimal form (the tenant sent "1000"). */
export function specView(spec: GroupSpec): GroupSpec {
  return {
    ...spec,
    resources: spec.resources.map((unit) => ({ ...unit, price: unit.price ? { denom: unit.price.denom, amount: formatDecimal(decimalAtomicsOf(unit.price.amount)) } : undefined })),
  };
}

export function groupView(d: DeploymentRecord, g: GroupRecord) {
  return { id: { owner: d.owner, dseq: d.dseq.toString(), gseq: g.gseq }, state: GROUP_STATE[g.state], groupSpec: specView(g.spec), createdAt: String(g.createdAt) };
}

export function orderView(data: ChainData, o: OrderRecord) {
  const spec = data.deployments.get(`${o.owner}/${o.dseq}`)?.groups.find((g) => g.gseq === o.gseq)?.spec;
  return { id: { owner: o.owner, dseq: o.dseq.toString(), gseq: o.gseq, oseq: o.oseq }, state: ORDER_STATE[o.state], spec: spec ? specView(spec) : undefined, createdAt: String(o.createdAt) };
}

function bidIdView(id: BidRecord["id"]) {
  return { owner: id.owner, dseq: id.dseq.toString(), gseq: id.gseq, oseq: id.oseq, provider: id.provider, bseq: id.bseq };
}

export function bidView(b: BidRecord) {
  return { id: bidIdView(b.id), state: BID_STATE[b.state], price: decCoin(b.price.denom, b.price.atomics), createdAt: String(b.createdAt), resourcesOffer: b.resourcesOffer };
}

export function leaseView(l: LeaseRecord) {
  return {
    id: bidIdView(l.id),
    state: LEASE_STATE[l.state],
    price: decCoin(l.price.denom, l.price.atomics),
    createdAt: String(l.createdAt),
    closedOn: String(l.closedOn),
    reason: l.reason,
  };
}

export function escrowAccountView(a: EscrowAccountRecord) {
  const funds = new Map<string, bigint>();
  for (const d of a.deposits) funds.set(d.balance.denom, (funds.get(d.balance.denom) ?? 0n) + d.balance.atomics);
  return {
    id: { scope: ESCROW_SCOPE[a.scope], xid: a.xid },
    state: {
      owner: a.owner,
      state: ESCROW_STATE[a.state],
      transferred: [...a.transferred].map(([denom, atomics]) => decCoin(denom, atomics)),
      settledAt: String(a.settledAt),
      funds: [...funds].map(([denom, atomics]) => ({ denom, amount: formatDecimal(atomics) })),
      deposits: a.deposits.map((d) => ({ owner: d.owner, height: String(d.height), source: d.source, balance: decCoin(d.balance.denom, d.balance.atomics), direct: d.direct })),
    },
  };
}

export function paymentView(p: PaymentRecord) {
  return {
    id: { aid: { scope: ESCROW_SCOPE[p.scope], xid: p.accountXid }, xid: p.xid },
    state: {
      owner: p.owner,
      state: ESCROW_STATE[p.state],
      rate: decCoin(p.rate.denom, p.rate.atomics),
      balance: decCoin(p.rate.denom, p.balance),
      unsettled: decCoin(p.rate.denom, p.unsettled),
      withdrawn: { denom: p.rate.denom, amount: p.withdrawn.toString() },
    },
  };
}

export function deploymentEscrowView(data: ChainData, d: DeploymentRecord) {
  const account = data.escrowAccounts.get(escrowAccountKey("deployment", `${d.owner}/${d.dseq}`));
  return account ? escrowAccountView(account) : undefined;
}

export function baseAccountView(a: AccountRecord) {
  return {
    address: a.address,
    pubKey: a.pubKey ? packAny(PubKey, { key: a.pubKey }) : undefined,
    accountNumber: String(a.accountNumber),
    sequence: String(a.sequence),
  };
}

export function packedAccount(a: AccountRecord) {
  return packAny(BaseAccount, baseAccountView(a));
}
