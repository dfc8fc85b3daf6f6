/**
 * The devnet's x/oracle AggregatedPrice query (what the deployer sizes an ACT mint from): served
 * over gRPC (chain-sdk's createChainNodeSDK) and grpc-gateway REST (plain fetch, at the path
 * chain-sdk's descriptor declares), answering the same AKT price the mint epoch converts with, and
 * the chain's error for a denom without a price. Also: devnet.json carries blockTimeMs.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintNeed } from "../src/deploy/amounts.js";
import { DEFAULT_AKT_PRICE_USD } from "../src/devnet/constants.js";
import { parseDecimal } from "../src/devnet/decimal.js";
import { loadServiceDescriptors } from "../src/devnet/descriptors.js";
import { DEVNET_TEST_MNEMONIC, startDevnet, type Devnet } from "../src/devnet/index.js";
import { clientFor, waitFor, type Client } from "./support/devnet.js";

const BLOCK_TIME = 100;

let devnet: Devnet;
let tenant: Client;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "akash-stack-oracle-"));
  devnet = await startDevnet({ blockTime: BLOCK_TIME, providers: 0, home, mintEpochBlocks: 2 });
  tenant = await clientFor(devnet, DEVNET_TEST_MNEMONIC);
}, 60_000);

afterAll(async () => {
  await devnet?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** The REST path of AggregatedPrice, from chain-sdk's own descriptor (not typed in by hand). */
async function aggregatedPricePath(denom: string): Promise<string> {
  const oracle = (await loadServiceDescriptors()).get("akash.oracle.v1.Query");
  const path = oracle?.methods.aggregatedPrice?.httpPath;
  if (!path) throw new Error("chain-sdk's akash.oracle.v1.Query descriptor declares no httpPath for AggregatedPrice");
  return path.replace("{denom}", encodeURIComponent(denom));
}

async function uactBalance(client: Client): Promise<bigint> {
  return BigInt((await client.sdk.cosmos.bank.v1beta1.getBalance({ address: client.address, denom: "uact" })).balance?.amount ?? "0");
}

describe("akash.oracle.v1 AggregatedPrice on the devnet", () => {
  it("answers the documented AKT price for uakt over gRPC, as one healthy source", async () => {
    const response = await tenant.sdk.akash.oracle.v1.getAggregatedPrice({ denom: "uakt" });
    const price = response.aggregatedPrice!;
    expect(parseDecimal(price.twap)).toBe(parseDecimal(DEFAULT_AKT_PRICE_USD));
    expect(price.medianPrice).toBe(price.twap);
    expect(price.minPrice).toBe(price.twap);
    expect(price.maxPrice).toBe(price.twap);
    expect(price.numSources).toBe(1);
    expect(price.deviationBps.toString()).toBe("0");
    expect(price.timestamp).toBeInstanceOf(Date);
    expect(response.priceHealth).toMatchObject({ isHealthy: true, hasMinSources: true, deviationOk: true, totalSources: 1, totalHealthySources: 1, failureReason: [] });
  });

  it("answers the same price for the base denom akt (the keeper maps uakt onto akt)", async () => {
    const micro = await tenant.sdk.akash.oracle.v1.getAggregatedPrice({ denom: "uakt" });
    const base = await tenant.sdk.akash.oracle.v1.getAggregatedPrice({ denom: "akt" });
    expect(base.aggregatedPrice?.twap).toBe(micro.aggregatedPrice?.twap);
  });

  it("answers over grpc-gateway REST at the descriptor's path, in the gateway's JSON", async () => {
    const res = await fetch(`${devnet.api}${await aggregatedPricePath("uakt")}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      aggregated_price: { denom: string; twap: string; median_price: string; min_price: string; max_price: string; num_sources: number; deviation_bps: string; timestamp: string };
      price_health: { is_healthy: boolean; total_sources: number; failure_reason: string[] };
    };
    // LegacyDec is written with 18 fractional digits, int64 as a string
    expect(body.aggregated_price.twap).toMatch(/^\d+\.\d{18}$/);
    expect(parseDecimal(body.aggregated_price.twap)).toBe(parseDecimal(DEFAULT_AKT_PRICE_USD));
    expect(body.aggregated_price.median_price).toBe(body.aggregated_price.twap);
    expect(body.aggregated_price.deviation_bps).toBe("0");
    expect(body.aggregated_price.num_sources).toBe(1);
    expect(Number.isNaN(Date.parse(body.aggregated_price.timestamp))).toBe(false);
    expect(body.price_health.is_healthy).toBe(true);
    expect(body.price_health.failure_reason).toEqual([]);
  });

  it("rejects a denom without a price, over gRPC (Unknown) and REST (500, code 2), with the chain's text", async () => {
    await expect(tenant.sdk.akash.oracle.v1.getAggregatedPrice({ denom: "uatom" })).rejects.toThrow(/not found.*uatom.*price stalled/);
    const res = await fetch(`${devnet.api}${await aggregatedPricePath("uatom")}`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { code: number; message: string };
    expect(body.code).toBe(2);
    expect(body.message).toMatch(/price stalled/);
  });

  it("quotes the rate the mint converts at: a mint sized from the oracle price yields the ACT asked for", async () => {
    const [oracle, bme] = await Promise.all([tenant.sdk.akash.oracle.v1.getAggregatedPrice({ denom: "uakt" }), tenant.sdk.akash.bme.v1.getParams({})]);
    const priceAtomics = parseDecimal(oracle.aggregatedPrice!.twap);
    const spreadBps = bme.params!.mintSpreadBps;
    // what the deployer does: 25 ACT wanted, sized from the oracle's price and the mint spread
    const wantedUact = 25_000_000n;
    const need = mintNeed(wantedUact, 0n, 10_000_000n, Number(oracle.aggregatedPrice!.twap), spreadBps)!;
    expect(need.burnUakt).toBeDefined();

    const before = await uactBalance(tenant);
    await tenant.sdk.akash.bme.v1.mintACT({ owner: tenant.address, to: tenant.address, coinsToBurn: { denom: "uakt", amount: need.burnUakt!.toString() } });
    const minted = await waitFor("the mint to execute", async () => {
      const now = await uactBalance(tenant);
      return now > before ? now - before : undefined;
    });
    // the mint's own conversion, at the oracle's price: uakt × price, less the spread
    const expected = (((need.burnUakt! * priceAtomics) / 10n ** 18n) * (10_000n - BigInt(spreadBps))) / 10_000n;
    expect(minted).toBe(expected);
    expect(minted).toBeGreaterThanOrEqual(wantedUact);
  }, 30_000);

  it("writes blockTimeMs to devnet.json", () => {
    const written = JSON.parse(readFileSync(devnet.file!, "utf8")) as { blockTimeMs?: number };
    expect(written.blockTimeMs).toBe(BLOCK_TIME);
  });
});

describe("the oracle follows the devnet's aktPriceUsd option", () => {
  it("answers a configured price, and the mint converts at it", async () => {
    const other = await startDevnet({ blockTime: BLOCK_TIME, providers: 0, writeDevnetJson: false, mintEpochBlocks: 2, aktPriceUsd: "1.25" });
    try {
      const client = await clientFor(other, DEVNET_TEST_MNEMONIC);
      const oracle = await client.sdk.akash.oracle.v1.getAggregatedPrice({ denom: "uakt" });
      expect(parseDecimal(oracle.aggregatedPrice!.twap)).toBe(parseDecimal("1.25"));
      const burn = 20_000_000n; // 20 AKT at 1.25 USD: 25 ACT less the spread
      await client.sdk.akash.bme.v1.mintACT({ owner: client.address, to: client.address, coinsToBurn: { denom: "uakt", amount: burn.toString() } });
      const minted = await waitFor("the mint to execute", async () => {
        const now = await uactBalance(client);
        return now > 0n ? now : undefined;
      });
      const spreadBps = BigInt((await client.sdk.akash.bme.v1.getParams({})).params!.mintSpreadBps);
      expect(minted).toBe((((burn * parseDecimal(oracle.aggregatedPrice!.twap)) / 10n ** 18n) * (10_000n - spreadBps)) / 10_000n);
    } finally {
      await other.stop();
    }
  }, 60_000);
});
