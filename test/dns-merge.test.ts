/**
 * `planZoneUpdate` (pure): which rows change, ownership and `--adopt`, the round-trip hazards and
 * the change threshold that `--force` overrides, and "nothing to change → nothing to write".
 */
import { describe, expect, it } from "vitest";
import { formatOwnership, parseOwnership, planZoneUpdate, relativeName } from "../src/dns/merge.js";
import type { DesiredRecord, Zone, ZoneRow } from "../src/dns/provider.js";

const row = (name: string, type: string, address: string, ttl = "1800", mxPref = "10"): ZoneRow => ({ name, type, address, ttl, mxPref });
const zone = (rows: ZoneRow[], emailType: string | undefined = "MX"): Zone => ({ domain: "example.com", emailType, rows });
const a = (name: string, value: string, ttl = 300): DesiredRecord => ({ name, type: "A", value, ttl });
const owner = (...names: string[]) => row("_akash-stack", "TXT", formatOwnership(names));

const MAIL = [row("@", "MX", "mx1.example.net.", "1800", "10"), row("@", "MX", "mx2.example.net.", "1800", "20")];
const SPF = row("@", "TXT", 'v=spf1 include:"_spf.example.net" ~all');
const CAA = row("@", "CAA", '0 issue "letsencrypt.org"', "1799");

describe("planZoneUpdate", () => {
  it("replaces only the managed name's address rows and keeps every other row as the object read", () => {
    const registry = [row("registry", "A", "198.51.100.7"), row("Registry", "AAAA", "2001:db8::7"), row("registry", "TXT", "keep me")];
    const before = zone([...MAIL, SPF, ...registry, CAA, owner("registry")]);
    const plan = planZoneUpdate(before, [a("registry", "203.0.113.7")]);

    expect(plan.blockers).toEqual([]);
    expect(plan.emailType).toBe("MX");
    expect(plan.changes.map((c) => [c.action, c.name, c.before?.type, c.after?.address])).toEqual([
      ["update", "registry", "A", "203.0.113.7"],
      ["delete", "registry", "AAAA", undefined],
    ]);
    // Unmanaged rows are the same objects, in the same order; the new row sits where the old one was.
    expect(plan.after).toEqual([...MAIL, SPF, row("registry", "A", "203.0.113.7", "300"), registry[2], CAA, owner("registry")]);
    for (const kept of [...MAIL, SPF, registry[2]!, CAA]) expect(plan.after).toContain(kept);
    expect(plan.after.filter((r) => before.rows.includes(r))).toHaveLength(6); // all but the replaced A row
  });

  it("plans nothing, and refuses nothing, when the zone already has exactly the records", () => {
    const ddns = { ...row("home", "A", "192.0.2.1"), dynamicDns: true };
    const before = zone([...MAIL, row("ipfs", "A", "203.0.113.7", "300"), row("registry", "a", "203.0.113.7", "300"), ddns, owner("ipfs", "registry")], "SOMETHINGNEW");
    const plan = planZoneUpdate(before, [a("registry", "203.0.113.7"), a("IPFS", "203.0.113.7")]);
    expect(plan.changes).toEqual([]);
    expect(plan.blockers).toEqual([]);
    expect(plan.after).toBe(before.rows);
  });

  it("treats a different TTL, a second A row, or a CNAME as a change", () => {
    const ttl = planZoneUpdate(zone([row("app", "A", "203.0.113.7", "1800"), owner("app")]), [a("app", "203.0.113.7")]);
    expect(ttl.changes).toEqual([{ action: "update", name: "app", before: row("app", "A", "203.0.113.7", "1800"), after: row("app", "A", "203.0.113.7", "300") }]);
    const two = planZoneUpdate(zone([row("app", "A", "203.0.113.7", "300"), row("app", "A", "198.51.100.1", "300"), owner("app")]), [a("app", "203.0.113.7")]);
    expect(two.after.filter((r) => r.name === "app")).toEqual([row("app", "A", "203.0.113.7", "300")]);
    const cname = planZoneUpdate(zone([row("app", "CNAME", "old.example.net."), owner("app")]), [a("app", "203.0.113.7")]);
    expect(cname.changes.map((c) => `${c.action} ${c.before?.type}→${c.after?.type}`)).toEqual(["update CNAME→A"]);
  });

  it("claims new names in the ownership record and creates it when missing", () => {
    const plan = planZoneUpdate(zone([...MAIL]), [a("registry", "203.0.113.7"), a("@", "203.0.113.8")]);
    expect(plan.blockers).toEqual([]);
    expect(plan.changes.map((c) => `${c.action} ${c.name}`)).toEqual(["create registry", "create @", "create _akash-stack"]);
    expect(plan.after.at(-1)).toEqual(row("_akash-stack", "TXT", "v=akash-stack1; names=@,registry"));
    expect(plan.managedNames).toEqual(["@", "registry"]);
    // Names the record already lists stay listed: the tool never forgets what it owns.
    const more = planZoneUpdate(zone([owner("ipfs")]), [a("registry", "203.0.113.7")]);
    expect(parseOwnership(more.after.find((r) => r.name === "_akash-stack")!.address)).toEqual(["ipfs", "registry"]);
  });

  it("refuses to take over a name it does not own unless --adopt", () => {
    const before = zone([row("registry", "A", "198.51.100.7"), owner("ipfs")]);
    const refused = planZoneUpdate(before, [a("registry", "203.0.113.7")]);
    expect(refused.blockers).toHaveLength(1);
    expect(refused.blockers[0]).toMatchObject({ override: "--adopt" });
    expect(refused.blockers[0]!.reason).toContain("registry.example.com has records akash-stack did not create (registry A 198.51.100.7)");
    expect(refused.blockers[0]!.reason).toContain("--adopt");
    // --force is not --adopt.
    expect(planZoneUpdate(before, [a("registry", "203.0.113.7")], { force: true }).blockers).toHaveLength(1);
    const adopted = planZoneUpdate(before, [a("registry", "203.0.113.7")], { adopt: true });
    expect(adopted.blockers).toEqual([]);
    expect(adopted.notes.join("\n")).toContain("going ahead because of --adopt");
  });

  it("refuses zones it cannot write back safely unless --force, saying why", () => {
    const desired = [a("registry", "203.0.113.7")];
    const reasons = (z: Zone) => planZoneUpdate(z, desired).blockers.map((b) => b.reason);
    expect(reasons({ domain: "example.com", emailType: undefined, rows: [] })[0]).toMatch(/did not say which EmailType example\.com uses.*--force/);
    expect(reasons(zone([], "NEWTYPE"))[0]).toMatch(/EmailType "NEWTYPE", which akash-stack does not know.*--force/);
    expect(reasons(zone([{ ...row("home", "A", "192.0.2.1"), dynamicDns: true }]))[0]).toMatch(/1 record has dynamic DNS on \(home A 192\.0\.2\.1\).*plain records.*--force/);
    expect(reasons(zone([...MAIL], "OX"))[0]).toMatch(/2 MX records but EmailType OX.*drop them.*--force/);
    expect(reasons(zone([row("@", "MXE", "192.0.2.9")], "MX"))[0]).toMatch(/1 MXE record but EmailType MX/);
    expect(reasons(zone([...MAIL], "MX"))).toEqual([]);

    const forced = planZoneUpdate(zone([...MAIL], "OX"), desired, { force: true });
    expect(forced.blockers).toEqual([]);
    expect(forced.notes[0]).toMatch(/^going ahead because of --force: example\.com has 2 MX records but EmailType OX/);
  });

  it("refuses a CNAME where the name has other records, which a CNAME cannot share; address rows are not counted", () => {
    const cname = (name: string, value: string): DesiredRecord => ({ name, type: "CNAME", value, ttl: 300 });
    const withTxt = zone([row("app", "A", "192.0.2.1"), row("app", "TXT", "verify=1"), row("other", "TXT", "x"), owner("app")]);
    expect(planZoneUpdate(withTxt, [cname("app", "edge.example.net.")]).blockers.map((b) => b.reason)).toEqual([
      "app.example.com cannot be a CNAME: it also has app TXT verify=1, and a CNAME must be the only record of its name; use an A record",
    ]);
    // its own A row is replaced by the CNAME, and another name's TXT does not matter
    const addressOnly = zone([row("app", "A", "192.0.2.1"), row("other", "TXT", "x"), owner("app")]);
    expect(planZoneUpdate(addressOnly, [cname("app", "edge.example.net.")]).blockers).toEqual([]);
  });

  it("counts dynamic DNS records in the hazard's words", () => {
    const dynamic = (name: string) => ({ ...row(name, "A", "192.0.2.1"), dynamicDns: true });
    const reasons = planZoneUpdate(zone([dynamic("home"), dynamic("lab")]), [a("registry", "203.0.113.7")]).blockers.map((b) => b.reason);
    expect(reasons[0]).toMatch(/^2 records have dynamic DNS on \(home A 192\.0\.2\.1, lab A 192\.0\.2\.1\); /);
  });

  it("refuses a plan that touches more than 30% of a zone of 10 or more rows unless --force", () => {
    const others = Array.from({ length: 7 }, (_, i) => row(`host${i}`, "TXT", `t${i}`));
    const managed = [row("a1", "A", "192.0.2.1"), row("a2", "A", "192.0.2.2"), row("a3", "A", "192.0.2.3"), row("a4", "A", "192.0.2.4")];
    const before = zone([...others, ...managed, owner("a1", "a2", "a3", "a4")]);
    const desired = ["a1", "a2", "a3", "a4"].map((n) => a(n, "203.0.113.7"));
    const plan = planZoneUpdate(before, desired);
    expect(plan.blockers.map((b) => b.reason)).toEqual([expect.stringContaining("changes or deletes 4 of the 12 records of example.com, more than the 30% safety limit")]);
    expect(planZoneUpdate(before, desired, { force: true }).blockers).toEqual([]);
    expect(planZoneUpdate(before, desired.slice(0, 3)).blockers).toEqual([]); // 3 of 12 = 25%
    expect(plan.blockers[0]!.reason).toBe(
      "this plan changes or deletes 4 of the 12 records of example.com, more than the 30% safety limit; check the plan, then pass --force if it is what you want",
    );
    // The limit applies from exactly 10 rows: 4 of 10 is refused, 4 of 9 is not.
    const ofTen = zone([...others.slice(0, 5), ...managed, owner("a1", "a2", "a3", "a4")]);
    expect(planZoneUpdate(ofTen, desired).blockers).toHaveLength(1);
    expect(planZoneUpdate(zone([...others.slice(0, 4), ...managed, owner("a1", "a2", "a3", "a4")]), desired).blockers).toEqual([]);
    // Small zones are exempt: any change is a large share of them.
    expect(planZoneUpdate(zone([row("a1", "A", "192.0.2.1"), owner("a1")]), [a("a1", "203.0.113.7")]).blockers).toEqual([]);
  });

  it("will not make a CNAME share its name with other records", () => {
    const plan = planZoneUpdate(zone([row("app", "TXT", "hello"), owner("app")]), [{ name: "app", type: "CNAME", value: "lb.example.net", ttl: 300 }], { force: true, adopt: true });
    expect(plan.blockers.map((b) => b.reason)).toEqual([expect.stringContaining("app.example.com cannot be a CNAME: it also has app TXT hello")]);
  });
});

describe("names", () => {
  it("compares names lowercase and relative to the zone", () => {
    expect(relativeName("Registry", "example.com")).toBe("registry");
    expect(relativeName("registry.Example.com.", "example.com")).toBe("registry");
    expect(relativeName("EXAMPLE.COM", "example.com")).toBe("@");
    expect(relativeName("", "example.com")).toBe("@");
    expect(relativeName("api.dev", "example.com")).toBe("api.dev");
  });

  it("reads the ownership record, quoted or not, and ignores other TXT values", () => {
    expect(parseOwnership('"v=akash-stack1; names=Registry, ipfs"')).toEqual(["registry", "ipfs"]);
    expect(parseOwnership("v=spf1 -all")).toEqual([]);
    expect(formatOwnership(["registry", "@", "ipfs"])).toBe("v=akash-stack1; names=@,ipfs,registry");
  });
});
