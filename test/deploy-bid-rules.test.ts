/**
 * The edges of bid selection: a price exactly at the ceiling, attributes that match on key but
 * not value, which lookups are made at all and how often, the order of equal bids, and how a
 * group with nothing acceptable is summed up.
 */
import { describe, expect, it } from "vitest";
import type { AuditedAttributes, Bid, ProviderInfo } from "../src/chain/types.js";
import { parseDec } from "../src/deploy/amounts.js";
import { byPreference, DEFAULT_BID_POLICY, judgeBid, selectBids, type BidPolicy, type GroupNeed } from "../src/deploy/bids.js";

const group: GroupNeed = { gseq: 1, name: "web", maxPrice: parseDec("100"), denom: "uact" };
const group2: GroupNeed = { gseq: 2, name: "db", maxPrice: parseDec("100"), denom: "uact" };
const policy = (p: Partial<BidPolicy> = {}): BidPolicy => ({ ...DEFAULT_BID_POLICY, ...p });

function bid(provider: string, price: string, extra: Partial<Bid> = {}): Bid {
  return { owner: "akash1owner", dseq: "10", gseq: 1, oseq: 1, provider, bseq: 0, state: "open", price: { denom: "uact", amount: price }, createdAt: 100, ...extra };
}
const info = (owner: string, attributes: Array<{ key: string; value: string }> = [], hostUri = `https://${owner}:8443`): ProviderInfo => ({ owner, hostUri, attributes });

describe("judgeBid at the edges", () => {
  it("accepts a price exactly at the ceiling", () => {
    expect(judgeBid(bid("p", "100"), group, policy(), info("p"), [])).toEqual([]);
    expect(judgeBid(bid("p", "100.000000000000000001"), group, policy(), info("p"), [])).toEqual(["price 100 > max 100 uact/block"]);
  });

  it("rejects a provider with no host URI on chain, or none at all", () => {
    expect(judgeBid(bid("p", "1"), group, policy(), info("p", [], ""), [])).toEqual(["provider has no host URI on chain"]);
    expect(judgeBid(bid("p", "1"), group, policy(), undefined, [])).toEqual(["provider not registered on chain"]);
  });

  it("needs an attribute's key and value to match, on the provider or signed by any auditor", () => {
    const need = policy({ requiredAttributes: [{ key: "region", value: "eu" }] });
    const lacks = ["lacks attribute region=eu"];
    expect(judgeBid(bid("p", "1"), group, need, info("p", [{ key: "region", value: "us" }]), [])).toEqual(lacks);
    expect(judgeBid(bid("p", "1"), group, need, info("p", [{ key: "zone", value: "eu" }]), [])).toEqual(lacks);
    expect(judgeBid(bid("p", "1"), group, need, info("p", [{ key: "tier", value: "1" }, { key: "region", value: "eu" }]), [])).toEqual([]);
    const signed = (attributes: Array<{ key: string; value: string }>): AuditedAttributes[] => [
      { auditor: "a1", attributes: [{ key: "tier", value: "1" }] },
      { auditor: "a2", attributes },
    ];
    expect(judgeBid(bid("p", "1"), group, need, info("p"), signed([{ key: "region", value: "us" }]))).toEqual(lacks);
    expect(judgeBid(bid("p", "1"), group, need, info("p"), signed([{ key: "zone", value: "eu" }]))).toEqual(lacks);
    expect(judgeBid(bid("p", "1"), group, need, info("p"), signed([{ key: "x", value: "y" }, { key: "region", value: "eu" }]))).toEqual([]);
    expect(judgeBid(bid("p", "1"), group, need, undefined, [])).toEqual(["provider not registered on chain", "lacks attribute region=eu"]);
  });

  it("needs every required auditor", () => {
    const audits: AuditedAttributes[] = [{ auditor: "a1", attributes: [] }];
    expect(judgeBid(bid("p", "1"), group, policy({ auditors: ["a1"] }), info("p"), audits)).toEqual([]);
    expect(judgeBid(bid("p", "1"), group, policy({ auditors: ["a1", "a2"] }), info("p"), audits)).toEqual(["not audited by a2"]);
  });
});

describe("byPreference", () => {
  it("orders by price, then the earlier bid, then the provider address", () => {
    expect(byPreference(bid("b", "1"), bid("a", "2"))).toBe(-1);
    expect(byPreference(bid("a", "2"), bid("b", "1"))).toBe(1);
    expect(byPreference(bid("b", "1", { createdAt: 5 }), bid("a", "1", { createdAt: 7 }))).toBeLessThan(0);
    expect(byPreference(bid("a", "1"), bid("b", "1"))).toBe(-1);
    expect(byPreference(bid("b", "1"), bid("a", "1"))).toBe(1);
    expect(byPreference(bid("a", "1"), bid("a", "1"))).toBe(0);
  });
});

describe("selectBids' lookups", () => {
  function counting(providers: Record<string, ProviderInfo>, audits: Record<string, AuditedAttributes[]> = {}, unreachable: Record<string, string> = {}) {
    const calls = { provider: [] as string[], audits: [] as string[], unreachable: [] as string[] };
    return {
      calls,
      lookups: {
        provider: async (a: string) => (calls.provider.push(a), providers[a]),
        audits: async (a: string) => (calls.audits.push(a), audits[a] ?? []),
        unreachable: async (p: ProviderInfo) => (calls.unreachable.push(p.owner), unreachable[p.owner]),
      },
    };
  }
  const both = [bid("p1", "10"), bid("p2", "20"), bid("p1", "10", { gseq: 2 }), bid("p2", "5", { gseq: 2 })];
  const providers = { p1: info("p1"), p2: info("p2") };

  it("asks for audits only when the policy needs them, and once per provider", async () => {
    const none = counting(providers);
    await selectBids([group, group2], both, policy({ checkReachability: false }), none.lookups);
    expect(none.calls.audits).toEqual([]);
    const byAuditor = counting(providers);
    await selectBids([group, group2], both, policy({ checkReachability: false, auditors: ["a1"] }), byAuditor.lookups);
    expect(byAuditor.calls.audits.sort()).toEqual(["p1", "p2"]);
    const byAttribute = counting(providers);
    await selectBids([group, group2], both, policy({ checkReachability: false, requiredAttributes: [{ key: "k", value: "v" }] }), byAttribute.lookups);
    expect(byAttribute.calls.audits.sort()).toEqual(["p1", "p2"]);
  });

  it("looks each provider up once, and probes each at most once, across groups", async () => {
    const { calls, lookups } = counting(providers);
    const s = await selectBids([group, group2], both, policy(), lookups);
    expect(calls.provider.sort()).toEqual(["p1", "p2"]);
    expect(calls.unreachable.sort()).toEqual(["p1", "p2"]);
    expect([s.chosen.get(1)?.provider, s.chosen.get(2)?.provider]).toEqual(["p1", "p2"]);
  });

  it("probes no provider once one is picked", async () => {
    const { calls, lookups } = counting(providers);
    await selectBids([group], [bid("p1", "10"), bid("p2", "20")], policy(), lookups);
    expect(calls.unreachable).toEqual(["p1"]);
  });
});

describe("a group with nothing acceptable", () => {
  it("is summed up most frequent reason first, then by name, with unreachable ones counted together", async () => {
    const providers = { p1: info("p1"), p2: info("p2"), p3: info("p3"), p4: info("p4") };
    const lookups = {
      provider: async (a: string) => providers[a as keyof typeof providers],
      audits: async () => [],
      unreachable: async (p: ProviderInfo) => `connection refused by ${p.owner}`,
    };
    const s = await selectBids(
      [group],
      [bid("p1", "10"), bid("p2", "20"), bid("p3", "150"), bid("p4", "30", { price: { denom: "uakt", amount: "30" } })],
      policy({ denyProviders: [] }),
      lookups,
    );
    expect(s.unmet).toEqual([{ gseq: 1, name: "web", reason: "4 bids, none acceptable: 2 unreachable; 1 price above max uact/block; 1 priced in uakt, not uact" }]);
  });

  it("says bid, not bids, for one", async () => {
    const s = await selectBids([group], [bid("p1", "150")], policy({ checkReachability: false }), { provider: async () => info("p1"), audits: async () => [], unreachable: async () => undefined });
    expect(s.unmet[0]?.reason).toBe("1 bid, none acceptable: 1 price above max uact/block");
  });
});
