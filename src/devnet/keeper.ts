/**
 * State transitions shared by the message handlers (`tx.ts`) and the block producer (`blocks.ts`):
 * bank moves, escrow accounts and payments, and the market hooks that cascade a closed or
 * overdrawn escrow account into closed deployments, groups, orders, bids and leases (node
 * `x/escrow` + `x/market/hooks`). Every store access charges gas the way the SDK's KV gas config
 * does, so `simulate` and delivery agree and a too-small gas limit runs out where it would on chain.
 */
import { GroupSpec } from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
import { KV_GAS, DENOM_ACT } from "./constants.js";
import { coinString, DEC_ONE, floorUnits, formatDecimal, toAtomics, type DecAmount } from "./decimal.js";
import { ChainError, EscrowErrors, MarketErrors, SdkErrors } from "./errors.js";
import { MODULE_ADDRESSES } from "./keys.js";
import {
  bidEscrowXid,
  bidKey,
  deploymentKey,
  escrowAccountKey,
  groupOf,
  leasePaymentXid,
  LeaseClosedReason,
  orderKey,
  paymentKey,
  paymentsOf,
  type AccountRecord,
  type BidId,
  type BidRecord,
  type ChainData,
  type DepositorRecord,
  type EscrowAccountRecord,
  type EscrowScope,
  type GroupRecord,
  type OrderId,
  type OrderRecord,
  type PaymentRecord,
} from "./state.js";

// ---------------------------------------------------------------------------------------------
// Execution context: gas and events
// ---------------------------------------------------------------------------------------------

export interface EventAttribute {
  key: string;
  value: string;
}

export interface ChainEvent {
  type: string;
  attributes: EventAttribute[];
}

/** `storetypes.GasMeter`: consumption past the limit is the SDK's out-of-gas panic. */
export class GasMeter {
  consumed = 0;
  constructor(readonly limit: number) {}

  consume(amount: number, descriptor: string): void {
    this.consumed += amount;
    if (this.consumed > this.limit) throw new OutOfGas(descriptor);
  }
}

/** Thrown by `GasMeter.consume`; `tx.ts` turns it into code 11 with the gas numbers. */
export class OutOfGas extends Error {
  constructor(readonly descriptor: string) {
    super(`out of gas in location: ${descriptor}`);
    this.name = "OutOfGas";
  }
}

export function outOfGasError(descriptor: string, meter: GasMeter): ChainError {
  return SdkErrors.outOfGas.wrap(`out of gas in location: ${descriptor}; gasWanted: ${meter.limit}, gasUsed: ${meter.consumed}`);
}

export interface ExecContext {
  data: ChainData;
  gas: GasMeter;
  events: ChainEvent[];
}

/** A context for work the chain does itself (end blocker): unmetered. */
export function blockContext(data: ChainData): ExecContext {
  return { data, gas: new GasMeter(Number.POSITIVE_INFINITY), events: [] };
}

export function emit(ctx: ExecContext, type: string, attributes: Record<string, string>): void {
  ctx.events.push({ type, attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })) });
}

/** Approximate stored sizes (bytes) of the records, for gas. */
const STORED_BYTES = {
  account: 120,
  balance: 16,
  params: 40,
  deployment: 110,
  order: 90,
  bid: 220,
  lease: 160,
  escrowAccount: 140,
  depositor: 70,
  payment: 150,
  provider: 240,
  certificate: 760,
  mintRecord: 130,
} as const;
export type StoredKind = keyof typeof STORED_BYTES;

export function chargeRead(ctx: ExecContext, kind: StoredKind | number): void {
  const bytes = typeof kind === "number" ? kind : STORED_BYTES[kind];
  ctx.gas.consume(KV_GAS.readCostFlat, "ReadFlat");
  ctx.gas.consume(KV_GAS.readCostPerByte * bytes, "ReadPerByte");
}

export function chargeWrite(ctx: ExecContext, kind: StoredKind | number): void {
  const bytes = typeof kind === "number" ? kind : STORED_BYTES[kind];
  ctx.gas.consume(KV_GAS.writeCostFlat, "WriteFlat");
  ctx.gas.consume(KV_GAS.writeCostPerByte * bytes, "WritePerByte");
}

export function chargeHas(ctx: ExecContext): void {
  ctx.gas.consume(KV_GAS.hasCost, "Has");
}

export function chargeIterate(ctx: ExecContext, items: number): void {
  ctx.gas.consume(KV_GAS.iterNextCostFlat * Math.max(1, items), "IterNextFlat");
}

export function groupSpecBytes(group: GroupRecord | { spec: GroupSpec }): number {
  return GroupSpec.encode(group.spec).finish().length;
}

// ---------------------------------------------------------------------------------------------
// Accounts and bank
// ---------------------------------------------------------------------------------------------

export function getAccount(ctx: ExecContext, address: string): AccountRecord | undefined {
  chargeRead(ctx, "account");
  return ctx.data.accounts.get(address);
}

/** The SDK creates an account the first time coins arrive at a new address. */
export function ensureAccount(data: ChainData, address: string): AccountRecord {
  let account = data.accounts.get(address);
  if (!account) {
    account = { address, accountNumber: data.nextAccountNumber++, sequence: 0, pubKey: undefined };
    data.accounts.set(address, account);
  }
  return account;
}

function adjustBalance(data: ChainData, address: string, denom: string, delta: bigint): void {
  let balances = data.balances.get(address);
  if (!balances) {
    balances = new Map();
    data.balances.set(address, balances);
  }
  const next = (balances.get(denom) ?? 0n) + delta;
  if (next === 0n) balances.delete(denom);
  else balances.set(denom, next);
}

/** `bank.SendCoins`: "spendable balance 10uakt is smaller than 100uakt: insufficient funds". */
export function sendCoins(ctx: ExecContext, from: string, to: string, denom: string, amount: bigint): void {
  if (amount === 0n) return;
  chargeRead(ctx, "balance");
  const have = ctx.data.balances.get(from)?.get(denom) ?? 0n;
  if (have < amount) {
    throw SdkErrors.insufficientFunds.wrap(`spendable balance ${coinString(have, denom)} is smaller than ${coinString(amount, denom)}`);
  }
  chargeWrite(ctx, "balance");
  adjustBalance(ctx.data, from, denom, -amount);
  chargeRead(ctx, "balance");
  chargeWrite(ctx, "balance");
  ensureAccount(ctx.data, to);
  adjustBalance(ctx.data, to, denom, amount);
  emit(ctx, "transfer", { recipient: to, sender: from, amount: coinString(amount, denom) });
}

export function mintCoins(ctx: ExecContext, to: string, denom: string, amount: bigint): void {
  if (amount === 0n) return;
  chargeWrite(ctx, "balance");
  ensureAccount(ctx.data, to);
  adjustBalance(ctx.data, to, denom, amount);
  ctx.data.supply.set(denom, (ctx.data.supply.get(denom) ?? 0n) + amount);
}

export function burnCoins(ctx: ExecContext, from: string, denom: string, amount: bigint): void {
  if (amount === 0n) return;
  const have = ctx.data.balances.get(from)?.get(denom) ?? 0n;
  if (have < amount) throw SdkErrors.insufficientFunds.wrap(`${coinString(have, denom)} is smaller than ${coinString(amount, denom)}`);
  chargeWrite(ctx, "balance");
  adjustBalance(ctx.data, from, denom, -amount);
  ctx.data.supply.set(denom, (ctx.data.supply.get(denom) ?? 0n) - amount);
}

// ---------------------------------------------------------------------------------------------
// Escrow
// ---------------------------------------------------------------------------------------------

export interface DepositInput {
  depositor: string;
  denom: string;
  amount: bigint;
  source: number;
}

/** Moves a deposit from the depositor's bank balance into the escrow module. */
function takeDeposit(ctx: ExecContext, account: EscrowAccountRecord, input: DepositInput): void {
  sendCoins(ctx, input.depositor, MODULE_ADDRESSES.escrow, input.denom, input.amount);
  const record: DepositorRecord = {
    owner: input.depositor,
    height: ctx.data.height,
    source: input.source,
    balance: { denom: input.denom, atomics: toAtomics(input.amount) },
    direct: true,
  };
  account.deposits.push(record);
  chargeWrite(ctx, "depositor");
}

export function escrowAccountCreate(ctx: ExecContext, scope: EscrowScope, xid: string, owner: string, deposit: DepositInput): EscrowAccountRecord {
  const key = escrowAccountKey(scope, xid);
  chargeHas(ctx);
  if (ctx.data.escrowAccounts.has(key)) throw new ChainError("escrow", 1, "account exists");
  const account: EscrowAccountRecord = {
    scope,
    xid,
    owner,
    state: "open",
    transferred: new Map(),
    settledAt: ctx.data.height,
    deposits: [],
  };
  takeDeposit(ctx, account, deposit);
  ctx.data.escrowAccounts.set(key, account);
  chargeWrite(ctx, "escrowAccount");
  return account;
}

export function getEscrowAccount(ctx: ExecContext, scope: EscrowScope, xid: string): EscrowAccountRecord {
  chargeRead(ctx, "escrowAccount");
  const account = ctx.data.escrowAccounts.get(escrowAccountKey(scope, xid));
  if (!account) throw EscrowErrors.accountNotFound;
  return account;
}

/** `MsgAccountDeposit`: tops up an open account, from the depositor's balance. */
export function escrowAccountDeposit(ctx: ExecContext, account: EscrowAccountRecord, deposit: DepositInput): void {
  if (account.state === "closed") throw EscrowErrors.accountClosed;
  if (account.state === "overdrawn") throw EscrowErrors.accountOverdrawn;
  settleAccount(ctx, account);
  takeDeposit(ctx, account, deposit);
  chargeWrite(ctx, "escrowAccount");
}

export function paymentCreate(ctx: ExecContext, account: EscrowAccountRecord, xid: string, provider: string, rate: DecAmount): PaymentRecord {
  if (account.state !== "open") throw EscrowErrors.accountClosed;
  if (rate.atomics === 0n) throw new ChainError("escrow", 9, "payment rate zero");
  settleAccount(ctx, account);
  const key = paymentKey(account.scope, account.xid, xid);
  chargeHas(ctx);
  if (ctx.data.payments.has(key)) throw new ChainError("escrow", 6, "payment exists");
  const payment: PaymentRecord = {
    scope: account.scope,
    accountXid: account.xid,
    xid,
    owner: provider,
    state: "open",
    rate: { ...rate },
    balance: 0n,
    unsettled: 0n,
    withdrawn: 0n,
  };
  ctx.data.payments.set(key, payment);
  chargeWrite(ctx, "payment");
  return payment;
}

/** Takes `atomics` of `denom` from the deposits, oldest first. Returns what could not be taken. */
function drawFromDeposits(account: EscrowAccountRecord, denom: string, atomics: bigint): bigint {
  let left = atomics;
  for (const deposit of account.deposits) {
    if (left === 0n) break;
    if (deposit.balance.denom !== denom || deposit.balance.atomics === 0n) continue;
    const take = deposit.balance.atomics < left ? deposit.balance.atomics : left;
    deposit.balance.atomics -= take;
    left -= take;
  }
  return left;
}

/**
 * Pays every open payment of `account` for the blocks since it was last settled, at its rate. If
 * the funds do not cover it, the account and its payments become overdrawn and the hooks close
 * the deployment with `insufficient_funds`.
 */
export function settleAccount(ctx: ExecContext, account: EscrowAccountRecord): void {
  if (account.state !== "open") return;
  const blocks = BigInt(ctx.data.height - account.settledAt);
  account.settledAt = ctx.data.height;
  if (blocks <= 0n) return;
  const payments = paymentsOf(ctx.data, account).filter((p) => p.state === "open");
  if (payments.length === 0) return;

  let overdrawn = false;
  for (const payment of payments) {
    const due = payment.rate.atomics * blocks;
    const missing = drawFromDeposits(account, payment.rate.denom, due);
    const paid = due - missing;
    payment.balance += paid;
    account.transferred.set(payment.rate.denom, (account.transferred.get(payment.rate.denom) ?? 0n) + paid);
    if (missing > 0n) {
      payment.unsettled += missing;
      overdrawn = true;
    }
  }
  if (!overdrawn) return;

  account.state = "overdrawn";
  for (const payment of payments) {
    payment.state = "overdrawn";
    withdrawPayment(ctx, payment);
    onPaymentClosed(ctx, payment);
  }
  onAccountClosed(ctx, account);
}

/** Moves the whole units a payment has earned to the provider's bank balance. */
export function withdrawPayment(ctx: ExecContext, payment: PaymentRecord): void {
  const units = floorUnits(payment.balance);
  if (units === 0n) return;
  sendCoins(ctx, MODULE_ADDRESSES.escrow, payment.owner, payment.rate.denom, units);
  payment.balance -= units * DEC_ONE;
  payment.withdrawn += units;
}

/** Closes one payment: settles, pays the provider what it earned. */
export function paymentClose(ctx: ExecContext, account: EscrowAccountRecord, payment: PaymentRecord): void {
  settleAccount(ctx, account);
  if (payment.state !== "open") return;
  withdrawPayment(ctx, payment);
  payment.state = "closed";
  chargeWrite(ctx, "payment");
}

/**
 * Closes an account: settles, closes and pays out its payments, refunds what is left of each
 * deposit to its depositor (whole units; the SDK truncates the same way), then runs the hooks.
 */
export function escrowAccountClose(ctx: ExecContext, account: EscrowAccountRecord): void {
  settleAccount(ctx, account);
  if (account.state !== "open") return;
  for (const payment of paymentsOf(ctx.data, account)) {
    if (payment.state !== "open") continue;
    withdrawPayment(ctx, payment);
    payment.state = "closed";
    chargeWrite(ctx, "payment");
    onPaymentClosed(ctx, payment);
  }
  for (const deposit of account.deposits) {
    const units = floorUnits(deposit.balance.atomics);
    if (units > 0n) sendCoins(ctx, MODULE_ADDRESSES.escrow, deposit.owner, deposit.balance.denom, units);
    deposit.balance.atomics -= units * DEC_ONE;
  }
  account.state = "closed";
  chargeWrite(ctx, "escrowAccount");
  onAccountClosed(ctx, account);
}

// ---------------------------------------------------------------------------------------------
// Market and deployment hooks (node x/market/hooks)
// ---------------------------------------------------------------------------------------------

function parseDeploymentXid(xid: string): { owner: string; dseq: bigint } | undefined {
  const [owner, dseq] = xid.split("/");
  if (!owner || !dseq || !/^\d+$/.test(dseq)) return undefined;
  return { owner, dseq: BigInt(dseq) };
}

/** `OnEscrowAccountClosed`: a deployment whose account closed (or ran dry) closes with it. */
function onAccountClosed(ctx: ExecContext, account: EscrowAccountRecord): void {
  if (account.scope !== "deployment") return;
  const id = parseDeploymentXid(account.xid);
  if (!id) return;
  const deployment = ctx.data.deployments.get(deploymentKey(id.owner, id.dseq));
  if (!deployment || deployment.state !== "active") return;
  deployment.state = "closed";
  chargeWrite(ctx, "deployment");
  emit(ctx, "akash.deployment.v1.EventDeploymentClosed", { id: JSON.stringify({ owner: id.owner, dseq: id.dseq.toString() }) });
  const groupState = account.state === "overdrawn" ? "insufficient_funds" : "closed";
  for (const group of deployment.groups) {
    if (group.state === "closed" || group.state === "insufficient_funds") continue;
    group.state = groupState;
    chargeWrite(ctx, groupSpecBytes(group));
    onGroupClosed(ctx, { owner: id.owner, dseq: id.dseq, gseq: group.gseq });
  }
}

/** `OnEscrowPaymentClosed`: the lease paid by a payment closes (insufficient funds if it ran dry). */
function onPaymentClosed(ctx: ExecContext, payment: PaymentRecord): void {
  if (payment.scope !== "deployment") return;
  const account = parseDeploymentXid(payment.accountXid);
  const [gseq, oseq, provider] = payment.xid.split("/");
  if (!account || !gseq || !oseq || !provider) return;
  const id: BidId = { owner: account.owner, dseq: account.dseq, gseq: Number(gseq), oseq: Number(oseq), provider, bseq: 0 };
  const bid = ctx.data.bids.get(bidKey(id));
  if (!bid || bid.state !== "active") return;
  const order = ctx.data.orders.get(orderKey(id));
  if (order) closeOrder(ctx, order);
  closeBid(ctx, bid);
  const lease = ctx.data.leases.get(bidKey(id));
  if (!lease || lease.state !== "active") return;
  const overdrawn = payment.state === "overdrawn";
  closeLeaseRecord(ctx, id, overdrawn ? "insufficient_funds" : "closed", overdrawn ? LeaseClosedReason.insufficientFunds : LeaseClosedReason.owner);
}

/** `OnGroupClosed`: the group's orders, bids and leases close. */
export function onGroupClosed(ctx: ExecContext, group: { owner: string; dseq: bigint; gseq: number }): void {
  for (const order of ctx.data.orders.values()) {
    if (order.owner !== group.owner || order.dseq !== group.dseq || order.gseq !== group.gseq) continue;
    if (order.state === "closed") continue;
    for (const bid of bidsForOrder(ctx.data, order)) {
      if (bid.state === "open" || bid.state === "active") {
        if (bid.state === "active") {
          const lease = ctx.data.leases.get(bidKey(bid.id));
          if (lease && lease.state === "active") {
            const account = ctx.data.escrowAccounts.get(escrowAccountKey("deployment", `${bid.id.owner}/${bid.id.dseq}`));
            const overdrawn = account?.state === "overdrawn";
            closeLeaseRecord(ctx, bid.id, overdrawn ? "insufficient_funds" : "closed", overdrawn ? LeaseClosedReason.insufficientFunds : LeaseClosedReason.owner);
            const payment = ctx.data.payments.get(paymentKey("deployment", `${bid.id.owner}/${bid.id.dseq}`, leasePaymentXid(bid.id)));
            if (payment && payment.state === "open" && account) {
              withdrawPayment(ctx, payment);
              payment.state = "closed";
            }
          }
        }
        closeBid(ctx, bid);
      }
    }
    closeOrder(ctx, order);
  }
}

export function bidsForOrder(data: ChainData, order: OrderId): BidRecord[] {
  const prefix = `${orderKey(order)}/`;
  const out: BidRecord[] = [];
  for (const [key, bid] of data.bids) if (key.startsWith(prefix)) out.push(bid);
  return out;
}

export function closeOrder(ctx: ExecContext, order: OrderRecord): void {
  if (order.state === "closed") return;
  order.state = "closed";
  chargeWrite(ctx, "order");
  emit(ctx, "akash.market.v1.EventOrderClosed", { id: JSON.stringify(orderIdJson(order)) });
}

/** A bid leaves the market: its collateral account closes and refunds the provider. */
export function closeBid(ctx: ExecContext, bid: BidRecord, state: "closed" | "lost" = "closed"): void {
  if (bid.state === "closed" || bid.state === "lost") return;
  bid.state = state;
  chargeWrite(ctx, "bid");
  const collateral = ctx.data.escrowAccounts.get(escrowAccountKey("bid", bidEscrowXid(bid.id)));
  if (collateral && collateral.state === "open") escrowAccountClose(ctx, collateral);
  emit(ctx, "akash.market.v1.EventBidClosed", { id: JSON.stringify(bidIdJson(bid.id)) });
}

export function closeLeaseRecord(ctx: ExecContext, id: BidId, state: "insufficient_funds" | "closed", reason: number): void {
  const lease = ctx.data.leases.get(bidKey(id));
  if (!lease || lease.state !== "active") return;
  lease.state = state;
  lease.closedOn = ctx.data.height;
  lease.reason = reason;
  chargeWrite(ctx, "lease");
  emit(ctx, "akash.market.v1.EventLeaseClosed", { id: JSON.stringify(bidIdJson(id)), reason: String(reason) });
}

export function createOrder(ctx: ExecContext, id: OrderId): OrderRecord {
  const key = orderKey(id);
  chargeHas(ctx);
  if (ctx.data.orders.has(key)) throw new ChainError("market", 25, "order already exists in store");
  const order: OrderRecord = { ...id, state: "open", createdAt: ctx.data.height };
  ctx.data.orders.set(key, order);
  chargeWrite(ctx, "order");
  emit(ctx, "akash.market.v1.EventOrderCreated", { id: JSON.stringify(orderIdJson(id)) });
  return order;
}

/** The next order sequence for a group (1 for its first order). */
export function nextOseq(data: ChainData, group: { owner: string; dseq: bigint; gseq: number }): number {
  let max = 0;
  for (const order of data.orders.values()) {
    if (order.owner === group.owner && order.dseq === group.dseq && order.gseq === group.gseq) max = Math.max(max, order.oseq);
  }
  return max + 1;
}

/** The group's price: the sum of each resource unit's price × count (`GroupSpec.Price`). */
export function groupPrice(group: GroupRecord): DecAmount {
  let atomics = 0n;
  let denom = "";
  for (const unit of group.spec.resources) {
    const price = unit.price;
    if (!price) continue;
    if (denom === "") denom = price.denom;
    atomics += decimalAtomicsOf(price.amount) * BigInt(unit.count);
  }
  return { denom: denom || DENOM_ACT, atomics };
}

/** chain-sdk's DecCoin decoder yields user decimals ("1000", "0.5"); anything else is a bad tx. */
export function decimalAtomicsOf(amount: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,18}))?$/.exec(amount);
  if (!match) throw SdkErrors.invalidCoins.wrap(`invalid decimal coin amount ${JSON.stringify(amount)}`);
  return BigInt(match[1]!) * DEC_ONE + BigInt((match[2] ?? "").padEnd(18, "0") || "0");
}

export interface CreateBidInput {
  id: BidId;
  price: DecAmount;
  collateral: DepositInput;
  resourcesOffer: BidRecord["resourcesOffer"];
}

/** `MsgCreateBid`'s checks and effects (x/market handler), as a provider's bid engine sends it. */
export function createBid(ctx: ExecContext, input: CreateBidInput): BidRecord {
  const order = ctx.data.orders.get(orderKey(input.id));
  chargeRead(ctx, "order");
  if (input.id.bseq !== 0) throw MarketErrors.invalidBid;
  if (!order) throw MarketErrors.orderNotFound;
  if (order.state !== "open") throw MarketErrors.orderNotOpen;
  const open = bidsForOrder(ctx.data, order);
  chargeIterate(ctx, open.length);
  if (open.length >= 20) throw MarketErrors.invalidBid.wrap(`too many existing bids (20)`);
  if (ctx.data.bids.has(bidKey(input.id))) throw MarketErrors.bidExists;
  const group = groupOf(ctx.data, order);
  if (!group) throw MarketErrors.groupNotFound;
  const max = groupPrice(group);
  if (input.price.denom !== max.denom || input.price.atomics > max.atomics) throw MarketErrors.bidOverOrder;
  if (!ctx.data.providers.has(input.id.provider)) throw new ChainError("market", 30, "unknown provider");

  const bid: BidRecord = {
    id: { ...input.id },
    state: "open",
    price: { ...input.price },
    createdAt: ctx.data.height,
    resourcesOffer: input.resourcesOffer,
  };
  ctx.data.bids.set(bidKey(input.id), bid);
  chargeWrite(ctx, "bid");
  escrowAccountCreate(ctx, "bid", bidEscrowXid(input.id), input.id.provider, input.collateral);
  emit(ctx, "akash.market.v1.EventBidCreated", { id: JSON.stringify(bidIdJson(input.id)), price: `${formatDecimal(input.price.atomics)}${input.price.denom}` });
  return bid;
}

export function orderIdJson(id: OrderId): Record<string, string | number> {
  return { owner: id.owner, dseq: id.dseq.toString(), gseq: id.gseq, oseq: id.oseq };
}

export function bidIdJson(id: BidId): Record<string, string | number> {
  return { ...orderIdJson(id), provider: id.provider, bseq: id.bseq };
}
