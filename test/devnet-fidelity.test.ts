/**
 * Where the devnet used to differ from akashnet-2, checked the way an outside client sees it
 * (cosmjs' CometBFT 0.38 client, chain-sdk's clients and a plain @grpc/grpc-js client):
 * 1. a duplicate broadcast is a JSON-RPC error, as CometBFT 0.38 answers it (not an ABCI code),
 *    and code 19 with an empty log over gRPC BroadcastTx, as the SDK translates that error;
 * 2. MsgMintACT's 10 ACT minimum is compared before the 25 bps spread;
 * 3. providers bid what the helm chart's bid script bids at its defaults (about 10 uact per block
 *    for a small web server next to a PostgreSQL, not thousands).
 */
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { BroadcastTxRequest, BroadcastTxResponse, TxRaw } from "@akashnetwork/chain-sdk/private-types/cosmos.v1beta1";
import { Client as GrpcClient, credentials } from "@grpc/grpc-js";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVNET_TEST_MNEMONIC, startDevnet, type Devnet } from "../src/devnet/index.js";
import { clientFor, deploymentFromSdl, waitFor, type Client } from "./support/devnet.js";

const FEE = { amount: [{ denom: "uakt", amount: "12500" }], gas: "500000" };
/** CometBFT's `RPCInternalError(id, mempool.ErrTxInCache)`, as cosmjs throws it (the error object as JSON). */
const TX_IN_CACHE = JSON.stringify({ code: -32603, message: "Internal error", data: "tx already exists in cache" });

let devnet: Devnet;
let tenant: Client;
let comet: Comet38Client;

beforeAll(async () => {
  // Slow blocks: a transaction stays in the mempool long enough to be re-broadcast while pending.
  devnet = await startDevnet({ blockTime: 400, writeDevnetJson: false, mintEpochBlocks: 2 });
  tenant = await clientFor(devnet, DEVNET_TEST_MNEMONIC);
  comet = await Comet38Client.connect(devnet.rpc);
}, 60_000);

afterAll(async () => {
  comet?.disconnect();
  await devnet?.stop();
});

async function uactBalance(): Promise<bigint> {
  return BigInt((await tenant.sdk.cosmos.bank.v1beta1.getBalance({ address: tenant.address, denom: "uact" })).balance?.amount ?? "0");
}

/** Fractional decimal ("9.49", "12") → atomics × 10^18, as chain-sdk decodes DecCoin amounts. */
function atomics(decimal: string): bigint {
  const [whole, fraction = ""] = decimal.split(".");
  return BigInt(whole!) * 10n ** 18n + BigInt(fraction.padEnd(18, "0").slice(0, 18));
}

async function signedSend(amount: string): Promise<Uint8Array> {
  const msg = { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: tenant.address, toAddress: devnet.auditor, amount: [{ denom: "uakt", amount }] } };
  return TxRaw.encode(await tenant.signer.sign([msg], FEE, "")).finish();
}

describe("devnet fidelity: a duplicate broadcast", () => {
  it("answers a transaction it already holds with CometBFT 0.38's JSON-RPC error, pending and committed", async () => {
    const tx = await signedSend("7");
    const hash = createHash("sha256").update(tx).digest();
    const answer = (): Promise<unknown> => comet.broadcastTxSync({ tx }).then(
      (response) => response,
      (err: unknown) => err,
    );
    const first = await comet.broadcastTxSync({ tx });
    expect(first.code).toBe(0);
    // Still in the mempool: the cache refuses it before CheckTx.
    const whilePending = await answer();
    const included = await waitFor("the transaction in a block", async () => (await comet.tx({ hash }).catch(() => undefined))?.height);
    expect(included).toBeGreaterThan(0);
    // Committed: CometBFT keeps it in the cache, so the answer is the same.
    const whenCommitted = await answer();
    expect(whilePending).toBeInstanceOf(Error);
    expect((whilePending as Error).message).toBe(TX_IN_CACHE);
    expect(whenCommitted).toBeInstanceOf(Error);
    expect((whenCommitted as Error).message).toBe(TX_IN_CACHE);
  });
});

/** `cosmos.tx.v1beta1.Service/BroadcastTx` over plain gRPC (chain-sdk's SDK does not expose it). */
async function grpcBroadcast(txBytes: Uint8Array): Promise<BroadcastTxResponse> {
  const client = new GrpcClient(new URL(devnet.grpc).host, credentials.createInsecure());
  try {
    return await new Promise<BroadcastTxResponse>((resolve, reject) =>
      client.makeUnaryRequest(
        "/cosmos.tx.v1beta1.Service/BroadcastTx",
        (request: BroadcastTxRequest) => Buffer.from(BroadcastTxRequest.encode(request).finish()),
        (bytes: Buffer) => BroadcastTxResponse.decode(bytes),
        BroadcastTxRequest.fromPartial({ txBytes, mode: 2 }), // BROADCAST_MODE_SYNC
        (err, response) => (err || !response ? reject(err ?? new Error("BroadcastTx answered nothing")) : resolve(response)),
      ),
    );
  } finally {
    client.close();
  }
}

describe("devnet fidelity: a duplicate broadcast over gRPC", () => {
  it("answers code 19 with an empty log, as the SDK's BroadcastTx translates CometBFT's error", async () => {
    const tx = await signedSend("9");
    const hash = createHash("sha256").update(tx).digest();
    const first = await grpcBroadcast(tx);
    const again = await grpcBroadcast(tx);
    await waitFor("the transaction in a block", async () => (await comet.tx({ hash }).catch(() => undefined))?.height);
    expect(first.txResponse?.code).toBe(0);
    expect(again.txResponse).toMatchObject({ code: 19, codespace: "sdk", rawLog: "", txhash: Buffer.from(hash).toString("hex").toUpperCase() });
  });
});

describe("devnet fidelity: the MsgMintACT minimum", () => {
  it("mints a burn worth exactly 10 ACT (20 AKT at 0.5 USD), credited less the 25 bps spread", async () => {
    const before = await uactBalance();
    const response = await tenant.sdk.akash.bme.v1.mintACT({ owner: tenant.address, to: tenant.address, coinsToBurn: { denom: "uakt", amount: "20000000" } });
    expect(response.status).toBe(1); // pending until the epoch
    await waitFor("the mint queue to empty", async () => {
      const pending = await tenant.sdk.akash.bme.v1.getLedgerRecords({ filters: { source: tenant.address, status: "ledger_record_status_pending" } });
      return pending.records.length === 0 ? true : undefined;
    });
    expect((await uactBalance()) - before).toBe(9_975_000n);
  });
});

/**
 * The example: a web server (0.5 CPU, 512 MiB, 1 GiB, one port) next to a PostgreSQL
 * (1 CPU, 1 GiB, 1 GiB plus a 10 GiB beta3 volume), each capped at 10,000 uact per block.
 */
const WEB_AND_POSTGRES = `version: "2.0"
services:
  web:
    image: nginx:1.27
    expose:
      - port: 80
        as: 80
        to:
          - global: true
  db:
    image: postgres:16
    params:
      storage:
        data:
          mount: /var/lib/postgresql/data
profiles:
  compute:
    web:
      resources:
        cpu: {units: 0.5}
        memory: {size: 512Mi}
        storage: [{size: 1Gi}]
    db:
      resources:
        cpu: {units: 1}
        memory: {size: 1Gi}
        storage:
          - size: 1Gi
          - name: data
            size: 10Gi
            attributes: {persistent: true, class: beta3}
  placement:
    akash:
      pricing:
        web: {denom: uact, amount: 10000}
        db: {denom: uact, amount: 10000}
deployment:
  web:
    akash: {profile: web, count: 1}
  db:
    akash: {profile: db, count: 1}
`;

describe("devnet fidelity: provider prices", () => {
  it("bids what the bid script's defaults give (USD per month at 430,966 blocks, ACT = 1 USD), within the providers' multipliers", async () => {
    // The script's arithmetic, written out: CPU 1.60/thread, memory 0.80/GiB, ephemeral
    // 0.02/GiB, beta3 0.04/GiB, 0.05 per endpoint; USD per month → uact per block.
    const usdPerMonth = 1.5 * 1.6 + 1.5 * 0.8 + 2 * 0.02 + 10 * 0.04 + 1 * 0.05;
    const defaultsPerBlock = (usdPerMonth * 1_000_000) / 430_966;
    expect(defaultsPerBlock).toBeCloseTo(9.49, 2);

    const material = deploymentFromSdl(WEB_AND_POSTGRES);
    if ((await uactBalance()) < 5_000_000n) {
      await tenant.sdk.akash.bme.v1.mintACT({ owner: tenant.address, to: tenant.address, coinsToBurn: { denom: "uakt", amount: "100000000" } });
      await waitFor("minted ACT", async () => ((await uactBalance()) >= 5_000_000n ? true : undefined));
    }
    const dseq = String(Date.now());
    await tenant.sdk.akash.deployment.v1beta4.createDeployment({
      id: { owner: tenant.address, dseq },
      groups: material.groups,
      hash: material.hash,
      deposit: { amount: { denom: "uact", amount: "5000000" }, sources: [1] },
    });
    const bids = await waitFor("a bid from the provider with beta3 storage", async () => {
      const res = await tenant.sdk.akash.market.v1beta5.getBids({ filters: { owner: tenant.address, dseq, state: "open" } });
      return res.bids.length > 0 ? res.bids : undefined;
    });
    for (const bid of bids) {
      expect(bid.bid!.price!.denom).toBe("uact");
      const perBlock = Number(atomics(bid.bid!.price!.amount) / 10n ** 12n) / 1_000_000;
      // Providers price around the defaults (0.9× to 1.25×), never hundreds of times above.
      expect(perBlock).toBeGreaterThanOrEqual(defaultsPerBlock * 0.85);
      expect(perBlock).toBeLessThanOrEqual(defaultsPerBlock * 1.3);
    }
    await tenant.sdk.akash.deployment.v1beta4.closeDeployment({ id: { owner: tenant.address, dseq } });
  });
});
