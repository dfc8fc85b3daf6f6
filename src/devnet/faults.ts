/**
 * Faults on demand, for testing how a deployer copes: providers that do not bid or bid late,
 * RPC calls that fail or whose connection drops, provider calls that answer 404/500 or never
 * answer, a provider that goes offline, and an escrow account that runs dry. Set them at start
 * (`startDevnet({faults})`), programmatically (`devnet.faults.apply`), or over HTTP on the admin
 * endpoint (`POST /faults` with the same JSON).
 */
import { DEC_ONE } from "./decimal.js";
import type { FaultSpec, FaultState, ProviderFaultKind } from "./options.js";
import { paymentsOf, escrowAccountKey, type ChainData } from "./state.js";

export type { FaultSpec, FaultState, ProviderFaultKind } from "./options.js";

export interface FaultHooks {
  providerAddresses(): string[];
  setProviderOffline(address: string, offline: boolean): Promise<void>;
  mutateChain(fn: (data: ChainData) => void): Promise<void>;
}

export class FaultError extends Error {}

export class Faults {
  noBids = false;
  slowBidBlocks = 0;
  private holdTxBlocks = 0;
  private rpcErrors = 0;
  private rpcDrops = 0;
  private readonly providerErrors = new Map<string, Array<{ status: ProviderFaultKind; count: number }>>();
  private readonly offline = new Set<string>();
  private hooks: FaultHooks | undefined;

  attach(hooks: FaultHooks): void {
    this.hooks = hooks;
  }

  /** Applies a fault request. Throws FaultError with a message for the caller on bad input. */
  async apply(spec: FaultSpec): Promise<FaultState> {
    if (spec.noBids !== undefined) this.noBids = spec.noBids;
    if (spec.slowBidBlocks !== undefined) this.slowBidBlocks = nonNegative(spec.slowBidBlocks, "slowBidBlocks");
    if (spec.holdTxBlocks !== undefined) this.holdTxBlocks = nonNegative(spec.holdTxBlocks, "holdTxBlocks");
    if (spec.rpcErrors !== undefined) this.rpcErrors = nonNegative(spec.rpcErrors, "rpcErrors");
    if (spec.rpcDrops !== undefined) this.rpcDrops = nonNegative(spec.rpcDrops, "rpcDrops");
    if (spec.providerErrors) {
      const { status, count } = spec.providerErrors;
      if (status !== 404 && status !== 500 && status !== "timeout") throw new FaultError(`providerErrors.status must be 404, 500 or "timeout", not ${JSON.stringify(status)}`);
      const targets = spec.providerErrors.provider === undefined ? this.addresses() : [this.resolve(spec.providerErrors.provider)];
      for (const address of targets) {
        const queue = this.providerErrors.get(address) ?? [];
        queue.push({ status, count: nonNegative(count, "providerErrors.count") });
        this.providerErrors.set(address, queue);
      }
    }
    if (spec.providerOffline) {
      const address = this.resolve(spec.providerOffline.provider);
      if (spec.providerOffline.offline) this.offline.add(address);
      else this.offline.delete(address);
      await this.hooks?.setProviderOffline(address, spec.providerOffline.offline);
    }
    if (spec.drainEscrow) await this.drainEscrow(spec.drainEscrow.owner, BigInt(spec.drainEscrow.dseq));
    return this.state();
  }

  /** Clears every fault and brings offline providers back. */
  async reset(): Promise<FaultState> {
    this.noBids = false;
    this.slowBidBlocks = 0;
    this.holdTxBlocks = 0;
    this.rpcErrors = 0;
    this.rpcDrops = 0;
    this.providerErrors.clear();
    for (const address of [...this.offline]) {
      this.offline.delete(address);
      await this.hooks?.setProviderOffline(address, false);
    }
    return this.state();
  }

  state(): FaultState {
    return {
      noBids: this.noBids,
      slowBidBlocks: this.slowBidBlocks,
      rpcErrors: this.rpcErrors,
      rpcDrops: this.rpcDrops,
      providerErrors: Object.fromEntries([...this.providerErrors].filter(([, q]) => q.length > 0)),
      offlineProviders: [...this.offline],
      holdTxBlocks: this.holdTxBlocks,
    };
  }

  /** Whether the block being made must leave the mempool alone (consumes one held block). */
  takeHeldBlock(): boolean {
    if (this.holdTxBlocks === 0) return false;
    this.holdTxBlocks -= 1;
    return true;
  }

  /** Consumes one RPC fault, if any is pending. */
  takeRpcFault(): "error" | "drop" | undefined {
    if (this.rpcDrops > 0) {
      this.rpcDrops -= 1;
      return "drop";
    }
    if (this.rpcErrors > 0) {
      this.rpcErrors -= 1;
      return "error";
    }
    return undefined;
  }

  /** Consumes one provider fault for `address`, if any is pending. */
  takeProviderFault(address: string): ProviderFaultKind | undefined {
    const queue = this.providerErrors.get(address);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.count -= 1;
    if (head.count <= 0) queue.shift();
    return head.status;
  }

  isOffline(address: string): boolean {
    return this.offline.has(address);
  }

  private addresses(): string[] {
    return this.hooks?.providerAddresses() ?? [];
  }

  /** A provider by address or by 1-based number. */
  private resolve(provider: string | number): string {
    const addresses = this.addresses();
    if (typeof provider === "number" || /^\d+$/.test(provider)) {
      const address = addresses[Number(provider) - 1];
      if (!address) throw new FaultError(`there is no provider number ${provider}; the devnet runs providers 1 to ${addresses.length}`);
      return address;
    }
    if (!addresses.includes(provider)) throw new FaultError(`${provider} is not one of the devnet's providers (${addresses.join(", ")})`);
    return provider;
  }

  private async drainEscrow(owner: string, dseq: bigint): Promise<void> {
    if (!this.hooks) throw new FaultError("the devnet is not running");
    let found = true;
    await this.hooks.mutateChain((data) => {
      const account = data.escrowAccounts.get(escrowAccountKey("deployment", `${owner}/${dseq}`));
      if (!account || account.state !== "open") {
        found = false;
        return;
      }
      const perBlock = paymentsOf(data, account)
        .filter((p) => p.state === "open")
        .reduce((sum, p) => sum + p.rate.atomics, 0n);
      // one block of payments left (or a token amount when nothing is leased yet)
      let keep = perBlock > 0n ? perBlock : DEC_ONE;
      for (const deposit of account.deposits) {
        const next = keep < deposit.balance.atomics ? keep : deposit.balance.atomics;
        keep -= next;
        deposit.balance.atomics = next;
      }
    });
    if (!found) throw new FaultError(`deployment ${owner}/${dseq} has no open escrow account to drain`);
  }
}

function nonNegative(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new FaultError(`${name} must be a whole number of 0 or more, not ${JSON.stringify(value)}`);
  return value;
}
