/**
 * deploy's first step, reconciling the state file with the chain, in this process against a
 * scripted chain: the end-to-end deploy tests cover it too, but in child processes, where neither
 * a debugger nor mutation testing reaches. Each run is stopped at the plan line that follows the
 * reconcile (the reporter throws there), and the test reads what the run made of the state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Network } from "../src/chain/networks.js";
import type { ChainClient, DeploymentInfo, Lease } from "../src/chain/types.js";
import type { DesiredDeployment } from "../src/deploy/desired.js";
import { deployStack, type DeployOptions } from "../src/deploy/deploy.js";
import type { ProviderDirectory } from "../src/deploy/providers.js";
import type { Reporter } from "../src/deploy/report.js";
import { loadState, newState, type DeploymentRecord, type StackState } from "../src/deploy/state.js";

const OWNER = "akash19rl4cm2hmr8afy4kldpxz3fka4jguq0a3mq6x0";
const NEW_HASH = "aa".repeat(32);
const NEW_TEMPLATE = "bb".repeat(32);
const OLD_HASH = "cc".repeat(32);
const OLD_TEMPLATE = "dd".repeat(32);
const OTHER_HASH = "ee".repeat(32);

const NETWORK: Network = {
  name: "local",
  chainId: "akash-local",
  rpc: "http://127.0.0.1:1",
  grpc: "http://127.0.0.1:1",
  api: "http://127.0.0.1:1",
  gasPrice: "0.025uakt",
  blockSeconds: 1,
  depositDenom: "uact",
};

const DESIRED = {
  stack: "web",
  groups: [],
  templateHash: NEW_TEMPLATE,
  templateManifest: [],
  manifest: { json: "[]", hash: NEW_HASH, groups: [] },
  missingSecrets: [],
  createdSecrets: [],
  notices: [],
} as unknown as DesiredDeployment;

const OPTIONS: DeployOptions = {
  yes: true,
  policy: {} as DeployOptions["policy"],
  bidTimeoutMs: 1000,
  readyTimeoutMs: 1000,
  pollMs: 1,
  manifestDeadlineMs: 1000,
  dnsWait: false,
};

class StopAtPlan extends Error {}

/** The chain as a script: deployments by dseq, transactions by hash, every call counted. */
function scriptedChain(script: {
  deployments?: Record<string, DeploymentInfo | DeploymentInfo[]>;
  txs?: Record<string, { code: number; height: number; log: string }>;
  /** What the owner's active-deployment listing returns, and the leases by dseq. */
  active?: DeploymentInfo[];
  leases?: Record<string, Lease[]>;
}) {
  const calls: string[] = [];
  const seen = new Map<string, number>();
  const chain = {
    chainId: "akash-local",
    address: OWNER,
    gasPrice: { denom: "uakt", price: 0.025 },
    async deployment(owner: string, dseq: string) {
      calls.push(`deployment ${dseq}`);
      expect(owner).toBe(OWNER);
      // A list answers one entry per call (the last one repeats): a deployment that appears later.
      const answer = script.deployments?.[dseq];
      if (!Array.isArray(answer)) return answer;
      const n = seen.get(dseq) ?? 0;
      seen.set(dseq, n + 1);
      return answer[Math.min(n, answer.length - 1)];
    },
    async findTx(hash: string) {
      calls.push(`findTx ${hash}`);
      return script.txs?.[hash];
    },
    async deployments() {
      calls.push("deployments");
      return script.active ?? [];
    },
    async leases(_owner: string, dseq: string) {
      return script.leases?.[dseq] ?? [];
    },
    async memosOf() {
      return [];
    },
  };
  return { chain: chain as unknown as ChainClient, calls };
}

function reporter(lines: string[]): Reporter {
  return {
    step: (step, status, message) => lines.push(`${step} ${status}: ${message}`),
    waiting: (message) => lines.push(`waiting ${message}`),
    info: (message) => {
      if (message.startsWith("plan:")) throw new StopAtPlan(message);
      lines.push(message);
    },
    warn: (message) => lines.push(`warning: ${message}`),
    summary: () => {},
  };
}

function record(dseq: string, fields: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    dseq,
    hash: OLD_HASH,
    templateHash: OLD_TEMPLATE,
    groups: ["web"],
    deposit: { denom: "uact", amount: "5000000" },
    phase: "ready",
    leases: [],
    endpoints: {},
    createdAt: "2026-01-01T00:00:00.000Z",
    ...fields,
  };
}

function onChain(dseq: string, state: "active" | "closed", hash: string): DeploymentInfo {
  return { owner: OWNER, dseq, state, hash, groups: [], createdAt: 1 } as unknown as DeploymentInfo;
}

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "akash-stack-reconcile-"));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(home, { recursive: true, force: true });
});

async function reconcile(state: StackState, chain: ChainClient, network: Network = NETWORK, providers = {} as ProviderDirectory) {
  const lines: string[] = [];
  const summary = await deployStack(DESIRED, { chain, network, home, providers, reporter: reporter(lines), confirm: undefined, state }, OPTIONS);
  // The run went as far as the plan line and no further: whatever the state now says, reconcile did.
  expect(summary.status).toBe("failed");
  expect(summary.error).toMatch(/^plan: /);
  return { lines, saved: await loadState(home, "web", "local") };
}

function stateWith(slots: { current?: DeploymentRecord; previous?: DeploymentRecord }): StackState {
  return { ...newState("web", "local", "akash-local", OWNER), ...slots };
}

describe("deploy reconciles the state file with the chain before anything else", () => {
  it("forgets a recorded deployment the chain does not have, and says its create never landed", async () => {
    const state = stateWith({ current: record("100") });
    const { chain, calls } = scriptedChain({});
    const { lines, saved } = await reconcile(state, chain);
    expect(state.current).toBeUndefined();
    expect(saved?.current).toBeUndefined();
    expect(lines).toContain("deployment 100 from the state file is not on chain (its create transaction never landed); starting over");
    // Nothing on chain to wait for: a created (not creating) record is not looked for by transaction.
    expect(calls.filter((c) => c.startsWith("findTx"))).toEqual([]);
    // With the slot empty, the chain is searched for the stack instead.
    expect(calls).toContain("deployments");
  });

  it("moves a deployment found closed on chain to the closed list", async () => {
    const state = stateWith({ current: record("100") });
    const { chain } = scriptedChain({ deployments: { "100": onChain("100", "closed", OLD_HASH) } });
    const { lines, saved } = await reconcile(state, chain);
    expect(state.current).toBeUndefined();
    expect(saved?.closed).toEqual([{ dseq: "100", closedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), reason: "found closed on chain" }]);
    expect(lines).toContain("deployment 100 from the state file is closed on chain");
  });

  it("reconciles the previous deployment of an interrupted replacement too, even with no current one", async () => {
    const state = stateWith({ previous: record("90") });
    const { chain } = scriptedChain({ deployments: { "90": onChain("90", "closed", OLD_HASH) } });
    const { saved } = await reconcile(state, chain);
    expect(saved?.previous).toBeUndefined();
    expect(saved?.closed.map((c) => c.dseq)).toEqual(["90"]);
  });

  it("keeps an active deployment and takes its hash from the chain", async () => {
    const state = stateWith({ current: record("100", { hash: OLD_HASH, templateHash: OLD_TEMPLATE, phase: "ready" }), previous: record("90") });
    const { chain } = scriptedChain({ deployments: { "100": onChain("100", "active", OTHER_HASH), "90": onChain("90", "active", OLD_HASH) } });
    const { saved } = await reconcile(state, chain);
    // The chain's hash is another stack version's: the recorded template hash no longer describes it,
    // but there is nothing better to put there, so it stays.
    expect(saved?.current).toMatchObject({ dseq: "100", hash: OTHER_HASH, templateHash: OLD_TEMPLATE, phase: "ready" });
    expect(saved?.previous).toMatchObject({ dseq: "90", hash: OLD_HASH, phase: "ready" });
    expect(saved?.closed).toEqual([]);
  });

  it("records this stack's template hash when an update landed on chain before the run that sent it died", async () => {
    const state = stateWith({ current: record("100", { hash: OLD_HASH, templateHash: OLD_TEMPLATE }) });
    const { chain } = scriptedChain({ deployments: { "100": onChain("100", "active", NEW_HASH) } });
    const { saved } = await reconcile(state, chain);
    expect(saved?.current).toMatchObject({ hash: NEW_HASH, templateHash: NEW_TEMPLATE });
  });

  it("leaves the template hash alone when the recorded hash already was the chain's", async () => {
    // Recorded with the stack's current hash but an older template hash (the template changed
    // without changing the manifest): nothing landed behind the state file's back.
    const state = stateWith({ current: record("100", { hash: NEW_HASH, templateHash: OLD_TEMPLATE }) });
    const { chain } = scriptedChain({ deployments: { "100": onChain("100", "active", NEW_HASH) } });
    const { saved } = await reconcile(state, chain);
    expect(saved?.current).toMatchObject({ hash: NEW_HASH, templateHash: OLD_TEMPLATE });
  });

  it("marks a deployment whose create landed as created, and leaves later phases as they were", async () => {
    const state = stateWith({ current: record("100", { phase: "creating", createTx: "TX1" }), previous: record("90", { phase: "leased" }) });
    const { chain, calls } = scriptedChain({ deployments: { "100": onChain("100", "active", OLD_HASH), "90": onChain("90", "active", OLD_HASH) } });
    const { saved } = await reconcile(state, chain);
    expect(saved?.current?.phase).toBe("created");
    expect(saved?.previous?.phase).toBe("leased");
    // Found at once: its transaction is not looked up.
    expect(calls.filter((c) => c.startsWith("findTx"))).toEqual([]);
  });
});

describe("a deployment whose create may still be pending", () => {
  it("waits for the interrupted run's create transaction and takes the deployment it made", async () => {
    const state = stateWith({ current: record("100", { phase: "creating", createTx: "ABCDEF0123456789" }) });
    const { chain, calls } = scriptedChain({
      deployments: { "100": [undefined as unknown as DeploymentInfo, onChain("100", "active", OLD_HASH)] },
      txs: { ABCDEF0123456789: { code: 0, height: 5, log: "" } },
    });
    const { lines, saved } = await reconcile(state, chain);
    expect(lines).toContain("waiting for create transaction ABCDEF012345… of deployment 100 (sent by an interrupted run)");
    expect(calls.slice(0, 3)).toEqual(["deployment 100", "findTx ABCDEF0123456789", "deployment 100"]);
    expect(saved?.current).toMatchObject({ dseq: "100", phase: "created" });
  });

  it("creates again when that transaction failed on chain", async () => {
    const state = stateWith({ current: record("100", { phase: "creating", createTx: "TX1" }) });
    const { chain, calls } = scriptedChain({ txs: { TX1: { code: 11, height: 5, log: "out of gas" } } });
    const { lines, saved } = await reconcile(state, chain);
    expect(lines).toContain("the interrupted run's create transaction failed on chain (code 11: out of gas); creating again");
    expect(saved?.current).toBeUndefined();
    // Failed means never: the deployment is not asked for again after the transaction's verdict.
    expect(calls.slice(0, 2)).toEqual(["deployment 100", "findTx TX1"]);
    expect(calls[2]).not.toBe("deployment 100");
  });

  it("takes the deployment when it appears while its transaction is still unknown", async () => {
    const state = stateWith({ current: record("100", { phase: "creating", createTx: "TX1" }) });
    const { chain } = scriptedChain({ deployments: { "100": [undefined as unknown as DeploymentInfo, onChain("100", "active", OLD_HASH)] } });
    const { saved } = await reconcile(state, chain);
    expect(saved?.current).toMatchObject({ dseq: "100", phase: "created" });
  });

  it("does not wait for a record still creating that has no transaction hash", async () => {
    const state = stateWith({ current: record("100", { phase: "creating" }) });
    const { chain, calls } = scriptedChain({});
    const { lines, saved } = await reconcile(state, chain);
    expect(calls.filter((c) => c.startsWith("findTx"))).toEqual([]);
    expect(lines.some((l) => l.startsWith("waiting"))).toBe(false);
    expect(saved?.current).toBeUndefined();
  });

  it("gives up after 15 blocks (at least 15 s) and starts over", async () => {
    // A clock that moves 10 s at each look: with 6-second blocks the wait is 90 s, so nine looks
    // at the transaction; with 15 s it would be one.
    let now = 1_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => (now += 10_000));
    const state = stateWith({ current: record("100", { phase: "creating", createTx: "TX1" }) });
    const { chain, calls } = scriptedChain({});
    const { lines, saved } = await reconcile(state, chain, { ...NETWORK, blockSeconds: 6 });
    const looks = calls.filter((c) => c === "findTx TX1").length;
    expect(looks).toBeGreaterThanOrEqual(7);
    expect(looks).toBeLessThanOrEqual(9);
    expect(saved?.current).toBeUndefined();
    expect(lines).toContain("deployment 100 from the state file is not on chain (its create transaction never landed); starting over");
  });

  it("waits at least 15 s even with short blocks", async () => {
    let now = 1_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => (now += 1_000));
    const state = stateWith({ current: record("100", { phase: "creating", createTx: "TX1" }) });
    const { chain, calls } = scriptedChain({});
    await reconcile(state, chain, { ...NETWORK, blockSeconds: 0.2 });
    const looks = calls.filter((c) => c === "findTx TX1").length;
    // 15 s at 1 s a look, less the looks the clock makes elsewhere: far more than 15 × 0.2 s allows.
    expect(looks).toBeGreaterThanOrEqual(5);
    expect(looks).toBeLessThanOrEqual(15);
  });
});

describe("with no deployment in the state file", () => {
  const P1 = `akash1${"q".repeat(38)}`;
  const P2 = `akash1${"p".repeat(38)}`;
  const P3 = `akash1${"r".repeat(38)}`;
  const lease = (gseq: number, provider: string, state: string): Lease =>
    ({ owner: OWNER, dseq: "200", gseq, oseq: 1, provider, bseq: 3, state, price: { denom: "uact", amount: "1.5" } }) as unknown as Lease;

  it("adopts the stack's deployment found on chain, with its active leases and what their providers already run", async () => {
    const state = stateWith({});
    const { chain } = scriptedChain({
      active: [onChain("200", "active", NEW_HASH)],
      leases: { "200": [lease(2, P2, "active"), lease(1, P1, "active"), lease(3, P3, "closed")] },
    });
    const providers = {
      async client(address: string) {
        if (address === P2) throw new Error("provider has no host URI");
        return { hostUri: `https://${address.slice(-4)}.example:8443`, leaseStatus: async () => ({ services: {} }) };
      },
    } as unknown as ProviderDirectory;
    const { lines, saved } = await reconcile(state, chain, NETWORK, providers);
    expect(lines).toContain("find-on-chain done: found deployment 200 on chain (its manifest hash is the stack's); using it");
    expect(saved?.current).toMatchObject({ dseq: "200", hash: NEW_HASH, templateHash: NEW_TEMPLATE, phase: "leased" });
    expect(saved?.current?.leases).toEqual([
      { gseq: 1, oseq: 1, provider: P1, bseq: 3, price: { denom: "uact", amount: "1.5" }, hostUri: "https://qqqq.example:8443", manifestHash: NEW_HASH },
      { gseq: 2, oseq: 1, provider: P2, bseq: 3, price: { denom: "uact", amount: "1.5" } },
    ]);
    expect(saved?.log.at(-1)).toMatchObject({ step: "find-on-chain", status: "done", dseq: "200", detail: "hash" });
  });

  it("does not mark a lease's manifest as sent when its provider cannot say what it runs", async () => {
    const state = stateWith({});
    const { chain } = scriptedChain({ active: [onChain("200", "active", NEW_HASH)], leases: { "200": [lease(1, P1, "active")] } });
    const providers = {
      client: async () => ({
        hostUri: "https://p1.example:8443",
        leaseStatus: async () => {
          throw new Error("404");
        },
      }),
    } as unknown as ProviderDirectory;
    const { saved } = await reconcile(state, chain, NETWORK, providers);
    expect(saved?.current?.leases).toEqual([{ gseq: 1, oseq: 1, provider: P1, bseq: 3, price: { denom: "uact", amount: "1.5" }, hostUri: "https://p1.example:8443" }]);
  });

  it("reports what it found without adopting anything when no deployment is the stack's", async () => {
    const state = stateWith({});
    // Another stack's deployment (other hash, no marker) with the stack's groups: a look-alike.
    const { chain } = scriptedChain({ active: [onChain("300", "active", OTHER_HASH)] });
    const { lines, saved } = await reconcile(state, chain);
    expect(saved?.current).toBeUndefined();
    expect(lines.some((l) => l.startsWith("deployment 300 has web's groups and resources but no akash-stack marker"))).toBe(true);
    expect(lines.some((l) => l.startsWith("find-on-chain"))).toBe(false);
  });

  it("does not search the chain when the state file names a deployment", async () => {
    const state = stateWith({ current: record("100") });
    const { chain, calls } = scriptedChain({ deployments: { "100": onChain("100", "active", OLD_HASH) }, active: [onChain("200", "active", NEW_HASH)] });
    const { saved } = await reconcile(state, chain);
    expect(calls).not.toContain("deployments");
    expect(saved?.current?.dseq).toBe("100");
  });
});
