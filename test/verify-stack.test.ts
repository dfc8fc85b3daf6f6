/**
 * `verify STACK --network N`: every check from a deploy state, against real loopback services
 * (Debian's docker-registry, a gateway stand-in, a TLS server, a DNS server), and the result kept
 * beside the state for `status`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveVerifyKind, runVerify, type VerifyIo } from "../src/cli/verify.js";
import type { VerifyReport } from "../src/verify/report.js";
import { deployStatePath, lastVerifyPath, parseDeployState, readLastVerify, VerifyStateError } from "../src/verify/state.js";
import { startDnsServer, startFakeGateway, startTlsServer, type RunningDns } from "./support/verify-fakes.js";
import { DOCKER_REGISTRY, makeCertificates, missingToolMessage, OPENSSL, startDockerRegistry, tempDir, type CertificateFiles, type RunningRegistry } from "./support/verify-servers.js";

const TOOLS = [DOCKER_REGISTRY, OPENSSL];
const toolsFound = TOOLS.every((t) => t.found);
const mustRun = toolsFound || Boolean(process.env.CI);

describe("which verify TARGET means", () => {
  it("is the registry check with --url, the gateway check with --gateway, a stack otherwise", () => {
    expect(resolveVerifyKind("registry", { url: "https://r" })).toEqual({ kind: "registry", target: "https://r" });
    expect(resolveVerifyKind("ipfs", { gateway: "https://g" })).toEqual({ kind: "ipfs", target: "https://g" });
    // The registry stack is named "registry" too: without --url it is the stack.
    expect(resolveVerifyKind("registry", {})).toEqual({ kind: "stack", target: "registry" });
    expect(resolveVerifyKind("backend", { url: "https://r" })).toEqual({ error: expect.stringContaining("--url belongs to `akash-stack verify registry --url URL`") });
    expect(resolveVerifyKind("ipfs", {})).toEqual({ error: expect.stringContaining("needs --gateway URL") });
  });
});

describe("the deploy state shape", () => {
  it("reads ips, hosts, endpoints and tlsPorts, and says which field is wrong", () => {
    const state = parseDeployState({ ips: { edge: "203.0.113.7" }, hosts: { "r.example.com": "edge" }, endpoints: { registry: "https://r.example.com" }, tlsPorts: { edge: 8443 } }, "s.json", "registry", "mainnet");
    expect(state).toEqual({ stack: "registry", network: "mainnet", ips: { edge: "203.0.113.7" }, hosts: { "r.example.com": "edge" }, endpoints: { registry: "https://r.example.com" }, tlsPorts: { edge: 8443 } });
    expect(() => parseDeployState({ ips: { edge: "pending" }, hosts: {} }, "s.json", "r", "m")).toThrow(new VerifyStateError('s.json: "ips.edge" is "pending", not an IP address'));
    expect(() => parseDeployState({ endpoints: { registry: "ftp://x" } }, "s.json", "r", "m")).toThrow(/"endpoints.registry" is "ftp:\/\/x", not an http\(s\) URL/);
    expect(() => parseDeployState({ ips: {} }, "s.json", "r", "m")).toThrow(/nothing to verify/);
    // The deployer may keep them under "verify", beside its own record.
    const nested = parseDeployState({ version: 1, current: { dseq: "42" }, verify: { ips: { edge: "198.51.100.1" }, hosts: { "r.example.com": "edge" } } }, "s.json", "registry", "sandbox");
    expect(nested).toMatchObject({ ips: { edge: "198.51.100.1" }, hosts: { "r.example.com": "edge" }, endpoints: {}, tlsPorts: {} });
    expect(() => parseDeployState({ verify: { ips: { edge: "x" } } }, "s.json", "r", "m")).toThrow('s.json: "verify.ips.edge" is "x", not an IP address');
  });
});

describe.skipIf(!mustRun)(toolsFound ? "verify STACK --network N" : `verify STACK --network N (SKIPPED locally: ${missingToolMessage(TOOLS)})`, () => {
  let home: string;
  let registry: RunningRegistry;
  let gateway: Awaited<ReturnType<typeof startFakeGateway>>;
  let certs: CertificateFiles;
  let tls: { port: number; close(): Promise<void> };
  let dns: RunningDns;

  beforeAll(async () => {
    if (!toolsFound) throw new Error(missingToolMessage(TOOLS));
    home = tempDir("stack-home");
    registry = await startDockerRegistry();
    gateway = await startFakeGateway("kubo");
    certs = makeCertificates(["registry.example.test", "ipfs.example.test"]);
    tls = await startTlsServer(certs.certPem, certs.keyPem);
    dns = await startDnsServer({ a: { "registry.example.test": ["127.0.0.1"], "ipfs.example.test": ["127.0.0.1"] } });
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), gateway?.close(), tls?.close(), dns?.close()]);
    for (const dir of [home, certs?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function writeState(network: string, ip: string): void {
    const file = deployStatePath(home, "registry", network);
    mkdirSync(join(home, "state"), { recursive: true });
    const state = {
      stack: "registry",
      network,
      ips: { edge: ip },
      hosts: { "registry.example.test": "edge", "ipfs.example.test": "edge" },
      endpoints: { registry: registry.url, "ipfs-gateway": gateway.url },
      tlsPorts: { edge: tls.port },
    };
    writeFileSync(file, JSON.stringify(state, null, 2));
  }

  function io(): { io: VerifyIo; out: { stdout: string; stderr: string } } {
    const out = { stdout: "", stderr: "" };
    return { out, io: { cwd: home, env: { AKASH_STACK_HOME: home }, write: (s, t) => void (out[s] += t) } };
  }

  const flags = () => ({ network: "testnet", allowHttp: true, pushTest: true, ca: certs.caCert, nameserver: [dns.server], output: "json" as const, html: "status.html" });

  it("runs every check, exits 0, and keeps the result for status", async () => {
    writeState("testnet", "127.0.0.1");
    const { io: cliIo, out } = io();
    const code = await runVerify("stack", "registry", flags(), cliIo);
    const report = JSON.parse(out.stdout) as VerifyReport;
    const failed = report.services.flatMap((s) => s.checks.filter((c) => c.result === "fail").map((c) => `${s.name}/${c.name}: ${c.message}`));
    expect(failed).toEqual([]);
    expect(code).toBe(0);
    expect(report.subject).toBe("registry on testnet");
    expect(report.services.map((s) => s.name)).toEqual(["ipfs-gateway", "registry", "tls", "dns"]);
    expect(report.services.find((s) => s.name === "tls")!.checks.map((c) => [c.name, c.result])).toEqual([
      [`tls:ipfs.example.test:${tls.port}`, "pass"],
      [`tls:registry.example.test:${tls.port}`, "pass"],
    ]);
    expect(report.services.find((s) => s.name === "dns")!.checks.map((c) => [c.name, c.result])).toEqual([
      ["dns:ipfs.example.test", "pass"],
      ["dns:registry.example.test", "pass"],
    ]);
    expect(out.stderr).toContain(`saved the result for \`akash-stack status\` in ${lastVerifyPath(home, "registry", "testnet")}`);
    expect(await readLastVerify(home, "registry", "testnet")).toEqual(report);
    expect(readFileSync(join(home, "status.html"), "utf8")).toContain('data-check="push:layer-blob" data-result="pass"');
  });

  it("exits 1 and records the failure when DNS and TLS point elsewhere", async () => {
    // The lease's IP changed: the names still resolve to the old one, and nothing listens on the new one.
    writeState("other", "127.0.0.9");
    const { io: cliIo, out } = io();
    const code = await runVerify("stack", "registry", { ...flags(), network: "other" }, cliIo);
    expect(code).toBe(1);
    const report = JSON.parse(out.stdout) as VerifyReport;
    const dnsChecks = report.services.find((s) => s.name === "dns")!.checks;
    expect(dnsChecks.every((c) => c.result === "fail")).toBe(true);
    expect(dnsChecks[0]!.message).toContain("should resolve to 127.0.0.9");
    const tlsChecks = report.services.find((s) => s.name === "tls")!.checks;
    expect(tlsChecks[0]).toMatchObject({ result: "fail", message: expect.stringContaining("connection refused") });
    expect((await readLastVerify(home, "registry", "other"))?.ok).toBe(false);
  });

  it("exits 2 when there is no deploy state, or no --network", async () => {
    const missing = io();
    expect(await runVerify("stack", "backend", { network: "testnet" }, missing.io)).toBe(2);
    expect(missing.out.stderr).toContain(`no deploy state for stack backend on testnet (${deployStatePath(home, "backend", "testnet")}): deploy it first`);
    const noNetwork = io();
    expect(await runVerify("stack", "registry", {}, noNetwork.io)).toBe(2);
    expect(noNetwork.out.stderr).toContain("verifying stack registry needs --network NAME");
  });
});
