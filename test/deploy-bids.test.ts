/**
 * Bid selection: each policy rule rejects what it should and says why, the cheapest acceptable bid
 * wins (ties: earlier bid, then address), reachability is probed cheapest first and only until a
 * provider answers, and a group with nothing acceptable is reported with a summary.
 */
import { describe, expect, it } from "vitest";
import type { AuditedAttributes, Bid, ProviderInfo } from "../src/chain/types.js";
import { parseDec } from "../src/deploy/amounts.js";
import { byPreference, DEFAULT_BID_POLICY, judgeBid, selectBids, type BidPolicy, type GroupNeed } from "../src/deploy/bids.js";

const group: GroupNeed = { gseq: 1, name: "akash", maxPrice: parseDec("100"), denom: "uact" };
const group2: GroupNeed = { gseq: 2, name: "gpu", maxPrice: parseDec("500"), denom: "uact" };

function bid(provider: string, price: string, extra: Partial<Bid> = {}): Bid {
  return { owner: "akash1owner", dseq: "10", gseq: 1, oseq: 1, provider, bseq: 0, state: "open", price: { denom: "uact", amount: price }, createdAt: 100, ...extra };
}

const providers: Record<string, ProviderInfo> = {
  akash1cheap: { owner: "akash1cheap", hostUri: "https://cheap:8443", attributes: [{ key: "region", value: "us-west" }] },
  akash1mid: { owner: "akash1mid", hostUri: "https://mid:8443", attributes: [{ key: "region", value: "eu" }] },
  akash1dear: { owner: "akash1dear", hostUri: "https://dear:8443", attributes: [{ key: "region", value: "us-west" }] },
};
const audits: Record<string, AuditedAttributes[]> = {
  akash1mid: [{ auditor: "akash1auditor", attributes: [{ key: "tier", value: "community" }] }],
  akash1dear: [{ auditor: "akash1auditor", attributes: [{ key: "region", value: "us-west" }] }],
};

function lookups(unreachable: string[] = [], probed: string[] = []) {
  return {
    provider: async (a: string) => providers[a],
    audits: async (a: string) => audits[a] ?? [],
    unreachable: async (p: ProviderInfo) => {
      probed.push(p.owner);
      return unreachable.includes(p.owner) ? "connection refused" : undefined;
    },
  };
}

const policy = (p: Partial<BidPolicy> = {}): BidPolicy => ({ ...DEFAULT_BID_POLICY, ...p });

describe("judgeBid", () => {
  it("accepts a bid within the group's ceiling from a registered provider", () => {
    expect(judgeBid(bid("akash1cheap", "50"), group, policy(), providers.akash1cheap, [])).toEqual([]);
  });

  it("rejects by price ceiling (the group's own, or --max-price)", () => {
    expect(judgeBid(bid("akash1cheap", "150"), group, policy(), providers.akash1cheap, [])).toEqual(["price 150 > max 100 uact/block"]);
    expect(judgeBid(bid("akash1cheap", "50"), group, policy({ maxPricePerBlock: "40" }), providers.akash1cheap, [])).toEqual(["price 50 > max 40 uact/block"]);
  });

  it("rejects by allow and deny lists", () => {
    expect(judgeBid(bid("akash1cheap", "1"), group, policy({ allowProviders: ["akash1mid"] }), providers.akash1cheap, [])).toEqual(["provider not in the allow list"]);
    expect(judgeBid(bid("akash1cheap", "1"), group, policy({ denyProviders: ["akash1cheap"] }), providers.akash1cheap, [])).toEqual(["provider in the deny list"]);
  });

  it("requires attributes (own or auditor-signed) and auditors", () => {
    const need = policy({ requiredAttributes: [{ key: "region", value: "us-west" }], auditors: ["akash1auditor"] });
    expect(judgeBid(bid("akash1cheap", "1"), group, need, providers.akash1cheap, [])).toEqual(["not audited by akash1auditor"]);
    expect(judgeBid(bid("akash1mid", "1"), group, need, providers.akash1mid, audits.akash1mid!)).toEqual(["lacks attribute region=us-west"]);
    expect(judgeBid(bid("akash1dear", "1"), group, need, providers.akash1dear, audits.akash1dear!)).toEqual([]);
  });

  it("rejects unregistered providers and other denoms", () => {
    expect(judgeBid(bid("akash1ghost", "1"), group, policy(), undefined, [])).toEqual(["provider not registered on chain"]);
    expect(judgeBid(bid("akash1cheap", "1", { price: { denom: "uakt", amount: "1" } }), group, policy(), providers.akash1cheap, [])).toEqual(["priced in uakt, not uact"]);
  });
});

describe("selectBids", () => {
  it("chooses the cheapest acceptable bid per group", async () => {
    const bids = [bid("akash1dear", "90"), bid("akash1cheap", "20"), bid("akash1mid", "40"), bid("akash1mid", "300", { gseq: 2 }), bid("akash1dear", "200", { gseq: 2 })];
    const s = await selectBids([group, group2], bids, policy(), lookups());
    expect(s.unmet).toEqual([]);
    expect(s.chosen.get(1)?.provider).toBe("akash1cheap");
    expect(s.chosen.get(2)?.provider).toBe("akash1dear");
  });

  it("skips an unreachable provider, probing cheapest first and stopping at the first that answers", async () => {
    const probed: string[] = [];
    const bids = [bid("akash1dear", "90"), bid("akash1cheap", "20"), bid("akash1mid", "40")];
    const s = await selectBids([group], bids, policy(), lookups(["akash1cheap"], probed));
    expect(s.chosen.get(1)?.provider).toBe("akash1mid");
    expect(probed).toEqual(["akash1cheap", "akash1mid"]);
    expect(s.verdicts.find((v) => v.bid.provider === "akash1cheap")?.rejections).toEqual(["unreachable: connection refused"]);
  });

  it("does not probe when reachability checks are off", async () => {
    const probed: string[] = [];
    const s = await selectBids([group], [bid("akash1cheap", "20")], policy({ checkReachability: false }), lookups(["akash1cheap"], probed));
    expect(s.chosen.get(1)?.provider).toBe("akash1cheap");
    expect(probed).toEqual([]);
  });

  it("reports a group without acceptable bids with a count of each reason", async () => {
    const bids = [bid("akash1dear", "190"), bid("akash1cheap", "120"), bid("akash1mid", "40")];
    const s = await selectBids([group, group2], bids, policy({ denyProviders: ["akash1mid"] }), lookups());
    expect(s.chosen.size).toBe(0);
    expect(s.unmet).toEqual([
      { gseq: 1, name: "akash", reason: "3 bids, none acceptable: 2 price above max uact/block; 1 provider in the deny list" },
      { gseq: 2, name: "gpu", reason: "no open bids" },
    ]);
  });

  it("ignores bids that are no longer open", async () => {
    const s = await selectBids([group], [bid("akash1cheap", "1", { state: "closed" }), bid("akash1mid", "50")], policy(), lookups());
    expect(s.chosen.get(1)?.provider).toBe("akash1mid");
  });

  it("breaks price ties by the earlier bid, then by address", () => {
    const sorted = [bid("akash1b", "5", { createdAt: 9 }), bid("akash1a", "5", { createdAt: 9 }), bid("akash1c", "5", { createdAt: 8 }), bid("akash1d", "4.999")].sort(byPreference);
    expect(sorted.map((b) => b.provider)).toEqual(["akash1d", "akash1c", "akash1a", "akash1b"]);
  });
});
