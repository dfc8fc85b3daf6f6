/**
 * Faults on demand through the admin endpoint (plain HTTP on loopback), as a deployer's tests use
 * them: no bids, slow bids, RPC errors and dropped connections, provider 404/500/timeouts, a
 * provider going offline, and an escrow account running dry.
 */
import { StargateClient } from "@cosmjs/stargate";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEVNET_TEST_MNEMONIC, startDevnet, type Devnet } from "../src/devnet/index.js";
import { clientFor, deploymentFromSdl, https, waitFor, webSdl, type Client } from "./support/devnet.js";

/** Small, so the many deployments these tests create fit the providers. */
const SDL = webSdl({ cpuUnits: 0.25, memory: "256Mi", storage: "512Mi", ports: [{ port: 80 }] });

let devnet: Devnet;
let tenant: Client;
let nextDseq = 7000;

async function fault(spec: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${devnet.admin}/faults`, { method: "POST", body: JSON.stringify(spec) });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`fault refused (${res.status}): ${JSON.stringify(body)}`);
  return body;
}

async function deploy(): Promise<string> {
  const dseq = String(nextDseq++);
  const material = deploymentFromSdl(SDL);
  await tenant.sdk.akash.deployment.v1beta4.createDeployment({
    id: { owner: tenant.address, dseq },
    groups: material.groups,
    hash: material.hash,
    deposit: { amount: { denom: "uact", amount: "1000000" }, sources: [1] },
  });
  return dseq;
}

async function bidCount(dseq: string): Promise<number> {
  return (await tenant.sdk.akash.market.v1beta5.getBids({ filters: { owner: tenant.address, dseq } })).bids.length;
}

async function blocks(n: number): Promise<void> {
  const start = devnet.chain.height;
  await waitFor(`${n} blocks`, () => (devnet.chain.height >= start + n ? true : undefined));
}

beforeAll(async () => {
  devnet = await startDevnet({ blockTime: 100, writeDevnetJson: false, mintEpochBlocks: 2, providerTimings: { hangMs: 300 } });
  tenant = await clientFor(devnet, DEVNET_TEST_MNEMONIC);
  await tenant.sdk.akash.bme.v1.mintACT({ owner: tenant.address, to: tenant.address, coinsToBurn: { denom: "uakt", amount: "100000000" } });
  await waitFor("ACT", async () => (BigInt((await tenant.sdk.cosmos.bank.v1beta1.getBalance({ address: tenant.address, denom: "uact" })).balance!.amount) > 0n ? true : undefined));
});

afterEach(async () => {
  await fetch(`${devnet.admin}/faults/reset`, { method: "POST" });
});

afterAll(async () => {
  await devnet?.stop();
});

describe("devnet faults", () => {
  it("stops and resumes bidding", async () => {
    await fault({ noBids: true });
    const dseq = await deploy();
    await blocks(6);
    expect(await bidCount(dseq)).toBe(0);
    await fault({ noBids: false });
    await waitFor("bids after resuming", async () => ((await bidCount(dseq)) === 3 ? true : undefined));
  });

  it("delays bids by the given number of blocks", async () => {
    await fault({ slowBidBlocks: 12 });
    const dseq = await deploy();
    await blocks(6);
    expect(await bidCount(dseq)).toBe(0);
    await waitFor("late bids", async () => ((await bidCount(dseq)) > 0 ? true : undefined), 10_000);
  });

  it("fails the next RPC calls, then drops a connection, then recovers", async () => {
    const client = await StargateClient.connect(devnet.rpc);
    await fault({ rpcErrors: 2 });
    await expect(client.getHeight()).rejects.toThrow(/Bad status on response: 500/);
    await expect(client.getHeight()).rejects.toThrow(/Bad status on response: 500/);
    expect(await client.getHeight()).toBeGreaterThan(0);
    await fault({ rpcDrops: 1 });
    await expect(client.getHeight()).rejects.toThrow();
    expect(await client.getHeight()).toBeGreaterThan(0);
    client.disconnect();
  });

  it("answers a provider's next calls with 500, 404 or silence", async () => {
    const provider = devnet.providers[0]!;
    await fault({ providerErrors: { provider: 1, status: 500, count: 2 } });
    expect((await https(`${provider.hostUri}/status`)).status).toBe(500);
    expect((await https(`${provider.hostUri}/status`)).status).toBe(500);
    expect((await https(`${provider.hostUri}/status`)).status).toBe(200);
    await fault({ providerErrors: { provider: provider.address, status: 404, count: 1 } });
    expect((await https(`${provider.hostUri}/version`)).status).toBe(404);
    await fault({ providerErrors: { provider: 1, status: "timeout", count: 1 } });
    await expect(https(`${provider.hostUri}/status`, { timeoutMs: 2000 })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await https(`${provider.hostUri}/status`)).status).toBe(200);
  });

  it("takes a provider offline and back", async () => {
    const provider = devnet.providers[1]!;
    const state = await fault({ providerOffline: { provider: 2, offline: true } });
    expect(state.offlineProviders).toEqual([provider.address]);
    await expect(https(`${provider.hostUri}/status`)).rejects.toThrow(/ECONNREFUSED/);
    await fault({ providerOffline: { provider: 2, offline: false } });
    expect((await https(`${provider.hostUri}/status`)).status).toBe(200);
  });

  it("rejects a fault it cannot apply with a message saying why", async () => {
    const res = await fetch(`${devnet.admin}/faults`, { method: "POST", body: JSON.stringify({ providerOffline: { provider: 9, offline: true } }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "there is no provider number 9; the devnet runs providers 1 to 3" });
  });

  it("runs an escrow dry: the lease closes with insufficient_funds and the deployment closes", async () => {
    const dseq = await deploy();
    // all three bids first: each losing bid closed by MsgCreateLease costs gas, so a lease simulated
    // before the later bids arrive can run out of gas when delivered (as on mainnet)
    const bid = await waitFor("three bids", async () => {
      const bids = (await tenant.sdk.akash.market.v1beta5.getBids({ filters: { owner: tenant.address, dseq, state: "open" } })).bids;
      return bids.length === 3 ? bids[0] : undefined;
    });
    await tenant.sdk.akash.market.v1beta5.createLease({ bidId: bid.bid!.id! });
    await fault({ drainEscrow: { owner: tenant.address, dseq } });
    const lease = await waitFor("the lease to close", async () => {
      const res = await tenant.sdk.akash.market.v1beta5.getLease({ id: bid.bid!.id! });
      return res.lease?.state === 1 ? undefined : res;
    });
    expect(lease.lease).toMatchObject({ state: 2, reason: 20000 });
    expect(lease.escrowPayment?.state?.state).toBe(3);
    const info = await tenant.sdk.akash.deployment.v1beta4.getDeployment({ id: { owner: tenant.address, dseq } });
    expect(info.deployment?.state).toBe(2);
    expect(info.groups[0]?.state).toBe(3);
    expect(info.escrowAccount?.state?.state).toBe(3);
  });
});
