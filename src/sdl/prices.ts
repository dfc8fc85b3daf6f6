/**
 * What a provider with default settings bids for a deployment group: the formula and defaults of
 * Akash's provider helm chart bid script (`price_script_generic.sh`, ported to Go in provider
 * `bidengine/pricing.go`). Targets are USD per month; the script converts them to a per-block
 * rate at a fixed 430,966 blocks a month (6.102 s blocks), and ACT is pegged at 1 USD, so
 * uact per block = USD per month × 1,000,000 / 430,966.
 *
 * Used for the devnet providers' bids, for `plan`'s expected cost, for the default deposit and
 * for stacks' price ceilings ("the defaults, with headroom"). Pure: no I/O.
 */
import type { GroupSpec, ResourceUnit } from "./groups.js";
import { EndpointKind, type UnitResources } from "./resources.js";

/** USD per month, per resource (the script's `price_target_*` values). */
export interface PriceTargets {
  /** Per CPU thread (1,000 millicores). */
  cpu: number;
  /** Per GiB of memory (the script divides bytes by 1024³). */
  memory: number;
  /** Per GiB of ephemeral storage (a volume without a `class` attribute). */
  ephemeralStorage: number;
  /** Per GiB of persistent storage, by class: beta1 (hdd), beta2 (ssd), beta3 (nvme). */
  persistentStorage: { beta1: number; beta2: number; beta3: number };
  /** Per endpoint (every endpoint of the unit, leased-IP ports included, as the script counts them). */
  endpoint: number;
  /** Per leased IP (counted once however many ports it serves). */
  leasedIp: number;
  /**
   * Per GPU unit, by model (`price_target_gpu_mappings`, e.g. `{ a100: 120, t4: 80 }`). A GPU whose
   * model has no entry costs the highest entry, or `gpuDefault` when that is higher (the script's
   * catch-all, so an unknown model never bids low).
   */
  gpuModels: Readonly<Record<string, number>>;
  gpuDefault: number;
}

/** The helm chart's defaults, as the script ships them. */
export const PROVIDER_PRICE_DEFAULTS: Readonly<PriceTargets> = Object.freeze({
  cpu: 1.6,
  memory: 0.8,
  ephemeralStorage: 0.02,
  persistentStorage: Object.freeze({ beta1: 0.01, beta2: 0.03, beta3: 0.04 }),
  endpoint: 0.05,
  leasedIp: 5,
  gpuModels: Object.freeze({}),
  gpuDefault: 100,
});

/** The script's blocks per month: (60 / 6.102 s) × 60 × 24 × 30.437 days. */
export const PRICE_SCRIPT_BLOCKS_PER_MONTH = 430_966;

/** 18-decimal fixed point, the chain's `DecCoin` precision. */
const DEC = 10n ** 18n;
const GIB = 1024n ** 3n;
/** Targets are held as micro-USD so the arithmetic stays in integers. */
const MICRO = 1_000_000n;

function microUsd(usd: number): bigint {
  if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`a price target must be a non-negative number of USD per month, not ${usd}`);
  return BigInt(Math.round(usd * 1_000_000));
}

/** The storage class the script sees: the volume's `class` attribute, "ephemeral" without one. */
function storageClass(attributes: readonly { key: string; value: string }[] | null): string {
  return attributes?.find((a) => a.key === "class")?.value ?? "ephemeral";
}

/** GPU attribute keys look like `vendor/nvidia/model/a100` (optionally `/ram/80Gi`, `/interface/sxm`). */
function gpuModel(attributes: readonly { key: string; value: string }[]): string | undefined {
  for (const a of attributes) {
    const match = /^vendor\/[^/]+\/model\/([^/]+)/.exec(a.key);
    if (match) return match[1];
  }
  return undefined;
}

function gpuUnitPrice(model: string | undefined, targets: PriceTargets): number {
  const mapped = model === undefined ? undefined : targets.gpuModels[model];
  if (mapped !== undefined) return mapped;
  return Math.max(targets.gpuDefault, ...Object.values(targets.gpuModels));
}

/**
 * One replica's monthly price in micro-USD × 10^18 (exact: sizes are divided by 1024³ only at
 * the end of the group's sum).
 */
function replicaMonthly(resources: UnitResources, targets: PriceTargets): bigint {
  const persistent = targets.persistentStorage;
  const perGiB: Record<string, bigint> = {
    ephemeral: microUsd(targets.ephemeralStorage),
    beta1: microUsd(persistent.beta1),
    beta2: microUsd(persistent.beta2),
    beta3: microUsd(persistent.beta3),
  };
  let scaled = ((resources.cpu?.units ?? 0n) * microUsd(targets.cpu) * DEC) / 1000n;
  scaled += ((resources.memory?.size ?? 0n) * microUsd(targets.memory) * DEC) / GIB;
  for (const volume of resources.storage) {
    // "ram" (shared memory) and unknown classes have no price target in the script.
    const price = perGiB[storageClass(volume.attributes)] ?? 0n;
    scaled += (volume.size * price * DEC) / GIB;
  }
  const gpus = resources.gpu?.units ?? 0n;
  if (gpus > 0n) scaled += gpus * microUsd(gpuUnitPrice(gpuModel(resources.gpu?.attributes ?? []), targets)) * DEC;
  scaled += BigInt(resources.endpoints.length) * microUsd(targets.endpoint) * DEC;
  // One IP per endpoint sequence number: ports 80 and 443 on the same IP lease it once (provider
  // `GetEndpointQuantityOfResourceUnits`).
  const ips = new Set(resources.endpoints.filter((e) => e.kind === EndpointKind.LEASED_IP).map((e) => e.sequenceNumber)).size;
  scaled += BigInt(ips) * microUsd(targets.leasedIp) * DEC;
  return scaled;
}

/** Monthly price of resource units (every replica), as 18-decimal USD. */
export function monthlyUsdOf(units: readonly Pick<ResourceUnit, "resources" | "count">[], targets: PriceTargets = PROVIDER_PRICE_DEFAULTS): bigint {
  const scaled = units.reduce((sum, unit) => sum + replicaMonthly(unit.resources, targets) * BigInt(unit.count), 0n);
  return scaled / MICRO;
}

/**
 * What a provider with these targets bids for the units, in uact per block as 18-decimal fixed
 * point (the chain's `DecCoin` amount × 10^18). `multiplier` scales the whole bid (a provider
 * pricing above or below the defaults); ACT is 1 USD.
 */
export function expectedUactPerBlock(units: readonly Pick<ResourceUnit, "resources" | "count">[], targets: PriceTargets = PROVIDER_PRICE_DEFAULTS, multiplier = 1): bigint {
  if (!Number.isFinite(multiplier) || multiplier <= 0) throw new RangeError(`a price multiplier must be a positive number, not ${multiplier}`);
  const usd = monthlyUsdOf(units, targets);
  const perMille = BigInt(Math.round(multiplier * 1000));
  // USD (18 decimals) × 10^6 uact per USD / blocks per month.
  return (usd * MICRO * perMille) / 1000n / BigInt(PRICE_SCRIPT_BLOCKS_PER_MONTH);
}

/** A group's expected price per block at these targets (what a default provider bids for it). */
export function expectedGroupPricePerBlock(group: Pick<GroupSpec, "resources">, targets: PriceTargets = PROVIDER_PRICE_DEFAULTS): bigint {
  return expectedUactPerBlock(group.resources, targets);
}

/** Every group's expected price per block, summed: the deployment's expected burn rate. */
export function expectedPricePerBlock(groups: readonly Pick<GroupSpec, "resources">[], targets: PriceTargets = PROVIDER_PRICE_DEFAULTS): bigint {
  return groups.reduce((sum, group) => sum + expectedGroupPricePerBlock(group, targets), 0n);
}

