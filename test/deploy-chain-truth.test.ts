/**
 * The chain is the source of truth (issue 15): with the state folder deleted, the deployer finds
 * the stack's deployment on chain (by manifest hash, or by the memo marker its transactions carry)
 * and never creates a duplicate; `import` adopts a deployment made elsewhere; `plan` never guesses
 * without an owner; `close` asks on a terminal and refuses without one. Through the commands, on
 * the devnet.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareDeployment } from "../src/deploy/desired.js";
import { loadAndSynth } from "../src/deploy/session.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import {
  activeOnChain,
  DEVNET_AVAILABLE,
  DEVNET_MISSING,
  jsonlOf,
  LOCAL_JSONL,
  runCommand,
  startFundedTestNet,
  summaryOf,
  WEB_STACK,
  type CommandResult,
  type TestNet,
} from "./support/deploy-devnet.js";

const NEW_IMAGE = "image=nginx:1.27.4-alpine";

describe.skipIf(!DEVNET_AVAILABLE)(`the chain is the source of truth (${DEVNET_AVAILABLE ? "devnet present" : DEVNET_MISSING})`, () => {
  let net: TestNet;
  let dseq = "";
  const forgetState = () => rmSync(join(net.home, "state"), { recursive: true, force: true });

  beforeAll(async () => {
    net = await startFundedTestNet();
  }, 60_000);
  afterAll(async () => net?.stop());

  it("with the state folder deleted, plan says nothing to change and deploy sends no transaction", async () => {
    const first = await runCommand(net, "deploy", WEB_STACK, LOCAL_JSONL);
    expect(first.code, first.stderr).toBe(0);
    dseq = summaryOf(first.stdout).dseq;
    forgetState();

    const plan = await runCommand(net, "plan", WEB_STACK, { network: "local", detailedExitcode: true });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`nothing to change (deployment ${dseq})`);
    expect(plan.stdout).toContain(`note: found deployment ${dseq} on chain (its manifest hash is the stack's); using it`);

    forgetState();
    const again = await runCommand(net, "deploy", WEB_STACK, LOCAL_JSONL);
    expect(again.code, again.stderr).toBe(0);
    const summary = summaryOf(again.stdout);
    expect(summary).toMatchObject({ status: "done", action: "nothing", dseq });
    expect(summary.txs).toEqual([]);
    expect(jsonlOf(again.stdout).find((l) => l.step === "find-on-chain")).toMatchObject({ dseq, by: "hash" });
    expect(again.stdout).toContain("every provider already has manifest");
    expect((await activeOnChain(net.chain)).map((d) => d.dseq)).toEqual([dseq]);
  }, 120_000);

  it("an image change with no state is an update in place of the same dseq, found again by its marker", async () => {
    forgetState();
    const update = await runCommand(net, "deploy", WEB_STACK, { ...LOCAL_JSONL, set: [NEW_IMAGE] });
    expect(update.code, update.stderr).toBe(0);
    const summary = summaryOf(update.stdout);
    expect(summary).toMatchObject({ status: "done", action: "update", dseq });
    expect(summary.txs.map((t) => t.what)).toEqual([`update deployment ${dseq}`]);
    expect(jsonlOf(update.stdout).find((l) => l.step === "find-on-chain")).toMatchObject({
      status: "done",
      dseq,
      by: "marker",
      message: `found deployment ${dseq} on chain (a transaction marked "akash-stack stack=web" names it); using it`,
    });

    // The original image again, with no state: the hash no longer matches, the marker does.
    forgetState();
    const plan = await runCommand(net, "plan", WEB_STACK, { network: "local", output: "json", detailedExitcode: true });
    expect(plan.code, plan.stderr).toBe(2);
    const parsed = JSON.parse(plan.stdout) as { decision: { action: string }; dseq: string; notes: string[] };
    expect(parsed.decision.action).toBe("update");
    expect(parsed.dseq).toBe(dseq);
    expect(parsed.notes).toContain(`found deployment ${dseq} on chain (a transaction marked "akash-stack stack=web" names it); using it`);
    expect((await activeOnChain(net.chain)).map((d) => d.dseq)).toEqual([dseq]);

    // deposit needs no state either.
    forgetState();
    const deposit = await runCommand(net, "deposit", "web", { network: "local", amount: "1" });
    expect(deposit.code, deposit.stderr).toBe(0);
    expect(deposit.stdout).toContain(`deposited 1 ACT into deployment ${dseq}`);
  }, 120_000);

  it("close without --yes and without a terminal refuses; in a pty it asks, and n keeps the deployment", async () => {
    forgetState();
    const refused = await runCommand(net, "close", "web", { network: "local" });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("close asks before closing web's deployment on local, and there is no terminal to ask on: run it again with --yes");

    const declined = await inPty(net, ["close", "web", JSON.stringify({ network: "local" })], "n\n");
    expect(declined.stdout).toContain(`Close deployment ${dseq} of web on local? Its leases end, its services stop and the unspent deposit is refunded. [y/N]`);
    expect(declined.stdout).toContain(`not closed: deployment ${dseq} keeps running`);
    expect(declined.code).toBe(1);
    expect((await activeOnChain(net.chain)).map((d) => d.dseq)).toEqual([dseq]);

    forgetState(); // found by its marker
    const closed = await runCommand(net, "close", "web", { network: "local", yes: true });
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toMatch(new RegExp(`deployment ${dseq}: closed \\(tx [0-9A-F]{64}\\)`));
    expect(await activeOnChain(net.chain)).toEqual([]);
  }, 120_000);

  it("import adopts a deployment created directly with chain-sdk; status and close then use it", async () => {
    forgetState();
    const io = { cwd: PROJECT_ROOT, env: {}, write: () => {} };
    const stack = await loadAndSynth(WEB_STACK, [], io);
    const desired = await prepareDeployment(stack.name, stack.synth, { mode: "plan", env: {}, home: net.home, cwd: PROJECT_ROOT });
    const elsewhere = String(await net.chain.latestHeight());
    // Made the way Console or akt would: another hash (another image), no akash-stack marker.
    await net.chain.signAndBroadcast(
      [{ type: "create-deployment", dseq: elsewhere, groups: desired.groups, hash: "ab".repeat(32), deposit: { denom: "uact", amount: "5000000" } }],
      { memo: "made in Console" },
    );

    const plan = await runCommand(net, "plan", WEB_STACK, { network: "local", detailedExitcode: true });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("create a new deployment");
    expect(plan.stdout).toContain(`deployment ${elsewhere} has web's groups and resources but no akash-stack marker; if it is this stack's, adopt it with \`akash-stack import web --network local --dseq ${elsewhere}\``);
    const unknown = await runCommand(net, "status", "web", { network: "local" });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("has no active deployment of web on local");

    const badDseq = await runCommand(net, "import", "web", { network: "local", dseq: "999999999" });
    expect(badDseq.code).toBe(1);
    expect(badDseq.stderr).toContain(`${net.devnet.testAccount} has no deployment 999999999 on local`);
    const imported = await runCommand(net, "import", "web", { network: "local", dseq: elsewhere });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`deployment ${elsewhere} is now web's on local`);

    const status = await runCommand(net, "status", "web", { network: "local", output: "json" });
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { dseq: string }).dseq).toBe(elsewhere);

    const closed = await runCommand(net, "close", "web", { network: "local", yes: true });
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toContain(`deployment ${elsewhere}: closed`);
    expect(await activeOnChain(net.chain)).toEqual([]);
  }, 120_000);

  it("plan without a key or --owner refuses instead of guessing; --owner must be the key's when both are given", async () => {
    const guessless = await runCommand(net, "plan", "registry", { network: "mainnet" });
    expect(guessless.code).toBe(2); // a usage error: say whose deployments to plan against
    expect(guessless.stdout).toBe("");
    expect(guessless.stderr).toContain('cannot plan registry on mainnet: without a key or an owner the deployments on chain cannot be listed, and a guessed "create" could pay for a duplicate');
    // With --detailed-exitcode every error is 1, so it can never read as "no changes" or "changes".
    expect((await runCommand(net, "plan", "registry", { network: "mainnet", detailedExitcode: true })).code).toBe(1);
    const other = `akash1${"q".repeat(38)}`;
    const mismatch = await runCommand(net, "plan", WEB_STACK, { network: "local", owner: other });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain(`--owner ${other} is not the key's address (${net.devnet.testAccount})`);
    const own = await runCommand(net, "plan", WEB_STACK, { network: "local", owner: net.devnet.testAccount, detailedExitcode: true });
    expect(own.code, own.stderr).toBe(2);
    expect(own.stdout).toContain(`(owner ${net.devnet.testAccount}): create a new deployment`);
  }, 60_000);
});

/** Runs a chain command on a pseudo-terminal (util-linux `script`), typing `input`. */
function inPty(net: TestNet, args: string[], input: string): Promise<CommandResult> {
  const quoted = ["node", "--import", "tsx", "test/support/run-chain-command.mjs", ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qefc", quoted, "/dev/null"], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", AKASH_STACK_HOME: net.home, TERM: "dumb" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let typed = false;
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
      // Type the answer once the question is on the screen, as a person would.
      if (!typed && stdout.includes("[y/N]")) {
        typed = true;
        child.stdin.write(input);
      }
    });
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
