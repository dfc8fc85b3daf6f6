/**
 * Choosing one bid per group. Filters first, in the order that costs nothing to the order that
 * costs a network call: provider allow/deny lists, the price ceiling, required provider
 * attributes, required auditors; then, cheapest first, the provider must answer `GET /status`
 * over verified TLS (Console's autopilot picks the first reachable provider; we pick the cheapest
 * reachable one). Ties on price go to the earlier bid, then to the provider address, so the
 * choice is deterministic.
 */
import type { AuditedAttributes, Bid, ProviderInfo } from "../chain/types.js";
import { formatDec, parseDec } from "./amounts.js";

export interface BidPolicy {
  /** Ceiling per block for a whole group (decimal, in the price denom); default: the group's SDL maximum. */
  maxPricePerBlock?: string;
  /** Each of these auditors must have signed attributes for the provider. */
  auditors: string[];
  /** Attributes the provider must have on chain (or signed by an auditor). */
  requiredAttributes: Array<{ key: string; value: string }>;
  /** When not empty, only these providers. */
  allowProviders: string[];
  denyProviders: string[];
  /** Probe `GET /status` before choosing (default true). */
  checkReachability: boolean;
}

export const DEFAULT_BID_POLICY: BidPolicy = { auditors: [], requiredAttributes: [], allowProviders: [], denyProviders: [], checkReachability: true };

export interface GroupNeed {
  gseq: number;
  name: string;
  /** The group's SDL maximum per block (18-decimal fixed point). */
  maxPrice: bigint;
  denom: string;
}

export interface BidLookups {
  provider(address: string): Promise<ProviderInfo | undefined>;
  audits(address: string): Promise<AuditedAttributes[]>;
  /** undefined when reachable, else why not. */
  unreachable(provider: ProviderInfo): Promise<string | undefined>;
}

export interface BidVerdict {
  bid: Bid;
  /** Empty when the bid was acceptable. */
  rejections: string[];
}

export interface Selection {
  /** gseq → chosen bid. */
  chosen: Map<number, Bid>;
  verdicts: BidVerdict[];
  /** Groups without an acceptable bid, with a one-line reason each. */
  unmet: Array<{ gseq: number; name: string; reason: string }>;
}

/** Reasons a bid fails the policy, from what is known without network calls beyond chain reads. */
export function judgeBid(bid: Bid, group: GroupNeed, policy: BidPolicy, provider: ProviderInfo | undefined, audits: readonly AuditedAttributes[]): string[] {
  const out: string[] = [];
  if (policy.allowProviders.length > 0 && !policy.allowProviders.includes(bid.provider)) out.push("provider not in the allow list");
  if (policy.denyProviders.includes(bid.provider)) out.push("provider in the deny list");
  if (bid.price.denom !== group.denom) out.push(`priced in ${bid.price.denom}, not ${group.denom}`);
  const price = parseDec(bid.price.amount);
  const ceiling = policy.maxPricePerBlock !== undefined ? parseDec(policy.maxPricePerBlock) : group.maxPrice;
  if (price > ceiling) out.push(`price ${formatDec(price, 6)} > max ${formatDec(ceiling, 6)} ${group.denom}/block`);
  if (!provider) out.push("provider not registered on chain");
  if (provider && !provider.hostUri) out.push("provider has no host URI on chain");
  for (const need of policy.requiredAttributes) {
    const own = provider?.attributes.some((a) => a.key === need.key && a.value === need.value) ?? false;
    const signed = audits.some((a) => a.attributes.some((x) => x.key === need.key && x.value === need.value));
    if (!own && !signed) out.push(`lacks attribute ${need.key}=${need.value}`);
  }
  for (const auditor of policy.auditors) {
    if (!audits.some((a) => a.auditor === auditor)) out.push(`not audited by ${auditor}`);
  }
  return out;
}

/** Cheapest first; ties by earlier bid, then by provider address. */
export function byPreference(a: Bid, b: Bid): number {
  const pa = parseDec(a.price.amount);
  const pb = parseDec(b.price.amount);
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0;
}

export async function selectBids(groups: readonly GroupNeed[], openBids: readonly Bid[], policy: BidPolicy, lookups: BidLookups): Promise<Selection> {
  const providerCache = new Map<string, Promise<ProviderInfo | undefined>>();
  const auditCache = new Map<string, Promise<AuditedAttributes[]>>();
  const reachCache = new Map<string, Promise<string | undefined>>();
  const provider = (addr: string) => cached(providerCache, addr, () => lookups.provider(addr));
  const audits = (addr: string) => cached(auditCache, addr, () => (policy.auditors.length > 0 || policy.requiredAttributes.length > 0 ? lookups.audits(addr) : Promise.resolve([])));

  const chosen = new Map<number, Bid>();
  const verdicts: BidVerdict[] = [];
  const unmet: Selection["unmet"] = [];
  for (const group of groups) {
    const bids = openBids.filter((b) => b.gseq === group.gseq && b.state === "open").sort(byPreference);
    if (bids.length === 0) {
      unmet.push({ gseq: group.gseq, name: group.name, reason: "no open bids" });
      continue;
    }
    const judged = await Promise.all(bids.map(async (bid) => ({ bid, info: await provider(bid.provider), rejections: judgeBid(bid, group, policy, await provider(bid.provider), await audits(bid.provider)) })));
    let pick: Bid | undefined;
    for (const j of judged) {
      if (j.rejections.length === 0 && policy.checkReachability && !pick) {
        const why = await cached(reachCache, j.bid.provider, () => lookups.unreachable(j.info!));
        if (why) j.rejections.push(`unreachable: ${why}`);
      }
      if (j.rejections.length === 0 && !pick) pick = j.bid;
      verdicts.push({ bid: j.bid, rejections: j.rejections });
    }
    if (pick) chosen.set(group.gseq, pick);
    else unmet.push({ gseq: group.gseq, name: group.name, reason: summarizeRejections(judged.map((j) => j.rejections)) });
  }
  return { chosen, verdicts, unmet };
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = make();
    cache.set(key, p);
  }
  return p;
}

/** "3 bids: 2 price above max, 1 not audited by akash1…". */
function summarizeRejections(all: string[][]): string {
  const counts = new Map<string, number>();
  for (const reasons of all) for (const r of reasons) {
    const kind = r.replace(/ \d[\d.]* > max [\d.]+/, " above max").replace(/^unreachable: .*/, "unreachable");
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const parts = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${n} ${k}`);
  return `${all.length} bid${all.length === 1 ? "" : "s"}, none acceptable: ${parts.join("; ")}`;
}
