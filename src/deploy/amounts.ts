/**
 * Money arithmetic for plans and status: prices are 18-decimal per-block rates, balances whole
 * micro-units. Done in bigint fixed point (18 decimals) so nothing is lost to floating point;
 * numbers are only made for display and for hours of runway.
 */
import type { Coin, DecCoin } from "../chain/types.js";
import type { GroupSpec } from "../sdl/groups.js";
import { expectedGroupPricePerBlock } from "../sdl/prices.js";

const SCALE = 10n ** 18n;
export const MICRO = 1_000_000n;

/** "12.5" / "12.500000000000000000" / "12" → 12.5 × 10^18. */
export function parseDec(amount: string): bigint {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(amount.trim());
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const whole = BigInt(m[2] || "0");
  const fraction = BigInt((m[3] ?? "").padEnd(18, "0").slice(0, 18) || "0");
  const value = whole * SCALE + fraction;
  return m[1] === "-" ? -value : value;
}

/** 18-decimal fixed point → the shortest decimal string ("12.5", "3"). */
export function formatDec(value: bigint, maxDecimals = 18): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / SCALE;
  let fraction = (abs % SCALE).toString().padStart(18, "0").slice(0, maxDecimals).replace(/0+$/, "");
  if (fraction === "") fraction = "";
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Micro-units (uact, uakt) → whole units for people: 10500000 → "10.5". */
export function microToWhole(micro: bigint | string, decimals = 6): string {
  const value = typeof micro === "string" ? parseDec(micro) : micro * SCALE;
  return formatDec(value / MICRO, decimals);
}

/** The most a group can cost per block: Σ unit price × count (the bid ceiling the chain enforces). */
export function groupMaxPricePerBlock(group: GroupSpec): bigint {
  return group.resources.reduce((sum, unit) => sum + parseDec(unit.price.amount) * BigInt(unit.count), 0n);
}

export function blocksPerMonth(blockSeconds: number): number {
  return Math.round((30 * 86_400) / blockSeconds);
}

/** The balance of `denom` in a coin list, in micro-units. */
export function balanceOf(coins: readonly Coin[], denom: string): bigint {
  const c = coins.find((x) => x.denom === denom);
  return c ? BigInt(c.amount) : 0n;
}

export function sumDec(coins: readonly DecCoin[], denom: string): bigint {
  return coins.filter((c) => c.denom === denom).reduce((s, c) => s + parseDec(c.amount), 0n);
}

export interface MintNeed {
  /** uact to mint (at least the chain's minimum). */
  mintUact: bigint;
  /** uakt to burn for it, with the spread and a 1% margin for price moves between now and the epoch. */
  burnUakt: bigint | undefined;
}

/**
 * How much ACT to mint so `balance ≥ needed`, and the AKT that costs. Mints below the minimum are
 * silently cancelled by the chain (reference §1.3), so the mint is raised to it.
 */
export function mintNeed(neededUact: bigint, balanceUact: bigint, minMintUact: bigint, aktPriceInAct: number | undefined, spreadBps: number): MintNeed | undefined {
  const shortfall = neededUact - balanceUact;
  if (shortfall <= 0n) return undefined;
  const mintUact = shortfall > minMintUact ? shortfall : minMintUact;
  if (aktPriceInAct === undefined || !(aktPriceInAct > 0)) return { mintUact, burnUakt: undefined };
  // burn × price × (1 − spread) = mint  ⇒  burn = mint / price / (1 − spread); ×1.01 margin.
  const PRICE_SCALE = 1_000_000_000n;
  const priceScaled = BigInt(Math.round(aktPriceInAct * Number(PRICE_SCALE)));
  const spreadKeep = 10_000n - BigInt(spreadBps);
  const numerator = mintUact * PRICE_SCALE * 10_000n * 101n;
  const denominator = priceScaled * spreadKeep * 100n;
  return { mintUact, burnUakt: (numerator + denominator - 1n) / denominator };
}

/**
 * AKT needed for the gas of `txCount` transactions: a generous per-transaction allowance (a
 * create with several groups simulates around 200k–300k gas) × the margin × the gas price.
 */
export function gasAllowanceUakt(txCount: number, gasPrice: number, gasPerTx = 400_000): bigint {
  return BigInt(Math.ceil(txCount * gasPerTx * gasPrice));
}

/**
 * How long the default deposit keeps the deployment running at the expected price: twice the
 * 24 h under which `status` warns, so a provider bidding up to 2× the defaults still clears it.
 */
export const DEFAULT_RUNWAY_HOURS = 48;

/**
 * What the stack is expected to cost per block: each group at what a provider with the helm
 * chart's default prices bids (src/sdl/prices.ts), but never above the group's ceiling (no bid
 * can exceed it).
 */
export function expectedPerBlock(groups: readonly GroupSpec[]): bigint {
  return groups.reduce((sum, group) => {
    const expected = expectedGroupPricePerBlock(group);
    const ceiling = groupMaxPricePerBlock(group);
    return sum + (expected < ceiling ? expected : ceiling);
  }, 0n);
}

/**
 * The default escrow deposit: enough for `DEFAULT_RUNWAY_HOURS` at the expected price, or the
 * chain's minimum when that is more. Sized from what providers bid, not from the ceiling: a
 * ceiling of 10,000 uact per block per service would lock up hundreds of times the real cost.
 * What the leases do not use is refunded on close; `status` shows the runway once leased.
 */
export function defaultDepositUact(groups: readonly GroupSpec[], blockSeconds: number, minimum: bigint): bigint {
  const blocks = BigInt(Math.ceil((DEFAULT_RUNWAY_HOURS * 3600) / blockSeconds));
  const micro = (expectedPerBlock(groups) * blocks + 10n ** 18n - 1n) / 10n ** 18n;
  // Whole ACT, rounded up: friendlier numbers, and the measured block time's jitter rarely shows.
  const forRunway = ((micro + MICRO - 1n) / MICRO) * MICRO;
  return forRunway > minimum ? forRunway : minimum;
}
