/**
 * Chain validation of the deployment groups the Go parser builds (chain-sdk
 * `go/node/deployment/v1beta4`: resource-unit limits, group totals, pricing) plus the node's
 * message handler (`x/deployment/handler/server.go`: the price denom). The CLI runs the same
 * group validation before broadcasting, so these reject a deployment before any money moves.
 *
 * Messages start with the chain's own text, including its quirks: the unit limits for CPU, GPU
 * and memory print the maximum twice ("384000 > 5 > 384000 fails"), and "denonimation" is
 * misspelt. Users search for those strings, so they stay as the chain prints them.
 */
import type { LintOptions, RuleInfo } from "../findings.js";
import type { ComputeProfile, Price, Sdl } from "../model.js";
import type { Reporter } from "../report.js";
import { entry, isNull, type YEntry, type YNode } from "../yaml.js";
import { deployedProfiles, deployedUnits, hasErrorAt, unitsByPlacement, type DeployedUnit } from "./deployed.js";
import type { RuleContext } from "./types.js";

export const CHAIN_RULES: RuleInfo[] = [
  { id: "resources-missing", layer: "chain", severity: "error", summary: "A deployed compute profile must declare cpu, memory and storage." },
  { id: "cpu-out-of-range", layer: "chain", severity: "error", summary: "Each replica asks for 10m to 384000m (384 CPUs) of CPU." },
  { id: "gpu-out-of-range", layer: "chain", severity: "error", summary: "Each replica asks for at most 24 GPUs." },
  { id: "gpu-attributes-without-units", layer: "chain", severity: "error", summary: "GPU attributes are only allowed when gpu.units is above 0." },
  { id: "memory-out-of-range", layer: "chain", severity: "error", summary: "Each replica asks for 1Mi to 2Ti of memory." },
  { id: "storage-out-of-range", layer: "chain", severity: "error", summary: "Each volume is 5Mi to 32Ti." },
  { id: "price-too-high", layer: "chain", severity: "error", summary: "A price is at most 10000000 per block per replica." },
  { id: "count-zero", layer: "chain", severity: "error", summary: "A placement whose every count is 0 asks for no resources; the chain rejects the group." },
  { id: "group-cpu-total", layer: "chain", severity: "error", summary: "CPU × count, summed over a placement, is at most 19200000m." },
  { id: "group-gpu-total", layer: "chain", severity: "error", summary: "GPUs × count, summed over a placement, is at most 1200." },
  { id: "group-memory-total", layer: "chain", severity: "error", summary: "Memory × count, summed over a placement, is at most 100Ti." },
  { id: "group-storage-total", layer: "chain", severity: "warning", summary: "Each volume × count is at most 1600Ti (declared by the chain; no provider holds more)." },
  { id: "denom-invalid", layer: "go-parser", severity: "error", summary: "A price denom must be a valid Cosmos denom (the Go parser panics on anything else)." },
  { id: "denom-mixed-in-group", layer: "chain", severity: "error", summary: "All profiles deployed in one placement are priced in the same denom." },
  { id: "denom-inconsistent-groups", layer: "chain", severity: "error", summary: "All placements are priced in the same denom." },
  { id: "denom-uact", layer: "chain", severity: "error", summary: "Prices are in uact: the node rejects every other denom since v2.0.0 (March 2026)." },
];

// ---------------------------------------------------------------------------------------------
// Denom policy
// ---------------------------------------------------------------------------------------------

export interface DenomPolicy {
  network: NonNullable<LintOptions["network"]>;
  /** First day (UTC, YYYY-MM-DD) on which the node enforces this policy. */
  since: string;
  /** The only denoms a new deployment may be priced in. */
  allowed: readonly string[];
  /** Where the rule comes from, for the message and for whoever updates this table. */
  source: string;
}

/**
 * Which price denoms the node accepts, per network and date. One table, because it changes: the
 * Solana migration approved in November 2026 (AEP-79) will replace these rules. Add a row with
 * its effective date rather than editing a past one; the newest row in effect wins.
 */
export const DENOM_POLICIES: readonly DenomPolicy[] = [
  {
    network: "mainnet",
    since: "2026-03-31",
    allowed: ["uact"],
    source: "node v2.0.0, BME / AEP-76; live on akashnet-2 by 2026-03-31",
  },
  {
    network: "sandbox",
    // The node change landed on 2026-03-19 (commit 62ec2d71); the sandbox's own upgrade date is not recorded.
    since: "2026-03-19",
    allowed: ["uact"],
    source: "node v2.0.0, BME / AEP-76",
  },
];

/** The denom policy in force on `network` at `at`, or undefined before the first one (`table` for tests). */
export function denomPolicy(network: DenomPolicy["network"] = "mainnet", at: Date = new Date(), table: readonly DenomPolicy[] = DENOM_POLICIES): DenomPolicy | undefined {
  const day = at.toISOString().slice(0, 10);
  return table.filter((p) => p.network === network && p.since <= day).sort((a, b) => (a.since < b.since ? 1 : -1))[0];
}

const DAY_MS = 86_400_000;

/** The policy in force today, per network, with the UTC day it was computed for. */
const todaysPolicies = new Map<DenomPolicy["network"], { dayStart: number; policy: DenomPolicy | undefined }>();

/**
 * `denomPolicy(network)` for now, computed once per network and UTC day: `checkChain` runs for
 * every linted file, and a date, a filter and a sort each time showed in a cold folder lint.
 * Keyed by the day (not computed once per process), so a long-lived process crosses dates right.
 */
function currentDenomPolicy(network: DenomPolicy["network"]): DenomPolicy | undefined {
  const now = Date.now();
  const dayStart = now - (((now % DAY_MS) + DAY_MS) % DAY_MS); // UTC midnight, as toISOString counts days
  const cached = todaysPolicies.get(network);
  if (cached && cached.dayStart === dayStart) return cached.policy;
  const policy = denomPolicy(network, new Date(now));
  todaysPolicies.set(network, { dayStart, policy });
  return policy;
}

/** cosmos-sdk `ValidateDenom`: a letter, then 2 to 127 of letters, digits and `/ : . _ -`. */
const COSMOS_DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;

// ---------------------------------------------------------------------------------------------
// Limits (chain-sdk validation_config.go)
// ---------------------------------------------------------------------------------------------

const Mi = 1024n * 1024n;
const Ti = 1024n * 1024n * 1024n * 1024n;

export const UNIT_LIMITS = {
  cpuMin: 10,
  cpuMax: 384_000,
  gpuMax: 24,
  memoryMin: Mi,
  memoryMax: 2n * Ti,
  storageMin: 5n * Mi,
  storageMax: 32n * Ti,
  /** Price per block per replica, in whole denom units. */
  priceMax: 10_000_000n,
} as const;

export const GROUP_LIMITS = {
  cpu: 19_200_000n,
  gpu: 1_200n,
  memory: 100n * Ti,
  storage: 1_600n * Ti,
} as const;

const DEC_ONE = 10n ** 18n;

// ---------------------------------------------------------------------------------------------
// The family
// ---------------------------------------------------------------------------------------------

export function checkChain({ sdl, report, options }: RuleContext): void {
  checkDenomSyntax(sdl, report);
  const units = deployedUnits(sdl);
  for (const profile of deployedProfiles(units)) checkUnitLimits(profile, report);
  const policy = currentDenomPolicy(options.network ?? "mainnet");
  checkPrices(units, report, policy);
  const allowed = policy?.allowed ?? [];
  const groups = unitsByPlacement(units);
  for (const [placementName, groupUnits] of groups) {
    checkDenomsInGroup(placementName, groupUnits, report, allowed);
    checkGroupTotals(placementName, groupUnits, report);
  }
  checkDenomsAcrossGroups(groups, report, allowed);
}

/** Go decodes every pricing entry with `sdk.NewDecCoinFromDec`, which panics on an invalid denom. */
function checkDenomSyntax(sdl: Sdl, report: Reporter): void {
  for (const placement of sdl.placements.values()) {
    for (const price of placement.pricing.values()) {
      if (price.denomNode && hasErrorAt(report, price.denomNode.pointer)) continue;
      if (COSMOS_DENOM.test(price.denom)) continue;
      const what = price.denom === "" ? "the denom is missing" : `"${price.denom}" is not a Cosmos denom`;
      report.add(
        "denom-invalid",
        price.denomNode ?? price.entry,
        `invalid denom: ${price.denom} (${what}; the Go CLI panics on it): write denom: uact`,
      );
    }
  }
}

/** Where to point when a whole resource is missing: its `resources` key, else the profile's name. */
function resourcesWhere(profile: ComputeProfile): YEntry {
  return entry(profile.entry.value, "resources") ?? profile.entry;
}

/** True when the YAML holds a non-null value under `key` that decoding rejected (reported already). */
function presentButUndecodable(node: YNode | undefined, key: string): boolean {
  const e = entry(node, key);
  return e !== undefined && !isNull(e.value);
}

function checkUnitLimits(profile: ComputeProfile, report: Reporter): void {
  const res = profile.resources;
  const p = profile.name;
  if (!res) {
    if (presentButUndecodable(profile.entry.value, "resources")) return;
    const where = resourcesWhere(profile);
    report.add("resources-missing", where, `error: invalid unit CPU, cannot be nil: profile ${p} has no resources; add resources with cpu: {units: 0.5}, memory: {size: 512Mi} and storage: {size: 1Gi}`);
    return;
  }

  // CPU
  if (!res.cpu) {
    if (!presentButUndecodable(res.node, "cpu")) {
      report.add("resources-missing", resourcesWhere(profile), `error: invalid unit CPU, cannot be nil: add cpu: {units: 0.5} to profiles.compute.${p}.resources`);
    }
  } else {
    // `cpu: {}` decodes to 0 units; a units value that failed to parse was reported by the decoder
    const millis = res.cpu.millis ?? (res.cpu.unitsNode ? undefined : 0);
    if (millis !== undefined && (millis < UNIT_LIMITS.cpuMin || millis > UNIT_LIMITS.cpuMax)) {
      report.add(
        "cpu-out-of-range",
        res.cpu.unitsNode ?? entry(res.node, "cpu") ?? res.cpu.node,
        `error: invalid unit CPU (${UNIT_LIMITS.cpuMax} > ${millis} > ${UNIT_LIMITS.cpuMax} fails): profile ${p} asks for ${millis}m per replica; ask for 10m (0.01) to 384000m (384 CPUs)`,
      );
    }
  }

  // GPU (absent means 0 units)
  const gpu = res.gpu;
  if (gpu && gpu.units !== undefined) {
    if (gpu.units > UNIT_LIMITS.gpuMax) {
      report.add(
        "gpu-out-of-range",
        gpu.unitsNode ?? gpu.node,
        `error: invalid unit GPU (${UNIT_LIMITS.gpuMax} > ${gpu.units} > ${UNIT_LIMITS.gpuMax} fails): a replica can have at most 24 GPUs; lower gpu.units and raise the count instead`,
      );
    }
    if (gpu.units === 0 && gpu.attributes.length > 0) {
      report.add(
        "gpu-attributes-without-units",
        entry(gpu.node, "attributes") ?? gpu.node,
        `error: invalid GPU state. attributes cannot be present if units == 0: set gpu.units to 1 or more, or remove the GPU attributes`,
      );
    }
  }

  // Memory
  if (!res.memory) {
    if (!presentButUndecodable(res.node, "memory")) {
      report.add("resources-missing", resourcesWhere(profile), `error: invalid unit memory, cannot be nil: add memory: {size: 512Mi} to profiles.compute.${p}.resources`);
    }
  } else {
    const bytes = res.memory.bytes ?? (res.memory.sizeNode ? undefined : 0n);
    if (bytes !== undefined && (bytes < UNIT_LIMITS.memoryMin || bytes > UNIT_LIMITS.memoryMax)) {
      report.add(
        "memory-out-of-range",
        res.memory.sizeNode ?? entry(res.node, "memory") ?? res.memory.node,
        `error: invalid unit memory (${UNIT_LIMITS.memoryMax} > ${bytes} > ${UNIT_LIMITS.memoryMax} fails): profile ${p} asks for ${bytes} bytes per replica; ask for 1Mi to 2Ti`,
      );
    }
  }

  // Storage: Go leaves the list nil when no volume is declared (missing, null or `[]`)
  if (!res.storage || res.storage.length === 0) {
    const undecodable = !res.storage && res.storageNode !== undefined && !isNull(res.storageNode);
    if (!undecodable) {
      report.add("resources-missing", entry(res.node, "storage") ?? resourcesWhere(profile), `error: invalid unit storage, cannot be nil: add storage: {size: 1Gi} to profiles.compute.${p}.resources`);
    }
  } else {
    for (const volume of res.storage) {
      const bytes = volume.bytes ?? (volume.sizeNode ? undefined : 0n);
      if (bytes === undefined || (bytes >= UNIT_LIMITS.storageMin && bytes <= UNIT_LIMITS.storageMax)) continue;
      report.add(
        "storage-out-of-range",
        volume.sizeNode ?? volume.node,
        `error: invalid unit storage (${UNIT_LIMITS.storageMax} > ${bytes} > ${UNIT_LIMITS.storageMin} fails): volume "${volume.name}" of profile ${p} is ${bytes} bytes; each volume is 5Mi to 32Ti`,
      );
    }
  }
}

/** A canonical 18-decimal amount as an integer number of 1e-18 units. */
function atomics(canonical: string): bigint {
  const [whole = "0", fraction = ""] = canonical.split(".");
  return BigInt(whole) * DEC_ONE + BigInt(fraction.padEnd(18, "0").slice(0, 18) || "0");
}

function denomWhere(price: Price): YNode | YEntry {
  return price.denomNode ?? price.entry;
}

function checkPrices(units: readonly DeployedUnit[], report: Reporter, policy: DenomPolicy | undefined): void {
  const seen = new Set<Price>();
  for (const unit of units) {
    const price = unit.price;
    if (seen.has(price)) continue;
    seen.add(price);
    if (!COSMOS_DENOM.test(price.denom)) continue; // reported by denom-invalid
    if (price.amount !== undefined && atomics(price.amount) > UNIT_LIMITS.priceMax * DEC_ONE) {
      report.add(
        "price-too-high",
        price.amountNode ?? price.entry,
        `group ${unit.placementName}: error: invalid unit price (${UNIT_LIMITS.priceMax} > ${price.amount}${price.denom} fails): the price is per block and per replica; ask for at most 10000000`,
      );
    }
    if (policy && !policy.allowed.includes(price.denom)) {
      const allowed = policy.allowed.join(" or ");
      report.add(
        "denom-uact",
        denomWhere(price),
        `invalid price: unsupported denomination ${price.denom}: the ${policy.network} node accepts only ${allowed} prices since ${policy.since} (${policy.source}). ` +
          `Write denom: ${policy.allowed[0]}, and pay with ACT minted from AKT (akash tx bme mint-act <amount>uakt)`,
      );
    }
  }
}

/**
 * The denom the others are compared with. Go compares with the first unit (or group), which can
 * point at the one correct price; we compare with the first price the node accepts, so the finding
 * lands on the price to change. The chain's message is the same check, operands swapped.
 */
function referenceOf<T>(items: readonly T[], denomOf: (item: T) => string, allowed: readonly string[]): T {
  return items.find((item) => allowed.includes(denomOf(item))) ?? items[0]!;
}

/** Go's `GroupSpec.validatePricing`: every resource unit of a group is priced in one denom. */
function checkDenomsInGroup(placementName: string, units: readonly DeployedUnit[], report: Reporter, allowed: readonly string[]): void {
  // an invalid denom is reported by denom-invalid (and crashes Go before this check)
  const priced = units.filter((u) => COSMOS_DENOM.test(u.price.denom));
  if (priced.length < 2) return;
  const reference = referenceOf(priced, (u) => u.price.denom, allowed);
  const mixed = new Set<Price>();
  for (const unit of priced) {
    if (unit.price.denom === reference.price.denom || mixed.has(unit.price)) continue;
    mixed.add(unit.price);
    report.add(
      "denom-mixed-in-group",
      denomWhere(unit.price),
      `multi-denonimation group: (${unit.price.denom} == ${reference.price.denom} fails): placement ${placementName} prices profile ${unit.deployment.profile} in ${unit.price.denom} ` +
        `but profile ${reference.deployment.profile} in ${reference.price.denom}; price every profile in the same denom (uact)`,
    );
  }
}

/** Group totals (chain-sdk `ResourceUnits.Validate`): resources × count, summed over the placement. */
function checkGroupTotals(placementName: string, units: readonly DeployedUnit[], report: Reporter): void {
  const first = units[0]!;
  const counts = units.map((u) => u.deployment.count);
  if (counts.some((c) => c === undefined)) return; // a count that did not decode: totals unknown
  if (counts.every((c) => c === 0)) {
    for (const unit of units) {
      report.add(
        "count-zero",
        unit.deployment.countNode ?? unit.deployment.entry,
        `invalid total CPU (${GROUP_LIMITS.cpu} > 0 > 0 fails): every count in placement ${placementName} is 0, so the group asks for nothing; set count: 1 or more`,
      );
    }
    return;
  }

  const total = (perReplica: (u: DeployedUnit) => bigint | undefined): { sum: bigint; top: DeployedUnit } | undefined => {
    let sum = 0n;
    let top = first;
    let topValue = -1n;
    for (const unit of units) {
      const value = perReplica(unit);
      if (value === undefined) return undefined;
      const contribution = value * BigInt(unit.deployment.count!);
      sum += contribution;
      if (contribution > topValue) {
        top = unit;
        topValue = contribution;
      }
    }
    return { sum, top };
  };
  const countWhere = (u: DeployedUnit): YNode | YEntry => u.deployment.countNode ?? u.deployment.entry;

  const cpu = total((u) => {
    const c = u.compute.resources?.cpu;
    const millis = c ? c.millis ?? (c.unitsNode ? undefined : 0) : undefined;
    return millis === undefined ? undefined : BigInt(millis);
  });
  if (cpu && cpu.sum > GROUP_LIMITS.cpu) {
    report.add(
      "group-cpu-total",
      countWhere(cpu.top),
      `invalid total CPU (${GROUP_LIMITS.cpu} > ${cpu.sum} > 0 fails): placement ${placementName} asks for ${cpu.sum}m in total (cpu × count over its services); ` +
        `one placement may ask for at most 19200 CPUs. Lower the counts or CPU, or split the services over several placements`,
    );
  }

  const gpu = total((u) => {
    const g = u.compute.resources?.gpu;
    if (!g) return 0n;
    return g.units === undefined ? undefined : BigInt(g.units);
  });
  if (gpu && gpu.sum > GROUP_LIMITS.gpu) {
    report.add(
      "group-gpu-total",
      countWhere(gpu.top),
      `invalid total GPU (${GROUP_LIMITS.gpu} > ${gpu.sum} > 0 fails): placement ${placementName} asks for ${gpu.sum} GPUs in total (gpu × count over its services); ` +
        `one placement may ask for at most 1200. Lower the counts, or split the services over several placements`,
    );
  }

  const memory = total((u) => {
    const m = u.compute.resources?.memory;
    return m ? m.bytes ?? (m.sizeNode ? undefined : 0n) : undefined;
  });
  if (memory && memory.sum > GROUP_LIMITS.memory) {
    report.add(
      "group-memory-total",
      countWhere(memory.top),
      `invalid total memory (${GROUP_LIMITS.memory} > ${memory.sum} > 0 fails): placement ${placementName} asks for ${memory.sum} bytes in total (memory × count over its services); ` +
        `one placement may ask for at most 100Ti. Lower the counts or memory, or split the services over several placements`,
    );
  }

  // Storage is limited per volume × count, not summed. chain-sdk v1beta4 declares the limit but its
  // check is not reached (resourceLimits.add drops the storage list), so this is advice-strength.
  for (const unit of units) {
    for (const volume of unit.compute.resources?.storage ?? []) {
      if (volume.bytes === undefined) continue;
      const perVolume = volume.bytes * BigInt(unit.deployment.count!);
      if (perVolume <= GROUP_LIMITS.storage) continue;
      report.add(
        "group-storage-total",
        countWhere(unit),
        `invalid total storage (${GROUP_LIMITS.storage} > ${perVolume} > 0 fails): volume "${volume.name}" of service ${unit.service.name} × count ${unit.deployment.count} ` +
          `is ${perVolume} bytes in placement ${placementName}, above the chain's 1600Ti limit per volume; no provider can hold it, so expect no bids. Lower the count or the volume size`,
      );
    }
  }
}

/** Cross-group check (Go's `ValidateDeploymentGroups`): every group's price denom equals the first group's. */
function checkDenomsAcrossGroups(byPlacement: Map<string, DeployedUnit[]>, report: Reporter, allowed: readonly string[]): void {
  // A group's denom is its first unit's (Go sums the unit prices starting from the first)
  const groups = [...byPlacement.entries()]
    .map(([name, units]) => ({ name, price: units[0]!.price }))
    .filter((g) => COSMOS_DENOM.test(g.price.denom));
  if (groups.length < 2) return;
  const reference = referenceOf(groups, (g) => g.price.denom, allowed);
  for (const group of groups) {
    if (group.price.denom === reference.price.denom) continue;
    report.add(
      "denom-inconsistent-groups",
      denomWhere(group.price),
      `invalid price: inconsistent group denomination: ${reference.price.denom} != ${group.price.denom}: placement ${group.name} is priced in ${group.price.denom} ` +
        `but placement ${reference.name} in ${reference.price.denom}; price every placement in the same denom (uact)`,
    );
  }
}
