/**
 * Message handlers: the node's `ValidateBasic` (run at CheckTx and delivery) and message server
 * checks for every message type the devnet executes. Error order and texts follow node v2.1.0
 * (`x/deployment/handler/server.go`, `x/market/handler/server.go`, `x/escrow`, `x/bme`,
 * `x/cert`, `x/bank`), so a deployer sees the failure akashnet-2 would give it.
 */
import { X509Certificate } from "node:crypto";
import { fromBech32 } from "@cosmjs/encoding";
import {
  MsgAccountDeposit,
  MsgAccountDepositResponse,
  MsgCreateCertificate,
  MsgCreateCertificateResponse,
  MsgMintACT,
  MsgMintACTResponse,
  MsgRevokeCertificate,
  MsgRevokeCertificateResponse,
} from "@akashnetwork/chain-sdk/private-types/akash.v1";
import {
  MsgCloseDeployment,
  MsgCloseDeploymentResponse,
  MsgCloseGroup,
  MsgCloseGroupResponse,
  MsgCreateDeployment,
  MsgCreateDeploymentResponse,
  MsgPauseGroup,
  MsgPauseGroupResponse,
  MsgStartGroup,
  MsgStartGroupResponse,
  MsgUpdateDeployment,
  MsgUpdateDeploymentResponse,
} from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
import {
  MsgCloseLease,
  MsgCloseLeaseResponse,
  MsgCreateLease,
  MsgCreateLeaseResponse,
} from "@akashnetwork/chain-sdk/private-types/akash.v1beta5";
import { MsgSend, MsgSendResponse } from "@akashnetwork/chain-sdk/private-types/cosmos.v1beta1";
import type { ProtoCodec } from "./codec.js";
import { BECH32_PREFIX, DENOM_ACT, DENOM_AKT, DEPLOYMENT_MIN_DEPOSITS } from "./constants.js";
import { coinString, formatDecimal } from "./decimal.js";
import {
  BankErrors,
  BmeErrors,
  CertErrors,
  ChainError,
  DepositErrors,
  DeploymentErrors,
  EscrowErrors,
  MarketErrors,
  SdkErrors,
} from "./errors.js";
import { groupDenom, validateDeploymentGroups, validateGroupSpecBasic } from "./group-validation.js";
import {
  bidsForOrder,
  chargeHas,
  chargeRead,
  chargeWrite,
  closeBid,
  closeLeaseRecord,
  closeOrder,
  createOrder,
  emit,
  escrowAccountClose,
  escrowAccountCreate,
  escrowAccountDeposit,
  getEscrowAccount,
  groupSpecBytes,
  nextOseq,
  onGroupClosed,
  paymentClose,
  paymentCreate,
  sendCoins,
  type ExecContext,
} from "./keeper.js";
import { MODULE_ADDRESSES } from "./keys.js";
import {
  bidKey,
  certificateKey,
  deploymentEscrowXid,
  deploymentKey,
  DepositSource,
  groupOf,
  leasePaymentXid,
  LeaseClosedReason,
  orderKey,
  paymentKey,
  type BidId,
  type DeploymentRecord,
  type GroupRecord,
} from "./state.js";

export interface MsgDefinition<T> {
  codec: ProtoCodec<T>;
  response: ProtoCodec<unknown>;
  /** The module name in the `message` event. */
  module: string;
  /** `GetSigners`: the one address that must sign. */
  signer(msg: T): string;
  /** Stateless checks; throws a ChainError. */
  validateBasic(msg: T): void;
  /** Executes against state; returns the response as a partial message. */
  execute(ctx: ExecContext, msg: T): unknown;
}

// ---------------------------------------------------------------------------------------------
// Shared checks
// ---------------------------------------------------------------------------------------------

export function isAddress(address: string): boolean {
  try {
    const decoded = fromBech32(address);
    return decoded.prefix === BECH32_PREFIX && decoded.data.length === 20;
  } catch {
    return false;
  }
}

function requireAddress(address: string, what: string): void {
  if (!isAddress(address)) throw SdkErrors.invalidAddress.wrap(`invalid ${what} address ${JSON.stringify(address)}: expected an ${BECH32_PREFIX}1… bech32 account address`);
}

const COSMOS_DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;

function parseCoin(coin: { denom: string; amount: string } | undefined, what: string): { denom: string; amount: bigint } {
  if (!coin || !COSMOS_DENOM.test(coin.denom) || !/^\d+$/.test(coin.amount)) {
    throw SdkErrors.invalidCoins.wrap(`invalid ${what} ${coin ? coinString(BigInt(/^\d+$/.test(coin.amount) ? coin.amount : "0"), coin.denom) : "(missing)"}`);
  }
  return { denom: coin.denom, amount: BigInt(coin.amount) };
}

/** `deposit.Deposit.Validate` (chain-sdk `go/node/types/deposit/v1/deposit.go`). */
function validateDeposit(deposit: { amount?: { denom: string; amount: string } | undefined; sources: number[] } | undefined): { denom: string; amount: bigint } {
  const coin = parseCoin(deposit?.amount, "deposit amount");
  const sources = deposit?.sources ?? [];
  if (sources.length === 0) throw DepositErrors.invalidDepositSource.wrap("empty deposit sources");
  const seen = new Set<number>();
  for (const source of sources) {
    if (source !== DepositSource.balance && source !== DepositSource.grant) throw DepositErrors.invalidDepositSource.wrap(`empty deposit source type ${source}`);
    if (seen.has(source)) throw DepositErrors.invalidDepositSource.wrap(`duplicate deposit source type ${source}`);
    seen.add(source);
  }
  return coin;
}

function dseqOf(id: { dseq: { toString(): string } } | undefined): bigint {
  return BigInt(id?.dseq.toString() ?? "0");
}

function validateDeploymentId(id: { owner: string; dseq: { toString(): string } } | undefined): void {
  if (!id || !isAddress(id.owner)) throw SdkErrors.invalidAddress.wrap("DeploymentID: Invalid Owner Address");
  if (dseqOf(id) === 0n) throw DeploymentErrors.invalidDeploymentId.wrap("DeploymentID: Invalid Deployment Sequence");
}

function validateBidId(id: { owner: string; dseq: { toString(): string }; gseq: number; oseq: number; provider: string } | undefined): BidId {
  validateDeploymentId(id);
  if (!id || id.gseq === 0) throw DeploymentErrors.invalidDeploymentId.wrap("GroupID: Invalid Group Sequence");
  if (id.oseq === 0) throw MarketErrors.orderNotFound.wrap("OrderID: Invalid Order Sequence");
  if (!isAddress(id.provider)) throw SdkErrors.invalidAddress.wrap("BidID: Invalid Provider Address");
  return { owner: id.owner, dseq: dseqOf(id), gseq: id.gseq, oseq: id.oseq, provider: id.provider, bseq: 0 };
}

function getDeployment(ctx: ExecContext, owner: string, dseq: bigint): DeploymentRecord | undefined {
  chargeRead(ctx, "deployment");
  return ctx.data.deployments.get(deploymentKey(owner, dseq));
}

/**
 * Deposit sources: the devnet keeps no authz deposit grants, so a deposit is taken from the
 * signer's balance; a deposit that allows only `grant` has nowhere to come from.
 */
function depositFromBalance(ctx: ExecContext, owner: string, coin: { denom: string; amount: bigint }, sources: number[]): void {
  if (!sources.includes(DepositSource.balance)) {
    throw EscrowErrors.invalidDeposit.wrap(
      "no authz deposit grant covers this deposit and the balance source is not allowed (the devnet has no deposit grants): add the balance source (sources: [balance])",
    );
  }
  chargeRead(ctx, "balance");
  const have = ctx.data.balances.get(owner)?.get(coin.denom) ?? 0n;
  if (have < coin.amount) throw DeploymentErrors.invalidDeposit.withDetail("insufficient balance");
}

// ---------------------------------------------------------------------------------------------
// x/deployment
// ---------------------------------------------------------------------------------------------

const createDeployment: MsgDefinition<MsgCreateDeployment> = {
  codec: MsgCreateDeployment,
  response: MsgCreateDeploymentResponse,
  module: "deployment",
  signer: (msg) => msg.id?.owner ?? "",
  validateBasic(msg) {
    validateDeploymentId(msg.id);
    const deposit = validateDeposit(msg.deposit);
    if (msg.groups.length === 0) throw DeploymentErrors.invalidGroups;
    if (msg.hash.length === 0) throw DeploymentErrors.emptyHash;
    if (msg.hash.length !== 32) throw DeploymentErrors.invalidHash;
    for (const group of msg.groups) {
      const err = validateGroupSpecBasic(group);
      if (err) throw err;
      if (deposit.amount !== 0n && groupDenom(group) !== deposit.denom) {
        throw DeploymentErrors.invalidDeposit.wrap(`Mismatched denominations (${deposit.denom} != ${groupDenom(group)})`);
      }
    }
  },
  execute(ctx, msg) {
    const owner = msg.id!.owner;
    const dseq = dseqOf(msg.id);
    if (getDeployment(ctx, owner, dseq)) throw DeploymentErrors.deploymentExists;
    const deposit = { denom: msg.deposit!.amount!.denom, amount: BigInt(msg.deposit!.amount!.amount) };
    // node v2.0.0: "AKT deposits are only allowed via AccountDeposit (existing deployment)"
    if (deposit.denom === DENOM_AKT) throw DeploymentErrors.invalidDeposit;
    const min = DEPLOYMENT_MIN_DEPOSITS.find((m) => m.denom === deposit.denom);
    if (!min) throw DeploymentErrors.invalidDeposit.withDetail(`Invalid deposit denomination ${deposit.denom}`);
    if (deposit.amount < min.amount) throw DeploymentErrors.invalidDeposit.wrap(`Deposit too low - ${deposit.amount} < ${coinString(min.amount, min.denom)}`);
    const groupsError = validateDeploymentGroups(msg.groups);
    if (groupsError) throw groupsError;
    const denom = groupDenom(msg.groups[0]!);
    if (denom !== DENOM_ACT) throw new ChainError(DeploymentErrors.invalidPrice.codespace, DeploymentErrors.invalidPrice.code, `invalid price: unsupported denomination ${denom}`);
    depositFromBalance(ctx, owner, deposit, msg.deposit!.sources);

    const groups: GroupRecord[] = msg.groups.map((spec, i) => ({ gseq: i + 1, state: "open", spec, createdAt: ctx.data.height }));
    const deployment: DeploymentRecord = { owner, dseq, state: "active", hash: new Uint8Array(msg.hash), createdAt: ctx.data.height, groups };
    ctx.data.deployments.set(deploymentKey(owner, dseq), deployment);
    chargeWrite(ctx, "deployment");
    for (const group of groups) chargeWrite(ctx, groupSpecBytes(group));
    emit(ctx, "akash.deployment.v1.EventDeploymentCreated", { id: JSON.stringify({ owner, dseq: dseq.toString() }), hash: Buffer.from(msg.hash).toString("base64") });
    for (const group of groups) createOrder(ctx, { owner, dseq, gseq: group.gseq, oseq: 1 });
    escrowAccountCreate(ctx, "deployment", deploymentEscrowXid(owner, dseq), owner, {
      depositor: owner,
      denom: deposit.denom,
      amount: deposit.amount,
      source: DepositSource.balance,
    });
    return {};
  },
};

const updateDeployment: MsgDefinition<MsgUpdateDeployment> = {
  codec: MsgUpdateDeployment,
  response: MsgUpdateDeploymentResponse,
  module: "deployment",
  signer: (msg) => msg.id?.owner ?? "",
  validateBasic(msg) {
    validateDeploymentId(msg.id);
    if (msg.hash.length === 0) throw DeploymentErrors.emptyHash;
    if (msg.hash.length !== 32) throw DeploymentErrors.invalidHash;
  },
  execute(ctx, msg) {
    const deployment = getDeployment(ctx, msg.id!.owner, dseqOf(msg.id));
    if (!deployment) throw DeploymentErrors.deploymentNotFound;
    if (deployment.state !== "active") throw DeploymentErrors.deploymentClosed;
    if (Buffer.from(deployment.hash).equals(Buffer.from(msg.hash))) throw DeploymentErrors.invalidHash;
    deployment.hash = new Uint8Array(msg.hash);
    chargeWrite(ctx, "deployment");
    emit(ctx, "akash.deployment.v1.EventDeploymentUpdated", {
      id: JSON.stringify({ owner: deployment.owner, dseq: deployment.dseq.toString() }),
      hash: Buffer.from(msg.hash).toString("base64"),
    });
    return {};
  },
};

const closeDeployment: MsgDefinition<MsgCloseDeployment> = {
  codec: MsgCloseDeployment,
  response: MsgCloseDeploymentResponse,
  module: "deployment",
  signer: (msg) => msg.id?.owner ?? "",
  validateBasic(msg) {
    validateDeploymentId(msg.id);
  },
  execute(ctx, msg) {
    const deployment = getDeployment(ctx, msg.id!.owner, dseqOf(msg.id));
    if (!deployment) throw DeploymentErrors.deploymentNotFound;
    if (deployment.state !== "active") throw DeploymentErrors.deploymentClosed;
    // closing the escrow account settles, pays the providers, refunds the deposits and, through
    // the hooks, closes the deployment, its groups, orders, bids and leases
    escrowAccountClose(ctx, getEscrowAccount(ctx, "deployment", deploymentEscrowXid(deployment.owner, deployment.dseq)));
    return {};
  },
};

type GroupMsg = { id: { owner: string; dseq: { toString(): string }; gseq: number } | undefined };

function validateGroupId(msg: GroupMsg): void {
  validateDeploymentId(msg.id);
  if (!msg.id || msg.id.gseq === 0) throw DeploymentErrors.invalidDeploymentId.wrap("GroupID: Invalid Group Sequence");
}

function findGroup(ctx: ExecContext, msg: GroupMsg): GroupRecord {
  chargeRead(ctx, "deployment");
  const group = groupOf(ctx.data, { owner: msg.id!.owner, dseq: dseqOf(msg.id), gseq: msg.id!.gseq });
  if (!group) throw DeploymentErrors.groupNotFound;
  return group;
}

const closeGroup: MsgDefinition<MsgCloseGroup> = {
  codec: MsgCloseGroup,
  response: MsgCloseGroupResponse,
  module: "deployment",
  signer: (msg) => msg.id?.owner ?? "",
  validateBasic: validateGroupId,
  execute(ctx, msg) {
    const group = findGroup(ctx, msg);
    if (group.state === "closed") throw DeploymentErrors.groupClosed;
    group.state = "closed";
    chargeWrite(ctx, groupSpecBytes(group));
    onGroupClosed(ctx, { owner: msg.id!.owner, dseq: dseqOf(msg.id), gseq: group.gseq });
    return {};
  },
};

const pauseGroup: MsgDefinition<MsgPauseGroup> = {
  codec: MsgPauseGroup,
  response: MsgPauseGroupResponse,
  module: "deployment",
  signer: (msg) => msg.id?.owner ?? "",
  validateBasic: validateGroupId,
  execute(ctx, msg) {
    const group = findGroup(ctx, msg);
    if (group.state !== "open") throw new ChainError("deployment", 18, "Group not open");
    group.state = "paused";
    chargeWrite(ctx, groupSpecBytes(group));
    onGroupClosed(ctx, { owner: msg.id!.owner, dseq: dseqOf(msg.id), gseq: group.gseq });
    return {};
  },
};

const startGroup: MsgDefinition<MsgStartGroup> = {
  codec: MsgStartGroup,
  response: MsgStartGroupResponse,
  module: "deployment",
  signer: (msg) => msg.id?.owner ?? "",
  validateBasic: validateGroupId,
  execute(ctx, msg) {
    const group = findGroup(ctx, msg);
    if (group.state !== "paused") throw new ChainError("deployment", 17, "Group paused");
    group.state = "open";
    chargeWrite(ctx, groupSpecBytes(group));
    const id = { owner: msg.id!.owner, dseq: dseqOf(msg.id), gseq: group.gseq };
    createOrder(ctx, { ...id, oseq: nextOseq(ctx.data, id) });
    return {};
  },
};

// ---------------------------------------------------------------------------------------------
// x/market
// ---------------------------------------------------------------------------------------------

const createLease: MsgDefinition<MsgCreateLease> = {
  codec: MsgCreateLease,
  response: MsgCreateLeaseResponse,
  module: "market",
  signer: (msg) => msg.bidId?.owner ?? "",
  validateBasic(msg) {
    validateBidId(msg.bidId);
    if ((msg.bidId?.bseq ?? 0) !== 0) throw MarketErrors.invalidBid.wrap("bseq must be 0");
  },
  execute(ctx, msg) {
    const id = validateBidId(msg.bidId);
    chargeRead(ctx, "bid");
    const bid = ctx.data.bids.get(bidKey(id));
    if (!bid) throw MarketErrors.bidNotFound;
    if (bid.state !== "open") throw MarketErrors.bidNotOpen;
    chargeRead(ctx, "order");
    const order = ctx.data.orders.get(orderKey(id));
    if (!order) throw MarketErrors.orderNotFound;
    if (order.state !== "open") throw MarketErrors.orderNotOpen;
    chargeRead(ctx, "deployment");
    const group = groupOf(ctx.data, id);
    if (!group) throw MarketErrors.groupNotFound;
    if (group.state !== "open") throw MarketErrors.groupNotOpen;

    const account = getEscrowAccount(ctx, "deployment", deploymentEscrowXid(id.owner, id.dseq));
    paymentCreate(ctx, account, leasePaymentXid(id), id.provider, bid.price);
    ctx.data.leases.set(bidKey(id), { id: { ...id }, state: "active", price: { ...bid.price }, createdAt: ctx.data.height, closedOn: 0, reason: 0 });
    chargeWrite(ctx, "lease");
    order.state = "active";
    chargeWrite(ctx, "order");
    bid.state = "active";
    chargeWrite(ctx, "bid");
    emit(ctx, "akash.market.v1.EventLeaseCreated", {
      id: JSON.stringify({ owner: id.owner, dseq: id.dseq.toString(), gseq: id.gseq, oseq: id.oseq, provider: id.provider, bseq: 0 }),
      price: `${formatDecimal(bid.price.atomics)}${bid.price.denom}`,
    });
    // every other open bid on the order loses and gets its collateral back
    for (const other of bidsForOrder(ctx.data, order)) if (other !== bid && other.state === "open") closeBid(ctx, other, "lost");
    return {};
  },
};

const closeLease: MsgDefinition<MsgCloseLease> = {
  codec: MsgCloseLease,
  response: MsgCloseLeaseResponse,
  module: "market",
  signer: (msg) => msg.id?.owner ?? "",
  validateBasic(msg) {
    validateBidId(msg.id);
  },
  execute(ctx, msg) {
    const id = validateBidId(msg.id);
    chargeRead(ctx, "order");
    const order = ctx.data.orders.get(orderKey(id));
    if (!order) throw MarketErrors.orderNotFound;
    if (order.state !== "active") throw MarketErrors.orderClosed;
    chargeRead(ctx, "bid");
    const bid = ctx.data.bids.get(bidKey(id));
    if (!bid) throw MarketErrors.bidNotFound;
    if (bid.state !== "active") throw MarketErrors.bidNotActive;
    chargeRead(ctx, "lease");
    const lease = ctx.data.leases.get(bidKey(id));
    if (!lease) throw MarketErrors.leaseNotFound;
    if (lease.state !== "active") throw MarketErrors.orderClosed;

    const account = getEscrowAccount(ctx, "deployment", deploymentEscrowXid(id.owner, id.dseq));
    const payment = ctx.data.payments.get(paymentKey("deployment", account.xid, leasePaymentXid(id)));
    if (payment) paymentClose(ctx, account, payment);
    closeLeaseRecord(ctx, id, "closed", LeaseClosedReason.owner);
    closeBid(ctx, bid);
    closeOrder(ctx, order);
    // the group is re-listed with a fresh order, as on chain
    const group = groupOf(ctx.data, id);
    if (group && group.state === "open" && account.state === "open") createOrder(ctx, { owner: id.owner, dseq: id.dseq, gseq: id.gseq, oseq: nextOseq(ctx.data, id) });
    return {};
  },
};

// ---------------------------------------------------------------------------------------------
// x/escrow
// ---------------------------------------------------------------------------------------------

const SCOPES: Record<number, "deployment" | "bid"> = { 1: "deployment", 2: "bid" };

const accountDeposit: MsgDefinition<MsgAccountDeposit> = {
  codec: MsgAccountDeposit,
  response: MsgAccountDepositResponse,
  module: "escrow",
  signer: (msg) => msg.signer,
  validateBasic(msg) {
    requireAddress(msg.signer, "signer");
    if (!msg.id || !SCOPES[msg.id.scope] || msg.id.xid === "") throw EscrowErrors.invalidId.wrap("escrow account id needs scope deployment or bid and an xid (\"owner/dseq\" for a deployment)");
    const coin = parseCoin(msg.deposit?.amount, "deposit amount");
    if (coin.amount === 0n) throw EscrowErrors.invalidDeposit;
    validateDeposit(msg.deposit);
  },
  execute(ctx, msg) {
    const scope = SCOPES[msg.id!.scope]!;
    const account = getEscrowAccount(ctx, scope, msg.id!.xid);
    const coin = { denom: msg.deposit!.amount!.denom, amount: BigInt(msg.deposit!.amount!.amount) };
    if (coin.denom !== DENOM_ACT && coin.denom !== DENOM_AKT) throw EscrowErrors.invalidDenomination.wrap(`${coin.denom} cannot fund an escrow account; deposit uact (or uakt)`);
    depositFromBalance(ctx, msg.signer, coin, msg.deposit!.sources);
    escrowAccountDeposit(ctx, account, { depositor: msg.signer, denom: coin.denom, amount: coin.amount, source: DepositSource.balance });
    return {};
  },
};

// ---------------------------------------------------------------------------------------------
// x/bank
// ---------------------------------------------------------------------------------------------

const send: MsgDefinition<MsgSend> = {
  codec: MsgSend,
  response: MsgSendResponse,
  module: "bank",
  signer: (msg) => msg.fromAddress,
  validateBasic(msg) {
    requireAddress(msg.fromAddress, "from");
    requireAddress(msg.toAddress, "to");
    if (msg.amount.length === 0) throw SdkErrors.invalidCoins.wrap("send amount is empty");
    for (const coin of msg.amount) {
      const parsed = parseCoin(coin, "send amount");
      if (parsed.amount === 0n) throw SdkErrors.invalidCoins.wrap(coinString(0n, parsed.denom));
    }
  },
  execute(ctx, msg) {
    for (const coin of msg.amount) {
      // ACT moves only through module logic (bank SendEnabled=false for uact)
      if (coin.denom === DENOM_ACT) throw BankErrors.sendDisabled.wrap(`${DENOM_ACT} transfers are currently disabled`);
    }
    for (const coin of msg.amount) sendCoins(ctx, msg.fromAddress, msg.toAddress, coin.denom, BigInt(coin.amount));
    return {};
  },
};

// ---------------------------------------------------------------------------------------------
// x/bme
// ---------------------------------------------------------------------------------------------

const mintAct: MsgDefinition<MsgMintACT> = {
  codec: MsgMintACT,
  response: MsgMintACTResponse,
  module: "bme",
  signer: (msg) => msg.owner,
  validateBasic(msg) {
    requireAddress(msg.owner, "owner");
    requireAddress(msg.to, "to");
    const coin = parseCoin(msg.coinsToBurn, "coins to burn");
    if (coin.denom !== DENOM_AKT) throw BmeErrors.invalidDenom.wrap(`MsgMintACT burns ${DENOM_AKT}, got ${coin.denom}`);
    if (coin.amount === 0n) throw SdkErrors.invalidCoins.wrap("coins to burn must be positive");
    if (msg.to !== msg.owner) throw BmeErrors.invalidRequest.wrap("if minted coin is ACT, 'to' must be same as owner");
  },
  execute(ctx, msg) {
    const amount = BigInt(msg.coinsToBurn!.amount);
    sendCoins(ctx, msg.owner, MODULE_ADDRESSES.bme, DENOM_AKT, amount);
    const mint = ctx.data.mint;
    const sequence = mint.nextSequence++;
    mint.pending.push({
      owner: msg.owner,
      to: msg.to,
      height: ctx.data.height,
      sequence,
      burnedUakt: amount,
      status: "pending",
      mintedUact: undefined,
      aktPrice: undefined,
    });
    chargeWrite(ctx, "mintRecord");
    emit(ctx, "akash.bme.v1.EventMintQueued", { owner: msg.owner, burn: coinString(amount, DENOM_AKT), epoch: String(mint.nextEpoch) });
    return {
      id: { denom: DENOM_AKT, toDenom: DENOM_ACT, source: msg.owner, height: String(ctx.data.height), sequence: sequence.toString() },
      status: 1, // ledger_record_status_pending
    };
  },
};

// ---------------------------------------------------------------------------------------------
// x/cert
// ---------------------------------------------------------------------------------------------

function certificateSerial(pem: Uint8Array, owner: string): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(pem));
  } catch (err) {
    throw CertErrors.invalidCertificate.wrap(`cannot parse the PEM certificate: ${(err as Error).message}`);
  }
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  if (cn !== owner) throw CertErrors.invalidCertificate.wrap(`certificate subject CN ${JSON.stringify(cn ?? "")} must be the owner address ${owner}`);
  return BigInt(`0x${cert.serialNumber}`).toString();
}

const createCertificate: MsgDefinition<MsgCreateCertificate> = {
  codec: MsgCreateCertificate,
  response: MsgCreateCertificateResponse,
  module: "cert",
  signer: (msg) => msg.owner,
  validateBasic(msg) {
    requireAddress(msg.owner, "owner");
    if (msg.cert.length === 0 || msg.pubkey.length === 0) throw CertErrors.invalidCertificate.wrap("cert and pubkey are required PEM bytes");
  },
  execute(ctx, msg) {
    const serial = certificateSerial(msg.cert, msg.owner);
    const key = certificateKey(msg.owner, serial);
    chargeHas(ctx);
    if (ctx.data.certificates.has(key)) throw CertErrors.certificateExists;
    ctx.data.certificates.set(key, { owner: msg.owner, serial, state: "valid", cert: new Uint8Array(msg.cert), pubkey: new Uint8Array(msg.pubkey) });
    chargeWrite(ctx, "certificate");
    return {};
  },
};

const revokeCertificate: MsgDefinition<MsgRevokeCertificate> = {
  codec: MsgRevokeCertificate,
  response: MsgRevokeCertificateResponse,
  module: "cert",
  signer: (msg) => msg.id?.owner ?? "",
  validateBasic(msg) {
    requireAddress(msg.id?.owner ?? "", "owner");
    if (!/^\d+$/.test(msg.id?.serial ?? "")) throw CertErrors.invalidCertificate.wrap("serial must be a decimal number");
  },
  execute(ctx, msg) {
    chargeRead(ctx, "certificate");
    const cert = ctx.data.certificates.get(certificateKey(msg.id!.owner, msg.id!.serial));
    if (!cert) throw CertErrors.certificateNotFound;
    if (cert.state === "revoked") throw new ChainError("cert", 4, "certificate already revoked");
    cert.state = "revoked";
    chargeWrite(ctx, "certificate");
    return {};
  },
};

/** Every message the devnet executes, by type URL. Anything else fails to decode, as on chain. */
export const MESSAGES: ReadonlyMap<string, MsgDefinition<never>> = new Map(
  (
    [
      createDeployment,
      updateDeployment,
      closeDeployment,
      closeGroup,
      pauseGroup,
      startGroup,
      createLease,
      closeLease,
      accountDeposit,
      send,
      mintAct,
      createCertificate,
      revokeCertificate,
    ] as MsgDefinition<never>[]
  ).map((def) => [`/${def.codec.$type}`, def]),
);

