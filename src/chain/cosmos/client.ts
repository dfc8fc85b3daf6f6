/**
 * `ChainClient` for Akash's Cosmos chain (akashnet-2, sandbox-2, the local devnet): queries go
 * through chain-sdk's `createChainNodeSDK` (gRPC), simulation and signing through cosmjs'
 * `SigningStargateClient` with a registry of the messages the deployer sends (chain-sdk's codecs),
 * and broadcasting through cosmjs' CometBFT client (over `comet-rpc.ts`), because the deployer
 * needs control that `signAndBroadcast` does not give:
 *
 * - the hash is known before the transaction is sent (callers record it: after a crash the
 *   transaction is found again by hash instead of being sent twice);
 * - broadcast_tx_sync then polling `tx` by hash, re-broadcasting the same bytes after a timeout
 *   or a dropped connection (same bytes = same hash: the chain includes it at most once);
 * - gas = simulated × a margin, and on out-of-gas one more try with 1.6 × (reference §4.3);
 * - a sequence mismatch is re-signed with a fresh sequence after a short wait.
 */
import { createHash } from "node:crypto";
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { CometClient as CosmjsCometClient } from "@cosmjs/tendermint-rpc";
import { ChainTxError, ChainUnavailableError, TxTimeoutError, type TxFailureKind } from "../errors.js";
import type { Network } from "../networks.js";
import { errorText, isConnectionError, sleep, withRetry, type RetryPolicy } from "../retry.js";
import type {
  AuditedAttributes,
  Bid,
  BidState,
  BroadcastOptions,
  Certificate,
  ChainClient,
  ChainMsg,
  Coin,
  DepositParams,
  DeploymentInfo,
  Lease,
  MintParams,
  Order,
  ProviderInfo,
  SignedMemo,
  TxResult,
} from "../types.js";
import type { Mnemonic } from "../wallet.js";
import { bidFromProto, coin, deploymentFromProto, leaseFromProto, longToNumber, orderFromProto } from "./convert.js";
import { deriveKeys, type AkashKeys } from "./keys.js";
import { describeMsg, MESSAGE_TYPES, toEncodeObject } from "./messages.js";
import { connectCometOverNodeHttp } from "./comet-rpc.js";
import { createChainNodeSDK, Registry, SigningStargateClient, TxBody, TxRaw } from "./vendor-entry.js";

type NodeSdk = ReturnType<typeof createChainNodeSDK>;

/** The part of cosmjs' CometBFT clients (0.34/0.37/0.38 differ in types only) the deployer uses. */
interface CometClient {
  status(): Promise<{ syncInfo: { latestBlockHeight: number } }>;
  block(height?: number): Promise<{ block: { header: { time: Date } } }>;
  tx(params: { hash: Uint8Array }): Promise<{
    height: number;
    result: { code: number; codespace?: string; log?: string; gasWanted: bigint; gasUsed: bigint };
  }>;
  broadcastTxSync(params: { tx: Uint8Array }): Promise<{ code: number; codespace?: string; log?: string }>;
  txSearch(params: { query: string; page?: number; per_page?: number; order_by?: "asc" | "desc" }): Promise<{
    totalCount: number;
    txs: ReadonlyArray<{ height: number; tx: Uint8Array; result: { code: number } }>;
  }>;
  disconnect(): void;
}

export interface CosmosClientOptions {
  /** Simulated gas × this; default 2 (Console's tx-signer value: state can change between simulation and the block, e.g. more bids to close when a lease lands). */
  gasMargin?: number;
  /** How often to look for an included transaction; default a quarter of the block time, 50 ms–2 s. */
  pollIntervalMs?: number;
  /** How long to wait for inclusion before giving up (the transaction may still land); default 20 blocks, at least 30 s. */
  inclusionTimeoutMs?: number;
  /** Re-broadcast the same bytes when the transaction was not seen for this long; default 4 blocks, at least 2 s. */
  rebroadcastAfterMs?: number;
  /** Told about retries and waits, for the terminal. */
  log?(message: string): void;
}

/** The smallest mint that executes (chain-sdk `go/node/bme/v1/params.go` MinMint; reference §1.3). */
const MIN_MINT_UACT = "10000000";
/** Cosmos SDK error codes in the `sdk` codespace. */
const SDK_CODES: Record<number, TxFailureKind> = {
  4: "unauthorized",
  5: "insufficient-funds",
  11: "out-of-gas",
  13: "insufficient-fee",
  19: "already-known",
  32: "sequence-mismatch",
};
const OUT_OF_GAS_FACTOR = 1.6;
const OUT_OF_GAS_RETRIES = 2;
const SEQUENCE_RETRIES = 5;
const PAGE = { limit: 1000 };

export class CosmosChainClient implements ChainClient {
  readonly chainId: string;
  readonly address: string;
  readonly gasPrice: { denom: string; price: number };
  /** The node's CometBFT client (cosmjs' type; `CometClient` above is the part this file calls). */
  private comet: Promise<CosmjsCometClient> | undefined;
  private signing: Promise<SigningStargateClient> | undefined;
  private depositParamsRead: Promise<DepositParams> | undefined;
  private readonly gasMargin: number;
  private readonly log: (message: string) => void;
  private readonly rpcRetry: RetryPolicy;

  private constructor(
    private readonly network: Network,
    private readonly keys: AkashKeys,
    private readonly sdk: NodeSdk,
    private readonly options: CosmosClientOptions,
  ) {
    this.chainId = network.chainId;
    this.address = keys.address;
    const match = /^([\d.]+)([a-z][a-z0-9/]*)$/.exec(network.gasPrice);
    this.gasPrice = match ? { price: Number(match[1]), denom: match[2]! } : { price: 0.025, denom: "uakt" };
    this.gasMargin = options.gasMargin ?? 2;
    this.log = options.log ?? (() => {});
    this.rpcRetry = {
      // About 12 s of retries: rides out a node restart or a burst of load-balancer errors.
      attempts: 8,
      initialDelayMs: 200,
      maxDelayMs: 3000,
      retryable: isConnectionError,
      onRetry: (err, attempt, delay) => this.log(`chain RPC ${network.rpc} failed (${shortError(err)}); retry ${attempt} in ${delay} ms`),
    };
  }

  static async connect(network: Network, mnemonic: Mnemonic, options: CosmosClientOptions = {}): Promise<CosmosChainClient> {
    const keys = await deriveKeys(mnemonic);
    const sdk = createChainNodeSDK({
      query: { baseUrl: network.grpc, transportOptions: { retry: { maxAttempts: 3, maxDelayMs: 2000 }, defaultTimeoutMs: 15_000 } },
    });
    return new CosmosChainClient(network, keys, sdk, options);
  }

  /** Simulates and signs over the same CometBFT connection as everything else (connected on first use). */
  private signingClient(): Promise<SigningStargateClient> {
    if (!this.signing) {
      const registry = new Registry(MESSAGE_TYPES.map((type) => [type.typeUrl, type] as [string, typeof type]));
      const signing = this.connectedComet().then((comet) => SigningStargateClient.createWithSigner(comet, this.keys.directSigner, { registry }));
      // A failed connection is tried again next time (cometClient() forgets it too).
      signing.catch(() => {
        if (this.signing === signing) this.signing = undefined;
      });
      this.signing = signing;
    }
    return this.signing;
  }

  /** The amino signer behind the address, for provider JWTs (ES256KADR36). */
  get aminoSigner(): AkashKeys["aminoSigner"] {
    return this.keys.aminoSigner;
  }

  // ---------------------------------------------------------------------------------------------
  // Queries
  // ---------------------------------------------------------------------------------------------

  async latestHeight(): Promise<number> {
    const status = await this.rpc("read the latest block", (c) => c.status());
    return status.syncInfo.latestBlockHeight;
  }

  async blockTimeSeconds(): Promise<number> {
    const span = 20;
    const latest = await this.latestHeight();
    if (latest <= 2) return this.network.blockSeconds;
    const from = Math.max(1, latest - span);
    const [a, b] = await Promise.all([
      this.rpc("read a block", (c) => c.block(from)),
      this.rpc("read a block", (c) => c.block(latest)),
    ]);
    const seconds = (b.block.header.time.getTime() - a.block.header.time.getTime()) / 1000 / (latest - from);
    return seconds > 0 && Number.isFinite(seconds) ? seconds : this.network.blockSeconds;
  }

  async deployment(owner: string, dseq: string): Promise<DeploymentInfo | undefined> {
    try {
      const response = await this.query("read deployment", () => this.sdk.akash.deployment.v1beta4.getDeployment({ id: { owner, dseq } }));
      return deploymentFromProto(response);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async deployments(owner: string, state?: "active" | "closed"): Promise<DeploymentInfo[]> {
    const response = await this.query("list deployments", () =>
      this.sdk.akash.deployment.v1beta4.getDeployments({ filters: { owner, state: state ?? "" }, pagination: PAGE }),
    );
    return response.deployments.map(deploymentFromProto).filter((d): d is DeploymentInfo => d !== undefined);
  }

  async orders(owner: string, dseq: string): Promise<Order[]> {
    const response = await this.query("list orders", () => this.sdk.akash.market.v1beta5.getOrders({ filters: { owner, dseq }, pagination: PAGE }));
    return response.orders.map(orderFromProto);
  }

  async bids(owner: string, dseq: string, state?: BidState): Promise<Bid[]> {
    const response = await this.query("list bids", () =>
      this.sdk.akash.market.v1beta5.getBids({ filters: { owner, dseq, state: state ?? "" }, pagination: PAGE }),
    );
    return response.bids.flatMap((b) => (b.bid ? [bidFromProto(b.bid)] : []));
  }

  async leases(owner: string, dseq: string): Promise<Lease[]> {
    const response = await this.query("list leases", () => this.sdk.akash.market.v1beta5.getLeases({ filters: { owner, dseq }, pagination: PAGE }));
    return response.leases.map(leaseFromProto).filter((l): l is Lease => l !== undefined);
  }

  async provider(address: string): Promise<ProviderInfo | undefined> {
    try {
      const response = await this.query("read provider", () => this.sdk.akash.provider.v1beta4.getProvider({ owner: address }));
      const p = response.provider;
      if (!p) return undefined;
      return { owner: p.owner, hostUri: p.hostUri, attributes: p.attributes.map((a) => ({ key: a.key, value: a.value })) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async providerAudits(address: string): Promise<AuditedAttributes[]> {
    try {
      const response = await this.query("read provider audits", () => this.sdk.akash.audit.v1.getProviderAttributes({ owner: address, pagination: PAGE }));
      return response.providers.map((p) => ({ auditor: p.auditor, attributes: p.attributes.map((a) => ({ key: a.key, value: a.value })) }));
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
  }

  async certificates(owner: string, serial?: string): Promise<Certificate[]> {
    const response = await this.query("list certificates", () =>
      this.sdk.akash.cert.v1.getCertificates({ filter: { owner, serial: serial ?? "", state: "" }, pagination: PAGE }),
    );
    return response.certificates.map((c) => ({
      owner,
      serial: c.serial,
      state: c.certificate?.state === 1 ? "valid" : c.certificate?.state === 2 ? "revoked" : "unknown",
      certPem: Buffer.from(c.certificate?.cert ?? new Uint8Array()).toString("utf8"),
    }));
  }

  async balances(address: string): Promise<Coin[]> {
    const response = await this.query("read balances", () => this.sdk.cosmos.bank.v1beta1.getAllBalances({ address, pagination: PAGE }));
    return response.balances.map(coin);
  }

  /** Read once per client: the minimum deposits change only by governance. */
  depositParams(): Promise<DepositParams> {
    if (!this.depositParamsRead) {
      const read = this.query("read deployment params", () => this.sdk.akash.deployment.v1beta4.getParams({})).then((response) => ({
        minDeposits: (response.params?.minDeposits ?? []).map(coin),
      }));
      read.catch(() => {
        if (this.depositParamsRead === read) this.depositParamsRead = undefined;
      });
      this.depositParamsRead = read;
    }
    return this.depositParamsRead;
  }

  async mintParams(): Promise<MintParams> {
    const [params, status, price] = await Promise.all([
      this.query("read BME params", () => this.sdk.akash.bme.v1.getParams({})),
      this.query("read BME status", () => this.sdk.akash.bme.v1.getStatus({})).catch(() => undefined),
      this.aktPrice(),
    ]);
    return {
      minMint: { denom: "uact", amount: MIN_MINT_UACT },
      epochBlocks: Math.max(1, longToNumber(params.params?.minEpochBlocks)),
      spreadBps: params.params?.mintSpreadBps ?? 0,
      aktPriceInAct: price,
      mintsAllowed: status?.mintsAllowed ?? true,
    };
  }

  /** AKT's oracle price in USD (= ACT). The oracle names the asset by its base denom. */
  private async aktPrice(): Promise<number | undefined> {
    for (const denom of ["uakt", "akt"]) {
      try {
        const response = await this.query("read the AKT price", () => this.sdk.akash.oracle.v1.getAggregatedPrice({ denom }));
        const p = response.aggregatedPrice;
        const value = Number(p?.twap && Number(p.twap) > 0 ? p.twap : p?.medianPrice);
        if (Number.isFinite(value) && value > 0) return value;
      } catch {
        // No price under this name (or no oracle): try the next, then the mint ledger.
      }
    }
    // The price the last executed AKT→ACT mint used (x/bme records it with each burn).
    try {
      const response = await this.query("read the mint ledger", () =>
        this.sdk.akash.bme.v1.getLedgerRecords({
          filters: { denom: "uakt", toDenom: "uact", status: "ledger_record_status_executed" },
          pagination: { limit: 1, reverse: true },
        }),
      );
      const value = Number(response.records[0]?.executedRecord?.burned?.price);
      if (Number.isFinite(value) && value > 0) return value;
    } catch {
      // No ledger either: the price is unknown.
    }
    return undefined;
  }

  async findTx(hash: string): Promise<{ code: number; height: number; log: string } | undefined> {
    try {
      const found = await this.rpc("look up a transaction", (c) => c.tx({ hash: Buffer.from(hash, "hex") }));
      return { code: found.result.code, height: found.height, log: found.result.log ?? "" };
    } catch (err) {
      if (/not found/i.test(errorText(err))) return undefined;
      throw err;
    }
  }

  async memosOf(signer: string, limit: number): Promise<SignedMemo[] | undefined> {
    const perPage = 100;
    const out: SignedMemo[] = [];
    for (let page = 1; out.length < limit; page++) {
      let found: Awaited<ReturnType<CometClient["txSearch"]>>;
      try {
        // A bech32 address has no quotes to escape.
        found = await this.rpc("search the signer's transactions", (c) => c.txSearch({ query: `message.sender='${signer}'`, page, per_page: perPage, order_by: "desc" }));
      } catch (err) {
        if (/indexing is disabled|tx_index/i.test(errorText(err))) return undefined;
        throw err;
      }
      for (const tx of found.txs) {
        if (tx.result.code !== 0) continue;
        const body = TxBody.decode(TxRaw.decode(tx.tx).bodyBytes);
        out.push({ height: tx.height, memo: body.memo });
      }
      if (found.txs.length < perPage || page * perPage >= found.totalCount) break;
    }
    return out.slice(0, limit);
  }

  // ---------------------------------------------------------------------------------------------
  // Transactions
  // ---------------------------------------------------------------------------------------------

  async signAndBroadcast(msgs: readonly ChainMsg[], options: BroadcastOptions = {}): Promise<TxResult> {
    if (msgs.length === 0) throw new Error("signAndBroadcast needs at least one message");
    const objects = msgs.map((m) => toEncodeObject(m, this.address));
    const what = msgs.length === 1 ? describeMsg(msgs[0]!) : `${describeMsg(msgs[0]!)} and ${msgs.length - 1} more`;
    const memo = options.memo ?? "akash-stack";

    let gasFactor = this.gasMargin;
    let sequenceRetries = 0;
    let gasRetries = 0;
    let minimumGas = 0;
    for (;;) {
      const simulated = await this.simulate(objects, memo, what);
      const gas = Math.max(Math.ceil(simulated * gasFactor), minimumGas);
      const fee = { amount: [{ denom: this.gasPrice.denom, amount: String(Math.ceil(gas * this.gasPrice.price)) }], gas: String(gas) };
      let signed: Uint8Array;
      try {
        // Signing is deterministic (RFC 6979): a retried sign with the same sequence gives the same bytes.
        const raw = await withRetry(async () => (await this.signingClient()).sign(this.address, objects, fee, memo), this.rpcRetry);
        signed = TxRaw.encode(TxRaw.fromPartial(raw)).finish();
      } catch (err) {
        throw this.classifyQueryError(err, what, "sign");
      }
      const hash = createHash("sha256").update(signed).digest("hex").toUpperCase();
      await options.onSigned?.(hash);

      let included: { code: number; codespace: string; log: string; height: number; gasWanted: number; gasUsed: number };
      try {
        included = await this.broadcastAndWait(signed, hash, what, options);
      } catch (err) {
        if (err instanceof ChainTxError && err.kind === "sequence-mismatch" && sequenceRetries < SEQUENCE_RETRIES) {
          sequenceRetries++;
          this.log(`${what}: account sequence mismatch (another transaction from this account is pending); re-signing (${sequenceRetries}/${SEQUENCE_RETRIES})`);
          await sleep(this.blockMs());
          continue;
        }
        // Out of gas already at check time (the ante handler's signature and size costs).
        if (err instanceof ChainTxError && err.kind === "out-of-gas" && gasRetries < OUT_OF_GAS_RETRIES) {
          gasRetries++;
          gasFactor *= OUT_OF_GAS_FACTOR;
          const used = Number(/gasUsed: (\d+)/.exec(err.log)?.[1] ?? gas);
          minimumGas = Math.ceil(Math.max(used, gas) * OUT_OF_GAS_FACTOR);
          this.log(`${what}: out of gas at check time (${used} of ${gas}); retrying with ${minimumGas}+ gas`);
          continue;
        }
        throw err;
      }
      if (included.code === 0) {
        return { hash, height: included.height, gasWanted: included.gasWanted, gasUsed: included.gasUsed, fee: fee.amount };
      }
      const kind = classify(included.code, included.codespace, included.log);
      if (kind === "out-of-gas" && gasRetries < OUT_OF_GAS_RETRIES) {
        gasRetries++;
        gasFactor *= OUT_OF_GAS_FACTOR;
        minimumGas = Math.ceil(Math.max(included.gasUsed, included.gasWanted) * OUT_OF_GAS_FACTOR);
        this.log(`${what}: out of gas (used ${included.gasUsed} of ${included.gasWanted}); retrying with ${minimumGas}+ gas`);
        continue;
      }
      throw new ChainTxError(kind, included.code, included.codespace, included.log, hash, what);
    }
  }

  private async simulate(objects: EncodeObject[], memo: string, what: string): Promise<number> {
    try {
      return await withRetry(async () => (await this.signingClient()).simulate(this.address, objects, memo), this.rpcRetry);
    } catch (err) {
      throw this.classifyQueryError(err, what, "simulate");
    }
  }

  /**
   * broadcast_tx_sync, then poll `tx` by hash. A dropped connection or a long silence leads to a
   * re-broadcast of the same bytes, which is safe: the node dedupes by hash (CometBFT's JSON-RPC
   * error "tx already exists in cache", or the SDK's code 19) and a transaction executes at most once.
   */
  private async broadcastAndWait(
    bytes: Uint8Array,
    hash: string,
    what: string,
    options: BroadcastOptions,
  ): Promise<{ code: number; codespace: string; log: string; height: number; gasWanted: number; gasUsed: number }> {
    const started = Date.now();
    const timeout = this.options.inclusionTimeoutMs ?? Math.max(30_000, 20 * this.blockMs());
    const rebroadcastAfter = this.options.rebroadcastAfterMs ?? Math.max(2000, 4 * this.blockMs());
    const poll = this.options.pollIntervalMs ?? Math.min(2000, Math.max(50, Math.round(this.blockMs() / 4)));

    await this.broadcastOnce(bytes, hash, what);
    await options.onBroadcast?.(hash);
    let lastSent = Date.now();
    for (;;) {
      await sleep(poll);
      let found: Awaited<ReturnType<CometClient["tx"]>> | undefined;
      try {
        found = await (await this.cometClient()).tx({ hash: Buffer.from(hash, "hex") });
      } catch (err) {
        if (!/not found/i.test(errorText(err)) && !isConnectionError(err)) throw err;
        found = undefined;
      }
      if (found) {
        return {
          code: found.result.code,
          codespace: found.result.codespace ?? "",
          log: found.result.log ?? "",
          height: found.height,
          gasWanted: Number(found.result.gasWanted),
          gasUsed: Number(found.result.gasUsed),
        };
      }
      if (Date.now() - started > timeout) throw new TxTimeoutError(hash, Date.now() - started, what);
      if (Date.now() - lastSent > rebroadcastAfter) {
        this.log(`${what}: transaction ${hash.slice(0, 12)}… not seen in a block yet; re-broadcasting the same bytes`);
        try {
          await this.broadcastOnce(bytes, hash, what);
        } catch (err) {
          // A mismatch now usually means our own transaction was included meanwhile (the sequence
          // moved on): keep polling by hash, which settles it either way.
          if (!(err instanceof ChainTxError && err.kind === "sequence-mismatch")) throw err;
        }
        lastSent = Date.now();
      }
    }
  }

  private async broadcastOnce(bytes: Uint8Array, hash: string, what: string): Promise<void> {
    let response: Awaited<ReturnType<CometClient["broadcastTxSync"]>>;
    try {
      response = await this.rpc(`broadcast ${what}`, (c) => c.broadcastTxSync({ tx: bytes }));
    } catch (err) {
      // The node may have taken it before the connection dropped; polling by hash tells.
      if (err instanceof ChainUnavailableError) {
        this.log(`${what}: broadcast did not get an answer (${err.reason}); looking the transaction up by hash`);
        return;
      }
      // CometBFT 0.38 (akashnet-2) answers a transaction it already holds, pending or committed,
      // with a JSON-RPC error rather than an ABCI code: ours got there on an earlier try.
      if (isTxInCacheError(err)) {
        this.log(`${what}: the node already has transaction ${hash.slice(0, 12)}… (from an earlier try); looking it up by hash`);
        return;
      }
      throw err;
    }
    if (response.code === 0) return;
    const kind = classify(response.code, response.codespace ?? "", response.log ?? "");
    if (kind === "already-known" || /tx already (exists )?in cache|already in mempool/i.test(response.log ?? "")) return;
    throw new ChainTxError(kind, response.code, response.codespace ?? "", response.log ?? "", hash, what);
  }

  /** Errors from simulate/sign (abci_query): chain logic errors carry the SDK's message text. */
  private classifyQueryError(err: unknown, what: string, phase: string): Error {
    if (err instanceof ChainTxError || err instanceof ChainUnavailableError) return err;
    const text = errorText(err);
    if (isConnectionError(err)) return new ChainUnavailableError(this.network.rpc, `${phase} ${what}`, shortError(err));
    if (/does not exist on chain/i.test(text)) {
      return new ChainTxError("insufficient-funds", 5, "sdk", `account ${this.address} does not exist on chain yet: send it some AKT first`, undefined, what);
    }
    const kind = classifyText(text);
    const code = /\((\d+)\)/.exec(text)?.[1];
    return new ChainTxError(kind, code ? Number(code) : 0, "", stripQueryPrefix(text), undefined, what);
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing
  // ---------------------------------------------------------------------------------------------

  private blockMs(): number {
    return this.network.blockSeconds * 1000;
  }

  private connectedComet(): Promise<CosmjsCometClient> {
    if (!this.comet) {
      const comet = connectCometOverNodeHttp(this.network.rpc);
      comet.catch(() => {
        if (this.comet === comet) this.comet = undefined;
      });
      this.comet = comet;
    }
    return this.comet;
  }

  private cometClient(): Promise<CometClient> {
    return this.connectedComet() as unknown as Promise<CometClient>;
  }

  private async rpc<T>(operation: string, call: (client: CometClient) => Promise<T>): Promise<T> {
    try {
      return await withRetry(async () => call(await this.cometClient()), this.rpcRetry);
    } catch (err) {
      if (isConnectionError(err)) throw new ChainUnavailableError(this.network.rpc, operation, shortError(err));
      throw err;
    }
  }

  private async query<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(call, { ...this.rpcRetry, attempts: 3, onRetry: undefined });
    } catch (err) {
      if (isNotFound(err)) throw err;
      if (isConnectionError(err)) throw new ChainUnavailableError(this.network.grpc, operation, shortError(err));
      throw err;
    }
  }

  async close(): Promise<void> {
    const comet = this.comet;
    this.comet = undefined;
    this.signing = undefined;
    // The signing client shares this connection: disconnecting it once closes both.
    if (comet) (await comet.catch(() => undefined))?.disconnect();
  }
}

function classify(code: number, codespace: string, log: string): TxFailureKind {
  if (codespace === "sdk" || codespace === "") {
    const kind = SDK_CODES[code];
    if (kind) return kind;
  }
  return classifyText(log);
}

function classifyText(text: string): TxFailureKind {
  if (/incorrect account sequence|account sequence mismatch/i.test(text)) return "sequence-mismatch";
  if (/out of gas/i.test(text)) return "out-of-gas";
  if (/insufficient fee/i.test(text)) return "insufficient-fee";
  if (/insufficient funds|insufficient balance/i.test(text)) return "insufficient-funds";
  if (/signature verification failed|unauthorized/i.test(text)) return "unauthorized";
  return "rejected";
}

/**
 * CometBFT's `ErrTxInCache` as broadcast_tx_* reports it: JSON-RPC error -32603 "Internal error"
 * with data "tx already exists in cache" (cosmjs throws the error object as JSON text).
 */
function isTxInCacheError(err: unknown): boolean {
  return /tx already exists in cache/i.test(errorText(err));
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  // gRPC NOT_FOUND is 5 (connect's Code.NotFound); the chain also says "not found" in text.
  return code === 5 || /not found/i.test(errorText(err));
}

function stripQueryPrefix(text: string): string {
  return text
    .replace(/^.*?rpc error: code = \w+ desc = /, "")
    .replace(/\s*\[[^\]]*\]\s*$/, "")
    .trim();
}

function shortError(err: unknown): string {
  const text = errorText(err).replace(/\s+/g, " ");
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

