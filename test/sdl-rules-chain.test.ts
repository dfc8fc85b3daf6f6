/**
 * Chain rules (src/sdl/rules/chain.ts): resource-unit limits, group totals, pricing and the node's
 * denom policy. Each rule has a case that triggers it (rule id, severity, line, column) and a
 * near-identical case that does not.
 */
import { describe, expect, it } from "vitest";
import { DENOM_POLICIES, denomPolicy } from "../src/sdl/rules/chain.js";
import { BASE, TWO_SERVICES, at, edit, edits, expectNone, expectOne, lint } from "./support/sdl-cases.js";

const STORAGE = "        storage:\n          size: 1Gi\n";

/** BASE with a GPU block in the web profile. */
function withGpu(units: string, attributes = "          attributes:\n            vendor:\n              nvidia:\n                - model: a100\n"): string {
  return edit(BASE, STORAGE, `${STORAGE}        gpu:\n          units: ${units}\n${attributes}`);
}

/** BASE with web's cpu, memory or storage size and count replaced. */
function sized(change: { cpu?: string; memory?: string; storage?: string; count?: number }): string {
  let text = BASE;
  if (change.cpu !== undefined) text = edit(text, "units: 0.5", `units: ${change.cpu}`);
  if (change.memory !== undefined) text = edit(text, "size: 512Mi", `size: ${change.memory}`);
  if (change.storage !== undefined) text = edit(text, "size: 1Gi", `size: ${change.storage}`);
  if (change.count !== undefined) text = edit(text, "count: 1", `count: ${change.count}`);
  return text;
}

/** TWO_SERVICES with db deployed in its own placement `west`, priced in `denom`. */
function westPlacement(denom: string): string {
  return edits(
    TWO_SERVICES,
    ["  db:\n    akash:\n      profile: db", "  db:\n    west:\n      profile: db"],
    ["deployment:\n", `    west:\n      pricing:\n        db:\n          denom: ${denom}\n          amount: 2000\n` + "deployment:\n"],
  );
}

describe("chain rules", () => {
  it("the base SDLs have no findings at all", () => {
    expect(lint(BASE)).toEqual([]);
    expect(lint(TWO_SERVICES)).toEqual([]);
    expect(lint(westPlacement("uact"))).toEqual([]);
  });

  describe("resources-missing", () => {
    it("reports a profile without cpu at its resources key", () => {
      const text = edit(BASE, "        cpu:\n          units: 0.5\n", "");
      const f = expectOne(text, "resources-missing", "error", at(text, "      resources:", "resources"));
      expect(f.message).toMatch(/^error: invalid unit CPU, cannot be nil: add cpu/);
    });
    it("reports a profile without memory", () => {
      const text = edit(BASE, "        memory:\n          size: 512Mi\n", "");
      const f = expectOne(text, "resources-missing", "error", at(text, "      resources:", "resources"));
      expect(f.message).toMatch(/^error: invalid unit memory, cannot be nil/);
    });
    it("reports a profile without storage", () => {
      const text = edit(BASE, STORAGE, "");
      const f = expectOne(text, "resources-missing", "error", at(text, "      resources:", "resources"));
      expect(f.message).toMatch(/^error: invalid unit storage, cannot be nil/);
    });
    it("reports an empty storage list (Go leaves it nil) at the storage key", () => {
      const text = edit(BASE, STORAGE, "        storage: []\n");
      expectOne(text, "resources-missing", "error", at(text, "storage: []", "storage"));
    });
    it("reports a profile without resources at the profile's name", () => {
      const text = edit(BASE, "    web:\n      resources:\n        cpu:\n          units: 0.5\n        memory:\n          size: 512Mi\n" + STORAGE, "    web: {}\n");
      expectOne(text, "resources-missing", "error", at(text, "    web: {}", "web"));
    });
    it("stays quiet when cpu, memory and storage are all there", () => {
      expectNone(BASE, "resources-missing");
    });
    it("stays quiet about a cpu block that failed to decode (the decoder reported it)", () => {
      const text = edit(BASE, "        cpu:\n          units: 0.5\n", "        cpu: 2\n");
      expectNone(text, "resources-missing");
      expect(lint(text).map((f) => f.ruleId)).toContain("yaml-type");
    });
  });

  describe("cpu-out-of-range", () => {
    it("reports 5m, printing the maximum twice as the chain does", () => {
      const text = sized({ cpu: "5m" });
      const f = expectOne(text, "cpu-out-of-range", "error", at(text, "units: 5m", "5m"));
      expect(f.message).toMatch(/^error: invalid unit CPU \(384000 > 5 > 384000 fails\)/);
    });
    it("reports more than 384 CPUs", () => {
      const text = sized({ cpu: "385" });
      const f = expectOne(text, "cpu-out-of-range", "error", at(text, "units: 385", "385"));
      expect(f.message).toContain("(384000 > 385000 > 384000 fails)");
    });
    it("accepts the bounds 10m and 384", () => {
      expectNone(sized({ cpu: "10m" }), "cpu-out-of-range");
      expectNone(sized({ cpu: "384" }), "cpu-out-of-range");
    });
  });

  describe("gpu-out-of-range", () => {
    it("reports 25 GPUs per replica", () => {
      const text = withGpu("25");
      const f = expectOne(text, "gpu-out-of-range", "error", at(text, "units: 25", "25"));
      expect(f.message).toMatch(/^error: invalid unit GPU \(24 > 25 > 24 fails\)/);
    });
    it("accepts 24", () => {
      expectNone(withGpu("24"), "gpu-out-of-range");
    });
  });

  describe("gpu-attributes-without-units", () => {
    it("reports GPU attributes with units 0 at the attributes key", () => {
      const text = withGpu("0");
      const f = expectOne(text, "gpu-attributes-without-units", "error", at(text, "          attributes:", "attributes"));
      expect(f.message).toMatch(/^error: invalid GPU state\. attributes cannot be present if units == 0/);
    });
    it("accepts attributes with units 1, and units 0 without attributes", () => {
      expectNone(withGpu("1"), "gpu-attributes-without-units");
      expectNone(withGpu("0", ""), "gpu-attributes-without-units");
    });
  });

  describe("memory-out-of-range", () => {
    it("reports less than 1Mi", () => {
      const text = sized({ memory: "512Ki" });
      const f = expectOne(text, "memory-out-of-range", "error", at(text, "size: 512Ki", "512Ki"));
      expect(f.message).toMatch(/^error: invalid unit memory \(2199023255552 > 524288 > 2199023255552 fails\)/);
    });
    it("reports more than 2Ti", () => {
      const text = sized({ memory: "3Ti" });
      expectOne(text, "memory-out-of-range", "error", at(text, "size: 3Ti", "3Ti"));
    });
    it("reports a memory block without size (Go reads 0) at the memory key", () => {
      const text = edit(BASE, "        memory:\n          size: 512Mi\n", "        memory: {}\n");
      expectOne(text, "memory-out-of-range", "error", at(text, "memory: {}", "memory"));
    });
    it("accepts the bounds 1Mi and 2Ti", () => {
      expectNone(sized({ memory: "1Mi" }), "memory-out-of-range");
      expectNone(sized({ memory: "2Ti" }), "memory-out-of-range");
    });
  });

  describe("storage-out-of-range", () => {
    it("reports a volume under 5Mi, printing the minimum", () => {
      const text = sized({ storage: "4Mi" });
      const f = expectOne(text, "storage-out-of-range", "error", at(text, "size: 4Mi", "4Mi"));
      expect(f.message).toMatch(/^error: invalid unit storage \(35184372088832 > 4194304 > 5242880 fails\)/);
    });
    it("reports each volume of a list separately", () => {
      const text = edit(BASE, STORAGE, "        storage:\n          - size: 1Gi\n          - name: data\n            size: 33Ti\n");
      expectOne(text, "storage-out-of-range", "error", at(text, "size: 33Ti", "33Ti"));
    });
    it("accepts the bounds 5Mi and 32Ti", () => {
      expectNone(sized({ storage: "5Mi" }), "storage-out-of-range");
      expectNone(sized({ storage: "32Ti" }), "storage-out-of-range");
    });
  });

  describe("price-too-high", () => {
    it("reports a price above 10000000, in the chain's DecCoin form", () => {
      const text = edit(BASE, "amount: 1000", "amount: 10000000.5");
      const f = expectOne(text, "price-too-high", "error", at(text, "amount: 10000000.5", "10000000.5"));
      expect(f.message).toMatch(/^group akash: error: invalid unit price \(10000000 > 10000000\.500000000000000000uact fails\)/);
    });
    it("accepts exactly 10000000", () => {
      expectNone(edit(BASE, "amount: 1000", "amount: 10000000"), "price-too-high");
    });
  });

  describe("count-zero", () => {
    it("reports a placement whose only count is 0 with the chain's group-total message", () => {
      const text = sized({ count: 0 });
      const f = expectOne(text, "count-zero", "error", at(text, "count: 0", "0"));
      expect(f.message).toMatch(/^invalid total CPU \(19200000 > 0 > 0 fails\)/);
    });
    it("reports every count when all counts of the placement are 0", () => {
      const text = edits(TWO_SERVICES, ["      profile: web\n      count: 1", "      profile: web\n      count: 0"], ["      profile: db\n      count: 1", "      profile: db\n      count: 0"]);
      expect(lint(text).filter((f) => f.ruleId === "count-zero")).toHaveLength(2);
    });
    it("stays quiet when another service of the placement runs (the chain accepts that)", () => {
      const text = edit(TWO_SERVICES, "      profile: db\n      count: 1", "      profile: db\n      count: 0");
      expectNone(text, "count-zero");
      expectNone(BASE, "count-zero");
    });
  });

  describe("group totals", () => {
    it("group-cpu-total: 384 CPUs × 51 is above 19200000m", () => {
      const text = sized({ cpu: "384", count: 51 });
      const f = expectOne(text, "group-cpu-total", "error", at(text, "count: 51", "51"));
      expect(f.message).toMatch(/^invalid total CPU \(19200000 > 19584000 > 0 fails\)/);
      expectNone(sized({ cpu: "384", count: 50 }), "group-cpu-total");
    });
    it("group-cpu-total: sums the services of one placement", () => {
      const both = edits(TWO_SERVICES, ["units: 0.5", "units: 200"], ["units: 1\n", "units: 200\n"], ["      profile: web\n      count: 1", "      profile: web\n      count: 50"], ["      profile: db\n      count: 1", "      profile: db\n      count: 47"]);
      // 200 CPUs × (50 + 47) = 19400 CPUs; web contributes most, so the finding sits on its count
      expectOne(both, "group-cpu-total", "error", at(both, "count: 50", "50"));
      const split = edits(both, ["  db:\n    akash:\n      profile: db", "  db:\n    west:\n      profile: db"], ["deployment:\n", "    west:\n      pricing:\n        db:\n          denom: uact\n          amount: 2000\ndeployment:\n"]);
      expectNone(split, "group-cpu-total");
    });
    it("group-gpu-total: 24 GPUs × 51 is above 1200", () => {
      const text = edit(withGpu("24"), "count: 1", "count: 51");
      const f = expectOne(text, "group-gpu-total", "error", at(text, "count: 51", "51"));
      expect(f.message).toMatch(/^invalid total GPU \(1200 > 1224 > 0 fails\)/);
      expectNone(edit(withGpu("24"), "count: 1", "count: 50"), "group-gpu-total");
    });
    it("group-memory-total: 2Ti × 51 is above 100Ti", () => {
      const text = sized({ memory: "2Ti", count: 51 });
      const f = expectOne(text, "group-memory-total", "error", at(text, "count: 51", "51"));
      expect(f.message).toMatch(/^invalid total memory \(109951162777600 > 112150186033152 > 0 fails\)/);
      expectNone(sized({ memory: "2Ti", count: 50 }), "group-memory-total");
    });
    it("group-storage-total: a 32Ti volume × 51 is above 1600Ti (a warning: the chain's check is not reached)", () => {
      const text = sized({ storage: "32Ti", count: 51 });
      const f = expectOne(text, "group-storage-total", "warning", at(text, "count: 51", "51"));
      expect(f.message).toMatch(/^invalid total storage \(1759218604441600 > 1794402976530432 > 0 fails\)/);
      expectNone(sized({ storage: "32Ti", count: 50 }), "group-storage-total");
    });
  });

  describe("denom-invalid", () => {
    it("reports a denom that is not a Cosmos denom (Go panics on it)", () => {
      const text = edit(BASE, "denom: uact", "denom: u");
      const f = expectOne(text, "denom-invalid", "error", at(text, "denom: u\n", "u\n"));
      expect(f.message).toMatch(/^invalid denom: u /);
      expectNone(text, "denom-uact");
    });
    it("reports a missing denom at the price's name", () => {
      const text = edit(BASE, "          denom: uact\n", "");
      expectOne(text, "denom-invalid", "error", at(text, "        web:\n          amount", "web"));
    });
    it("checks every pricing entry, deployed or not, because Go decodes them all", () => {
      const text = edit(BASE, "deployment:\n", "        spare:\n          denom: 1bad\n          amount: 5\ndeployment:\n");
      expectOne(text, "denom-invalid", "error", at(text, "denom: 1bad", "1bad"));
    });
    it("accepts uact and IBC denoms", () => {
      expectNone(BASE, "denom-invalid");
      expectNone(edit(BASE, "denom: uact", "denom: ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1"), "denom-invalid");
    });
  });

  describe("denom-mixed-in-group", () => {
    it("reports the price whose denom differs from the accepted one in the same placement", () => {
      const text = edit(TWO_SERVICES, "        db:\n          denom: uact", "        db:\n          denom: uakt");
      const f = expectOne(text, "denom-mixed-in-group", "error", at(text, "denom: uakt", "uakt"));
      expect(f.message).toMatch(/^multi-denonimation group: \(uakt == uact fails\)/);
    });
    it("stays quiet when both profiles use one denom", () => {
      expectNone(TWO_SERVICES, "denom-mixed-in-group");
    });
  });

  describe("denom-inconsistent-groups", () => {
    it("reports a placement priced in another denom than the others", () => {
      const text = westPlacement("uakt");
      const f = expectOne(text, "denom-inconsistent-groups", "error", at(text, "denom: uakt", "uakt"));
      expect(f.message).toMatch(/^invalid price: inconsistent group denomination: uact != uakt/);
      expectNone(text, "denom-mixed-in-group");
    });
    it("stays quiet when every placement uses uact", () => {
      expectNone(westPlacement("uact"), "denom-inconsistent-groups");
    });
  });

  describe("denom-uact", () => {
    it("reports uakt on mainnet (the default) and on sandbox", () => {
      const text = edit(BASE, "denom: uact", "denom: uakt");
      const f = expectOne(text, "denom-uact", "error", at(text, "denom: uakt", "uakt"));
      expect(f.message).toMatch(/^invalid price: unsupported denomination uakt: /);
      expect(f.message).toContain("mint-act");
      expectOne(text, "denom-uact", "error", at(text, "denom: uakt", "uakt"), { network: "sandbox" });
    });
    it("reports an IBC (USDC) denom", () => {
      const text = edit(BASE, "denom: uact", "denom: ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1");
      expectOne(text, "denom-uact", "error", at(text, "denom: ibc/", "ibc/"));
    });
    it("ignores a pricing entry that no deployment uses", () => {
      const text = edit(BASE, "deployment:\n", "        spare:\n          denom: uakt\n          amount: 5\ndeployment:\n");
      expectNone(text, "denom-uact");
    });
    it("accepts uact", () => {
      expectNone(BASE, "denom-uact");
      expectNone(BASE, "denom-uact", { network: "sandbox" });
    });
  });

  describe("denom policy table", () => {
    it("takes the newest row in effect, whatever the table's order, per network (an injected table)", () => {
      const row = (network: "mainnet" | "sandbox", since: string, allowed: string[]) => ({ network, since, allowed, source: `row ${since}` });
      const table = [row("mainnet", "2027-06-01", ["usol"]), row("mainnet", "2026-03-31", ["uact"]), row("sandbox", "2026-12-01", ["uakt"]), row("mainnet", "2026-01-01", ["uakt", "uact"])];
      const at = (day: string) => new Date(`${day}T12:00:00Z`);
      expect(denomPolicy("mainnet", at("2025-12-31"), table)).toBeUndefined();
      expect(denomPolicy("mainnet", at("2026-02-01"), table)?.allowed).toEqual(["uakt", "uact"]);
      expect(denomPolicy("mainnet", at("2026-12-05"), table)?.allowed).toEqual(["uact"]);
      expect(denomPolicy("mainnet", at("2027-06-01"), table)?.allowed).toEqual(["usol"]);
      expect(denomPolicy("sandbox", at("2026-12-05"), table)?.allowed).toEqual(["uakt"]);
      expect(denomPolicy("mainnet", at("2026-12-05"), [...table].reverse())?.allowed).toEqual(["uact"]);
    });

    it("has uact-only policies for both networks, and none before they took effect", () => {
      expect(denomPolicy("mainnet", new Date("2026-06-01T00:00:00Z"))?.allowed).toEqual(["uact"]);
      expect(denomPolicy("sandbox", new Date("2026-06-01T00:00:00Z"))?.allowed).toEqual(["uact"]);
      expect(denomPolicy("mainnet", new Date("2026-03-30T23:59:59Z"))).toBeUndefined();
      expect(denomPolicy("mainnet", new Date("2026-03-31T00:00:00Z"))?.since).toBe("2026-03-31");
    });
    it("picks the newest row in effect for the network", () => {
      const rows = DENOM_POLICIES.filter((p) => p.network === "mainnet").map((p) => p.since);
      const newest = [...rows].sort().at(-1)!;
      expect(denomPolicy("mainnet", new Date("2100-01-01T00:00:00Z"))?.since).toBe(newest);
    });
  });
});
