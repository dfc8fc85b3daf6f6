/**
 * The safe update, as a property over random zones, end to end through the Namecheap emulator
 * (whole-zone replacement, MX rows kept only with EmailType=MX): applying keeps every row we do
 * not manage byte for byte and the zone's EmailType, leaves each managed name with exactly one A
 * record, and a second apply writes nothing (counted as setHosts calls the emulator received).
 *
 * The seed is printed; rerun a failure with DNS_PROPERTY_SEED=<seed>.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDomain, type UpdateOutcome } from "../src/dns/apply.js";
import type { EmulatorHost, NamecheapEmulator } from "../src/dns/emulator.js";
import { NamecheapProvider } from "../src/dns/namecheap/provider.js";
import { configFor, removeTempHomes, seededRandom, startEmulator, tempHome } from "./support/dns.js";

const ZONES = 520;
const SEED = Number(process.env.DNS_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 32));
console.log(`dns property test seed: ${SEED} (rerun with DNS_PROPERTY_SEED=${SEED})`);

const EMAIL_TYPES = ["NONE", "MX", "MXE", "FWD", "OX", "GMAIL"];
const RECORD_TYPES = ["A", "AAAA", "ALIAS", "CAA", "CNAME", "MX", "MXE", "NS", "TXT", "URL", "URL301", "FRAME"];
const NAMES = ["@", "www", "WWW", "mail", "registry", "Registry", "ipfs", "IPFS", "app", "api.dev", "_dmarc", "*", "shop", "_akash-stack"];
const MANAGED_POOL = ["registry", "ipfs", "app", "@", "api.dev"];
const TTLS = ["60", "300", "1799", "1800", "3600", "60000"];
/** Text with what breaks naive code: quotes, spaces at the ends, XML specials, semicolons, non-ASCII. */
const TEXT_CHARS = `abcXYZ019 "'\\;=&<>:/.,!?-_@#%+é日`;

/** Independent of the code under test: which rows an apply may touch. */
const ADDRESS_TYPES = new Set(["A", "AAAA", "CNAME", "ALIAS", "URL", "URL301", "FRAME"]);
function isManagedRow(row: Pick<EmulatorHost, "name" | "type" | "address">, managed: ReadonlySet<string>): boolean {
  const name = row.name.toLowerCase();
  if (ADDRESS_TYPES.has(row.type.toUpperCase()) && managed.has(name)) return true;
  return name === "_akash-stack" && row.type.toUpperCase() === "TXT" && row.address.startsWith("v=akash-stack1");
}
const fields = (h: Row) => [h.name, h.type, h.address, h.mxPref, h.ttl];

type Row = Pick<EmulatorHost, "name" | "type" | "address" | "mxPref" | "ttl">;

interface Case {
  spec: { domain: string; emailType: string; hosts: Row[] };
  managed: string[];
  ip: string;
  alreadyRight: boolean;
}

function generateCase(random: () => number, index: number): Case {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const ipv4 = () => `${1 + int(223)}.${int(256)}.${int(256)}.${1 + int(254)}`;
  const text = () => {
    let t = Array.from({ length: 1 + int(50) }, () => pick([...TEXT_CHARS])).join("");
    if (t.trim() === "") t += "x";
    return random() < 0.2 ? ` ${t} ` : t;
  };
  const emailType = pick(EMAIL_TYPES);
  const types = RECORD_TYPES.filter((t) => (t !== "MX" || emailType === "MX") && (t !== "MXE" || emailType === "MXE"));
  const address = (type: string): string => {
    switch (type) {
      case "A":
      case "MXE":
        return ipv4();
      case "AAAA":
        return `2001:db8:${int(65536).toString(16)}::${1 + int(65535)}`;
      case "ALIAS":
      case "CNAME":
      case "NS":
        return `target${int(100)}.example.net${random() < 0.5 ? "." : ""}`;
      case "MX":
        return `mx${int(10)}.mail.example.net.`;
      case "CAA":
        return pick([`0 issue "letsencrypt.org"`, `0 issuewild ";"`, `128 iodef "mailto:security team@example.com"`, `0 issue "${text().replace(/"/g, "")}"`]);
      case "TXT":
        return pick([text(), `"${text()}"`, `v=spf1 include:_spf.example.net ~all`, `v=DMARC1; p=none; rua="mailto:d@example.com"`]);
      default:
        return `http://www.example.org/${int(100)}?a=1&b="two words"`;
    }
  };
  const hosts: Row[] = [];
  const rowCount = int(26);
  for (let i = 0; i < rowCount; i++) {
    const type = pick(types);
    const name = type === "MX" || type === "MXE" ? pick(["@", "mail"]) : pick(NAMES);
    hosts.push({ name, type, address: address(type), mxPref: type === "MX" ? String(int(50)) : "10", ttl: pick(TTLS) });
  }
  if (emailType === "MX" && random() < 0.8) hosts.push({ name: "@", type: "MX", address: "mx1.mail.example.net.", mxPref: "10", ttl: "1800" });
  const managed = [...new Set(Array.from({ length: 1 + int(3) }, () => pick(MANAGED_POOL)))];
  if (random() < 0.3) {
    const owned = MANAGED_POOL.filter(() => random() < 0.5);
    hosts.splice(int(hosts.length + 1), 0, { name: "_akash-stack", type: "TXT", address: `v=akash-stack1; names=${owned.join(",")}`, mxPref: "10", ttl: "1800" });
  }
  const ip = ipv4();
  const alreadyRight = random() < 0.15;
  let zoneHosts = hosts;
  if (alreadyRight) {
    const managedSet = new Set(managed);
    zoneHosts = hosts.filter((h) => !isManagedRow(h, managedSet));
    for (const name of managed) zoneHosts.splice(int(zoneHosts.length + 1), 0, { name, type: "A", address: ip, mxPref: "10", ttl: "300" });
    zoneHosts.push({ name: "_akash-stack", type: "TXT", address: `v=akash-stack1; names=${[...managed].sort().join(",")}`, mxPref: "10", ttl: "1800" });
  }
  return { spec: { domain: `zone${index}.example`, emailType, hosts: zoneHosts }, managed, ip, alreadyRight };
}

let emulator: NamecheapEmulator;
let provider: NamecheapProvider;
let home: string;
const random = seededRandom(SEED);
const cases = Array.from({ length: ZONES }, (_, i) => generateCase(random, i));

beforeAll(async () => {
  emulator = await startEmulator({ callsPerMinute: Number.POSITIVE_INFINITY, domains: cases.map((c) => c.spec) });
  provider = new NamecheapProvider(configFor(emulator), { callsPerMinute: 1e9 });
  home = tempHome();
});
afterAll(async () => {
  await emulator.close();
  removeTempHomes();
});

async function apply(c: Case): Promise<UpdateOutcome> {
  const desired = c.managed.map((name) => ({ name, type: "A" as const, value: c.ip, ttl: 300 }));
  // Adoption and the change threshold have their own tests; here every plan must go through.
  return applyDomain(provider, c.spec.domain, desired, { home, adopt: true, maxChangeFraction: 1, review: async () => true, wait: false });
}

describe(`safe zone update over ${ZONES} random zones (seed ${SEED})`, () => {
  it("covers every record type, quoted and spaced TXT/CAA values, and MX zones with EmailType MX", () => {
    const all = cases.flatMap((c) => c.spec.hosts);
    for (const type of RECORD_TYPES) expect(all.some((h) => h.type === type), `no ${type} row generated`).toBe(true);
    expect(all.some((h) => h.type === "TXT" && h.address.includes('"') && h.address.includes(" "))).toBe(true);
    expect(all.some((h) => h.type === "CAA" && h.address.includes('"') && h.address.includes(" "))).toBe(true);
    expect(all.some((h) => h.type === "TXT" && h.address !== h.address.trim())).toBe(true);
    expect(cases.filter((c) => c.spec.emailType === "MX" && c.spec.hosts.some((h) => h.type === "MX")).length).toBeGreaterThan(20);
    expect(cases.filter((c) => c.alreadyRight).length).toBeGreaterThan(20);
  });

  it("keeps unmanaged rows byte for byte and the EmailType, gives each managed name one A record, and a second apply writes nothing", async () => {
    const failures: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && failures.length < 10) failures.push(what);
    };
    const queue = [...cases];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const domain = c.spec.domain;
        const managed = new Set(c.managed);
        const first = await apply(c);
        check(first.kind === (c.alreadyRight ? "unchanged" : "applied"), `${domain}: first apply was ${first.kind}: ${first.plan.blockers.map((b) => b.reason).join("; ")}`);
        check(emulator.calls("sethosts", domain) === (c.alreadyRight ? 0 : 1), `${domain}: ${emulator.calls("sethosts", domain)} setHosts calls after the first apply`);

        const after = emulator.zone(domain);
        check(after.emailType === c.spec.emailType, `${domain}: EmailType ${c.spec.emailType} became ${after.emailType}`);
        const keptBefore = c.spec.hosts.filter((h) => !isManagedRow(h, managed)).map(fields);
        const keptAfter = after.hosts.filter((h) => !isManagedRow(h, managed)).map(fields);
        check(JSON.stringify(keptAfter) === JSON.stringify(keptBefore), `${domain}: unmanaged rows changed:\n  before ${JSON.stringify(keptBefore)}\n  after  ${JSON.stringify(keptAfter)}`);
        for (const name of c.managed) {
          const rows = after.hosts.filter((h) => h.name.toLowerCase() === name && ADDRESS_TYPES.has(h.type.toUpperCase()));
          check(rows.length === 1 && rows[0]!.type === "A" && rows[0]!.address === c.ip && rows[0]!.ttl === "300", `${domain}: ${name} has ${JSON.stringify(rows.map(fields))}`);
        }
        const ownership = after.hosts.filter((h) => isManagedRow(h, new Set()));
        check(ownership.length === 1 && c.managed.every((n) => ownership[0]!.address.split("names=")[1]!.split(",").includes(n)), `${domain}: ownership rows ${JSON.stringify(ownership.map(fields))}`);

        const writes = emulator.calls("sethosts", domain);
        const second = await apply(c);
        check(second.kind === "unchanged", `${domain}: second apply was ${second.kind} with ${second.plan.changes.length} changes`);
        check(emulator.calls("sethosts", domain) === writes, `${domain}: the second apply called setHosts`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(emulator.calls("sethosts")).toBe(cases.filter((c) => !c.alreadyRight).length);
  }, 120_000);
});
