/**
 * Every devnet fault ends in success after retries, or in a clear failure that leaves the
 * deployment closed (no bids) or resumable (a provider that will not take the manifest), as the
 * message says: no bids, provider 404/500/timeouts, a provider offline, RPC errors and dropped
 * connections, and an escrow that runs dry.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { activeOnChain, DEVNET_AVAILABLE, DEVNET_MISSING, LOCAL_JSONL, readState, runCommand, startFundedTestNet, summaryOf, type TestNet, WEB_STACK } from "./support/deploy-devnet.js";

const STACK = WEB_STACK;
const LOCAL = LOCAL_JSONL;

describe.skipIf(!DEVNET_AVAILABLE)(`deploy under devnet faults (${DEVNET_AVAILABLE ? "devnet present" : DEVNET_MISSING})`, () => {
  let net: TestNet;

  beforeAll(async () => {
    net = await startFundedTestNet();
  }, 60_000);
  afterAll(async () => net?.stop());
  afterEach(async () => {
    await net.devnet.faults.reset();
    await runCommand(net, "close", STACK, { network: "local", yes: true });
  }, 60_000);

  it("no bids: fails after the bid timeout, names the likely unmet requirement, and closes the deployment", async () => {
    await net.devnet.faults.apply({ noBids: true });
    const run = await runCommand(net, "deploy", STACK, { ...LOCAL, bidTimeout: "3" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no acceptable bids for deployment");
        // The group is the placement ("akash"); the ceiling is the stack's 1000 uact per block.
    expect(run.stderr).toMatch(/akash: no bids at all\. Likely unmet: the price ceiling \(1000 uact\/block for the group\) may be below what providers ask \(about [\d.]+ at the default provider prices\)/);
    expect(run.stderr).toMatch(/The deployment was closed and [\d.]+ ACT refunded/);
    const lines = run.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { step: string; status: string });
    expect(lines).toContainEqual(expect.objectContaining({ step: "wait-bids", status: "failed" }));
    expect(summaryOf(run.stdout).status).toBe("failed");
    expect(await activeOnChain(net.chain)).toEqual([]);
    const state = readState(net, "web");
    expect(state.current).toBeUndefined();
    expect(state.closed.length).toBeGreaterThan(0);
  }, 60_000);

  it("providers answering 404, then 500, then succeeding: the deploy retries and succeeds", async () => {
    await net.devnet.faults.apply({ providerErrors: { status: 404, count: 3 } });
    await net.devnet.faults.apply({ providerErrors: { status: 500, count: 2 } });
    const run = await runCommand(net, "deploy", STACK, LOCAL);
    expect(run.code).toBe(0);
    expect(summaryOf(run.stdout).status).toBe("done");
    expect((await activeOnChain(net.chain))[0]?.leases).toHaveLength(1);
  }, 60_000);

  it("a provider request that hangs times out and is retried", async () => {
    const cheapest = net.devnet.providers[0]!.address;
    await net.devnet.faults.apply({ providerErrors: { provider: cheapest, status: "timeout", count: 1 } });
    const run = await runCommand(net, "deploy", STACK, { ...LOCAL, allowProvider: [cheapest] });
    expect(run.code).toBe(0);
    expect(summaryOf(run.stdout).leases[0]?.provider).toBe(cheapest);
  }, 90_000);

  it("the cheapest provider offline: it is passed over for a reachable one", async () => {
    const offline = net.devnet.providers[0]!.address;
    await net.devnet.faults.apply({ providerOffline: { provider: offline, offline: true } });
    const run = await runCommand(net, "deploy", STACK, LOCAL);
    expect(run.code).toBe(0);
    const summary = summaryOf(run.stdout);
    expect(summary.leases).toHaveLength(1);
    expect(summary.leases[0]!.provider).not.toBe(offline);
  }, 60_000);

  it("a provider that goes offline after the lease: a resumable failure, then success once it is back", async () => {
    const provider = net.devnet.providers[0]!.address;
    const leased = await runCommand(net, "deploy", STACK, { ...LOCAL, allowProvider: [provider] }, { AKASH_STACK_CRASH_AT: "lease" });
    expect(leased.signal).toBe("SIGKILL");
    await net.devnet.faults.apply({ providerOffline: { provider, offline: true } });
    const failed = await runCommand(net, "deploy", STACK, { ...LOCAL, allowProvider: [provider] });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/cannot connect|did not succeed/);
    expect(failed.stderr).toContain("run the same command again to retry");
    const dseq = readState(net, "web").current?.dseq;
    expect((await activeOnChain(net.chain)).map((d) => d.dseq)).toEqual([dseq]);

    await net.devnet.faults.apply({ providerOffline: { provider, offline: false } });
    const resumed = await runCommand(net, "deploy", STACK, { ...LOCAL, allowProvider: [provider] });
    expect(resumed.code).toBe(0);
    const summary = summaryOf(resumed.stdout);
    expect(summary.dseq).toBe(dseq);
    expect(summary.txs).toEqual([]);
  }, 120_000);

  it("RPC errors and dropped connections during a deploy are retried", async () => {
    await net.devnet.faults.apply({ rpcErrors: 3, rpcDrops: 2 });
    const run = await runCommand(net, "deploy", STACK, LOCAL);
    expect(run.code).toBe(0);
    expect(summaryOf(run.stdout).status).toBe("done");
  }, 60_000);

  it("an escrow that runs dry: status warns, and the next deploy replaces the lost deployment", async () => {
    const first = await runCommand(net, "deploy", STACK, LOCAL);
    expect(first.code).toBe(0);
    const dseq = summaryOf(first.stdout).dseq;
    await net.devnet.faults.apply({ drainEscrow: { owner: net.chain.address, dseq } });
    // The provider settles and the lease closes within a few blocks.
    const deadline = Date.now() + 15_000;
    while ((await activeOnChain(net.chain)).some((d) => d.dseq === dseq && d.leases.length > 0)) {
      if (Date.now() > deadline) throw new Error("the drained lease did not close");
      await new Promise((r) => setTimeout(r, 200));
    }
    const status = await runCommand(net, "status", STACK, { network: "local" });
    expect(status.stdout + status.stderr).toMatch(/insufficient_funds|InsufficientFunds|closed/i);

    const again = await runCommand(net, "deploy", STACK, LOCAL);
    expect(again.code).toBe(0);
    const summary = summaryOf(again.stdout);
    expect(summary.dseq).not.toBe(dseq);
    const active = await activeOnChain(net.chain);
    expect(active).toEqual([{ dseq: summary.dseq, leases: [expect.objectContaining({ gseq: 1 })] }]);
  }, 90_000);
});
