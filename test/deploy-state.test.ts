/**
 * The state file: round trip, atomic replacement (a writer killed with SIGKILL at random moments
 * never leaves a torn file), the per-stack lock, and refusal of files that are not ours.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadState, lockState, newState, recordStep, recordTx, saveState, statePath, StateError } from "../src/deploy/state.js";
import { PROJECT_ROOT } from "./support/corpus.js";

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "akash-stack-state-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const OWNER = "akash19rl4cm2hmr8afy4kldpxz3fka4jguq0a3mq6x0";

describe("state file", () => {
  it("round-trips and lives at state/<stack>.<network>.json with mode 0600", async () => {
    const state = newState("registry", "local", "akash-local", OWNER);
    state.current = {
      dseq: "42",
      hash: "ab".repeat(32),
      templateHash: "cd".repeat(32),
      groups: ["akash"],
      deposit: { denom: "uact", amount: "500000" },
      phase: "ready",
      leases: [{ gseq: 1, oseq: 1, provider: "akash1p", bseq: 0, price: { denom: "uact", amount: "1.000000000000000000" }, manifestHash: "ab".repeat(32) }],
      endpoints: { web: { provider: "akash1p", uris: ["x.ingress"], ips: [], forwardedPorts: [] } },
      createdAt: new Date().toISOString(),
    };
    recordTx(state, { hash: "ABC", what: "create deployment 42", dseq: "42" });
    recordTx(state, { hash: "ABC", what: "create deployment 42", dseq: "42", height: 7 });
    recordStep(state, "create-deployment", "done", "42");
    await saveState(home, state);
    const path = statePath(home, "registry", "local");
    expect(path).toBe(join(home, "state", "registry.local.json"));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const loaded = await loadState(home, "registry", "local");
    expect(loaded).toEqual(state);
    expect(loaded?.txs).toEqual([expect.objectContaining({ hash: "ABC", height: 7 })]);
    expect(await loadState(home, "registry", "mainnet")).toBeUndefined();
    expect(readdirSync(join(home, "state")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses a file for another stack, or one that is not JSON, with what to do", async () => {
    await saveState(home, newState("backend", "local", "akash-local", OWNER));
    writeFileSync(statePath(home, "registry", "local"), readFileSync(statePath(home, "backend", "local")));
    await expect(loadState(home, "registry", "local")).rejects.toThrow(StateError);
    writeFileSync(statePath(home, "registry", "local"), "{ torn");
    await expect(loadState(home, "registry", "local")).rejects.toThrow(/not valid JSON.*move it away/);
  });

  it("a writer killed with SIGKILL mid-write never leaves a torn state file", async () => {
    const writer = join(home, "writer.mjs");
    writeFileSync(
      writer,
      `import { saveState, newState } from ${JSON.stringify(join(PROJECT_ROOT, "src/deploy/state.ts"))};
const home = process.argv[2];
const s = newState("registry", "local", "akash-local", "owner");
for (let i = 0; ; i++) {
  s.log = Array.from({ length: 200 }, (_, k) => ({ at: "t", step: "x".repeat(200), status: String(i), detail: String(k) }));
  await saveState(home, s);
  if (i === 0) process.stdout.write("ready\\n");
}
`,
    );
    let kills = 0;
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, ["--import", "tsx", writer, home], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      kills++;
      const state = await loadState(home, "registry", "local");
      expect(state?.log).toHaveLength(200);
      // Every entry of one file comes from the same write.
      expect(new Set(state!.log.map((e) => e.status)).size).toBe(1);
    }
    expect(kills).toBe(6);
  }, 60_000);
});

/** Starts test/support/lock-holder.ts under `sleep`, which never reaps it: killed, it stays a zombie. */
async function startUnreapedLockHolder(stateHome: string): Promise<{ holderPid: number; stop(): void }> {
  const script = `node --import tsx test/support/lock-holder.ts "$0" registry local & echo $!; exec sleep 120`;
  const parent = spawn("sh", ["-c", script, stateHome], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  parent.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!/\d+\n[\s\S]*locked/.test(out)) {
    if (Date.now() > deadline) throw new Error(`lock holder did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { holderPid: Number(out.split("\n")[0]), stop: () => parent.kill("SIGKILL") };
}

function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return undefined;
  }
}

describe("state lock", () => {
  it("a second run of the same stack and network is refused while the first holds the lock", async () => {
    const holder = await startUnreapedLockHolder(home);
    try {
      await expect(lockState(home, "registry", "local")).rejects.toThrow(new RegExp(`another akash-stack run \\(pid ${holder.holderPid}\\) is working on registry on local`));
      // Another stack or network is independent:
      const other = await lockState(home, "registry", "mainnet");
      await other.release();
      // Killed with SIGKILL and not yet reaped: a zombie, which kill(pid, 0) still reports as alive.
      process.kill(holder.holderPid, "SIGKILL");
      const deadline = Date.now() + 10_000;
      while (procState(holder.holderPid) !== "Z") {
        if (Date.now() > deadline) throw new Error(`pid ${holder.holderPid} did not become a zombie (state ${procState(holder.holderPid)})`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(() => process.kill(holder.holderPid, 0)).not.toThrow();
      const taken = await lockState(home, "registry", "local");
      expect(JSON.parse(readFileSync(join(home, "state", "registry.local.lock"), "utf8"))).toMatchObject({ pid: process.pid });
      await taken.release();
    } finally {
      holder.stop();
    }
  });

  it("a lock whose pid now belongs to another program is taken over; a gone holder too", async () => {
    const other = spawn("sleep", ["60"]);
    try {
      const lockPath = join(home, "state", "registry.local.lock");
      mkdirSync(join(home, "state"), { recursive: true });
      // An older bare-pid lock file naming a process that is not akash-stack:
      writeFileSync(lockPath, `${other.pid}\n`);
      await (await lockState(home, "registry", "local")).release();
      // A lock that names the pid with another start time (the pid was reused):
      writeFileSync(lockPath, JSON.stringify({ pid: other.pid, startTime: "1", cmdline: "node dist/cli.js deploy" }));
      await (await lockState(home, "registry", "local")).release();
      // The process is gone altogether:
      writeFileSync(lockPath, JSON.stringify({ pid: 2 ** 22 + 1, startTime: "1" }));
      await (await lockState(home, "registry", "local")).release();
    } finally {
      other.kill("SIGKILL");
    }
  });
});
