/**
 * `akash-stack dns plan|apply|rollback` as a function (`runDns`) against the emulator: exit codes,
 * confirmation (none without a terminal unless --yes), flag validation, the stack-driven form
 * (names from stacks/registry.ts, IPs from the deploy state file), and waiting for the nameservers.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runDns, type DnsOptions } from "../src/cli/dns.js";
import type { EmulatorDomainSpec, NamecheapEmulator, NamecheapEmulatorOptions } from "../src/dns/emulator.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { captureIo, envFor, removeTempHomes, startEmulator, tempHome } from "./support/dns.js";

const ZONE: EmulatorDomainSpec = {
  domain: "example.com",
  emailType: "MX",
  hosts: [
    { name: "@", type: "MX", address: "mx1.mail.example.net.", mxPref: "10" },
    { name: "@", type: "TXT", address: "v=spf1 -all" },
    { name: "registry", type: "A", address: "198.51.100.7", ttl: "300" },
  ],
};
const RECORDS = ["registry=A:203.0.113.7", "ipfs=A:203.0.113.7"];

const emulators: NamecheapEmulator[] = [];
afterEach(async () => {
  for (const e of emulators.splice(0)) await e.close();
  removeTempHomes();
});

async function setup(options: NamecheapEmulatorOptions = {}, io: { interactive?: boolean; answer?: string } = {}) {
  const emulator = await startEmulator({ domains: [ZONE], callsPerMinute: Number.POSITIVE_INFINITY, ...options });
  emulators.push(emulator);
  const home = tempHome();
  const run = async (action: "plan" | "apply" | "rollback", opts: DnsOptions) => {
    const captured = captureIo({ cwd: PROJECT_ROOT, env: envFor(emulator, home), ...io });
    const code = await runDns(action, { wait: false, ...opts }, captured);
    return { code, out: captured.stdout, err: captured.stderr, questions: captured.questions };
  };
  return { emulator, home, run };
}

describe("dns plan", () => {
  it("--output json: one object with each zone's changes (names, types, addresses), the same for plan and apply, nothing else on stdout", async () => {
    const { emulator, run } = await setup();
    const plan = await run("plan", { domain: "example.com", record: RECORDS, adopt: true, output: "json" });
    expect(plan.code).toBe(0);
    const planned = JSON.parse(plan.out) as { action: string; zones: Array<{ domain: string; outcome: string; changes: Array<{ action: string; name: string; before?: { address: string }; after?: { type: string; address: string; ttl: string } }> }> };
    expect(planned.action).toBe("plan");
    expect(planned.zones.map((z) => [z.domain, z.outcome])).toEqual([["example.com", "planned"]]);
    expect(planned.zones[0]!.changes).toContainEqual(expect.objectContaining({ action: "update", name: "registry", before: expect.objectContaining({ address: "198.51.100.7" }), after: { type: "A", address: "203.0.113.7", ttl: "300" } }));
    expect(planned.zones[0]!.changes).toContainEqual(expect.objectContaining({ action: "create", name: "ipfs" }));
    expect(emulator.calls("sethosts")).toBe(0);

    const apply = await run("apply", { domain: "example.com", record: RECORDS, adopt: true, yes: true, output: "json" });
    expect(apply.code, apply.err).toBe(0);
    const applied = JSON.parse(apply.out) as { action: string; zones: Array<{ outcome: string; backupFile?: string; changes: unknown[] }> };
    expect(applied.action).toBe("apply");
    expect(applied.zones[0]!.outcome).toBe("applied");
    expect(applied.zones[0]!.backupFile).toMatch(/\.json$/);
    expect(applied.zones[0]!.changes).toEqual(planned.zones[0]!.changes);
    expect(emulator.calls("sethosts")).toBe(1);
    expect(`${apply.out}${apply.err}`).not.toContain(emulator.apiKey);
  });

  it("shows the changes and exits 0; with --detailed-exitcode 2 when there is something to apply, 0 when there is not", async () => {
    const { emulator, run } = await setup();
    const plan = await run("plan", { domain: "example.com", record: RECORDS, adopt: true });
    expect(plan.code).toBe(0);
    const detailed = await run("plan", { domain: "example.com", record: RECORDS, adopt: true, detailedExitcode: true });
    expect(detailed.code).toBe(2);
    expect(detailed.out).toBe(plan.out);
    expect(plan.out).toContain("Namecheap zone example.com (EmailType MX, 3 records):\n");
    expect(plan.out).toContain("  ~ registry      A     198.51.100.7 -> 203.0.113.7  (ttl 300)\n");
    expect(plan.out).toContain("  + ipfs          A     203.0.113.7  (ttl 300)\n");
    expect(plan.out).toContain("  + _akash-stack  TXT   v=akash-stack1; names=ipfs,registry  (ttl 1800)\n");
    expect(plan.out).toContain("  2 other records kept exactly as they are\n");
    expect(plan.out).toContain("going ahead because of --adopt");
    expect(emulator.calls("sethosts")).toBe(0);

    expect((await run("apply", { domain: "example.com", record: RECORDS, adopt: true, yes: true })).code).toBe(0);
    const again = await run("plan", { domain: "example.com", record: RECORDS, detailedExitcode: true });
    expect(again).toMatchObject({ code: 0, err: "" });
    expect(again.out).toBe("Namecheap zone example.com (EmailType MX, 5 records): up to date, nothing to write\n");
  });

  it("exits 1 when apply would refuse, and says how to go ahead", async () => {
    const { run } = await setup();
    const plan = await run("plan", { domain: "example.com", record: RECORDS });
    expect(plan.code).toBe(1);
    expect(plan.err).toContain("akash-stack dns plan: example.com: apply would refuse: registry.example.com has records akash-stack did not create (registry A 198.51.100.7); pass --adopt");
  });

  it("reports bad flags all at once; plan and apply exit 2, plan --detailed-exitcode 1", async () => {
    const { emulator, run } = await setup();
    const bad = ["registry", "registry=AAAA:2001:db8::1", "ipfs=A:999.1.1.1", "x.other.com.=A:192.0.2.1", "www=CNAME:lb.example.net", "WWW=A:192.0.2.1", "@=CNAME:lb.example.net"];
    const plan = await run("plan", { domain: "example.com", record: bad, ttl: "30" });
    expect(plan.code).toBe(2);
    expect((await run("plan", { domain: "example.com", record: bad, ttl: "30", detailedExitcode: true })).code).toBe(1);
    expect(plan.err.trim().split("\n")).toHaveLength(7);
    expect(plan.err).toMatch(/^akash-stack dns plan: --ttl "30" is not a TTL: give whole seconds from 60 to 60000 \(default 300\)\n/);
    const apply = await run("apply", { domain: "example.com", record: bad });
    expect(apply.code).toBe(2);
    expect(apply.err.trim().split("\n")).toEqual([
      `akash-stack dns apply: --record "registry" is not NAME=TYPE:VALUE: write it like registry=A:203.0.113.7 or www=CNAME:app.example.net`,
      `akash-stack dns apply: --record registry=AAAA:2001:db8::1: type AAAA is not supported: akash-stack manages A records (and CNAME); other records stay as they are in the zone`,
      `akash-stack dns apply: --record ipfs=A:999.1.1.1: "999.1.1.1" is not an IPv4 address (A records take one, like 203.0.113.7)`,
      `akash-stack dns apply: --record x.other.com.=A:192.0.2.1: "x.other.com." is not a host name in example.com: use a name relative to the domain (registry, or @ for example.com itself)`,
      `akash-stack dns apply: --record WWW=A:192.0.2.1: www is given twice; each managed name gets exactly one record`,
      `akash-stack dns apply: --record @=CNAME:lb.example.net: example.com itself cannot be a CNAME (it has the zone's SOA and NS records); use an A record`,
    ]);
    expect((await run("apply", { record: RECORDS })).err).toContain("--domain is needed");
    expect((await run("apply", { domain: "example.com", record: RECORDS, provider: "cloudflare" })).err).toContain("--provider cloudflare is not supported");
    expect(emulator.requests).toEqual([]);
  });

  it("says which NAMECHEAP_ variables are missing", async () => {
    const captured = captureIo({ cwd: PROJECT_ROOT, env: { AKASH_STACK_HOME: tempHome() } });
    expect(await runDns("plan", { domain: "example.com", record: RECORDS }, captured)).toBe(2);
    expect(captured.stderr).toContain("NAMECHEAP_API_USER is not set");
    expect(captured.stderr).toContain("NAMECHEAP_API_KEY is not set");
    expect(captured.stderr).toContain("NAMECHEAP_CLIENT_IP is not set");
  });

  it("reports API errors with their advice and exits 1", async () => {
    const { run } = await setup({ whitelist: ["203.0.113.10"] });
    const plan = await run("plan", { domain: "example.com", record: RECORDS });
    expect(plan.code).toBe(1);
    expect(plan.err).toMatch(/^akash-stack dns plan: example\.com: namecheap\.domains\.dns\.getList failed: Namecheap error 1011150 "Invalid request IP: 127\.0\.0\.1": .*Whitelisted IPs/);
  });
});

describe("dns apply", () => {
  it("without a terminal and without --yes: shows the plan, writes nothing, says to pass --yes", async () => {
    const { emulator, run } = await setup();
    const apply = await run("apply", { domain: "example.com", record: RECORDS, adopt: true });
    expect(apply.code).toBe(1);
    expect(apply.out).toContain("~ registry");
    expect(apply.err).toContain("akash-stack dns apply: example.com: not writing: stdin is not a terminal, so there is no one to confirm; pass --yes to apply without asking");
    expect(emulator.calls("sethosts")).toBe(0);
  });

  it("asks on a terminal: yes writes, anything else does not", async () => {
    const no = await setup({}, { interactive: true, answer: "n" });
    const declined = await no.run("apply", { domain: "example.com", record: RECORDS, adopt: true });
    expect(declined.questions).toEqual(["Write 3 changes to example.com at Namecheap? [y/N] "]);
    expect(declined.code).toBe(1);
    expect(declined.err).toContain("not confirmed; nothing was written");
    expect(no.emulator.calls("sethosts")).toBe(0);

    const yes = await setup({}, { interactive: true, answer: "y" });
    const applied = await yes.run("apply", { domain: "example.com", record: RECORDS, adopt: true });
    expect(applied.code).toBe(0);
    expect(applied.out).toContain(`example.com: wrote 3 changes (5 records in the zone); the zone before is saved in ${join(yes.home, "dns", "namecheap", "example.com.json")}`);
    expect(yes.emulator.calls("sethosts")).toBe(1);
  });

  it("waits until both nameservers serve the new records", async () => {
    const { run } = await setup({ nameservers: 2, publishDelayMs: [0, 300] });
    const apply = await run("apply", { domain: "example.com", record: RECORDS, adopt: true, yes: true, wait: true, waitTimeout: 10 });
    expect(apply.code).toBe(0);
    expect(apply.out).toMatch(/example\.com: all 2 nameservers answer the new values \(after \d+\.\d s\)/);
    expect(apply.err).toMatch(/waiting for 127\.0\.0\.1:\d+, 127\.0\.0\.1:\d+ to answer the new values/);
    expect(apply.err).toMatch(/not yet \(round 1\): 127\.0\.0\.1:\d+ answers registry\.example\.com: 198\.51\.100\.7/);
  });

  it("exits 1 when the nameservers do not serve the records in time, saying how to check", async () => {
    const { run } = await setup({ nameservers: 1, publishDelayMs: 60_000 });
    const apply = await run("apply", { domain: "example.com", record: RECORDS, adopt: true, yes: true, wait: true, waitTimeout: 0.3 });
    expect(apply.code).toBe(1);
    expect(apply.err).toContain("example.com: the records are written, but after");
    expect(apply.err).toMatch(/dig \+norecurse @127\.0\.0\.1:\d+ registry\.example\.com A/);
  });

  it("rollback puts the zone back", async () => {
    const { emulator, run } = await setup();
    const before = emulator.zone("example.com").hosts.map((h) => [h.name, h.type, h.address, h.ttl]);
    expect((await run("apply", { domain: "example.com", record: RECORDS, adopt: true, yes: true })).code).toBe(0);
    const rollback = await run("rollback", { domain: "example.com", yes: true });
    expect(rollback.code).toBe(0);
    expect(rollback.out).toContain("- ipfs");
    expect(emulator.zone("example.com").hosts.map((h) => [h.name, h.type, h.address, h.ttl])).toEqual(before);
    expect((await run("rollback", { domain: "example.com", record: RECORDS })).err).toContain("rollback restores the whole saved zone; it takes no --record");
  });
});

describe("dns apply STACK --network N", () => {
  function writeState(home: string, state: unknown): void {
    mkdirSync(join(home, "state"), { recursive: true });
    writeFileSync(join(home, "state", "registry.testnet.json"), JSON.stringify(state));
  }

  it("takes the names from the stack and the IP from the deploy state", async () => {
    const { emulator, home, run } = await setup();
    writeState(home, { endpoints: { ips: { edge: "203.0.113.50" } }, params: { domain: "example.com" }, lease: { dseq: "123" } });
    const apply = await run("apply", { stack: "registry", network: "testnet", yes: true, adopt: true });
    expect(apply.err).toBe("  saved the zone as it was to " + join(home, "dns", "namecheap", "example.com.json") + "\n  writing 5 records to example.com (EmailType MX)\n");
    expect(apply.code).toBe(0);
    const rows = emulator.zone("example.com").hosts.filter((h) => h.type === "A").map((h) => [h.name, h.address, h.ttl]);
    expect(rows).toEqual([
      ["registry", "203.0.113.50", "300"],
      ["ipfs", "203.0.113.50", "300"],
    ]);
  }, 30_000);

  it("also reads the deployer's record: IPs per service, matched to the endpoint through the SDL", async () => {
    const { emulator, home, run } = await setup();
    const service = (ips: string[]) => ({ uris: [], ips: ips.map((ip) => ({ ip, port: 80, externalPort: 80, protocol: "TCP" })), forwardedPorts: [], provider: "akash1provider" });
    // `edge` and `ipfs` (its swarm ports) both expose through the `edge` IP endpoint, so the provider
    // reports the same address for both; `registry` has none.
    writeState(home, { version: 1, stack: "registry", current: { dseq: "42", endpoints: { edge: service(["203.0.113.60"]), ipfs: service(["203.0.113.60"]), registry: service([]) } } });
    const apply = await run("apply", { stack: "registry", network: "testnet", set: ["domain=example.com"], yes: true, adopt: true });
    expect(apply.code).toBe(0);
    expect(emulator.zone("example.com").hosts.filter((h) => h.type === "A").map((h) => [h.name, h.address])).toEqual([
      ["registry", "203.0.113.60"],
      ["ipfs", "203.0.113.60"],
    ]);
  }, 30_000);

  it("says what is missing: the state file, the endpoint's IP, or --network", async () => {
    const { home, run } = await setup();
    const noState = await run("apply", { stack: "registry", network: "testnet", yes: true });
    expect(noState.code).toBe(1);
    expect(noState.err).toContain(`${join(home, "state", "registry.testnet.json")} does not exist: deploy the stack to testnet first`);

    writeState(home, { endpoints: { ips: {} }, params: { domain: "example.com" } });
    const none = await run("plan", { stack: "registry", network: "testnet" });
    expect(none.code).toBe(1);
    expect(none.err).toContain("records no leased IPs (endpoints.ips, or IPs under current.endpoints)");

    writeState(home, { endpoints: { ips: { other: "192.0.2.1" } }, params: { domain: "example.com" } });
    const noIp = await run("plan", { stack: "registry", network: "testnet" });
    expect(noIp.code).toBe(1);
    expect(noIp.err).toContain("has no leased IP for endpoint edge: deploy the stack first, or check endpoints.ips in that file (needed for registry.example.com)");

    expect((await run("apply", { stack: "registry" })).err).toContain("--network is needed with a stack");
    expect((await run("apply", { stack: "registry", network: "testnet", domain: "example.com" })).err).toContain("--domain cannot be combined with a stack");
  }, 30_000);
});
