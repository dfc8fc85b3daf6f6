#!/usr/bin/env node
// Deploy benchmark: on a devnet with 200 ms blocks, `deploy registry --network local --yes` must
// finish within 1.5 s of the devnet's own unavoidable waits, with a peak RSS under 200 MB.
//
// The unavoidable waits of one deploy are read from the chain afterwards, in blocks:
//   - from the block the deployment was created on top of (its dseq is the height the deployer
//     saw before broadcasting) to the block with the winning bid: the create's inclusion plus
//     the providers' bid delay;
//   - one block for the lease transaction;
//   - the provider's rollout (services report ready 2 blocks after the manifest is accepted).
// wait = T(bid block) − T(dseq block) + (1 + rollout) × block time, with T from block headers.
// Everything else in the process's wall time (start-up, synthesis, signing, polling, HTTPS) is
// the deployer's overhead, which must stay ≤ 1.5 s.
//
// The devnet runs in its own process; ACT is minted beforehand (the mint epoch is not part of a
// deploy's cost once funded), and a warm-up deploy generates the stack's secrets (a 4096-bit RSA
// key, made once per AKASH_STACK_HOME). Each measured deploy starts from nothing and is closed
// afterwards. Measures dist/cli.js as built by scripts/build.mjs (`npm run build` first).
//
// Flags: --runs N (default 3). Exit codes: 0 goals met, 1 a goal failed, 2 the bench could not run.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist", "cli.js");
const NODE = process.execPath;
const BLOCK_MS = 200;
const ROLLOUT_BLOCKS = 2;
const GOALS = { overheadMs: 1500, peakRssMb: 200 };
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 3;

class BenchError extends Error {}

const home = mkdtempSync(join(tmpdir(), "akash-stack-bench-deploy-"));
const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", AKASH_STACK_HOME: home };
let devnet;
let exitCode = 0;
try {
  if (!existsSync(CLI)) throw new BenchError(`${CLI} does not exist: run \`node scripts/build.mjs\` first`);
  console.log(`deploy benchmark: devnet with ${BLOCK_MS} ms blocks, ${runs} measured deploys of the registry stack (dist/cli.js)`);
  devnet = await startDevnet();
  const info = JSON.parse(readFileSync(join(home, "devnet.json"), "utf8"));
  await mintAct();

  const warm = await deploy();
  if (warm.code !== 0) throw new BenchError(`the warm-up deploy failed:\n${warm.stderr}`);
  await close();

  const results = [];
  for (let i = 0; i < runs; i++) {
    const run = await deploy();
    if (run.code !== 0) throw new BenchError(`deploy ${i + 1} failed:\n${run.stderr}`);
    const summary = JSON.parse(run.stdout.trim().split("\n").at(-1));
    const wait = await unavoidableWait(info, summary);
    results.push({ wallMs: run.wallMs, waitMs: wait, overheadMs: run.wallMs - wait, rssMb: run.rssMb });
    console.log(`  run ${i + 1}: wall ${ms(run.wallMs)}, devnet waits ${ms(wait)}, overhead ${ms(run.wallMs - wait)}, peak RSS ${run.rssMb.toFixed(0)} MB`);
    await close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const overhead = median(results.map((r) => r.overheadMs));
  const rss = Math.max(...results.map((r) => r.rssMb));
  const overheadOk = overhead <= GOALS.overheadMs;
  const rssOk = rss < GOALS.peakRssMb;
  console.log(`${overheadOk ? "ok  " : "FAIL"} overhead beyond the devnet's waits (median): ${ms(overhead)} (goal ≤ ${ms(GOALS.overheadMs)})`);
  console.log(`${rssOk ? "ok  " : "FAIL"} peak RSS: ${rss.toFixed(0)} MB (goal < ${GOALS.peakRssMb} MB)`);
  exitCode = overheadOk && rssOk ? 0 : 1;
} catch (err) {
  console.error(`bench/deploy.mjs: ${err instanceof BenchError ? err.message : err.stack}`);
  exitCode = 2;
} finally {
  devnet?.kill("SIGTERM");
  await new Promise((r) => (devnet && devnet.exitCode === null ? devnet.once("exit", r) : r()));
  rmSync(home, { recursive: true, force: true });
}
process.exit(exitCode);

// -----------------------------------------------------------------------------------------------

function ms(n) {
  return `${(n / 1000).toFixed(2)} s`;
}

async function startDevnet() {
  const script = join(home, "devnet.mts");
  writeFileSync(
    script,
    `import { startDevnet } from ${JSON.stringify(join(ROOT, "src", "devnet", "index.ts"))};
const d = await startDevnet({ blockTime: ${BLOCK_MS}, providers: 3, home: ${JSON.stringify(home)} });
process.on("SIGTERM", async () => { await d.stop(); process.exit(0); });
process.stdout.write("ready\\n");
`,
  );
  const child = spawn(NODE, ["--import", "tsx", script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolveReady, reject) => {
    child.stdout.once("data", resolveReady);
    child.once("exit", (code) => reject(new BenchError(`the devnet exited (${code}) before it was ready`)));
  });
  return child;
}

async function mintAct() {
  const script = join(home, "mint.mts");
  writeFileSync(
    script,
    `import { CosmosChainClient } from ${JSON.stringify(join(ROOT, "src", "chain", "cosmos", "client.ts"))};
import { resolveNetwork } from ${JSON.stringify(join(ROOT, "src", "chain", "networks.ts"))};
import { Mnemonic } from ${JSON.stringify(join(ROOT, "src", "chain", "wallet.ts"))};
const network = await resolveNetwork("local", { home: ${JSON.stringify(home)} });
network.blockSeconds = ${BLOCK_MS / 1000};
const chain = await CosmosChainClient.connect(network, new Mnemonic(network.devnetMnemonic));
await chain.signAndBroadcast([{ type: "mint-act", burn: { denom: "uakt", amount: "5000000000" } }]);
for (let i = 0; i < 100; i++) {
  const uact = (await chain.balances(chain.address)).find((c) => c.denom === "uact");
  if (uact) break;
  await new Promise((r) => setTimeout(r, 100));
}
await chain.close();
`,
  );
  const result = spawnSync(NODE, ["--import", "tsx", script], { cwd: ROOT, env, encoding: "utf8" });
  if (result.status !== 0) throw new BenchError(`minting ACT failed: ${result.stderr}`);
}

/** Runs the deploy in a child that reports its peak RSS at exit; returns wall time and output. */
function deploy() {
  const preload = join(home, "rss.mjs");
  writeFileSync(preload, `process.on("exit", () => process.stderr.write("\\nBENCH_MAX_RSS_KB=" + process.resourceUsage().maxRSS + "\\n"));\n`);
  const args = ["--import", preload, CLI, "deploy", "registry", "--network", "local", "--yes", "--output", "jsonl"];
  return new Promise((resolveRun) => {
    const started = performance.now();
    const child = spawn(NODE, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      const kb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? 0);
      resolveRun({ code, stdout, stderr, wallMs, rssMb: kb / 1024 });
    });
  });
}

function close() {
  const args = [CLI, "close", "registry", "--network", "local", "--yes"];
  const result = spawnSync(NODE, args, { cwd: ROOT, env, encoding: "utf8" });
  if (result.status !== 0) throw new BenchError(`close failed: ${result.stderr}`);
}

/** The devnet's unavoidable waits for one deploy, from block heights and header times. */
async function unavoidableWait(info, summary) {
  const owner = summary.owner;
  const dseq = summary.dseq;
  const provider = summary.leases[0].provider;
  const bids = await rest(info.api, `/akash/market/v1beta5/bids/list?filters.owner=${owner}&filters.dseq=${dseq}&filters.provider=${provider}`);
  const bidHeight = Number(bids.bids[0].bid.created_at);
  const [from, to] = await Promise.all([blockTime(info.rpc, Number(dseq)), blockTime(info.rpc, bidHeight)]);
  return to - from + (1 + ROLLOUT_BLOCKS) * BLOCK_MS;
}

async function rest(base, path) {
  const response = await fetch(base + path);
  if (!response.ok) throw new BenchError(`GET ${path}: ${response.status}`);
  return response.json();
}

async function blockTime(rpc, height) {
  const response = await fetch(`${rpc}/block?height=${height}`);
  const body = await response.json();
  return Date.parse(body.result.block.header.time);
}
