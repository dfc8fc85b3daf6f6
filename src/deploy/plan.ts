/**
 * `plan`: what a deploy would do, without doing it. Compares the synthesized stack with the
 * deployment on chain (found through the state file) and estimates what it costs: the expected
 * monthly price at default provider prices, the ceiling (or the current leases' price), the
 * deposit, AKT for gas, the ACT to mint and the DNS records that would change. Reads only; never
 * signs, never writes a secret.
 */
import type { Network } from "../chain/networks.js";
import type { ChainClient, Coin, DeploymentInfo, Lease } from "../chain/types.js";
import { expectedGroupPricePerBlock } from "../sdl/prices.js";
import { balanceOf, blocksPerMonth, defaultDepositUact, DEFAULT_RUNWAY_HOURS, expectedPerBlock, formatDec, gasAllowanceUakt, groupMaxPricePerBlock, microToWhole, mintNeed, parseDec } from "./amounts.js";
import { decideChange, type ChangeDecision } from "./compare.js";
import { persistentVolumes, unitName } from "./deploy.js";
import { diffManifests, formatChange, manifestJsonOf, readManifest, type FieldChange, type ServiceView } from "./diff.js";
import type { DesiredDeployment } from "./desired.js";
import { describeDiscovery, discoverOnChain, recordFromChain } from "./discover.js";
import type { StackState } from "./state.js";

export interface DnsChange {
  fqdn: string;
  type: "A";
  /** What the record will point at. */
  target: string;
  change: "create" | "update" | "unchanged";
}

export interface Plan {
  network: string;
  stack: string;
  owner: string;
  decision: ChangeDecision;
  /** The deployment on chain today. */
  dseq: string | undefined;
  hash: { desired: string | undefined; onChain: string | undefined };
  cost: {
    denom: string;
    blockSeconds: number;
    blocksPerMonth: number;
    /** What providers with the helm chart's default prices bid (capped by the ceiling): what it will likely cost. */
    expectedPerBlock: string;
    expectedPerMonth: string;
    /** Ceiling from the SDL prices (providers bid at or below it). */
    maxPerBlock: string;
    maxPerMonth: string;
    /** What the active leases cost now, when there are any. */
    currentPerBlock?: string;
    currentPerMonth?: string;
  };
  deposit: Coin;
  gas: { transactions: number; uakt: string };
  balances?: { uakt: string; uact: string };
  mint?: { uact: string; burnUakt?: string };
  dns: DnsChange[];
  /**
   * Field by field, per service (diff.ts): undefined when the providers' copy of the running
   * manifest could not be read (no key, or no provider answered), and for a create.
   */
  changes?: FieldChange[];
  /** For a replacement: the persistent volumes ("service/volume") that start empty on the new deployment. */
  volumesStartingEmpty: string[];
  notes: string[];
}

export interface PlanInputs {
  desired: DesiredDeployment;
  network: Network;
  chain: Pick<ChainClient, "deployment" | "deployments" | "memosOf" | "leases" | "balances" | "depositParams" | "mintParams" | "gasPrice">;
  /** From the key, `--owner`, or the state file: the chain is always asked (plan never guesses). */
  owner: string;
  state: StackState | undefined;
  deposit?: Coin;
  /** Reads the manifest a lease's provider runs (needs the owner's key for the JWT); absent without one. */
  runningManifest?(lease: Lease): Promise<unknown>;
}

export async function buildPlan(inputs: PlanInputs): Promise<Plan> {
  const { desired, network, chain, owner, state } = inputs;
  const notes: string[] = [];
  let current = state?.current;
  let onChain: DeploymentInfo | undefined;
  let leases: Lease[] = [];
  if (current) {
    onChain = await chain.deployment(owner, current.dseq);
    if (onChain?.state !== "active") notes.push(`deployment ${current.dseq} from the state file is ${onChain ? "closed" : "not on chain"}`);
  }
  if (onChain?.state !== "active") {
    // No live deployment known here: the chain lists the owner's, and a live one of this stack is found.
    const found = await discoverOnChain(chain, owner, { stack: desired.stack, groups: desired.groups, hash: desired.manifest?.hash });
    notes.push(...describeDiscovery(desired.stack, network.name, found));
    if (found.match) {
      onChain = found.match.info;
      current = recordFromChain(onChain, onChain.hash === desired.manifest?.hash ? desired.templateHash : undefined, network.depositDenom);
    }
  }
  if (onChain?.state === "active") leases = (await chain.leases(owner, onChain.dseq)).filter((l) => l.state === "active");
  const active = onChain?.state === "active" ? onChain : undefined;
  const decision = decideChange(
    { groups: desired.groups, hash: desired.manifest?.hash, templateHash: desired.templateHash },
    active ? { groups: active.groups.map((g) => g.spec), hash: active.hash, templateHash: current?.templateHash || undefined } : undefined,
  );
  let changes: FieldChange[] | undefined;
  if ((decision.action === "update" || decision.action === "replace") && inputs.runningManifest && leases.length > 0) {
    changes = await fieldChanges(desired, leases, inputs.runningManifest).catch((err: unknown) => {
      notes.push(`the running manifest could not be read from the provider (${err instanceof Error ? err.message : String(err)}); only the hash comparison is shown`);
      return undefined;
    });
  }
  const volumesStartingEmpty = decision.action === "replace" ? persistentVolumes(desired.templateManifest) : [];
  if (desired.missingSecrets.length > 0) {
    notes.push(`secrets without a value here: ${desired.missingSecrets.join(", ")}; the manifest was compared with placeholders`);
  }
  if (state?.previous) notes.push(`an interrupted replacement left deployment ${state.previous.dseq}; deploy closes it once the new one is ready`);

  const denom = desired.groups[0]?.resources[0]?.price.denom || network.depositDenom;
  const perBlock = desired.groups.reduce((sum, g) => sum + groupMaxPricePerBlock(g), 0n);
  const expected = expectedPerBlock(desired.groups);
  const blocks = blocksPerMonth(network.blockSeconds);
  for (const group of desired.groups) {
    const atDefaults = expectedGroupPricePerBlock(group);
    const ceiling = groupMaxPricePerBlock(group);
    if (atDefaults > ceiling) {
      notes.push(
        `group ${group.name}: its ceiling (${formatDec(ceiling, 6)} ${denom}/block) is below what providers bid at the default prices (${formatDec(atDefaults, 6)}); expect few or no bids, or raise the pricing in the SDL`,
      );
    }
  }
  const cost: Plan["cost"] = {
    denom,
    blockSeconds: network.blockSeconds,
    blocksPerMonth: blocks,
    expectedPerBlock: formatDec(expected, 6),
    expectedPerMonth: formatDec(expected * BigInt(blocks), 6),
    maxPerBlock: formatDec(perBlock, 6),
    maxPerMonth: formatDec(perBlock * BigInt(blocks), 6),
  };
  if (leases.length > 0) {
    const now = leases.reduce((sum, l) => sum + parseDec(l.price.amount), 0n);
    cost.currentPerBlock = formatDec(now, 6);
    cost.currentPerMonth = formatDec(now * BigInt(blocks), 6);
  }

  const params = await chain.depositParams().catch(() => undefined);
  const minimum = BigInt(params?.minDeposits.find((c) => c.denom === network.depositDenom)?.amount ?? "500000");
  const deposit = inputs.deposit ?? { denom: network.depositDenom, amount: defaultDepositUact(desired.groups, network.blockSeconds, minimum).toString() };
  const transactions = decision.action === "create" ? 2 : decision.action === "replace" ? 3 : decision.action === "update" ? 1 : 0;

  let balances: Plan["balances"];
  let mint: Plan["mint"];
  {
    const coins = await chain.balances(owner);
    balances = { uakt: balanceOf(coins, "uakt").toString(), uact: balanceOf(coins, "uact").toString() };
    if (decision.action === "create" || decision.action === "replace") {
      const mp = await chain.mintParams().catch(() => undefined);
      const need = mintNeed(BigInt(deposit.amount), balanceOf(coins, deposit.denom), BigInt(mp?.minMint.amount ?? "10000000"), mp?.aktPriceInAct, mp?.spreadBps ?? 0);
      if (need && deposit.denom === "uact") {
        mint = { uact: need.mintUact.toString(), ...(need.burnUakt !== undefined ? { burnUakt: need.burnUakt.toString() } : {}) };
      }
    }
  }
  const gasTxs = transactions + (mint ? 1 : 0);

  const dns: DnsChange[] = desired.synth.dns.map((r) => {
    const known = current?.endpoints ? leasedIpOf(current.endpoints, r.endpoint) : undefined;
    const moves = decision.action === "create" || decision.action === "replace";
    return {
      fqdn: r.fqdn,
      type: r.type,
      target: moves || !known ? `the leased IP of endpoint ${r.endpoint}${moves ? " (known after the lease)" : ""}` : known,
      change: decision.action === "create" ? "create" : decision.action === "replace" ? "update" : "unchanged",
    };
  });
  if (dns.length > 0 && network.name === "local") notes.push("DNS records are not changed on the local devnet");

  return {
    network: network.name,
    stack: desired.stack,
    owner,
    decision,
    dseq: active?.dseq,
    hash: { desired: desired.manifest?.hash, onChain: active?.hash },
    cost,
    deposit,
    gas: { transactions: gasTxs, uakt: gasAllowanceUakt(gasTxs, chain.gasPrice.price).toString() },
    ...(balances ? { balances } : {}),
    ...(mint ? { mint } : {}),
    dns,
    ...(changes ? { changes } : {}),
    volumesStartingEmpty,
    notes,
  };
}

/** The providers' running manifests (one per lease, merged by service) against the stack's. */
async function fieldChanges(desired: DesiredDeployment, leases: readonly Lease[], read: (lease: Lease) => Promise<unknown>): Promise<FieldChange[] | undefined> {
  const running = new Map<string, ServiceView>();
  for (const lease of leases) {
    const services = readManifest(await read(lease));
    if (!services) return undefined;
    for (const [name, service] of services) running.set(name, service);
  }
  const template = readManifest(manifestJsonOf(desired.templateManifest))!;
  const wanted = desired.manifest ? readManifest(manifestJsonOf(desired.manifest.groups))! : template;
  return diffManifests(running, wanted, template);
}

function leasedIpOf(endpoints: NonNullable<StackState["current"]>["endpoints"], endpointName: string): string | undefined {
  // The state records IPs per service; the stack's IP endpoint name is not kept per service, so
  // any leased IP is the endpoint's when the stack has one IP endpoint (the common case).
  void endpointName;
  for (const service of Object.values(endpoints)) if (service.ips.length > 0) return service.ips[0]!.ip;
  return undefined;
}

export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  const verb = { create: "create a new deployment", update: "update the deployment in place", replace: "replace the deployment", nothing: "nothing to change" }[plan.decision.action];
  lines.push(`Plan for ${plan.stack} on ${plan.network} (owner ${plan.owner}): ${verb}${plan.dseq ? ` (deployment ${plan.dseq})` : ""}`);
  if (plan.changes) {
    lines.push(`  - ${plan.decision.reasons[0]}`);
    for (const change of plan.changes) lines.push(formatChange(change));
    // What the services do not show: prices, placement, groups added or removed.
    for (const d of plan.decision.differences) if (d.cause === "price" || d.cause === "placement" || d.cause === "groups") lines.push(`  ~ ${d.description} (forces replacement)`);
  } else for (const reason of plan.decision.reasons) lines.push(`  - ${reason}`);
  if (plan.volumesStartingEmpty.length > 0) {
    lines.push(`  ! the new deployment starts with empty persistent volumes: ${plan.volumesStartingEmpty.join(", ")} (their data stays on the old deployment until it is closed)`);
  }
  const unit = unitName(plan.cost.denom);
  lines.push("");
  lines.push(`Cost (${plan.cost.blocksPerMonth.toLocaleString("en-US")} blocks/month at ~${plan.cost.blockSeconds} s/block):`);
  // Per-block prices at default provider rates are tens of uact: 9 decimals keep 3 significant digits.
  const rate = (perBlock: string, perMonth: string): string => `${toWhole(perBlock, 9)} ${unit}/block = ${toWhole(perMonth, 2)} ${unit}/month`;
  lines.push(`  expected  ${rate(plan.cost.expectedPerBlock, plan.cost.expectedPerMonth)} (at the default provider prices)`);
  lines.push(`  ceiling   ${rate(plan.cost.maxPerBlock, plan.cost.maxPerMonth)} (providers bid at or below it)`);
  if (plan.cost.currentPerBlock) lines.push(`  now       ${rate(plan.cost.currentPerBlock, plan.cost.currentPerMonth!)} (active leases)`);
  if (plan.decision.action === "create" || plan.decision.action === "replace") {
    lines.push(
      `  deposit   ${microToWhole(BigInt(plan.deposit.amount))} ${unitName(plan.deposit.denom)} into escrow (default: ${DEFAULT_RUNWAY_HOURS} h at the expected price, or the chain's minimum; --deposit to choose; unused funds are refunded on close)`,
    );
  }
  lines.push(`  gas       ≈${microToWhole(BigInt(plan.gas.uakt))} AKT for ${plan.gas.transactions} transaction${plan.gas.transactions === 1 ? "" : "s"}`);
  if (plan.balances) lines.push(`  balance   ${microToWhole(BigInt(plan.balances.uakt))} AKT, ${microToWhole(BigInt(plan.balances.uact))} ACT`);
  if (plan.mint) {
    lines.push(
      `  mint      ${microToWhole(BigInt(plan.mint.uact))} ACT${plan.mint.burnUakt ? ` by burning ≈${microToWhole(BigInt(plan.mint.burnUakt))} AKT` : " (AKT price unknown)"} (the chain's minimum mint is 10 ACT; deploy asks first, or --yes)`,
    );
  }
  if (plan.dns.length > 0) {
    lines.push("");
    lines.push("DNS:");
    for (const d of plan.dns) lines.push(`  ${d.change.padEnd(9)} ${d.fqdn} ${d.type} → ${d.target}`);
  }
  if (plan.notes.length > 0) {
    lines.push("");
    for (const n of plan.notes) lines.push(`note: ${n}`);
  }
  return lines.join("\n") + "\n";
}

/** A micro-unit decimal ("40000.5") → whole units ("0.0400005"), to `decimals` places. */
function toWhole(microDecimal: string, decimals: number): string {
  return formatDec(parseDec(microDecimal) / 1_000_000n, decimals);
}
