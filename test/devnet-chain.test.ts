/**
 * The devnet's chain, driven only through chain-sdk's clients: the tx path (CheckTx, delivery,
 * simulate, fees, gas, sequences, signatures), ACT minting through MsgMintACT and the node's
 * MsgCreateDeployment checks, each failure asserted with akashnet-2's code and message.
 */
import { StargateClient, type StdFee } from "@cosmjs/stargate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVNET_CHAIN_ID, DEVNET_TEST_MNEMONIC, startDevnet, type Devnet } from "../src/devnet/index.js";
import { clientFor, deploymentFromSdl, waitFor, webSdl, type Client } from "./support/devnet.js";

/** A fee that skips simulation, so the chain itself judges the transaction. */
const FEE: StdFee = { amount: [{ denom: "uakt", amount: "12500" }], gas: "500000" };

let devnet: Devnet;
let tenant: Client;
let startMs: number;
let nextDseq = 1000;

async function uactBalance(address: string): Promise<bigint> {
  const res = await tenant.sdk.cosmos.bank.v1beta1.getBalance({ address, denom: "uact" });
  return BigInt(res.balance?.amount ?? "0");
}

/** Message of a rejection, whichever way chain-sdk/cosmjs surfaces it (broadcast error or failed delivery). */
async function rejection(promise: Promise<unknown>): Promise<{ code: number; codespace: string; log: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { code?: number; codespace?: string; log?: string; txResponse?: { code: number; rawLog?: string }; message: string };
    if (e.txResponse) return { code: e.txResponse.code, codespace: "", log: e.txResponse.rawLog ?? "" };
    if (typeof e.code === "number" && typeof e.log === "string") return { code: e.code, codespace: e.codespace ?? "", log: e.log };
    throw err;
  }
  throw new Error("the transaction was accepted; expected a rejection");
}

function createDeploymentInput(owner: string, options: { denom?: string; depositDenom?: string; deposit?: string; dseq?: number; hash?: Uint8Array } = {}) {
  const material = deploymentFromSdl(webSdl({ denom: options.denom ?? "uact" }));
  return {
    id: { owner, dseq: String(options.dseq ?? nextDseq++) },
    groups: material.groups,
    hash: options.hash ?? material.hash,
    deposit: { amount: { denom: options.depositDenom ?? options.denom ?? "uact", amount: options.deposit ?? "5000000" }, sources: [1] },
  };
}

beforeAll(async () => {
  startMs = Date.now();
  devnet = await startDevnet({ blockTime: 150, writeDevnetJson: false, mintEpochBlocks: 3 });
  startMs = Date.now() - startMs;
  tenant = await clientFor(devnet, DEVNET_TEST_MNEMONIC);
});

afterAll(async () => {
  await devnet?.stop();
});

describe("devnet chain: start and RPC", () => {
  // The 2 s start-up goal is measured in bench/devnet.mjs (speed goals live in benchmarks, not in
  // timed tests that a loaded CI machine would make flaky); here: a block exists once start returns.
  it("has produced its first block when start returns and reports itself as CometBFT 0.38 with chain id akash-local", async () => {
    expect(startMs).toBeGreaterThan(0);
    expect(devnet.chain.height).toBeGreaterThanOrEqual(1);
    const client = await StargateClient.connect(devnet.rpc);
    expect(await client.getChainId()).toBe(DEVNET_CHAIN_ID);
    const h1 = await client.getHeight();
    expect(h1).toBeGreaterThanOrEqual(1);
    const block = await client.getBlock();
    expect(block.header.chainId).toBe("akash-local");
    await waitFor("a later block", async () => ((await client.getHeight()) > h1 ? true : undefined), 3000);
    client.disconnect();
  });

  it("answers tx, tx_search and abci_info as CometBFT does", async () => {
    const sent = await tenant.signer.signAndBroadcast([
      { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: tenant.address, toAddress: devnet.auditor, amount: [{ denom: "uakt", amount: "3" }] } },
    ]);
    expect(sent.code).toBe(0);
    const client = await StargateClient.connect(devnet.rpc);
    const found = await client.getTx(sent.transactionHash);
    expect(found).toMatchObject({ code: 0, height: sent.height, hash: sent.transactionHash });
    client.disconnect();
    const rpc = async (method: string, params: unknown) => {
      const res = await fetch(devnet.rpc, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
      return ((await res.json()) as { result: Record<string, unknown> }).result;
    };
    const tx = (await rpc("tx", { hash: Buffer.from(sent.transactionHash, "hex").toString("base64") })) as { hash: string; height: string; tx_result: { code: number; gas_used: string } };
    expect(tx).toMatchObject({ hash: sent.transactionHash, height: String(sent.height), tx_result: { code: 0, gas_used: String(sent.gasUsed) } });
    const info = (await rpc("abci_info", {})) as { response: { version: string; last_block_height: string } };
    expect(info.response.version).toBe("v2.1.0");
    expect(Number(info.response.last_block_height)).toBeGreaterThanOrEqual(sent.height);
  });

  it("funds the test account of the documented mnemonic with uakt only", async () => {
    const balances = await tenant.sdk.cosmos.bank.v1beta1.getAllBalances({ address: tenant.address });
    expect(tenant.address).toBe(devnet.testAccount);
    expect(balances.balances.map((b) => b.denom)).toEqual(["uakt"]);
  });
});

describe("devnet chain: ACT minting", () => {
  it("mints ACT at the next epoch for MsgMintACT of at least 10 ACT, at the oracle price less 25 bps", async () => {
    const before = await uactBalance(tenant.address);
    const response = await tenant.sdk.akash.bme.v1.mintACT({ owner: tenant.address, to: tenant.address, coinsToBurn: { denom: "uakt", amount: "100000000" } });
    expect(response.status).toBe(1); // pending: executed at the epoch, not in the tx
    const after = await waitFor("the minted ACT", async () => {
      const now = await uactBalance(tenant.address);
      return now > before ? now : undefined;
    });
    // 100 AKT × $0.5 = 50 ACT, less 0.25 %
    expect(after - before).toBe(49_875_000n);
    const ledger = await tenant.sdk.akash.bme.v1.getLedgerRecords({ filters: { source: tenant.address, status: "ledger_record_status_executed" } });
    expect(ledger.records.length).toBeGreaterThanOrEqual(1);
  });

  it("accepts a mint below 10 ACT, then cancels it at the epoch and refunds the AKT", async () => {
    const uactBefore = await uactBalance(tenant.address);
    const response = await tenant.sdk.akash.bme.v1.mintACT({ owner: tenant.address, to: tenant.address, coinsToBurn: { denom: "uakt", amount: "10000000" } });
    expect(response.status).toBe(1);
    await waitFor("the mint queue to empty", async () => {
      const pending = await tenant.sdk.akash.bme.v1.getLedgerRecords({ filters: { source: tenant.address, status: "ledger_record_status_pending" } });
      return pending.records.length === 0 ? true : undefined;
    });
    expect(await uactBalance(tenant.address)).toBe(uactBefore);
  });
});

describe("devnet chain: transaction checks", () => {
  it("rejects a transaction signed for another chain id with code 4", async () => {
    const account = await tenant.sdk.cosmos.auth.v1beta1.getAccountInfo({ address: tenant.address });
    const msg = { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: tenant.address, toAddress: devnet.auditor, amount: [{ denom: "uakt", amount: "1" }] } };
    const raw = await tenant.signer.sign([msg], FEE, "", {
      accountNumber: Number(account.info!.accountNumber.toString()),
      sequence: Number(account.info!.sequence.toString()),
      chainId: "akashnet-2",
    });
    const { code, log } = await rejection(tenant.signer.broadcast(raw));
    expect(code).toBe(4);
    expect(log).toMatch(/^signature verification failed; please verify account number \(\d+\), sequence \(\d+\) and chain-id \(akash-local\): unauthorized$/);
  });

  it("rejects a stale sequence with code 32 and the expected sequence", async () => {
    const account = await tenant.sdk.cosmos.auth.v1beta1.getAccountInfo({ address: tenant.address });
    const sequence = Number(account.info!.sequence.toString());
    expect(sequence).toBeGreaterThan(0);
    const msg = { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: tenant.address, toAddress: devnet.auditor, amount: [{ denom: "uakt", amount: "1" }] } };
    const raw = await tenant.signer.sign([msg], FEE, "", { accountNumber: Number(account.info!.accountNumber.toString()), sequence: sequence - 1, chainId: DEVNET_CHAIN_ID });
    const { code, log } = await rejection(tenant.signer.broadcast(raw));
    expect(code).toBe(32);
    expect(log).toBe(`account sequence mismatch, expected ${sequence}, got ${sequence - 1}: incorrect account sequence`);
  });

  it("rejects a tampered signature with code 4", async () => {
    const msg = { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: tenant.address, toAddress: devnet.auditor, amount: [{ denom: "uakt", amount: "1" }] } };
    const raw = await tenant.signer.sign([msg], FEE, "");
    const signature = Uint8Array.from(raw.signatures[0]!);
    signature[10] = signature[10]! ^ 0xff;
    const { code, log } = await rejection(tenant.signer.broadcast({ ...raw, signatures: [signature] }));
    expect(code).toBe(4);
    expect(log).toContain("signature verification failed");
  });

  it("rejects a fee below gas × 0.025uakt with code 13", async () => {
    const { code, log } = await rejection(
      tenant.sdk.cosmos.bank.v1beta1.send({ fromAddress: tenant.address, toAddress: devnet.auditor, amount: [{ denom: "uakt", amount: "1" }] }, { fee: { amount: [{ denom: "uakt", amount: "1" }], gas: "200000" } }),
    );
    expect(code).toBe(13);
    expect(log).toBe("insufficient fees; got: 1uakt required: 5000uakt: insufficient fee");
  });

  it("rejects a gas limit too small for the ante handler with code 11 at broadcast", async () => {
    const { code, log } = await rejection(
      tenant.sdk.cosmos.bank.v1beta1.send({ fromAddress: tenant.address, toAddress: devnet.auditor, amount: [{ denom: "uakt", amount: "1" }] }, { fee: { amount: [{ denom: "uakt", amount: "25" }], gas: "1000" } }),
    );
    expect(code).toBe(11);
    expect(log).toMatch(/^out of gas in location: \w+; gasWanted: 1000, gasUsed: \d+: out of gas$/);
  });

  it("includes a transaction whose messages run out of gas, with code 11, and still charges its fee", async () => {
    const before = BigInt((await tenant.sdk.cosmos.bank.v1beta1.getBalance({ address: tenant.address, denom: "uakt" })).balance!.amount);
    const input = createDeploymentInput(tenant.address);
    const { code, log } = await rejection(tenant.sdk.akash.deployment.v1beta4.createDeployment(input, { fee: { amount: [{ denom: "uakt", amount: "1500" }], gas: "60000" } }));
    expect(code).toBe(11);
    expect(log).toMatch(/^out of gas in location: \w+; gasWanted: 60000, gasUsed: \d+: out of gas$/);
    const after = BigInt((await tenant.sdk.cosmos.bank.v1beta1.getBalance({ address: tenant.address, denom: "uakt" })).balance!.amount);
    expect(before - after).toBe(1500n);
    await expect(tenant.sdk.akash.deployment.v1beta4.getDeployment({ id: input.id })).rejects.toThrow(/deployment not found/);
  });

  it("estimates gas by simulation so chain-sdk's default path succeeds, and refuses uact transfers", async () => {
    await tenant.sdk.cosmos.bank.v1beta1.send({ fromAddress: tenant.address, toAddress: devnet.auditor, amount: [{ denom: "uakt", amount: "7" }] });
    const auditor = await tenant.sdk.cosmos.bank.v1beta1.getBalance({ address: devnet.auditor, denom: "uakt" });
    expect(BigInt(auditor.balance!.amount)).toBeGreaterThanOrEqual(7n);
    const { code, log } = await rejection(
      tenant.sdk.cosmos.bank.v1beta1.send({ fromAddress: tenant.address, toAddress: devnet.auditor, amount: [{ denom: "uact", amount: "1" }] }, { fee: FEE }),
    );
    expect(code).toBe(5);
    expect(log).toBe("failed to execute message; message index: 0: uact transfers are currently disabled: send transactions are disabled");
  });
});

describe("devnet chain: MsgCreateDeployment checks", () => {
  beforeAll(async () => {
    if ((await uactBalance(tenant.address)) >= 20_000_000n) return;
    await tenant.sdk.akash.bme.v1.mintACT({ owner: tenant.address, to: tenant.address, coinsToBurn: { denom: "uakt", amount: "100000000" } });
    await waitFor("ACT for deposits", async () => ((await uactBalance(tenant.address)) >= 20_000_000n ? true : undefined));
  });

  it("creates a deployment priced and funded in uact, with one open order per group", async () => {
    const input = createDeploymentInput(tenant.address);
    await tenant.sdk.akash.deployment.v1beta4.createDeployment(input);
    const info = await tenant.sdk.akash.deployment.v1beta4.getDeployment({ id: input.id });
    expect(info.deployment?.state).toBe(1);
    expect(Buffer.from(info.deployment!.hash).equals(Buffer.from(input.hash))).toBe(true);
    expect(info.groups.map((g) => g.groupSpec?.name)).toEqual(["akash"]);
    const orders = await tenant.sdk.akash.market.v1beta5.getOrders({ filters: { owner: tenant.address, dseq: input.id.dseq } });
    expect(orders.orders.map((o) => [o.id?.gseq, o.id?.oseq, o.state])).toEqual([[1, 1, 1]]);
  });

  it("rejects the same deployment id twice with 'Deployment exists' (code 3)", async () => {
    const input = createDeploymentInput(tenant.address);
    await tenant.sdk.akash.deployment.v1beta4.createDeployment(input);
    const { code, log } = await rejection(tenant.sdk.akash.deployment.v1beta4.createDeployment(input, { fee: FEE }));
    expect(code).toBe(3);
    expect(log).toBe("failed to execute message; message index: 0: Deployment exists");
  });

  it("rejects a uakt deposit with uakt prices: 'Deposit invalid' (code 20)", async () => {
    const { code, log } = await rejection(tenant.sdk.akash.deployment.v1beta4.createDeployment(createDeploymentInput(tenant.address, { denom: "uakt" }), { fee: FEE }));
    expect(code).toBe(20);
    expect(log).toBe("failed to execute message; message index: 0: Deposit invalid");
  });

  it("rejects uakt prices with a uact deposit at CheckTx: 'Mismatched denominations' (code 20)", async () => {
    const { code, log } = await rejection(
      tenant.sdk.akash.deployment.v1beta4.createDeployment(createDeploymentInput(tenant.address, { denom: "uakt", depositDenom: "uact" }), { fee: FEE }),
    );
    expect(code).toBe(20);
    expect(log).toBe("Mismatched denominations (uact != uakt): Deposit invalid");
  });

  it("surfaces the same rejection through simulation when chain-sdk estimates the fee", async () => {
    await expect(tenant.sdk.akash.deployment.v1beta4.createDeployment(createDeploymentInput(tenant.address, { denom: "uakt" }))).rejects.toThrow(
      /Query failed with \(6\): rpc error: code = Unknown desc = failed to execute message; message index: 0: Deposit invalid With gas wanted: '\d+' and gas used: '\d+' : unknown request/,
    );
  });

  it("rejects a deposit under 0.5 ACT: 'Deposit too low' (code 20)", async () => {
    const { code, log } = await rejection(tenant.sdk.akash.deployment.v1beta4.createDeployment(createDeploymentInput(tenant.address, { deposit: "499999" }), { fee: FEE }));
    expect(code).toBe(20);
    expect(log).toBe("failed to execute message; message index: 0: Deposit too low - 499999 < 500000uact: Deposit invalid");
  });

  it("rejects a hash that is not 32 bytes at CheckTx (code 10)", async () => {
    const { code, log } = await rejection(tenant.sdk.akash.deployment.v1beta4.createDeployment(createDeploymentInput(tenant.address, { hash: new Uint8Array(31) }), { fee: FEE }));
    expect(code).toBe(10);
    expect(log).toBe("Invalid: deployment hash");
  });

  it("rejects a group over the chain's CPU limit with the chain's own message", async () => {
    const input = createDeploymentInput(tenant.address);
    input.groups[0]!.resources[0]!.resource.cpu!.units = { val: new TextEncoder().encode("400000") };
    const { code, log } = await rejection(tenant.sdk.akash.deployment.v1beta4.createDeployment(input, { fee: FEE }));
    expect(code).toBe(1);
    expect(log).toBe("error: invalid unit CPU (384000 > 400000 > 384000 fails)");
  });

  it("rejects a deposit larger than the uact balance: 'Deposit invalid: insufficient balance'", async () => {
    const { code, log } = await rejection(tenant.sdk.akash.deployment.v1beta4.createDeployment(createDeploymentInput(tenant.address, { deposit: "999999999999" }), { fee: FEE }));
    expect(code).toBe(20);
    expect(log).toBe("failed to execute message; message index: 0: Deposit invalid: insufficient balance");
  });
});
