#!/usr/bin/env node
// `npm run bench:push-pull` (and the last part of `npm run bench`): push and pull throughput of
// `akash-stack registry` against skopeo, in the same run, on the same kind of registry.
//
// An OCI layout of LAYERS gzip'd layers of random bytes (LAYER_MIB each, incompressible, so no
// tool can win by compressing) is pushed to a fresh Debian docker-registry (CNCF Distribution) on
// loopback, once by each tool, alternating, and pulled back into a fresh OCI layout by each. A
// fresh registry per push means no blob is skipped or mounted. Throughput is bytes over the median
// wall time of each tool's runs; the goal is ours ≥ 0.8× skopeo's, for push and for pull.
//
// Flags: --runs N (default 3), --layer-mib M (default 64), --layers L (default 4).
// Exit codes: 0 goals met (or skipped: docker-registry or skopeo missing), 1 a goal failed, 2 the
// bench itself could not run.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist", "cli.js");
const REGISTRY = "/usr/bin/docker-registry";
const SKOPEO = "/usr/bin/skopeo";
const GOAL = 0.8;

function flag(name, fallback) {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a whole number ≥ 1`);
  return value;
}

const sha = (bytes) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

function writeLayout(dir, layers, layerMib) {
  const blobs = join(dir, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const put = (bytes) => {
    const digest = sha(bytes);
    writeFileSync(join(blobs, digest.slice(7)), bytes);
    return { digest, size: bytes.length };
  };
  const layerDescriptors = [];
  const diffIds = [];
  for (let i = 0; i < layers; i++) {
    const raw = randomBytes(layerMib * 1024 * 1024);
    diffIds.push(sha(raw));
    layerDescriptors.push({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...put(gzipSync(raw, { level: 1 })) });
  }
  const config = put(Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: {}, rootfs: { type: "layers", diff_ids: diffIds } })));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, layers: layerDescriptors }));
  const m = put(manifest);
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...m, annotations: { "org.opencontainers.image.ref.name": "bench" } }] }));
  return layerDescriptors.reduce((sum, l) => sum + l.size, config.size);
}

async function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function startRegistry(scratch) {
  const port = await freePort();
  const dir = mkdtempSync(join(scratch, "registry-"));
  writeFileSync(join(dir, "config.yml"), `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/storage\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: bench\n`);
  const child = spawn(REGISTRY, ["serve", join(dir, "config.yml")], { stdio: "ignore" });
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/v2/`);
      return { host: `127.0.0.1:${port}`, stop: () => (child.kill("SIGTERM"), rmSync(dir, { recursive: true, force: true })) };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill("SIGKILL");
  throw new Error("docker-registry did not start");
}

function timed(label, argv, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status}): ${result.stderr.toString().slice(-400)}`);
  return seconds;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mibps = (bytes, seconds) => bytes / 1024 / 1024 / seconds;

async function main() {
  if (!existsSync(REGISTRY) || !existsSync(SKOPEO)) {
    process.stdout.write(`skipped: registry push/pull vs skopeo: needs ${REGISTRY} and ${SKOPEO} (apt-get install -y docker-registry skopeo)\n`);
    return 0;
  }
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run npm run build");
  const runs = flag("--runs", 3);
  const layerMib = flag("--layer-mib", 64);
  const layers = flag("--layers", 4);
  const scratch = mkdtempSync(join(tmpdir(), "akash-stack-bench-transfer-"));
  // Our CLI reads logins from Docker's config; an empty one keeps the user's out of the bench.
  const env = { DOCKER_CONFIG: join(scratch, "docker") };
  try {
    const source = join(scratch, "source");
    const bytes = writeLayout(source, layers, layerMib);
    process.stdout.write(`image: ${layers} layers of ${layerMib} MiB (random, gzip'd), ${(bytes / 1024 / 1024).toFixed(0)} MiB in all; ${runs} runs each, alternating\n`);
    const times = { oursPush: [], skopeoPush: [], oursPull: [], skopeoPull: [] };
    for (let run = 0; run < runs; run++) {
      for (const tool of run % 2 === 0 ? ["ours", "skopeo"] : ["skopeo", "ours"]) {
        const registry = await startRegistry(scratch);
        const image = `${registry.host}/bench/app:bench`;
        const dest = join(scratch, `pulled-${tool}-${run}`);
        try {
          if (tool === "ours") {
            times.oursPush.push(timed("akash-stack registry push", [process.execPath, CLI, "registry", "push", image, source, "--allow-http"], env));
            times.oursPull.push(timed("akash-stack registry pull", [process.execPath, CLI, "registry", "pull", image, dest, "--allow-http"], env));
          } else {
            times.skopeoPush.push(timed("skopeo push", [SKOPEO, "copy", "-q", "--dest-tls-verify=false", `oci:${source}:bench`, `docker://${image}`], env));
            times.skopeoPull.push(timed("skopeo pull", [SKOPEO, "copy", "-q", "--src-tls-verify=false", `docker://${image}`, `oci:${dest}:bench`], env));
          }
        } finally {
          registry.stop();
          rmSync(dest, { recursive: true, force: true });
        }
      }
    }
    let failed = 0;
    for (const what of ["Push", "Pull"]) {
      const ours = mibps(bytes, median(times[`ours${what}`]));
      const theirs = mibps(bytes, median(times[`skopeo${what}`]));
      const ratio = ours / theirs;
      const ok = ratio >= GOAL;
      if (!ok) failed++;
      process.stdout.write(`${what.toLowerCase()}: akash-stack ${ours.toFixed(1)} MiB/s, skopeo ${theirs.toFixed(1)} MiB/s: ${ratio.toFixed(2)}× (goal ≥ ${GOAL}×) ${ok ? "PASS" : "FAIL"}\n`);
    }
    return failed > 0 ? 1 : 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`bench:push-pull: ${err.message}\n`);
    process.exitCode = 2;
  },
);
