/**
 * `deploy`: from a prepared stack to running leases, idempotent and resumable.
 *
 * Every run starts by reconciling the state file with the chain (the state says what was being
 * done, the chain what happened), then decides create / update / replace / nothing, then walks the
 * remaining steps, each of which first checks whether it is already done:
 *
 *   funds (mint ACT if short) → create-deployment → wait-bids → select-bids → create-lease
 *   → send-manifest → wait-ready → dns → verify → (replace only) close the old deployment
 *
 * A failed `dns` or `verify` step fails the run (exit 1 for CI) but undoes nothing: the services
 * are ready and their leases keep running, and the replaced deployment of a replacement is kept
 * (the names may still point at it). The same command runs both steps again, and with nothing else
 * to change that is all it does.
 *
 * Crash safety: the dseq is written before the create is broadcast, each transaction's hash as
 * soon as it is signed, the chosen bids before the lease; so a run killed anywhere (SIGKILL
 * included) is finished by running the same command, which finds the transaction by hash or the
 * object on chain instead of sending anything twice. A deploy with nothing to change sends no
 * transaction.
 */
import { ChainTxError } from "../chain/errors.js";
import type { Network } from "../chain/networks.js";
import { sleep } from "../chain/retry.js";
import type { Bid, ChainClient, ChainMsg, Coin, DeploymentInfo, Lease, TxResult } from "../chain/types.js";
import type { LeaseStatus } from "../provider/client.js";
import { expectedGroupPricePerBlock } from "../sdl/prices.js";
import { balanceOf, defaultDepositUact, formatDec, gasAllowanceUakt, groupMaxPricePerBlock, microToWhole, mintNeed } from "./amounts.js";
import { selectBids, type BidPolicy, type GroupNeed } from "./bids.js";
import { decideChange, trimDec, type ChangeDecision } from "./compare.js";
import type { DesiredDeployment } from "./desired.js";
import type { ManifestGroup } from "../sdl/manifest.js";
import type { ProviderDirectory } from "./providers.js";
import type { Reporter } from "./report.js";
import { NAMECHEAP_CREDENTIALS, runDnsStep, runVerifyStep, verifySectionOf, type StepResult } from "./after-ready.js";
import type { WaitOptions } from "../dns/apply.js";
import { describeDiscovery, discoverOnChain, recordFromChain } from "./discover.js";
import { markerMemo } from "./marker.js";
import { newState, recordStep, recordTx, saveState, statePath, type DeploymentRecord, type LeaseRecord, type ServiceEndpoints, type StackState } from "./state.js";

export interface DeployOptions {
  /** Mint ACT without asking. */
  yes: boolean;
  /** The escrow deposit; default 48 h at the expected price (amounts.ts `defaultDepositUact`). */
  deposit?: Coin;
  policy: BidPolicy;
  /** Give up on bids after this long, then close the deployment (refund). */
  bidTimeoutMs: number;
  /** Give up waiting for services after this long (the deployment stays; run again to keep waiting). */
  readyTimeoutMs: number;
  /** How often to poll the chain and providers. */
  pollMs: number;
  /** How long to keep retrying a provider that refuses the manifest with 404/5xx or cannot be reached (must stay under its 5-minute manifest timeout). */
  manifestDeadlineMs: number;
  /** How the `dns` step waits for the zone's nameservers (`false`: not at all); default `DNS_WAIT`. */
  dnsWait?: false | WaitOptions;
  /** Test hook: kill this process with SIGKILL right after this point ("create-broadcast", "lease", "manifest"). */
  crashAt?: string;
}

export interface DeployDeps {
  chain: ChainClient;
  network: Network;
  home: string;
  providers: ProviderDirectory;
  reporter: Reporter;
  /** Asks the user a yes/no question; undefined when there is no terminal to ask on. */
  confirm: ((question: string) => Promise<boolean>) | undefined;
  state: StackState | undefined;
  /** Where the `dns` step finds NAMECHEAP_* credentials; none: the step is skipped. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface DeploySummary {
  /** "failed" also when the services are ready but the dns or verify step failed (`failedSteps`). */
  status: "done" | "failed";
  action: ChangeDecision["action"] | undefined;
  network: string;
  stack: string;
  dseq: string | undefined;
  owner: string;
  leases: Array<{ provider: string; gseq: number; oseq: number; price: string }>;
  endpoints: Record<string, ServiceEndpoints>;
  txs: Array<{ hash: string; what: string; height?: number }>;
  error?: string;
  /** Steps after wait-ready that failed while the deployment itself is running ("dns", "verify"). */
  failedSteps?: Array<"dns" | "verify">;
  /** Nothing was spent: the run needed a confirmation, and there was no terminal and no --yes. */
  needsConfirmation?: true;
}

/** A deploy stopped on purpose, with a message that says what happened and what to do. */
export class DeployError extends Error {
  override readonly name = "DeployError";
}

/** Spending needs a yes, and there is no terminal to ask on and no --yes (a usage error: exit 2). */
export class ConfirmationRequiredError extends DeployError {}

const CRASH_POINTS = ["create-broadcast", "lease", "manifest"] as const;

export async function deployStack(desired: DesiredDeployment, deps: DeployDeps, options: DeployOptions): Promise<DeploySummary> {
  if (!desired.manifest) throw new DeployError("internal: deploy needs the manifest with its secrets resolved");
  if (options.crashAt && !(CRASH_POINTS as readonly string[]).includes(options.crashAt)) {
    throw new DeployError(`AKASH_STACK_CRASH_AT must be one of ${CRASH_POINTS.join(", ")}`);
  }
  const state = deps.state ?? newState(desired.stack, deps.network.name, deps.chain.chainId, deps.chain.address);
  if (state.owner !== deps.chain.address) {
    throw new DeployError(
      `the state file for ${desired.stack} on ${deps.network.name} belongs to ${state.owner}, but the key given is ${deps.chain.address}: use the same key, or move the state file away`,
    );
  }
  const run = new DeployRun(desired, deps, options, state);
  return run.execute();
}

class DeployRun {
  private readonly txs: DeploySummary["txs"] = [];
  private action: ChangeDecision["action"] | undefined;
  private readonly owner: string;
  private readonly manifest: NonNullable<DesiredDeployment["manifest"]>;

  constructor(
    private readonly desired: DesiredDeployment,
    private readonly deps: DeployDeps,
    private readonly options: DeployOptions,
    private readonly state: StackState,
  ) {
    this.owner = deps.chain.address;
    this.manifest = desired.manifest!;
  }

  private get chain(): ChainClient {
    return this.deps.chain;
  }

  private get report(): Reporter {
    return this.deps.reporter;
  }

  async execute(): Promise<DeploySummary> {
    try {
      await this.reconcile();
      await this.findOnChain();
      const current = this.state.current;
      const onChain = current ? await this.chain.deployment(this.owner, current.dseq) : undefined;
      const decision = decideChange(
        { groups: this.desired.groups, hash: this.manifest.hash, templateHash: this.desired.templateHash },
        onChain && onChain.state === "active" ? { groups: onChain.groups.map((g) => g.spec), hash: onChain.hash, templateHash: current?.templateHash } : undefined,
      );
      this.action = decision.action;
      this.report.info(`plan: ${decision.action}: ${decision.reasons[0]}`);
      for (const reason of decision.reasons.slice(1)) this.report.info(`  ${reason}`);

      if (decision.action === "create" || decision.action === "replace") await this.confirmSpending(decision);
      if (decision.action === "replace") {
        // An earlier replacement was interrupted and the stack changed again: keep one deployment
        // serving (the newer one if it got ready) and close the other, so none is forgotten.
        const earlier = this.state.previous;
        if (earlier) {
          const serving = current!.phase === "ready" ? current! : earlier;
          const obsolete = serving === current ? earlier : current!;
          this.report.info(`deployment ${obsolete.dseq} from an interrupted replacement is closed first`);
          await this.closeDeployment(obsolete, "superseded by another replacement");
          this.state.current = serving;
          this.state.previous = undefined;
        }
        this.state.previous = this.state.current;
        this.state.current = undefined;
        await this.save();
      }
      if (decision.action === "create" || decision.action === "replace") await this.createDeployment();
      else {
        this.report.step("create-deployment", "skipped", `deployment ${current!.dseq} exists`, { dseq: current!.dseq });
        if (decision.action === "update") await this.updateDeployment(onChain!);
      }
      await this.ensureLeases();
      await this.ensureManifest();
      await this.waitReady();
      await this.recordVerifySection();
      const afterReady = { dns: await this.dnsStep(), verify: await this.verifyStep() };
      const failedSteps = (["dns", "verify"] as const).filter((step) => afterReady[step].status === "failed");
      if (failedSteps.length > 0) return await this.failedAfterReady(failedSteps, afterReady);
      await this.closePrevious();
      return this.summary("done");
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.save().catch(() => undefined);
      return { ...this.summary("failed", message), ...(err instanceof ConfirmationRequiredError ? { needsConfirmation: true as const } : {}) };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reconcile the state file with the chain
  // ---------------------------------------------------------------------------------------------

  private async reconcile(): Promise<void> {
    for (const slot of ["current", "previous"] as const) {
      const record = this.state[slot];
      if (!record) continue;
      const info = await this.findDeployment(record);
      if (!info) {
        this.report.info(`deployment ${record.dseq} from the state file is not on chain (its create transaction never landed); starting over`);
        this.state[slot] = undefined;
      } else if (info.state !== "active") {
        this.state.closed.push({ dseq: record.dseq, closedAt: new Date().toISOString(), reason: "found closed on chain" });
        this.report.info(`deployment ${record.dseq} from the state file is closed on chain`);
        this.state[slot] = undefined;
      } else {
        // The chain is the truth for the hash (an update may have landed before a crash).
        if (record.hash !== info.hash && info.hash === this.manifest.hash) record.templateHash = this.desired.templateHash;
        record.hash = info.hash;
        if (record.phase === "creating") record.phase = "created";
      }
    }
    await this.save();
  }

  /**
   * With no deployment in the state file (lost, moved away, or a CI runner that keeps none), the
   * chain is asked: a live deployment of this stack is adopted, never duplicated.
   */
  private async findOnChain(): Promise<void> {
    if (this.state.current) return;
    const found = await discoverOnChain(this.chain, this.owner, { stack: this.desired.stack, groups: this.desired.groups, hash: this.manifest.hash });
    const [first, ...rest] = describeDiscovery(this.desired.stack, this.deps.network.name, found);
    if (found.match) this.report.step("find-on-chain", "done", first!, { dseq: found.match.info.dseq, by: found.match.by });
    for (const line of found.match ? rest : [first, ...rest]) if (line) this.report.info(line);
    if (!found.match) return;
    const { info } = found.match;
    const record = recordFromChain(info, info.hash === this.manifest.hash ? this.desired.templateHash : undefined, this.deps.network.depositDenom);
    // Providers that already run the lease have the manifest on chain: it is not sent again.
    const active = (await this.chain.leases(this.owner, info.dseq)).filter((l) => l.state === "active");
    this.adoptLeases(record, active);
    for (const lease of record.leases) {
      const client = await this.deps.providers.client(lease.provider).catch(() => undefined);
      const status = await client?.leaseStatus(info.dseq, lease.gseq, lease.oseq).catch(() => undefined);
      if (client) lease.hostUri = client.hostUri;
      if (status) lease.manifestHash = info.hash;
    }
    this.state.current = record;
    recordStep(this.state, "find-on-chain", "done", info.dseq, found.match.by);
    await this.save();
  }

  /** The record's deployment on chain; waits for its create transaction when that may still be pending. */
  private async findDeployment(record: DeploymentRecord): Promise<DeploymentInfo | undefined> {
    const info = await this.chain.deployment(this.owner, record.dseq);
    if (info || record.phase !== "creating" || !record.createTx) return info;
    this.report.waiting(`for create transaction ${record.createTx.slice(0, 12)}… of deployment ${record.dseq} (sent by an interrupted run)`);
    const deadline = Date.now() + Math.max(15_000, 15 * this.blockMs());
    while (Date.now() < deadline) {
      const tx = await this.chain.findTx(record.createTx);
      if (tx) {
        if (tx.code !== 0) {
          this.report.info(`the interrupted run's create transaction failed on chain (code ${tx.code}: ${tx.log}); creating again`);
          return undefined;
        }
        return this.chain.deployment(this.owner, record.dseq);
      }
      const appeared = await this.chain.deployment(this.owner, record.dseq);
      if (appeared) return appeared;
      await sleep(this.options.pollMs);
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Create and update
  // ---------------------------------------------------------------------------------------------

  private async createDeployment(): Promise<void> {
    const [deposit, balances] = await Promise.all([this.options.deposit ?? this.defaultDeposit(), this.chain.balances(this.owner)]);
    this.report.step("create-deployment", "started", `creating the deployment (deposit ${microToWhole(BigInt(deposit.amount))} ${unitName(deposit.denom)})`);
    await this.ensureFunds(deposit, balances);
    const dseq = await this.chooseDseq();
    const record: DeploymentRecord = {
      dseq,
      hash: this.manifest.hash,
      templateHash: this.desired.templateHash,
      groups: this.desired.groups.map((g) => g.name),
      deposit,
      phase: "creating",
      leases: [],
      endpoints: {},
      createdAt: new Date().toISOString(),
    };
    this.state.current = record;
    recordStep(this.state, "create-deployment", "started", dseq);
    await this.save();

    const msg: ChainMsg = { type: "create-deployment", dseq, groups: this.desired.groups, hash: this.manifest.hash, deposit };
    try {
      await this.send([msg], `create deployment ${dseq}`, dseq, {
        onSigned: (hash) => {
          record.createTx = hash;
        },
        onBroadcast: () => this.crashPoint("create-broadcast"),
      });
    } catch (err) {
      // A re-sent create whose first copy landed: ours if the hash matches.
      if (err instanceof ChainTxError && /deployment exists/i.test(err.log)) {
        const info = await this.chain.deployment(this.owner, dseq);
        if (!info || info.hash !== this.manifest.hash) throw err;
      } else {
        this.state.current = undefined;
        recordStep(this.state, "create-deployment", "failed", dseq, err instanceof Error ? err.message : String(err));
        this.report.step("create-deployment", "failed", err instanceof Error ? err.message : String(err), { dseq });
        throw err;
      }
    }
    record.phase = "created";
    recordStep(this.state, "create-deployment", "done", dseq);
    await this.save();
    this.report.step("create-deployment", "done", `deployment ${dseq} created`, { dseq, tx: record.createTx });
  }

  private async updateDeployment(onChain: DeploymentInfo): Promise<void> {
    const record = this.state.current!;
    this.report.step("update-deployment", "started", `updating deployment ${record.dseq} in place (hash ${onChain.hash.slice(0, 12)} → ${this.manifest.hash.slice(0, 12)})`, {
      dseq: record.dseq,
    });
    await this.send([{ type: "update-deployment", dseq: record.dseq, hash: this.manifest.hash }], `update deployment ${record.dseq}`, record.dseq, {
      onSigned: (hash) => {
        record.updateTx = hash;
      },
    });
    // Providers learn the new hash from the committed update; the manifest follows only now (pitfall 13).
    record.hash = this.manifest.hash;
    record.templateHash = this.desired.templateHash;
    record.updateTx = undefined;
    record.phase = "leased";
    recordStep(this.state, "update-deployment", "done", record.dseq);
    await this.save();
    this.report.step("update-deployment", "done", `deployment ${record.dseq} now carries the new manifest hash`, { dseq: record.dseq });
  }

  private async defaultDeposit(): Promise<Coin> {
    const params = await this.chain.depositParams();
    const min = BigInt(params.minDeposits.find((c) => c.denom === this.deps.network.depositDenom)?.amount ?? "500000");
    return { denom: this.deps.network.depositDenom, amount: defaultDepositUact(this.desired.groups, this.deps.network.blockSeconds, min).toString() };
  }

  /** Latest height (the CLI's convention), above any dseq this stack used, and free on chain. */
  private async chooseDseq(): Promise<string> {
    let dseq = BigInt(await this.chain.latestHeight());
    const floor = this.state.previous ? BigInt(this.state.previous.dseq) + 1n : 0n;
    if (dseq < floor) dseq = floor;
    for (let i = 0; i < 10; i++, dseq++) {
      if (!(await this.chain.deployment(this.owner, dseq.toString()))) return dseq.toString();
    }
    throw new DeployError("could not find a free deployment sequence number; try again in a few seconds");
  }

  /** Enough ACT for the deposit (minting it, after confirmation) and AKT for gas; `balances` as just read. */
  private async ensureFunds(deposit: Coin, balances: Coin[]): Promise<void> {
    const gasDenom = this.chain.gasPrice.denom;
    const gasBalance = balanceOf(balances, gasDenom);
    const gasNeeded = gasAllowanceUakt(4, this.chain.gasPrice.price);
    const depositBalance = balanceOf(balances, deposit.denom);
    const needed = BigInt(deposit.amount);
    if (depositBalance >= needed) {
      if (gasBalance < gasNeeded) throw new DeployError(this.shortOfGas(gasBalance, gasNeeded));
      return;
    }
    if (deposit.denom !== "uact") {
      throw new DeployError(`the deposit needs ${microToWhole(needed)} ${unitName(deposit.denom)} and ${this.owner} holds ${microToWhole(depositBalance)}; fund the account and run again`);
    }
    const params = await this.chain.mintParams();
    const need = mintNeed(needed, depositBalance, BigInt(params.minMint.amount), params.aktPriceInAct, params.spreadBps)!;
    if (!params.mintsAllowed) throw new DeployError(`the deposit needs ${microToWhole(need.mintUact)} more ACT, but minting ACT is halted on this chain (circuit breaker); try later or fund the account with ACT another way`);
    if (need.burnUakt === undefined) {
      throw new DeployError(`the deposit needs ${microToWhole(need.mintUact)} more ACT, but the chain reports no AKT price to compute the AKT to burn; mint ACT yourself and run again`);
    }
    if (gasBalance < need.burnUakt + gasNeeded) {
      throw new DeployError(
        `minting ${microToWhole(need.mintUact)} ACT burns about ${microToWhole(need.burnUakt)} AKT, plus ≈${microToWhole(gasNeeded)} AKT for gas, but ${this.owner} holds ${microToWhole(gasBalance)} AKT; fund it and run again`,
      );
    }
    const question = `The deposit needs ${microToWhole(needed)} ACT and the account holds ${microToWhole(depositBalance)}. Mint ${microToWhole(need.mintUact)} ACT by burning ≈${microToWhole(need.burnUakt)} AKT?`;
    if (!this.options.yes && !(await this.ask(question, "mint ACT"))) {
      throw new DeployError(`${question.replace(/\?$/, "")}: not confirmed. Run again with --yes to mint, or mint ACT yourself`);
    }
    this.report.step("mint-act", "started", `minting ${microToWhole(need.mintUact)} ACT (burning ≈${microToWhole(need.burnUakt)} AKT)`);
    await this.send([{ type: "mint-act", burn: { denom: gasDenom, amount: need.burnUakt.toString() } }], "mint ACT", undefined);
    // The mint executes at the next mint epoch, a few blocks later.
    const deadline = Date.now() + (params.epochBlocks * 2 + 10) * this.blockMs() + 10_000;
    this.report.waiting(`for the mint to execute at the next epoch (≤ ${params.epochBlocks} blocks)`);
    for (;;) {
      const now = balanceOf(await this.chain.balances(this.owner), deposit.denom);
      if (now >= needed) break;
      if (Date.now() > deadline) {
        throw new DeployError(`the ACT mint did not execute within ${params.epochBlocks * 2 + 10} blocks (balance ${microToWhole(now)} ACT); the chain may have cancelled it. Run again to retry`);
      }
      await sleep(this.options.pollMs);
    }
    this.report.step("mint-act", "done", "ACT minted");
  }

  /**
   * A new deployment (create, or the new half of a replacement) locks a deposit in escrow and
   * starts paying for leases; a replacement also starts with empty persistent volumes. Asked once
   * per run, before anything is sent.
   */
  private async confirmSpending(decision: ChangeDecision): Promise<void> {
    if (this.options.yes) return;
    const deposit = this.options.deposit ?? (await this.defaultDeposit());
    const what =
      decision.action === "create"
        ? `Create a new deployment of ${this.desired.stack} on ${this.deps.network.name}, with ${microToWhole(BigInt(deposit.amount))} ${unitName(deposit.denom)} into escrow`
        : `Replace deployment ${this.state.current?.dseq ?? ""} of ${this.desired.stack} on ${this.deps.network.name} with a new one (${microToWhole(BigInt(deposit.amount))} ${unitName(deposit.denom)} into escrow)`;
    const volumes = decision.action === "replace" ? persistentVolumes(this.manifest.groups) : [];
    const loss = volumes.length > 0 ? `; these persistent volumes start empty on the new deployment: ${volumes.join(", ")}` : "";
    if (!(await this.ask(`${what}${loss}?`, decision.action === "create" ? "create the deployment" : "replace the deployment"))) {
      throw new DeployError(`${what}: not confirmed; nothing was sent. Run again and answer y, or pass --yes`);
    }
  }

  /** Asks on the terminal; with none, stops the run before anything is spent (exit 2). */
  private async ask(question: string, action: string): Promise<boolean> {
    if (!this.deps.confirm) {
      throw new ConfirmationRequiredError(`${question.replace(/\?$/, "")}: deploy asks before it spends, and there is no terminal to ask on; nothing was sent. Run it with --yes to ${action} without asking`);
    }
    return this.deps.confirm(question);
  }

  private shortOfGas(have: bigint, need: bigint): string {
    return `${this.owner} holds ${microToWhole(have)} AKT; the transactions need ≈${microToWhole(need)} AKT for gas. Fund the account with AKT and run again`;
  }

  // ---------------------------------------------------------------------------------------------
  // Bids and leases
  // ---------------------------------------------------------------------------------------------

  private async ensureLeases(): Promise<void> {
    const record = this.state.current!;
    let info = await this.chain.deployment(this.owner, record.dseq);
    if (!info || info.state !== "active") throw new DeployError(`deployment ${record.dseq} is not active on chain; run again to start over`);
    let active = (await this.chain.leases(this.owner, record.dseq)).filter((l) => l.state === "active");
    let missing = info.groups.filter((g) => !active.some((l) => l.gseq === g.gseq));

    if (missing.length > 0 && missing.some((g) => g.state !== "open")) {
      // A lease was closed (manifest timeout, provider gone, funds): its group cannot bid again.
      const lost = missing.map((g) => `${g.spec.name} (${g.state})`).join(", ");
      this.report.warn(`deployment ${record.dseq} lost its lease for ${lost}; replacing it with a new deployment`);
      // A new deployment spends a new deposit and starts with empty volumes: asked like any replacement.
      await this.confirmSpending({ action: "replace", reasons: [], differences: [], hashKnown: true });
      this.state.previous = record;
      this.state.current = undefined;
      await this.save();
      await this.createDeployment();
      return this.ensureLeases();
    }

    if (missing.length === 0) {
      this.adoptLeases(record, active);
      await this.save();
      for (const step of ["wait-bids", "select-bids", "create-lease"] as const) {
        this.report.step(step, "skipped", `every group of deployment ${record.dseq} has an active lease`, { dseq: record.dseq });
      }
      return;
    }

    // wait-bids + select-bids
    const needs: GroupNeed[] = missing.map((g) => ({
      gseq: g.gseq,
      name: g.spec.name,
      maxPrice: groupMaxPricePerBlock(g.spec),
      denom: g.spec.resources[0]?.price.denom ?? this.deps.network.depositDenom,
    }));
    this.report.step("wait-bids", "started", `waiting for bids on ${needs.map((n) => n.name).join(", ")} (up to ${Math.round(this.options.bidTimeoutMs / 1000)} s)`, {
      dseq: record.dseq,
    });
    // Bids take a few blocks: time enough for what the first provider connection would cost later.
    this.deps.providers.prepare();
    const started = Date.now();
    let lastNote = 0;
    let selection: Awaited<ReturnType<typeof selectBids>> | undefined;
    let bids: Bid[] = [];
    for (;;) {
      bids = await this.chain.bids(this.owner, record.dseq, "open");
      const everyGroupHasBids = needs.every((n) => bids.some((b) => b.gseq === n.gseq));
      if (everyGroupHasBids) {
        selection = await selectBids(needs, bids, this.options.policy, {
          provider: (a) => this.deps.providers.info(a),
          audits: (a) => this.chain.providerAudits(a),
          unreachable: async (p) => {
            try {
              await this.deps.providers.clientFor(p).status();
              return undefined;
            } catch (err) {
              return err instanceof Error ? err.message : String(err);
            }
          },
        });
        if (selection.unmet.length === 0) break;
      }
      if (Date.now() - started > this.options.bidTimeoutMs) {
        await this.failOnBids(record, needs, bids, selection);
      }
      if (Date.now() - lastNote > 5000) {
        lastNote = Date.now();
        const counts = needs.map((n) => `${n.name}: ${bids.filter((b) => b.gseq === n.gseq).length}`).join(", ");
        this.report.waiting(`for bids (${counts}; ${Math.round((Date.now() - started) / 1000)} s)`);
      }
      await sleep(this.options.pollMs);
    }
    this.report.step("wait-bids", "done", `${bids.length} open bid${bids.length === 1 ? "" : "s"}`, { dseq: record.dseq, bids: bids.length });

    const chosen = [...selection!.chosen.values()];
    const leases: LeaseRecord[] = [];
    for (const bid of chosen) {
      const info = await this.deps.providers.info(bid.provider);
      leases.push({ gseq: bid.gseq, oseq: bid.oseq, provider: bid.provider, bseq: bid.bseq, price: bid.price, ...(info?.hostUri ? { hostUri: info.hostUri } : {}) });
    }
    const rejected = selection!.verdicts.filter((v) => v.rejections.length > 0);
    this.report.step(
      "select-bids",
      "done",
      leases.map((l) => `${record.groups[l.gseq - 1] ?? `group ${l.gseq}`} → ${l.provider} at ${trimDec(l.price.amount)} ${l.price.denom}/block`).join("; ") +
        (rejected.length > 0 ? ` (${rejected.length} bid${rejected.length === 1 ? "" : "s"} set aside by policy)` : ""),
      { dseq: record.dseq, leases: leases.map((l) => ({ provider: l.provider, gseq: l.gseq, oseq: l.oseq, price: l.price.amount })) },
    );

    // create-lease: all groups in one transaction.
    record.pendingLeases = leases;
    record.phase = "leasing";
    await this.save();
    this.report.step("create-lease", "started", `leasing ${leases.length} group${leases.length === 1 ? "" : "s"} in one transaction`, { dseq: record.dseq });
    try {
      await this.send(
        leases.map((l) => ({ type: "create-lease", dseq: record.dseq, gseq: l.gseq, oseq: l.oseq, provider: l.provider, bseq: l.bseq })),
        `lease deployment ${record.dseq}`,
        record.dseq,
        {
          onSigned: (hash) => {
            record.leaseTx = hash;
          },
        },
      );
    } catch (err) {
      // "bid not open": an interrupted run's lease may have landed; the chain tells.
      active = (await this.chain.leases(this.owner, record.dseq)).filter((l) => l.state === "active");
      info = await this.chain.deployment(this.owner, record.dseq);
      if (!(err instanceof ChainTxError) || !info || !info.groups.every((g) => active.some((l) => l.gseq === g.gseq))) {
        this.report.step("create-lease", "failed", err instanceof Error ? err.message : String(err), { dseq: record.dseq });
        throw err;
      }
    }
    active = (await this.chain.leases(this.owner, record.dseq)).filter((l) => l.state === "active");
    this.adoptLeases(record, active);
    record.pendingLeases = undefined;
    record.phase = "leased";
    recordStep(this.state, "create-lease", "done", record.dseq);
    await this.save();
    this.report.step("create-lease", "done", `${active.length} active lease${active.length === 1 ? "" : "s"}`, {
      dseq: record.dseq,
      leases: active.map((l) => ({ provider: l.provider, gseq: l.gseq, oseq: l.oseq, price: l.price.amount })),
    });
    this.crashPoint("lease");
  }

  /** Records the chain's active leases in the state, keeping what we knew about each (host, manifest sent). */
  private adoptLeases(record: DeploymentRecord, active: Lease[]): void {
    record.leases = active
      .sort((a, b) => a.gseq - b.gseq)
      .map((l) => {
        const known = record.leases.find((k) => k.gseq === l.gseq && k.oseq === l.oseq && k.provider === l.provider) ?? record.pendingLeases?.find((k) => k.gseq === l.gseq && k.provider === l.provider);
        return {
          gseq: l.gseq,
          oseq: l.oseq,
          provider: l.provider,
          bseq: l.bseq,
          price: l.price,
          ...(known?.hostUri ? { hostUri: known.hostUri } : {}),
          ...(known?.manifestHash ? { manifestHash: known.manifestHash } : {}),
        };
      });
    if (record.phase === "creating" || record.phase === "created" || record.phase === "leasing") record.phase = "leased";
  }

  /** No acceptable bid in time: say which requirement is likely unmet, close the deployment (refund), stop. */
  private async failOnBids(record: DeploymentRecord, needs: GroupNeed[], bids: Bid[], selection: Awaited<ReturnType<typeof selectBids>> | undefined): Promise<never> {
    const lines = needs.map((n) => {
      const own = bids.filter((b) => b.gseq === n.gseq);
      if (own.length === 0) return `  ${n.name}: no bids at all. ${this.likelyUnmet(n)}`;
      const unmet = selection?.unmet.find((u) => u.gseq === n.gseq);
      return unmet ? `  ${n.name}: ${unmet.reason}` : `  ${n.name}: bids arrived but were not all acceptable in time`;
    });
    this.report.step("wait-bids", "failed", `no acceptable bid within ${Math.round(this.options.bidTimeoutMs / 1000)} s`, { dseq: record.dseq });
    const refund = await this.closeDeployment(record, "no acceptable bids");
    throw new DeployError(
      `no acceptable bids for deployment ${record.dseq}:\n${lines.join("\n")}\n` +
        `The deployment was closed${refund ? ` and ${refund} refunded` : ""}. Adjust the stack or the bid policy and run again.`,
    );
  }

  private likelyUnmet(need: GroupNeed): string {
    const group = this.desired.groups.find((g) => g.name === need.name);
    const atDefaults = group ? ` (about ${formatDec(expectedGroupPricePerBlock(group), 6)} at the default provider prices)` : "";
    const hints: string[] = [`the price ceiling (${formatDec(need.maxPrice, 6)} ${need.denom}/block for the group) may be below what providers ask${atDefaults}`];
    if (group) {
      const signedBy = [...(group.requirements.signedBy.allOf ?? []), ...(group.requirements.signedBy.anyOf ?? [])];
      if (signedBy.length > 0) hints.push(`only providers audited by ${signedBy.join(", ")} may bid`);
      const attributes = group.requirements.attributes ?? [];
      if (attributes.length > 0) hints.push(`providers must have ${attributes.map((a) => `${a.key}=${a.value}`).join(", ")}`);
      const units = group.resources;
      if (units.some((u) => u.resources.endpoints.some((e) => e.kind === 2))) hints.push("a leased IP needs a provider with IP leasing");
      if (units.some((u) => (u.resources.gpu?.units ?? 0n) > 0n)) hints.push("GPUs are scarce");
      const classes = new Set(units.flatMap((u) => u.resources.storage.flatMap((s) => s.attributes?.filter((a) => a.key === "class").map((a) => a.value) ?? [])));
      if (classes.size > 0) hints.push(`persistent storage of class ${[...classes].join(", ")} is needed`);
    }
    return `Likely unmet: ${hints.join("; or ")}`;
  }

  // ---------------------------------------------------------------------------------------------
  // Manifest and readiness
  // ---------------------------------------------------------------------------------------------

  private async ensureManifest(force: ReadonlySet<string> = new Set()): Promise<void> {
    const record = this.state.current!;
    const pending = record.leases.filter((l) => l.manifestHash !== record.hash || force.has(l.provider));
    if (pending.length === 0) {
      this.report.step("send-manifest", "skipped", `every provider already has manifest ${record.hash.slice(0, 12)}`, { dseq: record.dseq });
      return;
    }
    this.report.step("send-manifest", "started", `sending the manifest to ${pending.map((l) => l.provider).join(", ")}`, { dseq: record.dseq });
    try {
      await Promise.all(
        pending.map(async (lease) => {
          const client = await this.deps.providers.client(lease.provider);
          lease.hostUri = client.hostUri;
          await client.sendManifest(record.dseq, this.manifest.json, this.options.manifestDeadlineMs, { nextBlock: (signal) => this.nextBlock(signal) });
          lease.manifestHash = record.hash;
          await this.save();
        }),
      );
    } catch (err) {
      this.report.step("send-manifest", "failed", err instanceof Error ? err.message : String(err), { dseq: record.dseq });
      throw new DeployError(
        `${err instanceof Error ? err.message : String(err)}\nDeployment ${record.dseq} is leased and paid per block; run the same command again to retry (providers close a lease without a manifest after about 5 minutes), or close it.`,
      );
    }
    record.phase = "manifest-sent";
    recordStep(this.state, "send-manifest", "done", record.dseq);
    await this.save();
    this.report.step("send-manifest", "done", `${pending.length} provider${pending.length === 1 ? "" : "s"} accepted manifest ${record.hash.slice(0, 12)}`, { dseq: record.dseq });
    this.crashPoint("manifest");
  }

  private async waitReady(): Promise<void> {
    const record = this.state.current!;
    const wanted = new Map<number, string[]>();
    for (const lease of record.leases) {
      const groupName = record.groups[lease.gseq - 1];
      const group = this.manifest.groups.find((g) => g.name === groupName);
      wanted.set(lease.gseq, group ? group.services.map((s) => s.name) : []);
    }
    const total = [...wanted.values()].reduce((n, s) => n + s.length, 0);
    this.report.step("wait-ready", "started", `waiting for ${total} service${total === 1 ? "" : "s"} to be available`, { dseq: record.dseq });
    const started = Date.now();
    let lastNote = 0;
    const missingSince = new Map<string, number>();
    const resent = new Set<string>();
    for (;;) {
      const statuses = await Promise.all(
        record.leases.map(async (lease) => ({ lease, status: await (await this.deps.providers.client(lease.provider)).leaseStatus(record.dseq, lease.gseq, lease.oseq) })),
      );
      const progress: string[] = [];
      let ready = 0;
      for (const { lease, status } of statuses) {
        for (const name of wanted.get(lease.gseq) ?? []) {
          const s = status?.services[name];
          const ok = s !== undefined && s.total > 0 && s.available >= s.total;
          if (ok) ready++;
          progress.push(`${name} ${s ? `${s.available}/${s.total}` : "–"}`);
        }
        // A provider without the manifest after an earlier successful send lost it: send again once.
        if (status === undefined) {
          const since = missingSince.get(lease.provider) ?? Date.now();
          missingSince.set(lease.provider, since);
          if (Date.now() - since > Math.max(5_000, 10 * this.options.pollMs) && !resent.has(lease.provider)) {
            resent.add(lease.provider);
            this.report.warn(`${lease.provider} reports no manifest for lease ${record.dseq}/${lease.gseq}/${lease.oseq}; sending it again`);
            await this.ensureManifest(new Set([lease.provider]));
          }
        } else missingSince.delete(lease.provider);
      }
      if (ready === total) {
        record.endpoints = collectEndpoints(statuses);
        record.phase = "ready";
        recordStep(this.state, "wait-ready", "done", record.dseq);
        await this.save();
        this.report.step("wait-ready", "done", `${total}/${total} services available`, { dseq: record.dseq, endpoints: record.endpoints });
        return;
      }
      if (Date.now() - started > this.options.readyTimeoutMs) {
        this.report.step("wait-ready", "failed", `${ready}/${total} services available after ${Math.round(this.options.readyTimeoutMs / 1000)} s (${progress.join(", ")})`, {
          dseq: record.dseq,
        });
        throw new DeployError(
          `services of deployment ${record.dseq} are not all available after ${Math.round(this.options.readyTimeoutMs / 1000)} s: ${progress.join(", ")}. ` +
            `The deployment is leased and paid; run the same command again to keep waiting, check the provider's logs, or close it.`,
        );
      }
      if (Date.now() - lastNote > 5000) {
        lastNote = Date.now();
        this.report.waiting(`for services (${progress.join(", ")})`);
      }
      await sleep(this.options.pollMs);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Replacement cleanup and closing
  // ---------------------------------------------------------------------------------------------

  private async closePrevious(): Promise<void> {
    const previous = this.state.previous;
    if (!previous) return;
    this.report.step("close-previous", "started", `closing the replaced deployment ${previous.dseq}`, { dseq: previous.dseq });
    const refund = await this.closeDeployment(previous, "replaced");
    if (this.state.previous === previous) this.state.previous = undefined;
    await this.save();
    this.report.step("close-previous", "done", `deployment ${previous.dseq} closed${refund ? `, ${refund} refunded` : ""}`, { dseq: previous.dseq });
  }

  /** Closes a deployment (if still active) and returns the refund as text ("0.49 ACT"), or "". */
  private async closeDeployment(record: DeploymentRecord, reason: string): Promise<string> {
    const info = await this.chain.deployment(this.owner, record.dseq);
    let refund = "";
    if (info?.state === "active") {
      const denom = record.deposit.denom;
      const before = balanceOf(await this.chain.balances(this.owner), denom);
      const tx = await this.send([{ type: "close-deployment", dseq: record.dseq }], `close deployment ${record.dseq}`, record.dseq);
      const after = balanceOf(await this.chain.balances(this.owner), denom);
      if (after > before) refund = `${microToWhole(after - before)} ${unitName(denom)}`;
      this.state.closed.push({ dseq: record.dseq, closedAt: new Date().toISOString(), reason, tx: tx.hash });
    } else {
      this.state.closed.push({ dseq: record.dseq, closedAt: new Date().toISOString(), reason: `${reason} (already closed)` });
    }
    if (this.state.current === record) this.state.current = undefined;
    await this.save();
    return refund;
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing
  // ---------------------------------------------------------------------------------------------

  /**
   * Signs and broadcasts, saving the state with the transaction's hash before it is sent
   * (`onSigned` records what else the caller keeps with it, and that save includes it).
   */
  private async send(msgs: ChainMsg[], what: string, dseq: string | undefined, hooks: { onSigned?(hash: string): void; onBroadcast?(): void } = {}): Promise<TxResult> {
    const signed: string[] = [];
    const result = await this.chain.signAndBroadcast(msgs, {
      // The marker that lets a later run without this state file find the deployment (marker.ts).
      memo: markerMemo(this.desired.stack, dseq),
      onSigned: async (hash) => {
        signed.push(hash);
        recordTx(this.state, { hash, what, ...(dseq ? { dseq } : {}) });
        hooks.onSigned?.(hash);
        await this.save();
      },
      onBroadcast: () => hooks.onBroadcast?.(),
    });
    // Attempts before the one that landed failed (out of gas, sequence) and were retried: say so.
    for (const hash of signed) if (hash !== result.hash) recordTx(this.state, { hash, what, outcome: "failed; retried", ...(dseq ? { dseq } : {}) });
    recordTx(this.state, { hash: result.hash, what, height: result.height, ...(dseq ? { dseq } : {}) });
    this.txs.push({ hash: result.hash, what, height: result.height });
    await this.save();
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // DNS and verification (after-ready.ts)
  // ---------------------------------------------------------------------------------------------

  /** What `verify STACK --network N` and `dns apply STACK --network N` read, from this run's endpoints. */
  private async recordVerifySection(): Promise<void> {
    this.state.verify = verifySectionOf(this.desired.synth, this.state.current!.endpoints, statePath(this.deps.home, this.state.stack, this.state.network));
    await this.save();
  }

  private async dnsStep(): Promise<StepResult> {
    const record = this.state.current!;
    const env = this.deps.env ?? {};
    if (this.desired.synth.dns.length > 0 && NAMECHEAP_CREDENTIALS.every((name) => env[name]?.trim())) {
      this.report.step("dns", "started", `pointing ${this.desired.synth.dns.map((r) => r.fqdn).join(", ")} at the leased IPs`, { dseq: record.dseq });
    }
    const result = await runDnsStep({
      stack: this.state.stack,
      network: this.state.network,
      synth: this.desired.synth,
      endpoints: record.endpoints,
      stateFile: statePath(this.deps.home, this.state.stack, this.state.network),
      home: this.deps.home,
      env,
      ...(this.options.dnsWait !== undefined ? { wait: this.options.dnsWait } : {}),
      info: (line) => this.report.info(line),
    });
    return this.finishStep("dns", result);
  }

  private async verifyStep(): Promise<StepResult> {
    const record = this.state.current!;
    if (this.deps.network.name === "local") {
      return this.finishStep("verify", {
        status: "skipped",
        message: `the local devnet runs no containers (providers only report them ready), so there is nothing to probe; on a real network deploy runs \`akash-stack verify ${this.state.stack} --network NETWORK\``,
      });
    }
    this.report.step("verify", "started", "checking the deployed services (registry, gateway, TLS, DNS)", { dseq: record.dseq });
    let result: StepResult;
    try {
      result = await runVerifyStep({ stack: this.state.stack, network: this.state.network, home: this.deps.home, stateFile: statePath(this.deps.home, this.state.stack, this.state.network), section: this.state.verify! });
    } catch (err) {
      // Verification never undoes a deployment: the failure is reported and the deploy goes on.
      result = { status: "failed", message: `${err instanceof Error ? err.message : String(err)}; the deployment is kept: run \`akash-stack verify ${this.state.stack} --network ${this.state.network}\` to check again` };
    }
    return this.finishStep("verify", result);
  }

  private finishStep(step: "dns" | "verify", result: StepResult): StepResult {
    const dseq = this.state.current?.dseq;
    recordStep(this.state, step, result.status, dseq, result.status === "done" ? undefined : result.message);
    for (const w of result.warnings ?? []) this.report.warn(w);
    this.report.step(step, result.status, result.message, { dseq, ...result.fields });
    return result;
  }

  /**
   * The services are ready but a step after them failed: the run fails (CI must notice) while the
   * deployment keeps running. A replaced deployment is not closed yet, since the names may still
   * point at it; the next run closes it once both steps pass.
   */
  private async failedAfterReady(steps: ReadonlyArray<"dns" | "verify">, results: Record<"dns" | "verify", StepResult>): Promise<DeploySummary> {
    const record = this.state.current!;
    const previous = this.state.previous;
    const rerun = `akash-stack deploy ${this.state.stack} --network ${this.state.network}`;
    const message =
      steps.map((step) => `the ${step} step failed: ${results[step].message}`).join("\n") +
      `\nDeployment ${record.dseq} is ready and its lease${record.leases.length === 1 ? " keeps" : "s keep"} running (and paying); nothing was closed` +
      (previous ? `, and the replaced deployment ${previous.dseq} is kept until the ${steps.join(" and ")} step${steps.length === 1 ? " passes" : "s pass"}` : "") +
      `. Fix the problem, then run the same deploy again (\`${rerun}\` with the same flags): with nothing else to change it only repeats the dns and verify steps` +
      (previous ? ` and then closes deployment ${previous.dseq}` : "") +
      ".";
    await this.save();
    return { ...this.summary("failed", message), failedSteps: [...steps] };
  }

  /**
   * Resolves once the chain has a block after the latest one now, polling its height; stops
   * polling when `signal` aborts. Providers act on blocks, so that is when asking again is worth it.
   */
  private async nextBlock(signal: AbortSignal): Promise<void> {
    const start = await this.chain.latestHeight();
    for (;;) {
      await sleep(this.options.pollMs, signal);
      if ((await this.chain.latestHeight()) > start) return;
    }
  }

  private crashPoint(point: (typeof CRASH_POINTS)[number]): void {
    if (this.options.crashAt === point) process.kill(process.pid, "SIGKILL");
  }

  private blockMs(): number {
    return this.deps.network.blockSeconds * 1000;
  }

  private save(): Promise<void> {
    return saveState(this.deps.home, this.state);
  }

  private summary(status: "done" | "failed", error?: string): DeploySummary {
    const record = this.state.current;
    return {
      status,
      action: this.action,
      network: this.deps.network.name,
      stack: this.desired.stack,
      dseq: record?.dseq,
      owner: this.owner,
      leases: (record?.leases ?? []).map((l) => ({ provider: l.provider, gseq: l.gseq, oseq: l.oseq, price: l.price.amount })),
      endpoints: record?.endpoints ?? {},
      txs: this.txs,
      ...(error ? { error } : {}),
    };
  }
}

function collectEndpoints(statuses: Array<{ lease: LeaseRecord; status: LeaseStatus | undefined }>): Record<string, ServiceEndpoints> {
  const out: Record<string, ServiceEndpoints> = {};
  for (const { lease, status } of statuses) {
    if (!status) continue;
    for (const [name, s] of Object.entries(status.services)) {
      out[name] = {
        provider: lease.provider,
        uris: [...s.uris],
        ips: (status.ips[name] ?? []).map((ip) => ({ ip: ip.ip, port: ip.port, externalPort: ip.externalPort, protocol: ip.protocol })),
        forwardedPorts: (status.forwardedPorts[name] ?? []).map((p) => ({ host: p.host, port: p.port, externalPort: p.externalPort, proto: p.proto })),
      };
    }
  }
  return out;
}

/** "service/volume" for every persistent volume the manifest mounts (storage with `persistent: true`). */
export function persistentVolumes(groups: readonly ManifestGroup[]): string[] {
  const out: string[] = [];
  for (const group of groups) {
    for (const service of group.services) {
      for (const volume of service.resources.storage) {
        if (volume.attributes?.some((a) => a.key === "persistent" && a.value === "true")) out.push(`${service.name}/${volume.name}`);
      }
    }
  }
  return out;
}

export function unitName(denom: string): string {
  return denom === "uact" ? "ACT" : denom === "uakt" ? "AKT" : denom;
}
