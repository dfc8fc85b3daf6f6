/**
 * A price ceiling from what providers actually ask: `headroom` times what a provider running the
 * helm chart's default bid script asks for a service of this size (src/sdl/prices.ts has the full
 * formula, with per-model GPU prices and IP counting, for whole deployments). A ceiling limits
 * bids; the ceilings many SDLs copy (10,000 uact per block, about 4,300 USD a month per service)
 * let any bid win.
 */
import { PRICE_SCRIPT_BLOCKS_PER_MONTH, PROVIDER_PRICE_DEFAULTS } from "../sdl/prices.js";
import type { PriceProps } from "./stack.js";

export interface CeilingResources {
  cpu: number;
  memoryGi: number;
  /** The service's own (ephemeral) disk. */
  ephemeralGi: number;
  /** Persistent volumes by class, in GiB. */
  persistentGi?: Partial<Record<"beta1" | "beta2" | "beta3", number>>;
  /** Global ports (each is priced, and each one on a leased IP counts again for the IP endpoint). */
  endpoints?: number;
  /** The service uses a leased IP (each service that does is charged for it). */
  leasedIp?: boolean;
}

/** `{ amount }` in uact per block: `headroom` × the default providers' price, rounded up. */
export function priceCeiling(resources: CeilingResources, headroom: number): PriceProps {
  if (!(headroom >= 1)) throw new RangeError(`price headroom must be 1 or more (the ceiling would sit under what providers ask), not ${headroom}`);
  const d = PROVIDER_PRICE_DEFAULTS;
  const persistent = resources.persistentGi ?? {};
  const usdPerMonth =
    resources.cpu * d.cpu +
    resources.memoryGi * d.memory +
    resources.ephemeralGi * d.ephemeralStorage +
    (persistent.beta1 ?? 0) * d.persistentStorage.beta1 +
    (persistent.beta2 ?? 0) * d.persistentStorage.beta2 +
    (persistent.beta3 ?? 0) * d.persistentStorage.beta3 +
    (resources.endpoints ?? 0) * d.endpoint +
    (resources.leasedIp ? d.leasedIp : 0);
  // USD a month → uact a block, with ACT at 1 USD, as the bid script converts.
  return { amount: Math.ceil((usdPerMonth * 1_000_000 * headroom) / PRICE_SCRIPT_BLOCKS_PER_MONTH) };
}
