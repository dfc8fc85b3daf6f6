/**
 * The deploy steps after wait-ready, against the devnet and the Namecheap emulator: the `verify`
 * section both readers accept, the `dns` step (skipped without credentials, writes the stack's A
 * records with them, writes nothing the second time), a failed `dns` step failing the deploy while
 * the deployment keeps running (a replaced one too) and the same command repeating only that step
 * (and then closing the replaced deployment), the `verify` step
 * skipped on local, and `status` showing a saved verify result.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDns } from "../src/cli/dns.js";
import type { NamecheapEmulator } from "../src/dns/emulator.js";
import { readDeployState as readDnsState, leasedIpResolver } from "../src/dns/records.js";
import { buildReport } from "../src/verify/report.js";
import { readDeployState as readVerifyState, writeLastVerify } from "../src/verify/state.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { DEVNET_AVAILABLE, DEVNET_MISSING, jsonlOf, mintAct, runCommand, startTestNet, summaryOf, type TestNet } from "./support/deploy-devnet.js";
import { captureIo, envFor, startEmulator } from "./support/dns.js";

const LOCAL = { network: "local", yes: true, output: "jsonl" };
const ZONE = "alternatefutures.ai";

function stepOf(stdout: string, step: string): Record<string, unknown> | undefined {
  return jsonlOf(stdout)
    .filter((l) => l.step === step)
    .at(-1);
}

describe.skipIf(!DEVNET_AVAILABLE)(`deploy runs dns and verify after wait-ready (${DEVNET_AVAILABLE ? "devnet present" : DEVNET_MISSING})`, () => {
  let net: TestNet;
  let emulator: NamecheapEmulator;
  let namecheapEnv: Record<string, string>;
  let leasedIp = "";

  beforeAll(async () => {
    net = await startTestNet();
    await mintAct(net);
    emulator = await startEmulator({
      nameservers: 2,
      publishDelayMs: 100,
      // Eight deploys within a minute call the API more than Namecheap's 20 a minute; throttling
      // is the DNS tests' subject, not this file's.
      callsPerMinute: Number.POSITIVE_INFINITY,
      domains: [
        {
          domain: ZONE,
          emailType: "MX",
          hosts: [
            { name: "@", type: "MX", address: "mx1.mail.example.net.", mxPref: "10", ttl: "1800" },
            { name: "@", type: "TXT", address: "v=spf1 include:mail.example.net ~all", ttl: "1800" },
          ],
        },
      ],
    });
    const { AKASH_STACK_HOME: _home, ...credentials } = envFor(emulator, net.home);
    namecheapEnv = credentials;
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
    await net?.stop();
  });

  it("without Namecheap credentials the dns step is skipped and says which variables enable it", async () => {
    const run = await runCommand(net, "deploy", "registry", LOCAL);
    expect(run.code).toBe(0);
    const dns = stepOf(run.stdout, "dns");
    expect(dns).toMatchObject({ status: "skipped" });
    expect(String(dns?.message)).toContain("NAMECHEAP_API_USER, NAMECHEAP_API_KEY, NAMECHEAP_CLIENT_IP");
    const verify = stepOf(run.stdout, "verify");
    expect(verify).toMatchObject({ status: "skipped" });
    expect(String(verify?.message)).toMatch(/devnet runs no containers/);
    leasedIp = summaryOf(run.stdout).endpoints.edge!.ips[0]!.ip;
    expect(emulator.requests.filter((r) => r.command === "sethosts")).toHaveLength(0);
  }, 120_000);

  it("writes a verify section that `verify` and `dns apply` both read", async () => {
    const forVerify = await readVerifyState(net.home, "registry", "local");
    expect(forVerify.ips).toEqual({ edge: leasedIp });
    expect(forVerify.hosts).toEqual({ [`registry.${ZONE}`]: "edge", [`ipfs.${ZONE}`]: "edge" });
    expect(forVerify.endpoints).toEqual({ registry: `https://registry.${ZONE}`, ipfs: `https://ipfs.${ZONE}` });
    const forDns = await readDnsState(net.home, "registry", "local");
    expect(forDns.ok).toBe(true);
    if (forDns.ok) expect(leasedIpResolver(forDns.value, "endpoints: {edge: {kind: ip}}\nservices: {edge: {expose: [{to: [{ip: edge}]}]}}\n")("edge")).toEqual({ ok: true, value: leasedIp });
  });

  it("with credentials the dns step writes the registry and ipfs A records; a second deploy writes nothing", async () => {
    const run = await runCommand(net, "deploy", "registry", LOCAL, namecheapEnv);
    expect(run.stderr).not.toMatch(/akash-stack deploy:/);
    expect(run.code).toBe(0);
    expect(stepOf(run.stdout, "dns")).toMatchObject({ status: "done", written: [`${ZONE} (ipfs, registry)`] });
    const zone = emulator.zone(ZONE).hosts;
    const a = zone.filter((h) => h.type === "A").map((h) => `${h.name}=${h.address}`).sort();
    expect(a).toEqual([`ipfs=${leasedIp}`, `registry=${leasedIp}`]);
    // What was there before is kept.
    expect(zone.some((h) => h.type === "MX" && h.address === "mx1.mail.example.net.")).toBe(true);
    const writes = emulator.requests.filter((r) => r.command === "sethosts").length;

    const again = await runCommand(net, "deploy", "registry", LOCAL, namecheapEnv);
    expect(again.code).toBe(0);
    expect(stepOf(again.stdout, "dns")).toMatchObject({ status: "done", written: [] });
    expect(emulator.requests.filter((r) => r.command === "sethosts")).toHaveLength(writes);

    // `dns plan STACK --network local` reads the same state and agrees: nothing to change.
    const io = captureIo({ cwd: PROJECT_ROOT, env: envFor(emulator, net.home) });
    expect(await runDns("plan", { stack: "registry", network: "local" }, io)).toBe(0);
    expect(io.stdout).toContain("up to date, nothing to write");
  }, 180_000);

  it("a failed dns step fails the deploy (exit 1) but keeps the deployment running; the same command, fixed, repeats only the dns step", async () => {
    // Someone points the managed name elsewhere; the next deploy must put it back.
    emulator.editZone(ZONE, (zone) => {
      for (const host of zone.hosts) if (host.type === "A" && host.name === "registry") host.address = "203.0.113.9";
    });
    const before = (JSON.parse((await runCommand(net, "status", "registry", { network: "local", output: "json" })).stdout) as { dseq: string }).dseq;

    const failed = await runCommand(net, "deploy", "registry", LOCAL, { ...namecheapEnv, NAMECHEAP_API_KEY: "not-the-key" });
    expect(failed.code, failed.stderr).toBe(1);
    expect(stepOf(failed.stdout, "wait-ready")).toMatchObject({ status: "done" });
    expect(stepOf(failed.stdout, "dns")).toMatchObject({ status: "failed" });
    expect(String(stepOf(failed.stdout, "dns")?.message)).toMatch(/1011102|API key|NAMECHEAP_API_KEY/i);
    const summary = summaryOf(failed.stdout) as ReturnType<typeof summaryOf> & { failedSteps?: string[] };
    expect(summary).toMatchObject({ status: "failed", action: "nothing", failedSteps: ["dns"], txs: [] });
    expect(summary.dseq).toBe(before);
    expect(summary.error).toContain(`Deployment ${summary.dseq} is ready and its lease keeps running`);
    expect(summary.error).toContain("run the same deploy again (`akash-stack deploy registry --network local` with the same flags)");
    expect(failed.stderr).toContain("akash-stack deploy: the dns step failed:");
    // Nothing was closed: the deployment and its lease are active on chain.
    expect((await net.chain.deployment(summary.owner, summary.dseq))?.state).toBe("active");
    expect((await net.chain.leases(summary.owner, summary.dseq)).map((l) => l.state)).toEqual(["active"]);
    expect(emulator.zone(ZONE).hosts.find((h) => h.type === "A" && h.name === "registry")?.address).toBe("203.0.113.9");

    const fixed = await runCommand(net, "deploy", "registry", LOCAL, namecheapEnv);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(summaryOf(fixed.stdout)).toMatchObject({ status: "done", action: "nothing", dseq: summary.dseq, txs: [] });
    expect(stepOf(fixed.stdout, "dns")).toMatchObject({ status: "done", written: [`${ZONE} (registry)`] });
    expect(emulator.zone(ZONE).hosts.find((h) => h.type === "A" && h.name === "registry")?.address).toBe(leasedIp);
  }, 180_000);

  it("a replacement whose dns step fails keeps the replaced deployment (the names may still point at it) until a run passes", async () => {
    const bigger = { ...LOCAL, set: ["kuboCpu=3"] };
    const old = (JSON.parse((await runCommand(net, "status", "registry", { network: "local", output: "json" })).stdout) as { dseq: string }).dseq;

    const failed = await runCommand(net, "deploy", "registry", bigger, { ...namecheapEnv, NAMECHEAP_API_KEY: "not-the-key" });
    expect(failed.code, failed.stderr).toBe(1);
    const summary = summaryOf(failed.stdout) as ReturnType<typeof summaryOf> & { failedSteps?: string[] };
    expect(summary).toMatchObject({ status: "failed", action: "replace", failedSteps: ["dns"] });
    expect(summary.dseq).not.toBe(old);
    expect(summary.error).toContain(`the replaced deployment ${old} is kept until the dns step passes`);
    expect(summary.txs.map((t) => t.what)).not.toContain(`close deployment ${old}`);
    expect((await net.chain.deployment(summary.owner, old))?.state).toBe("active");
    expect((await net.chain.deployment(summary.owner, summary.dseq))?.state).toBe("active");

    const fixed = await runCommand(net, "deploy", "registry", bigger, namecheapEnv);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(summaryOf(fixed.stdout)).toMatchObject({ status: "done", action: "nothing", dseq: summary.dseq });
    expect(stepOf(fixed.stdout, "dns")).toMatchObject({ status: "done" });
    expect(stepOf(fixed.stdout, "close-previous")).toMatchObject({ status: "done" });
    expect(summaryOf(fixed.stdout).txs.map((t) => t.what)).toEqual([`close deployment ${old}`]);
    expect((await net.chain.deployment(summary.owner, old))?.state).toBe("closed");
    leasedIp = summaryOf(fixed.stdout).endpoints.edge!.ips[0]!.ip;
    expect(emulator.zone(ZONE).hosts.filter((h) => h.type === "A").map((h) => h.address)).toEqual([leasedIp, leasedIp]);
  }, 180_000);

  it("status shows the last verify result, in text and as a `verify` field in JSON", async () => {
    const at = new Date("2026-01-02T03:04:05Z");
    await writeLastVerify(
      net.home,
      "registry",
      "local",
      buildReport("registry on local", at, [
        { name: "registry", kind: "registry", target: `https://registry.${ZONE}`, checks: [{ name: "v2-api", result: "fail", latencyMs: 5, time: at.toISOString(), message: "GET /v2/ answered HTTP 502" }] },
      ], at),
    );
    const json = await runCommand(net, "status", "registry", { network: "local", output: "json" });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { dseq: string; verify?: { ok: boolean; summary: { failed: number } } };
    expect(parsed.dseq).toMatch(/^\d+$/);
    expect(parsed.verify).toMatchObject({ ok: false, summary: { failed: 1 } });
    const text = await runCommand(net, "status", "registry", { network: "local" });
    expect(text.stdout).toContain("last verify 2026-01-02T03:04:05.000Z: FAILED (0 passed, 1 failed, 0 skipped)");
    expect(text.stdout).toContain("registry: v2-api: GET /v2/ answered HTTP 502");
  }, 60_000);
});
