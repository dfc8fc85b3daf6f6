/**
 * Resuming where the last run left something in flight, with the devnet holding transactions out of
 * blocks (`holdTxBlocks`) so the pending path really runs (without it the create has always landed
 * before the resumed run starts):
 * - a run killed right after broadcasting the create, while that transaction still waits in the
 *   mempool: the next run waits for it and creates nothing (one create transaction, one deployment);
 * - a run killed right after the manifest: the next run does not send the manifest again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeOnChain, DEVNET_AVAILABLE, DEVNET_MISSING, jsonlOf, LOCAL_JSONL, readState, runCommand, startFundedTestNet, type TestNet, WEB_STACK } from "./support/deploy-devnet.js";

describe.skipIf(!DEVNET_AVAILABLE)(`deploy resumes what is in flight (${DEVNET_AVAILABLE ? "devnet present" : DEVNET_MISSING})`, () => {
  let net: TestNet;

  beforeAll(async () => {
    net = await startFundedTestNet();
  }, 60_000);
  afterAll(async () => net?.stop());

  const steps = (stdout: string) => jsonlOf(stdout).filter((l) => l.step !== "summary").map((l) => `${String(l.step)}:${String(l.status)}`);

  it("waits for an interrupted run's create transaction that is still pending, and creates nothing more", async () => {
    // 25 blocks of 200 ms: the killed run's create stays in the mempool while the next run starts.
    await net.devnet.faults.apply({ holdTxBlocks: 25 });
    const killed = await runCommand(net, "deploy", WEB_STACK, LOCAL_JSONL, { AKASH_STACK_CRASH_AT: "create-broadcast" });
    expect(killed.signal).toBe("SIGKILL");
    const record = readState(net, "web").current!;
    expect(record.dseq).toMatch(/^\d+$/);
    expect(await activeOnChain(net.chain), "the create must still be pending here, or this test proves nothing").toEqual([]);
    expect(net.devnet.faults.state().holdTxBlocks).toBeGreaterThan(0);

    // Text output: it says what it waits for (JSON lines carry steps only).
    const resumed = await runCommand(net, "deploy", WEB_STACK, { network: "local", yes: true });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`waiting for create transaction [0-9A-F]{12}… of deployment ${record.dseq} \\(sent by an interrupted run\\)`));
    expect(resumed.stdout).not.toMatch(/creating the deployment/);
    expect((await activeOnChain(net.chain)).map((d) => d.dseq)).toEqual([record.dseq]);
    const creates = readState(net, "web").txs.filter((t) => t.what.startsWith("create deployment") && t.outcome === undefined);
    expect(creates).toHaveLength(1);

    expect((await runCommand(net, "close", WEB_STACK, { network: "local" })).code).toBe(0);
  }, 120_000);

  it("does not send the manifest again after a run killed right after sending it", async () => {
    const killed = await runCommand(net, "deploy", WEB_STACK, LOCAL_JSONL, { AKASH_STACK_CRASH_AT: "manifest" });
    expect(killed.signal, `${killed.stdout}${killed.stderr}`).toBe("SIGKILL");
    expect(steps(killed.stdout)).toContain("send-manifest:started");

    const resumed = await runCommand(net, "deploy", WEB_STACK, LOCAL_JSONL);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(steps(resumed.stdout)).toContain("send-manifest:skipped");
    expect(steps(resumed.stdout)).not.toContain("send-manifest:started");
    expect((await runCommand(net, "close", WEB_STACK, { network: "local" })).code).toBe(0);
  }, 120_000);
});
