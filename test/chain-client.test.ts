/**
 * The Cosmos chain client against the devnet (CometBFT JSON-RPC and gRPC on loopback, the chain's
 * real codes): inclusion by hash, retries on RPC errors and dropped connections, a sequence race,
 * out of gas, rejections explained, and the queries the deployer relies on.
 */
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosChainClient, type CosmosClientOptions } from "../src/chain/cosmos/client.js";
import { ChainTxError } from "../src/chain/errors.js";
import { resolveNetwork } from "../src/chain/networks.js";
import { Mnemonic } from "../src/chain/wallet.js";
import { DEVNET_AVAILABLE, DEVNET_MISSING, startTestNet, type TestNet } from "./support/deploy-devnet.js";

const EMPTY_GROUP = {
  name: "akash",
  requirements: { signedBy: { allOf: null, anyOf: null }, attributes: null },
  resources: [
    {
      resources: { id: 1, cpu: { units: 100n, attributes: [] }, memory: { size: 134217728n, attributes: [] }, storage: [{ name: "default", size: 536870912n, attributes: null }], gpu: { units: 0n, attributes: [] }, endpoints: [] },
      count: 1,
      price: { denom: "uact", amount: "1.000000000000000000" },
    },
  ],
};

describe.skipIf(!DEVNET_AVAILABLE)(`chain client on the devnet (${DEVNET_AVAILABLE ? "devnet present" : DEVNET_MISSING})`, () => {
  let net: TestNet;
  const logs: string[] = [];

  async function client(options: Pick<CosmosClientOptions, "gasMargin" | "pollIntervalMs" | "rebroadcastAfterMs"> = {}): Promise<CosmosChainClient> {
    const network = await resolveNetwork("local", { home: net.home });
    network.blockSeconds = 0.2;
    return CosmosChainClient.connect(network, new Mnemonic(net.devnet.mnemonic), { ...options, log: (m) => logs.push(m) });
  }
  const mint = (amount = "30000000") => ({ type: "mint-act" as const, burn: { denom: "uakt", amount } });

  beforeAll(async () => {
    net = await startTestNet();
  }, 60_000);
  afterAll(async () => net?.stop());

  it("knows the hash before broadcasting and returns once the transaction is in a block", async () => {
    const c = await client();
    const signed: string[] = [];
    const broadcast: string[] = [];
    const tx = await c.signAndBroadcast([mint()], { onSigned: (h) => void signed.push(h), onBroadcast: (h) => void broadcast.push(h) });
    expect(signed).toEqual([tx.hash]);
    expect(broadcast).toEqual([tx.hash]);
    expect(tx.hash).toMatch(/^[0-9A-F]{64}$/);
    expect(await c.findTx(tx.hash)).toEqual({ code: 0, height: tx.height, log: expect.any(String) });
    // Fee = gas limit × 0.025 uakt, and the limit is the simulation × the margin.
    expect(Number(tx.fee[0]!.amount)).toBe(Math.ceil(tx.gasWanted * 0.025));
    expect(tx.gasUsed).toBeLessThanOrEqual(tx.gasWanted);
    await c.close();
  });

  it("retries CometBFT RPC errors and dropped connections", async () => {
    const c = await client();
    logs.length = 0;
    await net.devnet.faults.apply({ rpcErrors: 2, rpcDrops: 2 });
    const tx = await c.signAndBroadcast([mint()]);
    expect((await c.findTx(tx.hash))?.code).toBe(0);
    expect(net.devnet.faults.state()).toMatchObject({ rpcErrors: 0, rpcDrops: 0 });
    expect(logs.some((l) => /failed .*retry/.test(l))).toBe(true);
    await c.close();
  });

  it("re-broadcasts a pending transaction, takes the node's 'tx already exists in cache' error, and finds it by hash", async () => {
    // Re-broadcast on every poll: the same bytes reach the node while they wait in its mempool,
    // and CometBFT 0.38 answers with a JSON-RPC error (-32603, "tx already exists in cache").
    const c = await client({ pollIntervalMs: 20, rebroadcastAfterMs: 1 });
    logs.length = 0;
    // Five blocks (a second at 200 ms) without inclusion: the client polls and re-broadcasts
    // while the transaction waits, however slowly this machine runs the test.
    await net.devnet.faults.apply({ holdTxBlocks: 5 });
    const tx = await c.signAndBroadcast([mint()]);
    expect((await c.findTx(tx.hash))?.code).toBe(0);
    expect(logs.some((l) => l.includes("re-broadcasting the same bytes"))).toBe(true);
    expect(logs.some((l) => l.includes(`the node already has transaction ${tx.hash.slice(0, 12)}`))).toBe(true);
    expect(net.devnet.faults.state().holdTxBlocks).toBe(0);
    await c.close();
  });

  it("re-signs after an account sequence race between two senders with the same key", async () => {
    const [a, b] = [await client(), await client()];
    logs.length = 0;
    const [x, y] = await Promise.all([a.signAndBroadcast([mint()]), b.signAndBroadcast([mint("31000000")])]);
    expect(x.hash).not.toBe(y.hash);
    expect((await a.findTx(x.hash))?.code).toBe(0);
    expect((await a.findTx(y.hash))?.code).toBe(0);
    expect(logs.some((l) => l.includes("sequence mismatch"))).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it("runs out of gas with too small a margin, then succeeds with more gas", async () => {
    const c = await client({ gasMargin: 0.6 });
    logs.length = 0;
    const signed: string[] = [];
    const tx = await c.signAndBroadcast([mint()], { onSigned: (h) => void signed.push(h) });
    expect(signed.length).toBeGreaterThan(1);
    expect(signed.at(-1)).toBe(tx.hash);
    // The short attempts either failed the ante handler at check time (never in a block) or ran
    // out while executing (in a block, code 11, fee paid).
    for (const hash of signed.slice(0, -1)) expect([undefined, 11]).toContain((await c.findTx(hash))?.code);
    expect(logs.some((l) => l.includes("out of gas"))).toBe(true);
    await c.close();
  });

  it("an out-of-gas failure inside a block is retried too", async () => {
    // 0.95 × simulation passes the ante handler but not the message; the chain charges the fee.
    const c = await client({ gasMargin: 0.95 });
    logs.length = 0;
    const signed: string[] = [];
    const tx = await c.signAndBroadcast([mint()], { onSigned: (h) => void signed.push(h) });
    expect((await c.findTx(tx.hash))?.code).toBe(0);
    expect(signed.length).toBe(2);
    expect((await c.findTx(signed[0]!))?.code).toBe(11);
    expect(logs.some((l) => /out of gas \(used \d+ of \d+\)/.test(l))).toBe(true);
    await c.close();
  });

  it("explains rejections: a uakt deposit, and more than the account holds", async () => {
    const c = await client();
    const height = await c.latestHeight();
    const uaktDeposit = await c
      .signAndBroadcast([{ type: "create-deployment", dseq: String(height), groups: [EMPTY_GROUP], hash: "ab".repeat(32), deposit: { denom: "uakt", amount: "500000" } }])
      .catch((e: unknown) => e);
    expect(uaktDeposit).toBeInstanceOf(ChainTxError);
    expect((uaktDeposit as Error).message).toMatch(new RegExp(`create deployment ${height} was rejected .*[Dd]eposit`));
    const tooMuch = await c
      .signAndBroadcast([{ type: "create-deployment", dseq: String(height + 1), groups: [EMPTY_GROUP], hash: "ab".repeat(32), deposit: { denom: "uact", amount: "900000000000000" } }])
      .catch((e: unknown) => e);
    expect(tooMuch).toBeInstanceOf(ChainTxError);
    expect((tooMuch as ChainTxError).kind).toBe("insufficient-funds");
    expect((tooMuch as Error).message).toContain("Fund the account");
    await c.close();
  });

  it("answers the queries the deployer uses", async () => {
    const c = await client();
    expect((await c.depositParams()).minDeposits).toContainEqual({ denom: "uact", amount: "500000" });
    expect(await c.deployment(c.address, "987654321")).toBeUndefined();
    const mp = await c.mintParams();
    expect(mp).toMatchObject({ minMint: { denom: "uact", amount: "10000000" }, spreadBps: 25, mintsAllowed: true });
    expect(mp.epochBlocks).toBeGreaterThan(0);
    const [first] = net.devnet.providers;
    const provider = await c.provider(first!.address);
    expect(provider).toMatchObject({ owner: first!.address, hostUri: first!.hostUri });
    const certs = await c.certificates(first!.address);
    expect(certs.some((cert) => cert.state === "valid" && new X509Certificate(cert.certPem).fingerprint256 === new X509Certificate(first!.certificate).fingerprint256)).toBe(true);
    expect(await c.blockTimeSeconds()).toBeGreaterThan(0.05);
    await c.close();
  });
});
