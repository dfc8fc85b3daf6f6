/**
 * Expected prices (the helm chart bid script's formula and defaults), the default deposit sized
 * from them, and `plan` showing them next to the ceiling. The script's arithmetic is written out
 * by hand in each case, so a slip in src/sdl/prices.ts cannot agree with itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import registry from "../stacks/registry.js";
import { resolveNetwork } from "../src/chain/networks.js";
import { defaultDepositUact, DEFAULT_RUNWAY_HOURS, expectedPerBlock, groupMaxPricePerBlock } from "../src/deploy/amounts.js";
import { prepareDeployment, type DesiredDeployment } from "../src/deploy/desired.js";
import { buildPlan, formatPlan } from "../src/deploy/plan.js";
import type { GroupSpec } from "../src/sdl/groups.js";
import { expectedPricePerBlock, expectedUactPerBlock, monthlyUsdOf, PRICE_SCRIPT_BLOCKS_PER_MONTH, PROVIDER_PRICE_DEFAULTS } from "../src/sdl/prices.js";
import { EndpointKind, type UnitResources } from "../src/sdl/resources.js";
import { synth } from "../src/stack/index.js";

const DEC = 10n ** 18n;
const GIB = 1024n ** 3n;
const SECRETS = { POSTGRES_PASSWORD: "pg-secret-1", OPENREGISTRY_DB_PASSWORD: "db-secret-1", OPENREGISTRY_AUTH_KEY: "a2V5" };

/** 18-decimal fixed point → number, for comparing with the hand arithmetic. */
const num = (atomics: bigint): number => Number(atomics) / 1e18;
/** USD per month → uact per block, as the script converts (ACT = 1 USD). */
const perBlock = (usdPerMonth: number): number => (usdPerMonth * 1_000_000) / 430_966;

function unit(r: Partial<UnitResources> & { cpuMillis?: bigint; memoryBytes?: bigint }, count = 1) {
  const resources: UnitResources = {
    id: 1,
    cpu: { units: r.cpuMillis ?? 0n, attributes: [] },
    memory: { size: r.memoryBytes ?? 0n, attributes: [] },
    storage: r.storage ?? [],
    gpu: r.gpu ?? { units: 0n, attributes: [] },
    endpoints: r.endpoints ?? [],
  };
  return { resources, count };
}

function group(name: string, units: ReturnType<typeof unit>[], ceilingPerReplica: string): GroupSpec {
  return {
    name,
    requirements: { signedBy: { allOf: null, anyOf: null }, attributes: null },
    resources: units.map((u) => ({ ...u, price: { denom: "uact", amount: ceilingPerReplica } })),
  };
}

const beta3 = (name: string, bytes: bigint) => ({ name, size: bytes, attributes: [{ key: "class", value: "beta3" }, { key: "persistent", value: "true" }] });
const ephemeral = (bytes: bigint) => ({ name: "default", size: bytes, attributes: null });

describe("expected prices: the bid script's formula at its defaults", () => {
  it("uses the chart's defaults and 430,966 blocks a month", () => {
    expect(PROVIDER_PRICE_DEFAULTS).toMatchObject({ cpu: 1.6, memory: 0.8, ephemeralStorage: 0.02, persistentStorage: { beta1: 0.01, beta2: 0.03, beta3: 0.04 }, endpoint: 0.05, leasedIp: 5, gpuDefault: 100 });
    expect(PRICE_SCRIPT_BLOCKS_PER_MONTH).toBe(430_966);
  });

  it("prices the issue's web server next to a PostgreSQL at about 10 uact per block", () => {
    const web = unit({ cpuMillis: 500n, memoryBytes: GIB / 2n, storage: [ephemeral(GIB)], endpoints: [{ kind: EndpointKind.SHARED_HTTP, sequenceNumber: 0 }] });
    const db = unit({ cpuMillis: 1000n, memoryBytes: GIB, storage: [ephemeral(GIB), beta3("data", 10n * GIB)] });
    const usd = 1.5 * 1.6 + 1.5 * 0.8 + 2 * 0.02 + 10 * 0.04 + 0.05;
    expect(num(monthlyUsdOf([web, db]))).toBeCloseTo(usd, 9);
    expect(num(expectedUactPerBlock([web, db]))).toBeCloseTo(perBlock(usd), 9);
    expect(num(expectedUactPerBlock([web, db]))).toBeCloseTo(9.49, 2);
  });

  it("counts replicas, leases an IP once however many ports use it, and prices ram volumes at nothing", () => {
    const edge = unit(
      {
        cpuMillis: 250n,
        memoryBytes: GIB / 4n,
        storage: [{ name: "shm", size: GIB, attributes: [{ key: "class", value: "ram" }] }],
        endpoints: [
          { kind: EndpointKind.LEASED_IP, sequenceNumber: 3 },
          { kind: EndpointKind.LEASED_IP, sequenceNumber: 3 },
          { kind: EndpointKind.RANDOM_PORT, sequenceNumber: 0 },
        ],
      },
      2,
    );
    const usd = 2 * (0.25 * 1.6 + 0.25 * 0.8 + 3 * 0.05 + 5);
    expect(num(monthlyUsdOf([edge]))).toBeCloseTo(usd, 9);
  });

  it("prices GPUs by model mapping, an unknown model at the highest price, and scales by a provider's multiplier", () => {
    const gpu = (model: string) => unit({ gpu: { units: 2n, attributes: [{ key: `vendor/nvidia/model/${model}`, value: "true" }] } });
    expect(num(monthlyUsdOf([gpu("a100")]))).toBe(200);
    const mapped = { ...PROVIDER_PRICE_DEFAULTS, gpuModels: { a100: 120, t4: 80, h100: 180 } };
    expect(num(monthlyUsdOf([gpu("t4")], mapped))).toBe(160);
    expect(num(monthlyUsdOf([gpu("rtx4090")], mapped))).toBe(360);
    const base = expectedUactPerBlock([gpu("t4")], mapped);
    expect(num(expectedUactPerBlock([gpu("t4")], mapped, 1.1))).toBeCloseTo(num(base) * 1.1, 9);
    expect(() => expectedUactPerBlock([gpu("t4")], mapped, 0)).toThrow(/multiplier must be a positive number/);
    expect(() => monthlyUsdOf([gpu("t4")], { ...mapped, cpu: -1 })).toThrow(/price target must be a non-negative number/);
  });
});

/** A chain with no deployment, no balance and mainnet's parameters: what `plan` reads. */
function emptyMainnetChain() {
  return {
    gasPrice: { denom: "uakt", price: 0.025 },
    deployment: async () => undefined,
    deployments: async () => [],
    memosOf: async () => [],
    leases: async () => [],
    balances: async () => [],
    depositParams: async () => ({ minDeposits: [{ denom: "uact", amount: "500000" }] }),
    mintParams: async () => ({ minMint: { denom: "uact", amount: "10000000" }, epochBlocks: 10, spreadBps: 25, aktPriceInAct: 0.5, mintsAllowed: true }),
  };
}

describe("the registry stack at default provider prices", () => {
  let home: string;
  let desired: DesiredDeployment;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "akash-stack-prices-"));
    desired = await prepareDeployment("registry", synth(registry, {}), { mode: "deploy", env: SECRETS, home, cwd: home });
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("is expected at about 66 uact per block, far under its ceiling", () => {
    const expected = num(expectedPricePerBlock(desired.groups));
    expect(expected).toBeGreaterThan(40);
    expect(expected).toBeLessThan(100);
    expect(num(expectedPerBlock(desired.groups))).toBe(expected);
    const ceiling = num(desired.groups.reduce((sum, g) => sum + groupMaxPricePerBlock(g), 0n));
    expect(ceiling).toBeGreaterThan(expected);
  });

  it("sizes the default deposit for 48 h at the expected price, at any block time", () => {
    const expected = num(expectedPerBlock(desired.groups));
    for (const blockSeconds of [6.1, 0.5, 0.2]) {
      const deposit = Number(defaultDepositUact(desired.groups, blockSeconds, 500_000n));
      const runwayHours = (deposit / expected) * (blockSeconds / 3600);
      expect(runwayHours).toBeGreaterThanOrEqual(DEFAULT_RUNWAY_HOURS);
      // Rounded up to whole ACT, no more.
      expect(deposit - expected * (DEFAULT_RUNWAY_HOURS * 3600) / blockSeconds).toBeLessThan(1_000_000);
    }
    expect(DEFAULT_RUNWAY_HOURS).toBe(48);
  });

  it("plan shows the expected monthly cost next to the ceiling, and deposits from the expected price", async () => {
    const network = await resolveNetwork("mainnet", { home });
    const chain = emptyMainnetChain();
    const plan = await buildPlan({ desired, network, chain, owner: "akash19rl4cm2hmr8afy4kldpxz3fka4jguq0a3mq6x0", state: undefined });
    const expected = num(expectedPerBlock(desired.groups));
    expect(Number(plan.cost.expectedPerBlock)).toBeCloseTo(expected, 5);
    expect(Number(plan.cost.expectedPerMonth)).toBeCloseTo(expected * plan.cost.blocksPerMonth, 0);
    expect(Number(plan.deposit.amount)).toBe(Number(defaultDepositUact(desired.groups, network.blockSeconds, 500_000n)));
    const text = formatPlan(plan);
    expect(text).toMatch(/ {2}expected {2}0\.0000\d+ ACT\/block = \d+\.\d+ ACT\/month \(at the default provider prices\)\n {2}ceiling /);
    expect(text).toContain(`default: ${DEFAULT_RUNWAY_HOURS} h at the expected price`);
  });

  it("plan warns when a group's ceiling is under what default providers bid, and expects no more than the ceiling", async () => {
    const network = await resolveNetwork("mainnet", { home });
    const stingy = group("cheap", [unit({ cpuMillis: 4000n, memoryBytes: 8n * GIB })], "1.000000000000000000");
    expect(expectedPerBlock([stingy])).toBe(DEC);
    const chain = emptyMainnetChain();
    const plan = await buildPlan({ desired: { ...desired, groups: [stingy] }, network, chain, owner: "akash19rl4cm2hmr8afy4kldpxz3fka4jguq0a3mq6x0", state: undefined });
    expect(plan.notes.join("\n")).toMatch(/group cheap: its ceiling \(1 uact\/block\) is below what providers bid at the default prices \(\d+\.\d+\); expect few or no bids/);
  });
});
