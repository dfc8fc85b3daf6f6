/**
 * `logs`, `events` and `shell` (issue 15) through the built CLI against devnet providers, which
 * speak provider-services' lease websockets (/lease/{…}/logs, /kubeevents, /shell) behind the same
 * JWT and pinned TLS as a deploy; and a provider refusing a JWT signed by a key that does not own
 * the lease.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosChainClient } from "../src/chain/cosmos/client.js";
import { resolveNetwork } from "../src/chain/networks.js";
import { Mnemonic } from "../src/chain/wallet.js";
import { ProviderDirectory } from "../src/deploy/providers.js";
import { ProviderHttpError } from "../src/provider/client.js";
import { ProviderJwts } from "../src/provider/jwt.js";
import { streamLogs } from "../src/provider/lease-streams.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { DEVNET_AVAILABLE, DEVNET_MISSING, LOCAL_JSONL, runCommand, startFundedTestNet, summaryOf, type TestNet } from "./support/deploy-devnet.js";

const CLI = join(PROJECT_ROOT, "dist", "cli.js");
const KNOBS = "test/fixtures/deploy/knobs.ts";
/** A published test mnemonic that is not the devnet's funded account. */
const STRANGER = "test test test test test test test test test test test junk";

describe.skipIf(!DEVNET_AVAILABLE)(`logs, events and shell over the provider's lease websockets (${DEVNET_AVAILABLE ? "devnet present" : DEVNET_MISSING})`, () => {
  let net: TestNet;
  let dseq = "";
  /** The built CLI in a child process; asynchronous, because the devnet runs in this process. */
  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", AKASH_STACK_HOME: net.home },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    net = await startFundedTestNet();
    const deployed = await runCommand(net, "deploy", KNOBS, { ...LOCAL_JSONL, set: ["count=2"] });
    if (deployed.code !== 0) throw new Error(`deploy failed: ${deployed.stderr}`);
    dseq = summaryOf(deployed.stdout).dseq;
  }, 120_000);
  afterAll(async () => net?.stop());

  it("logs prints each pod's lines; --tail keeps the last N; an unknown service is named", async () => {
    const all = await cli(["logs", KNOBS, "--network", "local"]);
    expect(all.stderr).toBe("");
    expect(all.code).toBe(0);
    const pod0 = `web-${BigInt(dseq).toString(36)}-0`;
    const pod1 = `web-${BigInt(dseq).toString(36)}-1`;
    expect(all.stdout).toContain(`[${pod0}] devnet: pulled image nginx:1.27.3-alpine at height `);
    expect(all.stdout).toContain(`[${pod1}] devnet: started nginx -g daemon off;\n`);
    expect(all.stdout).toContain(`[${pod0}] devnet: listening on 80/tcp\n`);

    const tail = await cli(["logs", KNOBS, "web", "--network", "local", "--tail", "1"]);
    expect(tail.code).toBe(0);
    expect(tail.stdout.trim().split("\n").sort()).toEqual([`[${pod0}] devnet: ready (no container runs on the devnet; these lines are generated)`, `[${pod1}] devnet: ready (no container runs on the devnet; these lines are generated)`]);

    const unknown = await cli(["logs", KNOBS, "db", "--network", "local"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('akash-stack logs: knobs has no service "db" on its leases; its services are web');
    const badTail = await cli(["logs", KNOBS, "--network", "local", "--tail", "-3"]);
    expect(badTail.code).toBe(2);
  }, 60_000);

  it("logs --follow keeps printing a line per block until interrupted", async () => {
    const child = spawn(process.execPath, [CLI, "logs", KNOBS, "web", "--network", "local", "--follow", "--tail", "0"], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", AKASH_STACK_HOME: net.home },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const deadline = Date.now() + 30_000;
    while ((out.match(/devnet: alive at height \d+/g) ?? []).length < 6) {
      if (Date.now() > deadline) throw new Error(`no followed lines: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const heights = [...out.matchAll(/-0\] devnet: alive at height (\d+)/g)].map((m) => Number(m[1]));
    expect(heights.length).toBeGreaterThanOrEqual(2);
    expect(heights[1]!).toBeGreaterThan(heights[0]!);
    expect(out).not.toContain("pulled image"); // --tail 0: no history
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  }, 60_000);

  it("events shows the rollout of every pod", async () => {
    const events = await cli(["events", KNOBS, "--network", "local"]);
    expect(events.stderr).toBe("");
    expect(events.code).toBe(0);
    const pod0 = `web-${BigInt(dseq).toString(36)}-0`;
    expect(events.stdout).toContain(`Normal  Scheduled  Pod/${pod0}: Successfully assigned ${pod0} to devnet-node`);
    expect(events.stdout).toContain(`Normal  Pulled     Pod/${pod0}: Successfully pulled image "nginx:1.27.3-alpine"`);
    expect(events.stdout.trim().split("\n")).toHaveLength(10);
  }, 60_000);

  it("shell echoes the command and passes on its exit code (non-zero as exit 1)", async () => {
    const ok = await cli(["shell", KNOBS, "web", "--network", "local", "--", "ls", "-la", "/usr/share/nginx"]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe("ls -la /usr/share/nginx\n");
    const failing = await cli(["shell", KNOBS, "web", "--network", "local", "--", "exit", "3"]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain("akash-stack shell: the command exited with code 3");
    const noCommand = await cli(["shell", KNOBS, "web", "--network", "local"]);
    expect(noCommand.code).toBe(2);
    const noService = await cli(["shell", KNOBS, "db", "--network", "local", "--", "true"]);
    expect(noService.code).toBe(1);
    expect(noService.stderr).toContain('knobs has no service "db"');
  }, 60_000);

  it("a provider refuses a JWT signed by a key that does not own the lease (401), over the same pinned TLS", async () => {
    const network = await resolveNetwork("local", { home: net.home });
    const stranger = await CosmosChainClient.connect(network, new Mnemonic(STRANGER));
    try {
      const leases = (await net.chain.leases(net.chain.address, dseq)).filter((l) => l.state === "active");
      const providers = new ProviderDirectory(stranger, new ProviderJwts(stranger.aminoSigner, stranger.address));
      const client = await providers.client(leases[0]!.provider);
      const error = await streamLogs(client, { dseq, gseq: 1, oseq: 1 }, { follow: false }, () => {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderHttpError);
      expect((error as ProviderHttpError).status).toBe(401);
      // The owner's key on the same lease is accepted:
      const own = new ProviderDirectory(net.chain, new ProviderJwts(net.chain.aminoSigner, net.chain.address));
      const lines: string[] = [];
      await streamLogs(await own.client(leases[0]!.provider), { dseq, gseq: 1, oseq: 1 }, { follow: false, tail: 1 }, (l) => lines.push(l.message));
      expect(lines.length).toBe(2);
    } finally {
      await stranger.close();
    }
  }, 60_000);
});
