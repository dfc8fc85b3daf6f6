/**
 * The query services, answered from state. One table keyed by gRPC method path
 * ("/akash.market.v1beta5.Query/Bids") serves the gRPC server, `abci_query` and the REST gateway,
 * so the three interfaces cannot disagree. Filters, pagination and errors follow the Akash
 * keepers' `grpc_query.go` and the Cosmos SDK modules.
 */
import { fromBech32, toHex } from "@cosmjs/encoding";
import { Tx, TxMsgData } from "@akashnetwork/chain-sdk/private-types/cosmos.v1beta1";
import { TxInCacheError, type Chain } from "./blocks.js";
import { AUTH_PARAMS, BECH32_PREFIX, BME_PARAMS, DENOM_ACT, DENOM_AKT, DEPLOYMENT_MIN_DEPOSITS, MARKET_PARAMS } from "./constants.js";
import { formatDecimal } from "./decimal.js";
import { GrpcCode, QueryError } from "./errors.js";
import { isAddress } from "./handlers.js";
import { MODULE_ADDRESSES } from "./keys.js";
import { aggregatedPrice } from "./oracle.js";
import { bidKey, deploymentKey, escrowAccountKey, orderKey, paymentsOf, type MintRecord } from "./state.js";
import type { TxResult } from "./tx.js";
import {
  baseAccountView,
  bidView,
  deploymentEscrowView,
  deploymentView,
  escrowAccountView,
  groupView,
  leaseView,
  orderView,
  packedAccount,
  paymentView,
  BID_STATE,
  DEPLOYMENT_STATE,
  ESCROW_STATE,
  LEASE_STATE,
  ORDER_STATE,
} from "./views.js";

export interface QueryContext {
  chain: Chain;
}

/** A decoded request (a codec's message object) → a response partial (or a promise of one). */
export type QueryHandler = (request: unknown, ctx: QueryContext) => unknown;

type Numberish = { toString(): string } | number | undefined;
interface PageRequestLike {
  key?: Uint8Array;
  offset?: Numberish;
  limit?: Numberish;
  countTotal?: boolean;
  reverse?: boolean;
}

function num(value: Numberish): bigint {
  return value === undefined ? 0n : BigInt(value.toString());
}

/** Cosmos pagination: an opaque `key` (here the next index), or `offset`; `limit` defaults to 100. */
export function paginate<T>(items: readonly T[], page: PageRequestLike | undefined): { items: T[]; pagination: { nextKey: Uint8Array; total: string } } {
  const list = page?.reverse ? [...items].reverse() : [...items];
  const limit = Number(num(page?.limit)) || 100;
  let start = Number(num(page?.offset));
  if (page?.key && page.key.length > 0) {
    const text = new TextDecoder().decode(page.key);
    if (!/^\d+$/.test(text)) throw new QueryError(GrpcCode.INVALID_ARGUMENT, "invalid pagination key: pass back the next_key of the previous page");
    start = Number(text);
  }
  const slice = list.slice(start, start + limit);
  const next = start + limit < list.length ? new TextEncoder().encode(String(start + limit)) : new Uint8Array();
  return { items: slice, pagination: { nextKey: next, total: page?.countTotal ? String(list.length) : "0" } };
}

function stateFilter<S extends string>(value: string | undefined, states: Record<S, number>): S | undefined {
  if (!value) return undefined;
  if (!(value in states)) throw new QueryError(GrpcCode.INVALID_ARGUMENT, "invalid state value");
  return value as S;
}

function requireAddress(address: string): void {
  if (!isAddress(address)) {
    let reason = "empty address string is not allowed";
    if (address !== "") {
      try {
        reason = `invalid Bech32 prefix; expected ${BECH32_PREFIX}, got ${fromBech32(address).prefix}`;
      } catch (err) {
        reason = `decoding bech32 failed: ${(err as Error).message}`;
      }
    }
    throw new QueryError(GrpcCode.INVALID_ARGUMENT, `invalid address: ${reason}`);
  }
}

interface IdFilters {
  owner?: string;
  dseq?: Numberish;
  gseq?: number;
  oseq?: number;
  provider?: string;
  state?: string;
}

function matches(id: { owner: string; dseq: bigint; gseq?: number; oseq?: number; provider?: string }, f: IdFilters | undefined): boolean {
  if (!f) return true;
  if (f.owner && id.owner !== f.owner) return false;
  if (num(f.dseq) !== 0n && id.dseq !== num(f.dseq)) return false;
  if (f.gseq && id.gseq !== f.gseq) return false;
  if (f.oseq && id.oseq !== f.oseq) return false;
  if (f.provider && id.provider !== f.provider) return false;
  return true;
}

const LEDGER_STATUS = { ledger_record_status_pending: 1, ledger_record_status_executed: 2 } as const;

function ledgerEntry(record: MintRecord, aktPrice: bigint) {
  const id = { denom: DENOM_AKT, toDenom: DENOM_ACT, source: record.owner, height: String(record.height), sequence: record.sequence.toString() };
  if (record.status === "pending") {
    return { id, status: LEDGER_STATUS.ledger_record_status_pending, pendingRecord: { owner: record.owner, to: record.to, coinsToBurn: { denom: DENOM_AKT, amount: record.burnedUakt.toString() }, denomToMint: DENOM_ACT } };
  }
  return {
    id,
    status: LEDGER_STATUS.ledger_record_status_executed,
    executedRecord: {
      burnedFrom: record.owner,
      mintedTo: record.to,
      burner: MODULE_ADDRESSES.bme,
      minter: MODULE_ADDRESSES.bme,
      burned: { coin: { denom: DENOM_AKT, amount: record.burnedUakt.toString() }, price: formatDecimal(record.aktPrice ?? aktPrice) },
      minted: { coin: { denom: DENOM_ACT, amount: (record.mintedUact ?? 0n).toString() }, price: formatDecimal(10n ** 18n) },
    },
  };
}

function simulateError(result: TxResult): QueryError {
  return new QueryError(GrpcCode.UNKNOWN, `${result.log} With gas wanted: '${result.gasWanted}' and gas used: '${result.gasUsed}' `);
}

function txResponseView(ctx: QueryContext, hash: string) {
  const stored = ctx.chain.txs.get(hash.toUpperCase());
  if (!stored) return undefined;
  const block = ctx.chain.block(stored.height);
  let tx: unknown;
  try {
    tx = Tx.decode(stored.bytes);
  } catch {
    tx = undefined;
  }
  return {
    tx,
    txResponse: {
      height: String(stored.height),
      txhash: stored.hash,
      codespace: stored.result.codespace,
      code: stored.result.code,
      data: toHex(stored.result.data).toUpperCase(),
      rawLog: stored.result.log,
      logs: [],
      info: "",
      gasWanted: String(stored.result.gasWanted),
      gasUsed: String(stored.result.gasUsed),
      tx: { typeUrl: "/cosmos.tx.v1beta1.Tx", value: stored.bytes },
      timestamp: block ? new Date(block.time).toISOString().replace(/\.\d+Z$/, "Z") : "",
      events: stored.result.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: true })) })),
    },
  };
}

function denomMetadata(base: string, display: string, name: string) {
  return {
    description: `The ${name} token`,
    denomUnits: [
      { denom: base, exponent: 0, aliases: [] },
      { denom: display, exponent: 6, aliases: [] },
    ],
    base,
    display,
    name,
    symbol: display.toUpperCase(),
    uri: "",
    uriHash: "",
  };
}

const DENOM_METADATA = [denomMetadata(DENOM_ACT, "act", "Akash Compute Token"), denomMetadata(DENOM_AKT, "akt", "Akash Token")];

function balance(req: { address: string; denom: string }, { chain }: QueryContext) {
  requireAddress(req.address);
  if (!req.denom) throw new QueryError(GrpcCode.INVALID_ARGUMENT, "invalid denom");
  return { balance: { denom: req.denom, amount: (chain.data.balances.get(req.address)?.get(req.denom) ?? 0n).toString() } };
}

function allBalances(req: { address: string; pagination?: PageRequestLike }, { chain }: QueryContext) {
  requireAddress(req.address);
  const balances = [...(chain.data.balances.get(req.address) ?? new Map<string, bigint>())].sort(([a], [b]) => (a < b ? -1 : 1)).map(([denom, amount]) => ({ denom, amount: amount.toString() }));
  const page = paginate(balances, req.pagination);
  return { balances: page.items, pagination: page.pagination };
}

const HANDLERS = {
  // ---------------------------------------------------------------- akash.deployment.v1beta4
  "/akash.deployment.v1beta4.Query/Deployments"(req: { filters?: IdFilters; pagination?: PageRequestLike }, { chain }) {
    const state = stateFilter(req.filters?.state, DEPLOYMENT_STATE);
    const all = [...chain.data.deployments.values()].filter((d) => matches(d, req.filters) && (!state || d.state === state));
    const page = paginate(all, req.pagination);
    return {
      deployments: page.items.map((d) => ({ deployment: deploymentView(d), groups: d.groups.map((g) => groupView(d, g)), escrowAccount: deploymentEscrowView(chain.data, d) })),
      pagination: page.pagination,
    };
  },
  "/akash.deployment.v1beta4.Query/Deployment"(req: { id?: { owner: string; dseq: Numberish } }, { chain }) {
    const d = req.id ? chain.data.deployments.get(deploymentKey(req.id.owner, num(req.id.dseq))) : undefined;
    if (!d) throw new QueryError(GrpcCode.NOT_FOUND, "deployment not found");
    return { deployment: deploymentView(d), groups: d.groups.map((g) => groupView(d, g)), escrowAccount: deploymentEscrowView(chain.data, d) };
  },
  "/akash.deployment.v1beta4.Query/Group"(req: { id?: { owner: string; dseq: Numberish; gseq: number } }, { chain }) {
    const d = req.id ? chain.data.deployments.get(deploymentKey(req.id.owner, num(req.id.dseq))) : undefined;
    const g = d?.groups.find((x) => x.gseq === req.id?.gseq);
    if (!d || !g) throw new QueryError(GrpcCode.NOT_FOUND, "group not found");
    return { group: groupView(d, g) };
  },
  "/akash.deployment.v1beta4.Query/Params"() {
    return { params: { minDeposits: DEPLOYMENT_MIN_DEPOSITS.map((c) => ({ denom: c.denom, amount: c.amount.toString() })) } };
  },

  // ---------------------------------------------------------------- akash.market.v1beta5
  "/akash.market.v1beta5.Query/Orders"(req: { filters?: IdFilters; pagination?: PageRequestLike }, { chain }) {
    const state = stateFilter(req.filters?.state, ORDER_STATE);
    const all = [...chain.data.orders.values()].filter((o) => matches(o, req.filters) && (!state || o.state === state));
    const page = paginate(all, req.pagination);
    return { orders: page.items.map((o) => orderView(chain.data, o)), pagination: page.pagination };
  },
  "/akash.market.v1beta5.Query/Order"(req: { id?: { owner: string; dseq: Numberish; gseq: number; oseq: number } }, { chain }) {
    const o = req.id ? chain.data.orders.get(orderKey({ owner: req.id.owner, dseq: num(req.id.dseq), gseq: req.id.gseq, oseq: req.id.oseq })) : undefined;
    if (!o) throw new QueryError(GrpcCode.NOT_FOUND, "order not found");
    return { order: orderView(chain.data, o) };
  },
  "/akash.market.v1beta5.Query/Bids"(req: { filters?: IdFilters; pagination?: PageRequestLike }, { chain }) {
    const state = stateFilter(req.filters?.state, BID_STATE);
    const all = [...chain.data.bids.values()].filter((b) => matches(b.id, req.filters) && (!state || b.state === state));
    const page = paginate(all, req.pagination);
    return {
      bids: page.items.map((b) => {
        const account = chain.data.escrowAccounts.get(escrowAccountKey("bid", `${b.id.owner}/${b.id.dseq}/${b.id.gseq}/${b.id.oseq}/${b.id.provider}`));
        return { bid: bidView(b), escrowAccount: account ? escrowAccountView(account) : undefined };
      }),
      pagination: page.pagination,
    };
  },
  "/akash.market.v1beta5.Query/Bid"(req: { id?: { owner: string; dseq: Numberish; gseq: number; oseq: number; provider: string; bseq: number } }, { chain }) {
    const id = req.id ? { owner: req.id.owner, dseq: num(req.id.dseq), gseq: req.id.gseq, oseq: req.id.oseq, provider: req.id.provider, bseq: req.id.bseq } : undefined;
    const b = id ? chain.data.bids.get(bidKey(id)) : undefined;
    if (!b || !id) throw new QueryError(GrpcCode.NOT_FOUND, "bid not found");
    const account = chain.data.escrowAccounts.get(escrowAccountKey("bid", `${id.owner}/${id.dseq}/${id.gseq}/${id.oseq}/${id.provider}`));
    return { bid: bidView(b), escrowAccount: account ? escrowAccountView(account) : undefined };
  },
  "/akash.market.v1beta5.Query/Leases"(req: { filters?: IdFilters; pagination?: PageRequestLike }, { chain }) {
    const state = stateFilter(req.filters?.state, LEASE_STATE);
    const all = [...chain.data.leases.values()].filter((l) => matches(l.id, req.filters) && (!state || l.state === state));
    const page = paginate(all, req.pagination);
    return {
      leases: page.items.map((l) => {
        const account = chain.data.escrowAccounts.get(escrowAccountKey("deployment", `${l.id.owner}/${l.id.dseq}`));
        const payment = account ? paymentsOf(chain.data, account).find((p) => p.xid === `${l.id.gseq}/${l.id.oseq}/${l.id.provider}`) : undefined;
        return { lease: leaseView(l), escrowPayment: payment ? paymentView(payment) : undefined };
      }),
      pagination: page.pagination,
    };
  },
  "/akash.market.v1beta5.Query/Lease"(req: { id?: { owner: string; dseq: Numberish; gseq: number; oseq: number; provider: string; bseq: number } }, { chain }) {
    const id = req.id ? { owner: req.id.owner, dseq: num(req.id.dseq), gseq: req.id.gseq, oseq: req.id.oseq, provider: req.id.provider, bseq: req.id.bseq } : undefined;
    const l = id ? chain.data.leases.get(bidKey(id)) : undefined;
    if (!l) throw new QueryError(GrpcCode.NOT_FOUND, "lease not found");
    const account = chain.data.escrowAccounts.get(escrowAccountKey("deployment", `${l.id.owner}/${l.id.dseq}`));
    const payment = account ? paymentsOf(chain.data, account).find((p) => p.xid === `${l.id.gseq}/${l.id.oseq}/${l.id.provider}`) : undefined;
    return { lease: leaseView(l), escrowPayment: payment ? paymentView(payment) : undefined };
  },
  "/akash.market.v1beta5.Query/Params"() {
    return {
      params: {
        bidMinDeposit: { denom: MARKET_PARAMS.bidMinDeposit.denom, amount: MARKET_PARAMS.bidMinDeposit.amount.toString() },
        orderMaxBids: MARKET_PARAMS.orderMaxBids,
        bidMinDeposits: MARKET_PARAMS.bidMinDeposits.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
      },
    };
  },

  // ---------------------------------------------------------------- akash.escrow.v1
  "/akash.escrow.v1.Query/Accounts"(req: { state?: string; xid?: string; pagination?: PageRequestLike }, { chain }) {
    const state = stateFilter(req.state, ESCROW_STATE);
    const all = [...chain.data.escrowAccounts.values()].filter((a) => (!state || a.state === state) && (!req.xid || a.xid === req.xid || a.xid.startsWith(`${req.xid}/`)));
    const page = paginate(all, req.pagination);
    return { accounts: page.items.map(escrowAccountView), pagination: page.pagination };
  },
  "/akash.escrow.v1.Query/Payments"(req: { state?: string; xid?: string; pagination?: PageRequestLike }, { chain }) {
    const state = stateFilter(req.state, ESCROW_STATE);
    const all = [...chain.data.payments.values()].filter((p) => (!state || p.state === state) && (!req.xid || p.accountXid === req.xid || p.accountXid.startsWith(`${req.xid}/`)));
    const page = paginate(all, req.pagination);
    return { payments: page.items.map(paymentView), pagination: page.pagination };
  },

  // ---------------------------------------------------------------- akash.provider.v1beta4
  "/akash.provider.v1beta4.Query/Providers"(req: { pagination?: PageRequestLike }, { chain }) {
    const page = paginate([...chain.data.providers.values()], req.pagination);
    return { providers: page.items, pagination: page.pagination };
  },
  "/akash.provider.v1beta4.Query/Provider"(req: { owner: string }, { chain }) {
    requireAddress(req.owner);
    const provider = chain.data.providers.get(req.owner);
    if (!provider) throw new QueryError(GrpcCode.NOT_FOUND, "invalid provider: address not found");
    return { provider };
  },

  // ---------------------------------------------------------------- akash.cert.v1
  "/akash.cert.v1.Query/Certificates"(req: { filter?: { owner?: string; serial?: string; state?: string }; pagination?: PageRequestLike }, { chain }) {
    const f = req.filter;
    const state = stateFilter(f?.state, { valid: 1, revoked: 2 });
    const all = [...chain.data.certificates.values()].filter((c) => (!f?.owner || c.owner === f.owner) && (!f?.serial || c.serial === f.serial) && (!state || c.state === state));
    const page = paginate(all, req.pagination);
    return {
      certificates: page.items.map((c) => ({ certificate: { state: c.state === "valid" ? 1 : 2, cert: c.cert, pubkey: c.pubkey }, serial: c.serial })),
      pagination: page.pagination,
    };
  },

  // ---------------------------------------------------------------- akash.audit.v1
  "/akash.audit.v1.Query/AllProvidersAttributes"(req: { pagination?: PageRequestLike }, { chain }) {
    const page = paginate([...chain.data.audits.values()], req.pagination);
    return { providers: page.items, pagination: page.pagination };
  },
  "/akash.audit.v1.Query/ProviderAttributes"(req: { owner: string; pagination?: PageRequestLike }, { chain }) {
    requireAddress(req.owner);
    const page = paginate([...chain.data.audits.values()].filter((a) => a.owner === req.owner), req.pagination);
    return { providers: page.items, pagination: page.pagination };
  },
  "/akash.audit.v1.Query/ProviderAuditorAttributes"(req: { owner: string; auditor: string }, { chain }) {
    const found = [...chain.data.audits.values()].filter((a) => a.owner === req.owner && a.auditor === req.auditor);
    if (found.length === 0) throw new QueryError(GrpcCode.NOT_FOUND, "provider attributes not found");
    return { providers: found, pagination: { nextKey: new Uint8Array(), total: String(found.length) } };
  },
  "/akash.audit.v1.Query/AuditorAttributes"(req: { auditor: string; pagination?: PageRequestLike }, { chain }) {
    const page = paginate([...chain.data.audits.values()].filter((a) => a.auditor === req.auditor), req.pagination);
    return { providers: page.items, pagination: page.pagination };
  },

  // ---------------------------------------------------------------- akash.bme.v1
  "/akash.bme.v1.Query/Params"(_req: unknown, { chain }) {
    return {
      params: {
        circuitBreakerWarnThreshold: BME_PARAMS.circuitBreakerWarnThreshold,
        circuitBreakerHaltThreshold: BME_PARAMS.circuitBreakerHaltThreshold,
        minEpochBlocks: String(chain.data.mint.epochBlocks),
        epochBlocksBackoffPercent: 0,
        mintSpreadBps: Number(BME_PARAMS.mintSpreadBps),
        settleSpreadBps: Number(BME_PARAMS.settleSpreadBps),
        maxEndblockerRecords: BME_PARAMS.maxEndblockerRecords,
      },
    };
  },
  "/akash.bme.v1.Query/VaultState"(_req: unknown, { chain }) {
    const mint = chain.data.mint;
    const vault = chain.data.balances.get(MODULE_ADDRESSES.bme)?.get(DENOM_AKT) ?? 0n;
    return {
      vaultState: {
        balances: [{ denom: DENOM_AKT, amount: vault.toString() }],
        totalBurned: [{ denom: DENOM_AKT, amount: mint.totalBurnedUakt.toString() }],
        totalMinted: [{ denom: DENOM_ACT, amount: mint.totalMintedUact.toString() }],
        remintCredits: [],
      },
    };
  },
  "/akash.bme.v1.Query/Status"() {
    return {
      status: 1, // mint_status_healthy
      collateralRatio: "1.500000000000000000",
      warnThreshold: "0.950000000000000000",
      haltThreshold: "0.900000000000000000",
      mintsAllowed: true,
      refundsAllowed: true,
    };
  },
  "/akash.bme.v1.Query/LedgerRecords"(req: { filters?: { source?: string; denom?: string; toDenom?: string; status?: string }; pagination?: PageRequestLike }, { chain }) {
    const f = req.filters;
    const status = stateFilter(f?.status, LEDGER_STATUS);
    const all = [...chain.data.mint.executed, ...chain.data.mint.pending]
      .filter((r) => (!f?.source || r.owner === f.source) && (!f?.denom || f.denom === DENOM_AKT) && (!f?.toDenom || f.toDenom === DENOM_ACT))
      .filter((r) => !status || (status === "ledger_record_status_pending") === (r.status === "pending"));
    const page = paginate(all, req.pagination);
    return { records: page.items.map((r) => ledgerEntry(r, chain.data.mint.aktPrice)), pagination: page.pagination };
  },

  // ---------------------------------------------------------------- akash.oracle.v1
  "/akash.oracle.v1.Query/AggregatedPrice": aggregatedPrice,

  // ---------------------------------------------------------------- cosmos.bank.v1beta1
  "/cosmos.bank.v1beta1.Query/Balance": balance,
  "/cosmos.bank.v1beta1.Query/AllBalances": allBalances,
  "/cosmos.bank.v1beta1.Query/SpendableBalances": allBalances,
  "/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom": balance,
  "/cosmos.bank.v1beta1.Query/TotalSupply"(req: { pagination?: PageRequestLike }, { chain }) {
    const supply = [...chain.data.supply].sort(([a], [b]) => (a < b ? -1 : 1)).map(([denom, amount]) => ({ denom, amount: amount.toString() }));
    const page = paginate(supply, req.pagination);
    return { supply: page.items, pagination: page.pagination };
  },
  "/cosmos.bank.v1beta1.Query/SupplyOf"(req: { denom: string }, { chain }) {
    return { amount: { denom: req.denom, amount: (chain.data.supply.get(req.denom) ?? 0n).toString() } };
  },
  "/cosmos.bank.v1beta1.Query/Params"() {
    return { params: { sendEnabled: [], defaultSendEnabled: true } };
  },
  "/cosmos.bank.v1beta1.Query/SendEnabled"(req: { denoms: string[] }) {
    const all = [
      { denom: DENOM_ACT, enabled: false },
      { denom: DENOM_AKT, enabled: true },
    ];
    return { sendEnabled: req.denoms.length > 0 ? all.filter((s) => req.denoms.includes(s.denom)) : all.filter((s) => !s.enabled) };
  },
  "/cosmos.bank.v1beta1.Query/DenomsMetadata"(req: { pagination?: PageRequestLike }) {
    const page = paginate(DENOM_METADATA, req.pagination);
    return { metadatas: page.items, pagination: page.pagination };
  },
  "/cosmos.bank.v1beta1.Query/DenomMetadata"(req: { denom: string }) {
    const metadata = DENOM_METADATA.find((m) => m.base === req.denom);
    if (!metadata) throw new QueryError(GrpcCode.NOT_FOUND, `client metadata for denom ${req.denom}`);
    return { metadata };
  },

  // ---------------------------------------------------------------- cosmos.auth.v1beta1
  "/cosmos.auth.v1beta1.Query/Account"(req: { address: string }, { chain }) {
    requireAddress(req.address);
    const account = chain.data.accounts.get(req.address);
    if (!account) throw new QueryError(GrpcCode.NOT_FOUND, `account ${req.address} not found`);
    return { account: packedAccount(account) };
  },
  "/cosmos.auth.v1beta1.Query/Accounts"(req: { pagination?: PageRequestLike }, { chain }) {
    const page = paginate([...chain.data.accounts.values()], req.pagination);
    return { accounts: page.items.map(packedAccount), pagination: page.pagination };
  },
  "/cosmos.auth.v1beta1.Query/AccountInfo"(req: { address: string }, { chain }) {
    requireAddress(req.address);
    const account = chain.data.accounts.get(req.address);
    if (!account) throw new QueryError(GrpcCode.NOT_FOUND, `account ${req.address} not found`);
    return { info: baseAccountView(account) };
  },
  "/cosmos.auth.v1beta1.Query/Params"() {
    return {
      params: {
        maxMemoCharacters: String(AUTH_PARAMS.maxMemoCharacters),
        txSigLimit: String(AUTH_PARAMS.txSigLimit),
        txSizeCostPerByte: String(AUTH_PARAMS.txSizeCostPerByte),
        sigVerifyCostEd25519: String(AUTH_PARAMS.sigVerifyCostEd25519),
        sigVerifyCostSecp256k1: String(AUTH_PARAMS.sigVerifyCostSecp256k1),
      },
    };
  },
  "/cosmos.auth.v1beta1.Query/Bech32Prefix"() {
    return { bech32Prefix: BECH32_PREFIX };
  },

  // ---------------------------------------------------------------- cosmos.tx.v1beta1
  async "/cosmos.tx.v1beta1.Service/Simulate"(req: { txBytes: Uint8Array; tx?: unknown }, { chain }) {
    const bytes = req.txBytes.length > 0 ? req.txBytes : req.tx ? Tx.encode(Tx.fromPartial(req.tx)).finish() : new Uint8Array();
    if (bytes.length === 0) throw new QueryError(GrpcCode.INVALID_ARGUMENT, "empty txBytes is not allowed");
    const result = await chain.simulate(bytes);
    if (result.code !== 0) throw simulateError(result);
    return {
      gasInfo: { gasWanted: String(result.gasWanted), gasUsed: String(result.gasUsed) },
      result: {
        data: new Uint8Array(),
        log: "",
        events: result.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: false })) })),
        msgResponses: decodeMsgResponses(result.data),
      },
    };
  },
  "/cosmos.tx.v1beta1.Service/GetTx"(req: { hash: string }, ctx) {
    if (!/^[0-9a-fA-F]{64}$/.test(req.hash)) throw new QueryError(GrpcCode.INVALID_ARGUMENT, "tx hash must be 64 hex characters");
    const view = txResponseView(ctx, req.hash);
    if (!view) throw new QueryError(GrpcCode.NOT_FOUND, `tx not found: ${req.hash}`);
    return view;
  },
  async "/cosmos.tx.v1beta1.Service/BroadcastTx"(req: { txBytes: Uint8Array }, { chain }) {
    if (req.txBytes.length === 0) throw new QueryError(GrpcCode.INVALID_ARGUMENT, "invalid empty tx");
    let checked: Awaited<ReturnType<Chain["checkTx"]>>;
    try {
      checked = await chain.checkTx(req.txBytes);
    } catch (err) {
      // The SDK's BroadcastTx turns CometBFT's ErrTxInCache into code 19 with an empty log
      // (client/broadcast.go CheckCometError); only the raw JSON-RPC answers with the error.
      if (!(err instanceof TxInCacheError)) throw err;
      return { txResponse: { height: "0", txhash: err.hash, codespace: "sdk", code: 19, data: "", rawLog: "", logs: [], info: "", gasWanted: "0", gasUsed: "0", events: [] } };
    }
    const { hash, result } = checked;
    return { txResponse: { height: "0", txhash: hash, codespace: result.codespace, code: result.code, data: "", rawLog: result.log, logs: [], info: "", gasWanted: String(result.gasWanted), gasUsed: String(result.gasUsed), events: [] } };
  },

} satisfies Record<string, (request: never, ctx: QueryContext) => unknown>;

/** Every implemented method by gRPC path; anything else answers Unimplemented. */
export const QUERY_HANDLERS: ReadonlyMap<string, QueryHandler> = new Map(Object.entries(HANDLERS) as Array<[string, QueryHandler]>);

function decodeMsgResponses(data: Uint8Array): Array<{ typeUrl: string; value: Uint8Array }> {
  if (data.length === 0) return [];
  // TxMsgData is what runTx encodes; decoding it keeps the simulate response identical
  return TxMsgData.decode(data).msgResponses;
}
