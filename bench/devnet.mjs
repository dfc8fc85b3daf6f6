#!/usr/bin/env node
// Devnet memory bench: 10,000 blocks with 50 live deployments must stay under 300 MB.
//
// The parent bundles the devnet with esbuild (as scripts/build.mjs bundles the CLI: packages stay
// external), so the measurement is of the devnet and not of a TypeScript loader, then spawns a fresh
// Node process that starts a devnet with
// a 1 ms block time and drives it like a tenant would, through chain-sdk's clients: mint ACT, create
// 50 deployments in one transaction, wait for the providers' bids, lease all 50 in one transaction,
// then let 10,000 more blocks run while every lease is paid from escrow each block. The child
// samples its resident set size every 50 ms and reports the peak, plus the heap after a full GC.
//
// Usage: node bench/devnet.mjs [--blocks N] [--deployments N]
// Exit codes: 0 under the limit, 1 over it (or a lease was lost), 2 the bench itself failed.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The start-up goal: the first block within 2 s of start. */
const FIRST_BLOCK_LIMIT_MS = 2000;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LIMIT_MB = 300;

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const BLOCKS = flag("--blocks", 10_000);
const DEPLOYMENTS = flag("--deployments", 50);

if (process.argv.includes("--child")) {
  await child();
} else {
  await parent();
}

/** Bundles the devnet and the test clients into one ESM file inside node_modules (so packages resolve). */
async function bundle() {
  const { build } = await import("esbuild");
  const dir = join(ROOT, "node_modules", ".cache", "akash-stack");
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, "devnet-bench.mjs");
  await build({
    stdin: { contents: 'export * from "./src/devnet/index.ts";\nexport * from "./test/support/devnet.ts";\n', resolveDir: ROOT, loader: "ts", sourcefile: "devnet-bench-entry.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

async function parent() {
  let entry;
  try {
    entry = await bundle();
  } catch (err) {
    process.stderr.write(`devnet bench: could not bundle the devnet with esbuild: ${err.message}\n`);
    process.exit(2);
  }
  const args = ["--expose-gc", fileURLToPath(import.meta.url), "--child", "--entry", entry, "--blocks", String(BLOCKS), "--deployments", String(DEPLOYMENTS)];
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  proc.stdout.on("data", (chunk) => {
    out += chunk;
    process.stdout.write(chunk.toString().split("\n").filter((l) => l && !l.startsWith("{")).map((l) => `${l}\n`).join(""));
  });
  const code = await new Promise((r) => proc.on("exit", r));
  const line = out.split("\n").find((l) => l.startsWith("{"));
  if (code !== 0 || !line) {
    process.stderr.write(`devnet bench: the measuring process failed (exit ${code}); see its output above\n`);
    process.exit(2);
  }
  const r = JSON.parse(line);
  const ratio = r.peakRssMb / LIMIT_MB;
  const firstBlockOk = r.firstBlockMs <= FIRST_BLOCK_LIMIT_MS;
  const ok = r.peakRssMb < LIMIT_MB && r.activeLeases === r.deployments && firstBlockOk;
  process.stdout.write(
    [
      `devnet bench: first block ${Math.round(r.firstBlockMs)} ms after start (limit ${FIRST_BLOCK_LIMIT_MS} ms, ${(r.firstBlockMs / FIRST_BLOCK_LIMIT_MS).toFixed(2)} of it): ${firstBlockOk ? "PASS" : "FAIL"}`,
      `devnet bench: ${r.blocks} blocks with ${r.deployments} live deployments (${r.activeLeases} active leases at the end)`,
      `  setup (mint, ${r.deployments} deployments, bids, ${r.deployments} leases): ${r.setupSeconds.toFixed(1)} s`,
      `  ${r.blocks} blocks in ${r.runSeconds.toFixed(1)} s (${Math.round(r.blocks / r.runSeconds)} blocks/s)`,
      `  peak RSS ${r.peakRssMb.toFixed(1)} MB (at start of the run ${r.startRssMb.toFixed(1)} MB); heap after GC ${r.heapAfterGcMb.toFixed(1)} MB`,
      `  limit ${LIMIT_MB} MB: peak is ${ratio.toFixed(2)} of the limit: ${ok ? "PASS" : "FAIL"}`,
      "",
    ].join("\n"),
  );
  process.exit(ok ? 0 : 1);
}

async function child() {
  const mb = (bytes) => bytes / 1024 / 1024;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();

  const entry = process.argv[process.argv.indexOf("--entry") + 1];
  const { startDevnet, DEVNET_TEST_MNEMONIC, clientFor, deploymentFromSdl, waitFor } = await import(pathToFileURL(entry).href);
  // The start-up goal: with the default block time (1000 ms), the first block within 2 s.
  const tStart = performance.now();
  const probe = await startDevnet({ writeDevnetJson: false });
  const firstBlockMs = performance.now() - tStart;
  if (probe.chain.height < 1) throw new Error("startDevnet returned before the first block");
  await probe.stop();

  const devnet = await startDevnet({ blockTime: 1, writeDevnetJson: false, mintEpochBlocks: 2 });
  try {
    const tenant = await clientFor(devnet, DEVNET_TEST_MNEMONIC);
    const owner = tenant.address;
    await tenant.sdk.akash.bme.v1.mintACT({ owner, to: owner, coinsToBurn: { denom: "uakt", amount: "1000000000" } });
    await waitFor("ACT", async () => (BigInt((await tenant.sdk.cosmos.bank.v1beta1.getBalance({ address: owner, denom: "uact" })).balance.amount) > 0n ? true : undefined), 60_000);

    const material = deploymentFromSdl(`version: "2.0"
services:
  app:
    image: ghcr.io/example/app:1.0.0
    expose:
      - port: 8080
        as: 80
        to:
          - global: true
profiles:
  compute:
    app:
      resources: {cpu: {units: 0.1}, memory: {size: 128Mi}, storage: [{size: 256Mi}]}
  placement:
    akash:
      pricing:
        app: {denom: uact, amount: 200}
deployment:
  app:
    akash: {profile: app, count: 1}
`);
    const dseqs = Array.from({ length: DEPLOYMENTS }, (_, i) => String(100 + i));
    await tenant.signer.signAndBroadcast(
      dseqs.map((dseq) => ({
        typeUrl: "/akash.deployment.v1beta4.MsgCreateDeployment",
        value: { id: { owner, dseq }, groups: material.groups, hash: material.hash, deposit: { amount: { denom: "uact", amount: "2000000" }, sources: [1] } },
      })),
    );
    const bids = await waitFor(
      "a bid from every provider on every deployment",
      async () => {
        const res = await tenant.sdk.akash.market.v1beta5.getBids({ filters: { owner, state: "open" }, pagination: { limit: 1000 } });
        return res.bids.length >= DEPLOYMENTS * devnet.providers.length ? res.bids : undefined;
      },
      60_000,
    );
    const cheapest = new Map();
    for (const { bid } of bids) {
      const key = bid.id.dseq.toString();
      const best = cheapest.get(key);
      if (!best || Number(bid.price.amount) < Number(best.price.amount)) cheapest.set(key, bid);
    }
    await tenant.signer.signAndBroadcast([...cheapest.values()].map((bid) => ({ typeUrl: "/akash.market.v1beta5.MsgCreateLease", value: { bidId: bid.id } })));
    const setupSeconds = (performance.now() - t0) / 1000;

    globalThis.gc?.();
    const startRss = process.memoryUsage().rss;
    const from = devnet.chain.height;
    const t1 = performance.now();
    await waitFor(`${BLOCKS} blocks`, () => (devnet.chain.height >= from + BLOCKS ? true : undefined), 30 * 60_000, 200);
    const runSeconds = (performance.now() - t1) / 1000;
    const leases = await tenant.sdk.akash.market.v1beta5.getLeases({ filters: { owner, state: "active" }, pagination: { limit: 1000 } });
    globalThis.gc?.();
    const heapAfterGc = process.memoryUsage().heapUsed;
    clearInterval(sampler);
    process.stdout.write(
      `${JSON.stringify({
        blocks: devnet.chain.height - from,
        deployments: DEPLOYMENTS,
        activeLeases: leases.leases.length,
        setupSeconds,
        runSeconds,
        startRssMb: mb(startRss),
        peakRssMb: mb(Math.max(peak, process.memoryUsage().rss)),
        heapAfterGcMb: mb(heapAfterGc),
        firstBlockMs,
      })}\n`,
    );
    await tenant.signer.disconnect();
  } finally {
    await devnet.stop();
  }
  process.exit(0);
}
