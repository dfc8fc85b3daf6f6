/**
 * The update sequence against the emulator: a change made by someone else between our read and
 * our write (or between our write and the read-back) is detected and reported; rollback restores
 * the saved zone (and refuses when the zone moved on, unless --force); the per-domain lock; domains
 * not on Namecheap DNS; zones whose EmailType would cost mail.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { applyDomain, rollbackDomain, type UpdateOptions } from "../src/dns/apply.js";
import type { EmulatorDomainSpec, EmulatorHost, NamecheapEmulator } from "../src/dns/emulator.js";
import { NamecheapProvider } from "../src/dns/namecheap/provider.js";
import { ConcurrentChangeError, DnsError, type DesiredRecord } from "../src/dns/provider.js";
import { configFor, removeTempHomes, startEmulator, tempHome } from "./support/dns.js";

const ZONE: EmulatorDomainSpec = {
  domain: "example.com",
  emailType: "MX",
  hosts: [
    { name: "@", type: "MX", address: "mx1.mail.example.net.", mxPref: "10" },
    { name: "@", type: "TXT", address: 'v=spf1 include:"_spf.example.net" ~all' },
    { name: "@", type: "CAA", address: '0 issue "letsencrypt.org"', ttl: "1799" },
    { name: "registry", type: "A", address: "198.51.100.7", ttl: "300" },
    { name: "_akash-stack", type: "TXT", address: "v=akash-stack1; names=registry" },
  ],
};
const DESIRED: DesiredRecord[] = [
  { name: "registry", type: "A", value: "203.0.113.7", ttl: 300 },
  { name: "ipfs", type: "A", value: "203.0.113.7", ttl: 300 },
];

const emulators: NamecheapEmulator[] = [];
afterEach(async () => {
  for (const e of emulators.splice(0)) await e.close();
  removeTempHomes();
});

async function setup(spec: EmulatorDomainSpec = ZONE) {
  const emulator = await startEmulator({ domains: [spec], callsPerMinute: Number.POSITIVE_INFINITY });
  emulators.push(emulator);
  const provider = new NamecheapProvider(configFor(emulator), { callsPerMinute: 1e9 });
  const home = tempHome();
  const options: UpdateOptions = { home, review: async () => true, wait: false };
  return { emulator, provider, home, options };
}

const fields = (hosts: EmulatorHost[]) => hosts.map((h) => [h.name, h.type, h.address, h.mxPref, h.ttl]);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

describe("concurrent changes", () => {
  it("a change made between our read and our write: detected, reported, nothing written", async () => {
    const { emulator, provider, options } = await setup();
    let reads = 0;
    emulator.afterCommand = (command, e) => {
      // Someone edits the zone in the dashboard right after our first read.
      if (command === "gethosts" && ++reads === 1) e.editZone("example.com", (z) => z.hosts.push({ ...z.hosts[1]!, hostId: "1", name: "www", type: "CNAME", address: "example.com." }));
    };
    const err = await rejection(applyDomain(provider, "example.com", DESIRED, options));
    expect(err).toBeInstanceOf(ConcurrentChangeError);
    expect(err.message).toBe(
      "the zone of example.com changed after akash-stack read it (1 record added: www CNAME example.com.); someone else is editing it. " +
        "Nothing was written: run the command again to plan against the current zone",
    );
    expect(emulator.calls("sethosts")).toBe(0);
    expect(emulator.zone("example.com").hosts.some((h) => h.name === "www")).toBe(true); // their change survives
  });

  it("a change made while the user reads the plan is caught the same way", async () => {
    const { emulator, provider, options } = await setup();
    const review = async () => {
      emulator.editZone("example.com", (z) => z.hosts.splice(0, 1)); // the MX row is deleted meanwhile
      return true;
    };
    const err = await rejection(applyDomain(provider, "example.com", DESIRED, { ...options, adopt: true, review }));
    expect(err.message).toMatch(/changed after akash-stack read it \(1 record gone: @ MX mx1\.mail\.example\.net\.\)/);
    expect(emulator.calls("sethosts")).toBe(0);
  });

  it("a write racing ours (seen when reading back) is reported with the saved zone for rollback", async () => {
    const { emulator, provider, options, home } = await setup();
    emulator.afterCommand = (command, e) => {
      if (command === "sethosts") e.editZone("example.com", (z) => z.hosts.push({ ...z.hosts[0]!, hostId: "2", name: "late", type: "A", address: "192.0.2.99" }));
    };
    const err = await rejection(applyDomain(provider, "example.com", DESIRED, options));
    expect(err).toBeInstanceOf(ConcurrentChangeError);
    const backup = join(home, "dns", "namecheap", "example.com.json");
    expect(err.message).toContain("example.com was written, but reading it back shows a different zone (1 record added: late A 192.0.2.99)");
    expect(err.message).toContain(`The zone as it was before this write is saved in ${backup}`);
    expect(err.message).toContain("akash-stack dns rollback --domain example.com");
    expect(existsSync(backup)).toBe(true);
  });
});

describe("apply and rollback", () => {
  it("writes once, keeps the zone as it was, and rollback restores it exactly", async () => {
    const { emulator, provider, options, home } = await setup();
    const original = emulator.zone("example.com");
    const applied = await applyDomain(provider, "example.com", DESIRED, options);
    expect(applied.kind).toBe("applied");
    expect(emulator.calls("sethosts")).toBe(1);
    const written = emulator.zone("example.com");
    expect(written.hosts.filter((h) => h.type === "A").map((h) => [h.name, h.address])).toEqual([
      ["registry", "203.0.113.7"],
      ["ipfs", "203.0.113.7"],
    ]);

    const saved = JSON.parse(readFileSync(join(home, "dns", "namecheap", "example.com.json"), "utf8"));
    expect(saved).toMatchObject({ format: "akash-stack/dns-backup@1", provider: "namecheap", domain: "example.com", operation: "apply" });
    expect(saved.before.emailType).toBe("MX");
    expect(saved.before.rows.map((r: Record<string, string>) => [r.name, r.type, r.address, r.mxPref, r.ttl])).toEqual(fields(original.hosts));

    const rolledBack = await rollbackDomain(provider, "example.com", options);
    expect(rolledBack.kind).toBe("applied");
    const restored = emulator.zone("example.com");
    expect(restored.emailType).toBe("MX");
    expect(fields(restored.hosts)).toEqual(fields(original.hosts));

    // The rollback saved the zone it replaced, so rolling back again re-applies our records.
    expect((await rollbackDomain(provider, "example.com", options)).kind).toBe("applied");
    expect(fields(emulator.zone("example.com").hosts)).toEqual(fields(written.hosts));
  });

  it("rollback refuses when the zone changed after our write, unless --force", async () => {
    const { emulator, provider, options } = await setup();
    await applyDomain(provider, "example.com", DESIRED, options);
    emulator.editZone("example.com", (z) => z.hosts.push({ ...z.hosts[0]!, hostId: "3", name: "new", type: "TXT", address: "added later" }));
    const refused = await rollbackDomain(provider, "example.com", options);
    expect(refused.kind).toBe("refused");
    expect(refused.plan.blockers[0]!.reason).toMatch(/^example\.com changed after akash-stack wrote it on .* \(1 record added: new TXT added later\); rolling back would undo those changes too.*--force/);
    expect(emulator.calls("sethosts")).toBe(1);
    expect((await rollbackDomain(provider, "example.com", { ...options, force: true })).kind).toBe("applied");
    expect(emulator.zone("example.com").hosts.some((h) => h.name === "new")).toBe(false);
  });

  it("rollback without a saved zone says where it looked", async () => {
    const { provider, options, home } = await setup();
    const err = await rejection(rollbackDomain(provider, "example.com", options));
    expect(err).toBeInstanceOf(DnsError);
    expect(err.message).toContain(`there is no saved zone for example.com in ${join(home, "dns", "namecheap", "example.com.json")}`);
  });

  it("does not write when nothing changes, and does not ask", async () => {
    const { emulator, provider, options } = await setup();
    await applyDomain(provider, "example.com", DESIRED, options);
    let asked = false;
    const again = await applyDomain(provider, "example.com", DESIRED, { ...options, review: async () => (asked = true) });
    expect(again.kind).toBe("unchanged");
    expect(asked).toBe(false);
    expect(emulator.calls("sethosts")).toBe(1);
  });

  it("a declined review writes nothing and saves nothing", async () => {
    const { emulator, provider, options, home } = await setup();
    const outcome = await applyDomain(provider, "example.com", DESIRED, { ...options, review: async () => false });
    expect(outcome.kind).toBe("declined");
    expect(emulator.calls("sethosts")).toBe(0);
    expect(existsSync(join(home, "dns", "namecheap", "example.com.json"))).toBe(false);
  });
});

describe("refusals", () => {
  it("a domain that does not use Namecheap DNS: stops after getList, never calls setDefault", async () => {
    const { emulator, provider, options } = await setup({ domain: "example.com", usingOurDns: false, customNameservers: ["ns1.cloudflare.com", "ns2.cloudflare.com"] });
    const err = await rejection(applyDomain(provider, "example.com", DESIRED, options));
    expect(err.message).toBe(
      "example.com does not use Namecheap DNS (its nameservers are ns1.cloudflare.com, ns2.cloudflare.com), so records changed at Namecheap would not be served. " +
        "Change the records at the DNS host those nameservers belong to, or switch the domain to Namecheap DNS in its dashboard if you mean to move the whole zone; " +
        "akash-stack never switches nameservers itself",
    );
    expect(emulator.requests.map((r) => r.command)).toEqual(["getlist"]);
  });

  it("a zone whose EmailType is missing: refused; with --force the write leaves EmailType out", async () => {
    const { emulator, provider, options } = await setup({ domain: "example.com", emailType: undefined, hosts: [{ name: "@", type: "TXT", address: "hello" }] });
    const refused = await applyDomain(provider, "example.com", DESIRED, options);
    expect(refused.kind).toBe("refused");
    expect(refused.plan.blockers.map((b) => b.override)).toEqual(["--force"]);
    const forced = await applyDomain(provider, "example.com", DESIRED, { ...options, force: true });
    // The emulator, like the reasoning in namecheap.md, treats a missing EmailType as NONE.
    expect(forced.kind).toBe("applied");
    expect(emulator.zone("example.com").emailType).toBe("NONE");
  });

  it("MX rows the EmailType would drop: refused; forced, the loss is detected on read-back", async () => {
    const spec: EmulatorDomainSpec = { domain: "example.com", emailType: "OX", hosts: [{ name: "@", type: "MX", address: "mx.ox.example.", mxPref: "10" }] };
    const { provider, options } = await setup(spec);
    const refused = await applyDomain(provider, "example.com", DESIRED, options);
    expect(refused.plan.blockers[0]!.reason).toMatch(/has 1 MX record but EmailType OX/);
    const err = await rejection(applyDomain(provider, "example.com", DESIRED, { ...options, force: true }));
    expect(err.message).toMatch(/reading it back shows a different zone \(1 record gone: @ MX mx\.ox\.example\.\)/);
  });

  it("holds a per-domain lock: a live holder stops us, a stale lock is taken over", async () => {
    const { emulator, provider, options, home } = await setup();
    const lock = join(home, "dns", "namecheap", "example.com.lock");
    mkdirSync(join(home, "dns", "namecheap"), { recursive: true });
    writeFileSync(lock, `${process.pid}\n`);
    const err = await rejection(applyDomain(provider, "example.com", DESIRED, options));
    expect(err.message).toBe(`another akash-stack (process ${process.pid}) is changing example.com right now; wait for it to finish (lock: ${lock})`);
    expect(emulator.requests).toEqual([]);

    writeFileSync(lock, "2147483646\n"); // no such process
    expect((await applyDomain(provider, "example.com", DESIRED, options)).kind).toBe("applied");
    expect(existsSync(lock)).toBe(false);
  });
});
