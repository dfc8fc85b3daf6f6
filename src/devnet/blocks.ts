/**
 * The block producer: a mempool fed by CheckTx, a block every `blockTimeMs` that delivers the
 * mempool in order, then the end blockers (escrow pays every lease its price per block and closes
 * leases whose escrow ran dry; mint epochs execute queued `MsgMintACT`s; providers' bid engines
 * act). Every state-changing step runs under one lock, so a transaction always sees a consistent
 * state, as in a single-threaded node.
 */
import { sha256 } from "@cosmjs/crypto";
import { toUtf8 } from "@cosmjs/encoding";
import { BME_PARAMS, DENOM_ACT, DENOM_AKT, PROVIDER_WITHDRAW_EVERY_BLOCKS } from "./constants.js";
import { DEC_ONE } from "./decimal.js";
import { blockContext, burnCoins, emit, mintCoins, sendCoins, settleAccount, withdrawPayment, type ExecContext } from "./keeper.js";
import { MODULE_ADDRESSES } from "./keys.js";
import { paymentsOf, snapshot, type ChainData } from "./state.js";
import { runTx, txHash, verifySignatures, type TxResult } from "./tx.js";

export interface StoredTx {
  hash: string;
  height: number;
  index: number;
  bytes: Uint8Array;
  result: TxResult;
}

export interface StoredBlock {
  height: number;
  /** Unix ms. */
  time: number;
  hash: Uint8Array;
  lastBlockHash: Uint8Array;
  appHash: Uint8Array;
  txHashes: string[];
}

export type EndBlocker = (ctx: ExecContext) => void;
export type BlockListener = (block: StoredBlock, chain: Chain) => void;

export interface CheckTxResponse {
  hash: string;
  result: TxResult;
}

/**
 * CometBFT's `ErrTxInCache`: the node answers broadcast_tx_* with a JSON-RPC error (-32603
 * "Internal error", data "tx already exists in cache"), not with an ABCI code.
 */
export class TxInCacheError extends Error {
  constructor(readonly hash: string) {
    super("tx already exists in cache");
  }
}

/** A simple FIFO lock: one state-changing operation at a time. */
class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export class Chain {
  /** Committed state. */
  data: ChainData;
  /** baseapp's checkState: committed state plus the mempool's ante effects. Rebuilt lazily. */
  private checkData: ChainData | undefined;
  private mempool: Array<{ hash: string; bytes: Uint8Array }> = [];
  /** Asked before each block: true leaves the mempool for a later block (the `holdTxBlocks` fault). */
  holdMempool: () => boolean = () => false;
  readonly txs = new Map<string, StoredTx>();
  readonly blocks: StoredBlock[] = [];
  private readonly endBlockers: EndBlocker[] = [];
  private readonly listeners: BlockListener[] = [];
  private readonly seenUnordered = new Set<string>();
  private readonly lock = new Lock();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(genesis: ChainData) {
    this.data = genesis;
  }

  get chainId(): string {
    return this.data.chainId;
  }

  get height(): number {
    return this.data.height;
  }

  latestBlock(): StoredBlock | undefined {
    return this.blocks[this.blocks.length - 1];
  }

  block(height: number): StoredBlock | undefined {
    const first = this.blocks[0]?.height ?? 1;
    return this.blocks[height - first];
  }

  addEndBlocker(fn: EndBlocker): void {
    this.endBlockers.push(fn);
  }

  onBlock(fn: BlockListener): void {
    this.listeners.push(fn);
  }

  /**
   * CheckTx: admits the tx to the mempool when the ante handler accepts it. Throws TxInCacheError
   * for a transaction already pending or committed.
   */
  checkTx(bytes: Uint8Array): Promise<CheckTxResponse> {
    return this.lock.run(async () => {
      const hash = txHash(bytes);
      // CometBFT 0.38 keeps both pending and committed transactions in the mempool cache and
      // refuses a duplicate before the app sees it (`mempool.ErrTxInCache`).
      if (this.mempool.some((t) => t.hash === hash) || this.txs.has(hash)) throw new TxInCacheError(hash);
      const base = (this.checkData ??= snapshot(this.data));
      const verified = await verifySignatures(base, bytes, this.chainId);
      const outcome = runTx(base, bytes, "check", { chainId: this.chainId, seenUnordered: this.seenUnordered, verified });
      if (outcome.result.code === 0) {
        this.checkData = outcome.state;
        this.mempool.push({ hash, bytes });
      }
      return { hash, result: outcome.result };
    });
  }

  /** Gas estimation on the check state; changes nothing. */
  simulate(bytes: Uint8Array): Promise<TxResult> {
    return this.lock.run(() => {
      const base = this.checkData ?? this.data;
      return runTx(base, bytes, "simulate", { chainId: this.chainId, seenUnordered: this.seenUnordered }).result;
    });
  }

  /** Runs `fn` on the committed state under the lock (faults, tests). */
  mutate<T>(fn: (ctx: ExecContext) => T): Promise<T> {
    return this.lock.run(() => {
      const ctx = blockContext(this.data);
      const value = fn(ctx);
      this.checkData = undefined;
      return value;
    });
  }

  /** Produces one block now. */
  produceBlock(): Promise<StoredBlock> {
    return this.lock.run(async () => {
      let data = this.data;
      data.height += 1;
      data.blockTime = Date.now();
      const height = data.height;
      const txHashes: string[] = [];
      const pending = this.holdMempool() ? [] : this.mempool;
      if (pending === this.mempool) this.mempool = [];
      for (const [index, tx] of pending.entries()) {
        const verified = await verifySignatures(data, tx.bytes, this.chainId);
        const outcome = runTx(data, tx.bytes, "deliver", { chainId: this.chainId, seenUnordered: this.seenUnordered, verified });
        data = outcome.state;
        this.txs.set(tx.hash, { hash: tx.hash, height, index, bytes: tx.bytes, result: outcome.result });
        txHashes.push(tx.hash);
      }
      this.data = data;
      this.endBlock();
      this.checkData = undefined;

      const last = this.latestBlock();
      const lastBlockHash = last?.hash ?? new Uint8Array(32);
      const block: StoredBlock = {
        height,
        time: data.blockTime,
        lastBlockHash,
        hash: sha256(toUtf8(`${this.chainId}/${height}/${data.blockTime}/${Buffer.from(lastBlockHash).toString("hex")}/${txHashes.join(",")}`)),
        appHash: sha256(toUtf8(`app/${height}/${txHashes.join(",")}/${data.nextAccountNumber}/${data.deployments.size}/${data.leases.size}`)),
        txHashes,
      };
      this.blocks.push(block);
      for (const listener of this.listeners) {
        try {
          listener(block, this);
        } catch (err) {
          process.emitWarning(`devnet block listener failed at height ${height}: ${(err as Error).message}`);
        }
      }
      return block;
    });
  }

  /** Produces the first block now, then one every `blockTimeMs`. */
  async start(blockTimeMs: number): Promise<void> {
    await this.produceBlock();
    const tick = (): void => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.produceBlock()
          .catch((err: unknown) => process.emitWarning(`devnet block production failed at height ${this.data.height}: ${(err as Error).message}`))
          .finally(tick);
      }, blockTimeMs);
    };
    tick();
  }

  /** Stops producing blocks and waits for the block in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.lock.run(() => undefined);
  }

  private endBlock(): void {
    const ctx = blockContext(this.data);
    settleEscrow(ctx);
    runMintEpoch(ctx);
    for (const fn of this.endBlockers) {
      try {
        fn(ctx);
      } catch (err) {
        process.emitWarning(`devnet end blocker failed at height ${this.data.height}: ${(err as Error).message}`);
      }
    }
  }
}

/** Every open deployment account pays its leases for this block; providers withdraw periodically. */
function settleEscrow(ctx: ExecContext): void {
  const withdraw = ctx.data.height % PROVIDER_WITHDRAW_EVERY_BLOCKS === 0;
  for (const account of ctx.data.escrowAccounts.values()) {
    if (account.scope !== "deployment" || account.state !== "open") continue;
    settleAccount(ctx, account);
    if (withdraw && account.state === "open") {
      for (const payment of paymentsOf(ctx.data, account)) if (payment.state === "open") withdrawPayment(ctx, payment);
    }
  }
}

/**
 * x/bme EndBlocker at a mint epoch: each queued mint burns its AKT and mints ACT at the oracle
 * price less the mint spread; one that would mint less than 10 ACT is cancelled and refunded.
 */
function runMintEpoch(ctx: ExecContext): void {
  const mint = ctx.data.mint;
  if (ctx.data.height < mint.nextEpoch) return;
  mint.nextEpoch = ctx.data.height + mint.epochBlocks;
  const batch = mint.pending.splice(0, BME_PARAMS.maxEndblockerRecords);
  for (const record of batch) {
    // uakt × (USD per AKT) = uUSD = uact at the $1 peg. The x/bme keeper compares this amount,
    // before the spread, with the minimum, then credits it less the spread: a burn worth exactly
    // 10 ACT mints 9.975 ACT.
    const gross = (record.burnedUakt * mint.aktPrice) / DEC_ONE;
    if (gross < BME_PARAMS.minMintUact) {
      sendCoins(ctx, MODULE_ADDRESSES.bme, record.owner, DENOM_AKT, record.burnedUakt);
      emit(ctx, "akash.bme.v1.EventMintCancelled", {
        owner: record.owner,
        reason: `the burn is worth ${gross}${DENOM_ACT}, below the minimum of ${BME_PARAMS.minMintUact}${DENOM_ACT}`,
      });
      continue;
    }
    const minted = (gross * (10_000n - BME_PARAMS.mintSpreadBps)) / 10_000n;
    burnCoins(ctx, MODULE_ADDRESSES.bme, DENOM_AKT, record.burnedUakt);
    mintCoins(ctx, record.to, DENOM_ACT, minted);
    record.status = "executed";
    record.mintedUact = minted;
    record.aktPrice = mint.aktPrice;
    mint.executed.push(record);
    mint.totalBurnedUakt += record.burnedUakt;
    mint.totalMintedUact += minted;
    emit(ctx, "akash.bme.v1.EventLedgerRecordExecuted", { owner: record.owner, minted: `${minted}${DENOM_ACT}` });
  }
}
