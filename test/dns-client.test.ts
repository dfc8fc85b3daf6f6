/**
 * The Namecheap client: reading the XML shapes the docs and the live API use, every error path with
 * its advice (real ones from the emulator, and each known number), retries with backoff on
 * throttling and transient errors, the 20-calls-a-minute pacing, and the env configuration.
 */
import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { NamecheapEmulator } from "../src/dns/emulator.js";
import { NamecheapClient } from "../src/dns/namecheap/client.js";
import { namecheapConfigFromEnv, PRODUCTION_API_URL, SANDBOX_API_URL } from "../src/dns/namecheap/config.js";
import { NAMECHEAP_ERRORS, NamecheapApiError } from "../src/dns/namecheap/errors.js";
import { parseEnvelope, readHostsResult, readListResult } from "../src/dns/namecheap/xml.js";
import { ManualClock, TokenBucket } from "../src/dns/rate-limit.js";
import { configFor, SECRET_KEY, startEmulator } from "./support/dns.js";

const emulators: NamecheapEmulator[] = [];
async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<NamecheapEmulator> {
  const e = await startEmulator({ domains: [{ domain: "example.com", emailType: "MX", hosts: [{ name: "@", type: "A", address: "192.0.2.1" }] }], ...options });
  emulators.push(e);
  return e;
}
afterEach(async () => {
  for (const e of emulators.splice(0)) await e.close();
});

/** A client whose backoff and pacing cost no real time. */
function clientFor(e: NamecheapEmulator, overrides: Partial<ReturnType<typeof configFor>> = {}, clock = new ManualClock()) {
  return { clock, client: new NamecheapClient({ ...configFor(e), ...overrides }, { clock, random: () => 0.5 }) };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the call to fail");
}

describe("reading Namecheap XML", () => {
  it("reads the live getHosts shape: lowercase <host>, EmailType, values kept as strings with their spaces", () => {
    const body = `<?xml version="1.0" encoding="utf-8"?>
<ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response">
  <Errors /><Warnings />
  <RequestedCommand>namecheap.domains.dns.getHosts</RequestedCommand>
  <CommandResponse Type="namecheap.domains.dns.getHosts">
    <DomainDNSGetHostsResult Domain="example.com" EmailType="MXE" IsUsingOurDNS="true">
      <host HostId="217076" Name="www" Type="A" Address="10.0.0.2" MXPref="10" TTL="1200" AssociatedAppTitle="" FriendlyName="" IsActive="true" IsDDNSEnabled="false" />
      <host HostId="217077" Name="@" Type="CAA" Address="0 issue &quot;letsencrypt.org&quot;" MXPref="10" TTL="1799" IsDDNSEnabled="False" />
      <host HostId="217078" Name="@" Type="TXT" Address=" 0123 a&amp;b&#9;&lt;c&gt; " MXPref="10" TTL="1800" IsDDNSEnabled="true" />
    </DomainDNSGetHostsResult>
  </CommandResponse>
</ApiResponse>`;
    const envelope = parseEnvelope(body);
    expect(envelope.status).toBe("ok");
    const hosts = readHostsResult((envelope as { commandResponse: Record<string, unknown> }).commandResponse);
    expect(hosts).toMatchObject({ domain: "example.com", emailType: "MXE", isUsingOurDns: true });
    expect(hosts.hosts.map((h) => [h.hostId, h.name, h.type, h.address, h.ttl, h.isDDNSEnabled])).toEqual([
      ["217076", "www", "A", "10.0.0.2", "1200", false],
      ["217077", "@", "CAA", '0 issue "letsencrypt.org"', "1799", false],
      ["217078", "@", "TXT", " 0123 a&b\t<c> ", "1800", true],
    ]);
  });

  it("reads the documented shape (<Host HostID>, https namespace) and the self-closing empty zone", () => {
    const doc = `<ApiResponse xmlns="https://api.namecheap.com/xml.response" Status="Ok"><Errors /><CommandResponse>
      <DomainDNSGetHostsResult Domain="domain.com" IsUsingOurDNS="TRUE"><Host HostID="12" Name="@" Type="A" Address="1.2.3.4" MXPref="10" TTL="1800" /></DomainDNSGetHostsResult>
    </CommandResponse></ApiResponse>`;
    const hosts = readHostsResult((parseEnvelope(doc) as { commandResponse: Record<string, unknown> }).commandResponse);
    expect(hosts.emailType).toBeUndefined(); // no EmailType attribute: a write must not guess one
    expect(hosts.isUsingOurDns).toBe(true);
    expect(hosts.hosts).toEqual([{ hostId: "12", name: "@", type: "A", address: "1.2.3.4", mxPref: "10", ttl: "1800", isDDNSEnabled: false }]);

    const empty = `<ApiResponse Status="OK"><CommandResponse><DomainDNSGetHostsResult Domain="e.com" EmailType="MX" IsUsingOurDNS="true" /></CommandResponse></ApiResponse>`;
    expect(readHostsResult((parseEnvelope(empty) as { commandResponse: Record<string, unknown> }).commandResponse)).toEqual({ domain: "e.com", emailType: "MX", isUsingOurDns: true, hosts: [] });
  });

  it("reads getList nameservers, every error of an ERROR envelope, and rejects HTML", () => {
    const list = `<ApiResponse Status="OK"><CommandResponse><DomainDNSGetListResult Domain="domain.net" IsUsingOurDNS="false" IsPremiumDNS="false" IsUsingFreeDNS="false">
      <Nameserver>ns1.cloudflare.com</Nameserver><Nameserver>ns2.cloudflare.com</Nameserver></DomainDNSGetListResult></CommandResponse></ApiResponse>`;
    expect(readListResult((parseEnvelope(list) as { commandResponse: Record<string, unknown> }).commandResponse)).toEqual({
      domain: "domain.net",
      isUsingOurDns: false,
      isPremiumDns: false,
      isUsingFreeDns: false,
      nameservers: ["ns1.cloudflare.com", "ns2.cloudflare.com"],
    });
    const errors = `<ApiResponse Status="ERROR"><Errors><Error Number="1011150">Invalid request IP: 50.242.74.11</Error><Error Number="2019166">Domain not found</Error></Errors></ApiResponse>`;
    expect(parseEnvelope(errors)).toEqual({
      status: "error",
      errors: [
        { number: 1011150, text: "Invalid request IP: 50.242.74.11" },
        { number: 2019166, text: "Domain not found" },
      ],
    });
    expect(parseEnvelope("<html><body><h1>405 Method Not Allowed</h1></body></html>")).toMatchObject({ status: "invalid" });
    expect(parseEnvelope("")).toMatchObject({ status: "invalid" });
  });
});

describe("error paths against the emulator", () => {
  it("a source IP that is not whitelisted: 1011150, with how to whitelist it", async () => {
    const e = await emulator({ whitelist: ["203.0.113.10"] });
    const err = await failure(clientFor(e).client.getHosts("example.com"));
    expect(err).toBeInstanceOf(NamecheapApiError);
    expect((err as NamecheapApiError).numbers).toEqual([1011150]);
    expect(err.message).toContain('Namecheap error 1011150 "Invalid request IP: 127.0.0.1"');
    expect(err.message).toMatch(/Whitelisted IPs.*IPv4 only/);
    expect(err.message).toContain("not from inside an Akash deployment");
    expect(e.calls("gethosts")).toBe(1); // not retried
  });

  it("a wrong API key: 1011102, pointing at NAMECHEAP_API_KEY and the sandbox", async () => {
    const e = await emulator();
    const err = await failure(clientFor(e, { apiKey: "wrong-key" }).client.getHosts("example.com"));
    expect(err.message).toMatch(/1011102 "API Key is invalid or API access has not been enabled": .*NAMECHEAP_API_KEY.*sandbox/);
  });

  it("an IPv6 client IP: 1011105", async () => {
    const e = await emulator();
    const err = await failure(clientFor(e, { clientIp: "2001:db8::1" }).client.getList("example.com"));
    expect(err.message).toMatch(/1011105 .*NAMECHEAP_CLIENT_IP.*no IPv6/);
  });

  it("a domain not on Namecheap DNS: getList says so, getHosts fails with 2030288", async () => {
    const e = await emulator({ domains: [{ domain: "elsewhere.com", usingOurDns: false, customNameservers: ["ns1.cloudflare.com"] }] });
    const { client } = clientFor(e);
    expect(await client.getList("elsewhere.com")).toMatchObject({ isUsingOurDns: false, nameservers: ["ns1.cloudflare.com"] });
    const err = await failure(client.getHosts("elsewhere.com"));
    expect(err.message).toMatch(/2030288 .*does not use Namecheap DNS.*never switches nameservers/);
  });

  it("an unknown domain (2019166) and someone else's domain (2016166)", async () => {
    const e = await emulator({ domains: [{ domain: "theirs.com", owner: "bob" }] });
    const { client } = clientFor(e);
    expect((await failure(client.getHosts("nosuch.com"))).message).toMatch(/2019166 "Domain not found": .*as registered \(example\.com, not www\.example\.com\)/);
    expect((await failure(client.getHosts("theirs.com"))).message).toMatch(/2016166 .*not in this Namecheap account/);
  });

  it("a record Namecheap rejects: 2015280, and nothing is written", async () => {
    const e = await emulator();
    const err = await failure(clientFor(e).client.setHosts("example.com", [{ name: "www", type: "A", address: "192.0.2.9", mxPref: "10", ttl: "30" }], "MX"));
    expect(err.message).toMatch(/2015280 "Invalid TTL1: 30": .*TTL 60-60000/);
    expect(e.zone("example.com").hosts.map((h) => h.address)).toEqual(["192.0.2.1"]);
  });

  it("every known error number gives its advice; transient ones are retried, the others are not", async () => {
    const e = await emulator({ callsPerMinute: Number.POSITIVE_INFINITY });
    const { client } = clientFor(e);
    for (const [number, { advice, retryable }] of Object.entries(NAMECHEAP_ERRORS)) {
      const before = e.calls("getlist");
      e.inject({ command: "getlist", error: { number: Number(number), text: `text of ${number}` }, times: 10 });
      const err = await failure(client.getList("example.com"));
      e.clearFaults();
      expect(err.message).toContain(`Namecheap error ${number} "text of ${number}": ${advice}`);
      expect(e.calls("getlist") - before, `tries for ${number}`).toBe(retryable ? 4 : 1);
      if (retryable) expect(err.message).toContain("(gave up after 4 tries)");
    }
    e.inject({ command: "getlist", error: { number: 9999999, text: "Something new" } });
    expect((await failure(client.getList("example.com"))).message).toContain(`Namecheap error 9999999 "Something new" (not one akash-stack knows`);
  });

  it("retries an HTTP 5xx from Namecheap until it clears, and gives up on one that stays; a 4xx is not retried", async () => {
    const e = await emulator({ callsPerMinute: Number.POSITIVE_INFINITY });
    const { client } = clientFor(e);
    e.inject({ command: "getlist", httpStatus: 503, times: 2 });
    const before = e.calls("getlist");
    await expect(client.getList("example.com")).resolves.toBeDefined();
    expect(e.calls("getlist") - before).toBe(3);

    e.inject({ command: "getlist", httpStatus: 502, times: 10 });
    const stuck = await failure(client.getList("example.com"));
    e.clearFaults();
    expect(stuck.message).toMatch(/Namecheap answered HTTP 502; try again in a few minutes \(gave up after 4 tries\)/);

    const beforeNotFound = e.calls("getlist");
    e.inject({ command: "getlist", httpStatus: 404, times: 10 });
    const notFound = await failure(client.getList("example.com"));
    e.clearFaults();
    expect(notFound.message).toMatch(/Namecheap answered HTTP 404/);
    expect(e.calls("getlist") - beforeNotFound).toBe(1);
  });

  it("retries exactly the transient errors of namecheap.md, written out here rather than read from the table under test", () => {
    // Server-side and throttling conditions: trying again can succeed.
    const transient = [500000, 1050900, 2015166, 3031510, 3050750, 3050900, 4022288, 4023330, 5019169, 5050169, 5050900];
    const retried = Object.entries(NAMECHEAP_ERRORS).filter(([, e]) => e.retryable === true).map(([n]) => Number(n)).sort((a, b) => a - b);
    expect(retried).toEqual(transient);
    // Wrong credentials, a refused IP, an unknown domain: trying again only burns the rate limit.
    for (const fatal of [1010101, 1010102, 1011102, 1011150, 1017101, 2019166, 2016166, 2030288, 2015280]) {
      expect(NAMECHEAP_ERRORS[fatal], String(fatal)).toBeDefined();
      expect(NAMECHEAP_ERRORS[fatal]!.retryable ?? false, String(fatal)).toBe(false);
    }
    expect(NAMECHEAP_ERRORS[1011102]!.advice).toMatch(/API key is wrong or API access is not enabled/);
  });

  it("an answer that is not XML, and an API that cannot be reached", async () => {
    const html = createServer((_req, res) => res.end("<html><body>maintenance</body></html>"));
    await new Promise<void>((resolve) => html.listen(0, "127.0.0.1", resolve));
    const port = (html.address() as { port: number }).port;
    const config = { apiUser: "a", apiKey: SECRET_KEY, userName: "a", clientIp: "127.0.0.1", apiUrl: `http://127.0.0.1:${port}/xml.response` };
    const clock = new ManualClock();
    expect((await failure(new NamecheapClient(config, { clock }).getHosts("example.com"))).message).toMatch(/not an API response: .*no <ApiResponse> element.*NAMECHEAP_API_URL/);
    await new Promise<void>((resolve) => html.close(() => resolve()));
    const err = await failure(new NamecheapClient(config, { clock }).getHosts("example.com"));
    expect(err.message).toMatch(/could not reach the Namecheap API at http:\/\/127\.0\.0\.1:\d+\/xml\.response .*ECONNREFUSED.*\(gave up after 4 tries\)/);
  });
});

describe("throttling and pacing", () => {
  it("retries HTTP 405 with growing backoff, then succeeds", async () => {
    const e = await emulator();
    const { client, clock } = clientFor(e);
    e.inject({ command: "gethosts", http405: true, times: 2 });
    const hosts = await client.getHosts("example.com");
    expect(hosts.hosts).toHaveLength(1);
    expect(e.calls("gethosts")).toBe(3);
    expect(clock.sleeps).toEqual([5_000, 10_000]); // 5 s base for throttling, doubled; jitter fixed at 1×
  });

  it("retries error 500000 (Too many requests) and gives up after 4 tries with what to do", async () => {
    const e = await emulator({ throttleResponse: "error500000" });
    const { client, clock } = clientFor(e);
    e.inject({ command: "gethosts", error: { number: 500000, text: "Too many requests" }, times: 1 });
    await client.getHosts("example.com");
    expect(clock.sleeps).toEqual([5_000]);
    e.inject({ command: "gethosts", http405: true, times: 4 });
    const err = await failure(client.getHosts("example.com"));
    expect(err.message).toMatch(/throttling this account \(HTTP 405; limits: 20 calls a minute.*\(gave up after 4 tries\)/);
  });

  it("retries transient server errors with a shorter backoff", async () => {
    const e = await emulator();
    const { client, clock } = clientFor(e);
    e.inject({ command: "sethosts", error: { number: 3050750, text: "The agent is stopped" }, times: 2 });
    await client.setHosts("example.com", [{ name: "@", type: "A", address: "192.0.2.2", mxPref: "10", ttl: "300" }], "MX");
    expect(clock.sleeps).toEqual([2_000, 4_000]);
    expect(e.zone("example.com").hosts.map((h) => h.address)).toEqual(["192.0.2.2"]);
  });

  it("never makes more than 20 calls in any minute, so the server's own limit never trips", async () => {
    const clock = new ManualClock();
    const e = await emulator({ now: () => clock.now() }); // the emulator counts 20 per sliding minute
    const { client } = clientFor(e, {}, clock);
    const started: number[] = [];
    for (let i = 0; i < 45; i++) {
      await client.getHosts("example.com");
      started.push(clock.now());
    }
    expect(e.requests.every((r) => r.ok)).toBe(true);
    expect(started.slice(0, 20).every((t) => t === 0)).toBe(true); // a burst of 20 is fine
    expect(started[20]).toBe(60_000); // the 21st waits until the first is a minute old
    expect(started[44]).toBe(120_000);
    for (let i = 20; i < started.length; i++) expect(started[i]! - started[i - 20]!).toBeGreaterThanOrEqual(60_000);
  });

  it("serves concurrent callers in order from one bucket", async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(2, 1_000, clock);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(clock.now()).toBe(2_000);
  });
});

describe("configuration from the environment", () => {
  const base = { NAMECHEAP_API_USER: "alice", NAMECHEAP_API_KEY: SECRET_KEY, NAMECHEAP_CLIENT_IP: "203.0.113.10" };

  it("defaults to production, UserName to the API user; --sandbox selects the sandbox", () => {
    expect(namecheapConfigFromEnv(base)).toEqual({ config: { apiUser: "alice", apiKey: SECRET_KEY, userName: "alice", clientIp: "203.0.113.10", apiUrl: PRODUCTION_API_URL } });
    expect(namecheapConfigFromEnv({ ...base, NAMECHEAP_USERNAME: "team" }, { sandbox: true })).toMatchObject({ config: { userName: "team", apiUrl: SANDBOX_API_URL } });
  });

  it("says what to set, all at once, and never echoes the key", () => {
    const result = namecheapConfigFromEnv({ NAMECHEAP_CLIENT_IP: "2001:db8::1", NAMECHEAP_API_URL: "http://api.example.net/xml.response" });
    const problems = (result as { problems: string[] }).problems;
    expect(problems).toEqual([
      expect.stringContaining("NAMECHEAP_API_USER is not set"),
      expect.stringContaining("NAMECHEAP_API_KEY is not set"),
      expect.stringContaining(`NAMECHEAP_CLIENT_IP is "2001:db8::1", not an IPv4 address`),
      expect.stringContaining("use https (plain http only to this machine"),
    ]);
    const both = namecheapConfigFromEnv({ ...base, NAMECHEAP_API_URL: `https://proxy.example.net/xml.response?ApiKey=${SECRET_KEY}` }, { sandbox: true });
    expect((both as { problems: string[] }).problems.join("\n")).toMatch(/--sandbox and NAMECHEAP_API_URL.*both[\s\S]*must not carry a query string/);
    expect(JSON.stringify(both)).not.toContain(SECRET_KEY); // a key pasted into the URL is not repeated
  });
});
