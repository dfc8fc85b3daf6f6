/**
 * Crash safety: a deploy killed with SIGKILL right after broadcasting the create, after the lease,
 * and after the manifest, then run again, ends with exactly one active deployment and one lease
 * per group, and no transaction was paid twice (one create and one lease transaction in all).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeOnChain, DEVNET_AVAILABLE, DEVNET_MISSING, LOCAL_JSONL, readState, runCommand, startFundedTestNet, summaryOf, type TestNet, WEB_STACK } from "./support/deploy-devnet.js";

const STACK = WEB_STACK;
const LOCAL = LOCAL_JSONL;

describe.skipIf(!DEVNET_AVAILABLE)(`deploy resumes after SIGKILL (${DEVNET_AVAILABLE ? "devnet present" : DEVNET_MISSING})`, () => {
  let net: TestNet;

  beforeAll(async () => {
    net = await startFundedTestNet();
  }, 60_000);
  afterAll(async () => net?.stop());

  for (const point of ["create-broadcast", "lease", "manifest"] as const) {
    it(`killed after ${point}, then run again: one deployment, one lease per group, nothing paid twice`, async () => {
      const killed = await runCommand(net, "deploy", STACK, LOCAL, { AKASH_STACK_CRASH_AT: point });
      expect(killed.signal).toBe("SIGKILL");
      const stateAfterKill = readState(net, "web");
      expect(stateAfterKill.current?.dseq).toMatch(/^\d+$/);

      const resumed = await runCommand(net, "deploy", STACK, LOCAL);
      expect(resumed.stderr).not.toMatch(/akash-stack deploy:/);
      expect(resumed.code).toBe(0);
      const summary = summaryOf(resumed.stdout);
      expect(summary.status).toBe("done");
      expect(summary.dseq).toBe(stateAfterKill.current!.dseq);

      const active = await activeOnChain(net.chain);
      expect(active).toHaveLength(1);
      expect(active[0]!.dseq).toBe(summary.dseq);
      expect(active[0]!.leases.map((l) => l.gseq)).toEqual([1]);

      const txs = readState(net, "web").txs.filter((t) => t.dseq === summary.dseq && t.outcome === undefined);
      expect(txs.filter((t) => t.what.startsWith("create deployment"))).toHaveLength(1);
      expect(txs.filter((t) => t.what.startsWith("lease deployment"))).toHaveLength(1);
      // What the resumed run sent: nothing already done.
      const resent = summary.txs.map((t) => t.what.split(" ")[0]);
      if (point !== "create-broadcast") expect(resent).toEqual([]);
      else expect(resent).toEqual(["lease"]);

      const closed = await runCommand(net, "close", STACK, { network: "local", yes: true });
      expect(closed.code).toBe(0);
      expect(await activeOnChain(net.chain)).toEqual([]);
    }, 120_000);
  }

  it("a replacement killed after its new lease is finished by the next run, which closes the old deployment", async () => {
    const first = await runCommand(net, "deploy", STACK, LOCAL);
    expect(first.code).toBe(0);
    const oldDseq = summaryOf(first.stdout).dseq;
    const killed = await runCommand(net, "deploy", STACK, { ...LOCAL, set: ["cpu=1"] }, { AKASH_STACK_CRASH_AT: "lease" });
    expect(killed.signal).toBe("SIGKILL");
    // Both run now: the old one keeps serving until the new one is ready (no downtime).
    expect((await activeOnChain(net.chain)).length).toBe(2);

    const resumed = await runCommand(net, "deploy", STACK, { ...LOCAL, set: ["cpu=1"] });
    expect(resumed.code).toBe(0);
    const summary = summaryOf(resumed.stdout);
    expect(summary.dseq).not.toBe(oldDseq);
    expect(summary.txs.map((t) => t.what)).toEqual([`close deployment ${oldDseq}`]);
    expect(await activeOnChain(net.chain)).toEqual([{ dseq: summary.dseq, leases: [expect.objectContaining({ gseq: 1 })] }]);
    expect(readState(net, "web").previous).toBeUndefined();
    await runCommand(net, "close", STACK, { network: "local", yes: true });
  }, 120_000);
});
