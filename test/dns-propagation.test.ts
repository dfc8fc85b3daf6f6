/**
 * Waiting for the authoritative nameservers, against real DNS over loopback UDP: two small
 * authoritative servers (`ZoneNameserver`), one of which publishes late, or never.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ZoneNameserver } from "../src/dns/emulator-nameserver.js";
import { waitForPropagation } from "../src/dns/propagation.js";

const servers: ZoneNameserver[] = [];
async function nameserver(): Promise<ZoneNameserver> {
  const ns = await ZoneNameserver.start();
  servers.push(ns);
  return ns;
}
afterEach(async () => {
  for (const ns of servers.splice(0)) await ns.close();
});

const OLD = [
  { name: "registry", type: "A", address: "198.51.100.7", ttl: "300" },
  { name: "www", type: "CNAME", address: "old.example.net.", ttl: "300" },
];
const NEW = [
  { name: "registry", type: "A", address: "203.0.113.7", ttl: "300" },
  { name: "ipfs", type: "A", address: "203.0.113.7", ttl: "300" },
  { name: "www", type: "CNAME", address: "lb.example.net.", ttl: "300" },
];
const EXPECT = [
  { fqdn: "registry.example.com", type: "A" as const, value: "203.0.113.7" },
  { fqdn: "ipfs.example.com", type: "A" as const, value: "203.0.113.7" },
  { fqdn: "www.example.com", type: "CNAME" as const, value: "LB.example.net" },
];

describe("waitForPropagation", () => {
  it("waits until every nameserver answers the new values", async () => {
    const fast = await nameserver();
    const slow = await nameserver();
    fast.publish("example.com", NEW);
    slow.publish("example.com", OLD);
    setTimeout(() => slow.publish("example.com", NEW), 300);
    const rounds: string[][] = [];
    const result = await waitForPropagation({
      nameservers: [fast.address, slow.address],
      expectations: EXPECT,
      intervalMs: 100,
      timeoutMs: 5_000,
      onRound: (_round, pending) => rounds.push(pending.map((p) => `${p.nameserver} ${p.fqdn} ${JSON.stringify(p.answer)}`)),
    });
    expect(result.done).toBe(true);
    expect(result.rounds).toBeGreaterThan(1);
    // Before the slow server published, it was the only one pending, with the old and missing values.
    expect(rounds[0]).toEqual([
      `${slow.address} registry.example.com ["198.51.100.7"]`,
      `${slow.address} ipfs.example.com {"error":"ENOTFOUND"}`,
      `${slow.address} www.example.com ["old.example.net"]`,
    ]);
    expect(fast.questions).toContain("registry.example.com A");
    expect(fast.questions).toContain("www.example.com CNAME");
  });

  it("times out, listing what each nameserver still answers", async () => {
    const stale = await nameserver();
    stale.publish("example.com", OLD);
    const result = await waitForPropagation({ nameservers: [stale.address], expectations: EXPECT.slice(0, 1), intervalMs: 50, timeoutMs: 300 });
    expect(result.done).toBe(false);
    expect(result.rounds).toBeGreaterThan(2);
    expect(result.pending).toEqual([{ nameserver: stale.address, address: stale.address, fqdn: "registry.example.com", answer: ["198.51.100.7"], ok: false }]);
  });

  it("resolves nameserver host names to addresses first, and reports names that do not resolve", async () => {
    const ns = await nameserver();
    ns.publish("example.com", NEW);
    const looked: string[] = [];
    const lookupNameserver = async (name: string) => {
      looked.push(name);
      if (name === "dns1.registrar-servers.com") return [ns.address];
      throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    };
    const ok = await waitForPropagation({ nameservers: ["dns1.registrar-servers.com"], expectations: EXPECT, lookupNameserver, intervalMs: 50, timeoutMs: 1_000 });
    expect(ok).toMatchObject({ done: true, rounds: 1 });
    expect(looked).toEqual(["dns1.registrar-servers.com"]);
    const bad = await waitForPropagation({ nameservers: ["dns9.nowhere.invalid"], expectations: EXPECT.slice(0, 1), lookupNameserver, intervalMs: 50, timeoutMs: 120 });
    expect(bad.done).toBe(false);
    expect(bad.pending[0]).toMatchObject({ nameserver: "dns9.nowhere.invalid", address: undefined, answer: { error: "nameserver name does not resolve" } });
  });

  it("is not satisfied by an extra A record next to the right one", async () => {
    const ns = await nameserver();
    ns.publish("example.com", [...NEW, { name: "registry", type: "A", address: "198.51.100.7", ttl: "300" }]);
    const result = await waitForPropagation({ nameservers: [ns.address], expectations: EXPECT.slice(0, 1), intervalMs: 50, timeoutMs: 120 });
    expect(result.done).toBe(false);
    expect(result.pending[0]!.answer).toEqual(["198.51.100.7", "203.0.113.7"]);
  });
});
