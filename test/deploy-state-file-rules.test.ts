/**
 * What the state file refuses and how it stays small: a file from another version, stack or
 * network is not taken as this one's, and the step log and transaction list keep only their newest
 * entries. And the lock file: what it says about its holder, and that this process's own stale
 * lock does not lock it out.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadState, lockState, newState, recordStep, recordTx, saveState, statePath, StateError } from "../src/deploy/state.js";

const OWNER = "akash19rl4cm2hmr8afy4kldpxz3fka4jguq0a3mq6x0";
let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "akash-stack-state-rules-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

async function writeAs(fields: Record<string, unknown>): Promise<void> {
  await saveState(home, newState("web", "local", "akash-local", OWNER));
  writeFileSync(statePath(home, "web", "local"), JSON.stringify({ ...newState("web", "local", "akash-local", OWNER), ...fields }));
}

describe("loading a state file", () => {
  it.each([
    ["another version", { version: 2 }],
    ["another stack", { stack: "api" }],
    ["another network", { network: "mainnet" }],
  ])("refuses one written for %s, saying what it expected", async (_what, fields) => {
    await writeAs(fields);
    const err = await loadState(home, "web", "local").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).name).toBe("StateError");
    expect((err as Error).message).toBe(`${statePath(home, "web", "local")} is not a version-1 state file for web on local: move it away or restore the right one`);
  });

  it("fills in the lists an older file left out", async () => {
    await writeAs({ closed: undefined, txs: undefined, log: undefined });
    const state = await loadState(home, "web", "local");
    expect([state?.closed, state?.txs, state?.log]).toEqual([[], [], []]);
  });

  it("says why a file that exists cannot be read", async () => {
    // A folder where the file should be: reading it fails with EISDIR, not ENOENT.
    const path = statePath(home, "web", "local");
    await saveState(home, newState("other", "local", "akash-local", OWNER));
    rmSync(path, { force: true });
    mkdirSync(path);
    const err = await loadState(home, "web", "local").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toMatch(new RegExp(`^cannot read ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: EISDIR`));
  });
});

describe("saving a state file", () => {
  it("keeps the newest 300 log entries and 200 transactions", async () => {
    const state = newState("web", "local", "akash-local", OWNER);
    for (let i = 0; i < 305; i++) recordStep(state, "wait-bids", "started", String(i));
    for (let i = 0; i < 203; i++) recordTx(state, { hash: `H${i}`, what: "send" });
    await saveState(home, state);
    const saved = await loadState(home, "web", "local");
    expect(saved?.log).toHaveLength(300);
    expect(saved?.log[0]?.dseq).toBe("5");
    expect(saved?.log.at(-1)?.dseq).toBe("304");
    expect(saved?.txs).toHaveLength(200);
    expect(saved?.txs[0]?.hash).toBe("H3");
  });

  it("keeps exactly 300 log entries and 200 transactions as they are", async () => {
    const state = newState("web", "local", "akash-local", OWNER);
    for (let i = 0; i < 300; i++) recordStep(state, "wait-bids", "started", String(i));
    for (let i = 0; i < 200; i++) recordTx(state, { hash: `H${i}`, what: "send" });
    await saveState(home, state);
    const saved = await loadState(home, "web", "local");
    expect(saved?.log[0]?.dseq).toBe("0");
    expect(saved?.txs[0]?.hash).toBe("H0");
  });

  it("fails when the file cannot be put in place, and removes its temporary file", async () => {
    // A folder with something in it where the file should be: the rename fails.
    mkdirSync(join(statePath(home, "web", "local"), "x"), { recursive: true });
    await expect(saveState(home, newState("web", "local", "akash-local", OWNER))).rejects.toThrow();
    expect(readdirSync(join(home, "state"))).toEqual(["web.local.json"]);
  });

  it("ends the file with a newline and leaves no temporary file", async () => {
    await saveState(home, newState("web", "local", "akash-local", OWNER));
    expect(readFileSync(statePath(home, "web", "local"), "utf8").endsWith("}\n")).toBe(true);
    expect(readdirSync(join(home, "state"))).toEqual(["web.local.json"]);
  });
});

describe("the step log and the transaction list", () => {
  it("records a step with its dseq and detail only when given", () => {
    const state = newState("web", "local", "akash-local", OWNER);
    recordStep(state, "create-deployment", "started");
    recordStep(state, "create-deployment", "failed", "42", "out of gas");
    expect(state.log).toEqual([
      { at: expect.stringMatching(/^\d{4}-/), step: "create-deployment", status: "started" },
      { at: expect.stringMatching(/^\d{4}-/), step: "create-deployment", status: "failed", dseq: "42", detail: "out of gas" },
    ]);
  });

  it("updates a transaction seen again by hash instead of adding it twice", () => {
    const state = newState("web", "local", "akash-local", OWNER);
    recordTx(state, { hash: "A", what: "create deployment 1" });
    recordTx(state, { hash: "B", what: "create lease 1" });
    recordTx(state, { hash: "A", what: "create deployment 1", height: 9 });
    expect(state.txs.map((t) => [t.hash, t.height])).toEqual([
      ["A", 9],
      ["B", undefined],
    ]);
  });
});

describe("the state lock file", () => {
  const lockPath = () => join(home, "state", "web.local.lock");

  it("names its holder with the pid and what identifies the process, one line", async () => {
    const lock = await lockState(home, "web", "local");
    const text = readFileSync(lockPath(), "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    const holder = JSON.parse(text) as Record<string, unknown>;
    expect(holder.pid).toBe(process.pid);
    // More than the pid: a pid alone cannot tell a reused pid from the holder.
    expect(Object.keys(holder).length).toBeGreaterThan(1);
    await lock.release();
    expect(readdirSync(join(home, "state"))).toEqual([]);
    // Releasing again is harmless.
    await lock.release();
  });

  it("is taken over when it names this very process (a run in it that never released)", async () => {
    mkdirSync(join(home, "state"), { recursive: true });
    writeFileSync(lockPath(), JSON.stringify({ pid: process.pid }));
    const lock = await lockState(home, "web", "local");
    await lock.release();
  });
});
