/**
 * The TLS check against a loopback TLS server with certificates made by openssl (a throwaway CA),
 * and the DNS check against tiny DNS servers on loopback UDP: one answering as the zone's
 * authoritative server, one as the recursive resolver that names it.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDns, findAuthoritativeServers } from "../src/verify/dns.js";
import { checkTls } from "../src/verify/tls.js";
import { startDnsServer, startTlsServer, type RunningDns } from "./support/verify-fakes.js";
import { makeCertificates, missingToolMessage, OPENSSL, type CertificateFiles } from "./support/verify-servers.js";

const mustRunTls = OPENSSL.found || Boolean(process.env.CI);
const tlsSuite = OPENSSL.found ? "TLS check" : `TLS check (SKIPPED locally: ${missingToolMessage([OPENSSL])})`;

describe.skipIf(!mustRunTls)(tlsSuite, () => {
  let good: CertificateFiles;
  let shortLived: CertificateFiles;
  let servers: Array<{ port: number; close(): Promise<void> }> = [];
  let goodPort: number;
  let shortPort: number;
  beforeAll(async () => {
    if (!OPENSSL.found) throw new Error(missingToolMessage([OPENSSL]));
    good = makeCertificates(["registry.example.test", "127.0.0.1"]);
    shortLived = makeCertificates(["soon.example.test"], { days: 3 });
    const a = await startTlsServer(good.certPem, good.keyPem);
    const b = await startTlsServer(shortLived.certPem, shortLived.keyPem);
    servers = [a, b];
    goodPort = a.port;
    shortPort = b.port;
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    for (const c of [good, shortLived]) if (c) rmSync(c.dir, { recursive: true, force: true });
  });

  it("passes for a certificate valid for the name, from a trusted CA, with days left", async () => {
    const outcome = await checkTls({ host: "registry.example.test", port: goodPort, connectAddress: "127.0.0.1", ca: good.caCertPem });
    expect(outcome.result, outcome.message).toBe("pass");
    expect(outcome.name).toBe(`tls:registry.example.test:${goodPort}`);
    expect(outcome.message).toMatch(/valid for registry\.example\.test, issued by "akash-stack verify test CA", trusted by the given CA, expires \d{4}-\d\d-\d\d \((29|30) days left\)/);
    expect(outcome.details?.daysLeft).toBeGreaterThanOrEqual(29);
  });

  it("fails when the issuer is not trusted (the system store does not know the test CA)", async () => {
    const outcome = await checkTls({ host: "registry.example.test", port: goodPort, connectAddress: "127.0.0.1" });
    expect(outcome.result).toBe("fail");
    expect(outcome.message).toMatch(/is not trusted by the system trust store: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });

  it("fails when the certificate is for another name", async () => {
    const outcome = await checkTls({ host: "ipfs.example.test", port: goodPort, connectAddress: "127.0.0.1", ca: good.caCertPem });
    expect(outcome.result).toBe("fail");
    expect(outcome.message).toContain("is not valid for ipfs.example.test: it covers DNS:registry.example.test, IP Address:127.0.0.1");
  });

  it("fails when the certificate expires within the minimum days", async () => {
    const outcome = await checkTls({ host: "soon.example.test", port: shortPort, connectAddress: "127.0.0.1", ca: shortLived.caCertPem });
    expect(outcome.result).toBe("fail");
    expect(outcome.message).toMatch(/expires on \d{4}-\d\d-\d\d, in [23] days \(under 7\): automatic renewal is not working/);
    const relaxed = await checkTls({ host: "soon.example.test", port: shortPort, connectAddress: "127.0.0.1", ca: shortLived.caCertPem, minDaysLeft: 1 });
    expect(relaxed.result).toBe("pass");
  });

  it("fails when the certificate has expired, judged by the clock", async () => {
    const later = () => new Date(Date.now() + 40 * 24 * 3600 * 1000);
    const outcome = await checkTls({ host: "registry.example.test", port: goodPort, connectAddress: "127.0.0.1", ca: good.caCertPem, clock: later });
    expect(outcome.result).toBe("fail");
    expect(outcome.message).toMatch(/expired on .*: renew it/);
  });

  it("fails clearly when nothing listens", async () => {
    const closed = await startTlsServer(good.certPem, good.keyPem);
    await closed.close();
    const outcome = await checkTls({ host: "registry.example.test", port: closed.port, connectAddress: "127.0.0.1", ca: good.caCertPem });
    expect(outcome).toMatchObject({ result: "fail", message: expect.stringContaining("connection refused") });
  });
});

describe("DNS check at the authoritative nameservers", () => {
  let authoritative: RunningDns;
  let recursive: RunningDns;
  beforeAll(async () => {
    // The zone's own server on 127.0.0.2; the "recursive" one on 127.0.0.1 knows only the delegation.
    authoritative = await startDnsServer(
      {
        a: { "registry.example.test": ["127.0.0.10"], "ipfs.example.test": ["127.0.0.99"], "multi.example.test": ["127.0.0.10", "127.0.0.11"] },
        ns: { "example.test": ["ns1.example.test"] },
      },
      "127.0.0.2",
    );
    recursive = await startDnsServer({ ns: { "example.test": ["ns1.example.test"] }, a: { "ns1.example.test": ["127.0.0.2"] } });
  });
  afterAll(async () => {
    await Promise.all([authoritative?.close(), recursive?.close()]);
  });

  it("finds the zone's nameservers by walking up the name", async () => {
    const found = await findAuthoritativeServers("registry.example.test", { resolvers: [recursive.server], port: authoritative.port });
    expect(found).toEqual({ zone: "example.test", servers: [{ label: "ns1.example.test (127.0.0.2)", server: `127.0.0.2:${authoritative.port}` }] });
    expect(recursive.queries).toEqual(expect.arrayContaining(["NS registry.example.test", "NS example.test", "A ns1.example.test"]));
  });

  it("passes when the name resolves to the lease's IP there, and fails with advice when not", async () => {
    const outcomes = await checkDns({
      records: [
        { name: "registry.example.test", expectedIp: "127.0.0.10" },
        { name: "ipfs.example.test", expectedIp: "127.0.0.10" },
        { name: "missing.example.test", expectedIp: "127.0.0.10" },
        { name: "multi.example.test", expectedIp: "127.0.0.10" },
      ],
      resolvers: [recursive.server],
      port: authoritative.port,
    });
    const byName = Object.fromEntries(outcomes.map((o) => [o.name, o]));
    expect(byName["dns:registry.example.test"]).toMatchObject({ result: "pass", message: "registry.example.test A 127.0.0.10 at the example.test nameservers (ns1.example.test (127.0.0.2))" });
    expect(byName["dns:ipfs.example.test"]).toMatchObject({ result: "fail", message: expect.stringContaining("ns1.example.test (127.0.0.2): 127.0.0.99") });
    expect(byName["dns:ipfs.example.test"]!.message).toContain("set ipfs.example.test A 127.0.0.10 at your DNS provider");
    expect(byName["dns:missing.example.test"]).toMatchObject({ result: "fail", message: expect.stringContaining("no records") });
    expect(byName["dns:multi.example.test"]).toMatchObject({ result: "fail", message: expect.stringContaining("remove the other addresses") });
  });

  it("asks given nameservers directly", async () => {
    const [outcome] = await checkDns({ records: [{ name: "registry.example.test", expectedIp: "127.0.0.10" }], nameservers: [authoritative.server] });
    expect(outcome).toMatchObject({ result: "pass", message: `registry.example.test A 127.0.0.10 (${authoritative.server})` });
  });

  it("fails when the nameserver does not answer", async () => {
    const silent = await startDnsServer({});
    await silent.close();
    const [outcome] = await checkDns({ records: [{ name: "registry.example.test", expectedIp: "127.0.0.10" }], nameservers: [silent.server], timeoutMs: 200 });
    expect(outcome!.result).toBe("fail");
    expect(outcome!.message).toMatch(/disagree \(127\.0\.0\.1:\d+: (no answer|ECONNREFUSED)/);
  });
});
