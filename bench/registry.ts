// `npm run bench:registry`: the rehearsed registry stack against a plain registry, in one run.
//
// skopeo pushes a 200 MiB image (three layers: 128 MiB, 64 MiB, 8 MiB) and pulls it back, through
// the stack (Caddy's TLS edge in front of CNCF Distribution, exactly as synthesized) and through
// Debian's docker-registry on plain HTTP in the same network namespace (the baseline). Each push
// sends a new random image, so no blob is skipped as already there. Goals:
//   1. push throughput through the stack ≥ 0.5× the baseline's;
//   2. pull throughput through the stack ≥ 0.5× the baseline's;
//   3. the registry's peak RSS during the pushes < 2× the largest layer (it must stream layers to
//      disk, not hold them in memory; OpenRegistry's IPFS backend holds each about twice).
// Times are medians of N runs, alternating stack and baseline. Needs root, scripts/build-tools.sh's
// programs, skopeo and docker-registry (as the tests do).
//
// Flags: --runs N (default 5). Exit codes: 0 every goal met, 1 a goal failed, 2 the bench could not run.
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeOciLayout } from "../test/support/oci-layout.js";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "dist", "cli.js");
const NETNS = "akash-stack-registry";
const REGISTRY = "registry.alternatefutures.ai";
const MiB = 1024 * 1024;
const LAYERS = [128 * MiB, 64 * MiB, 8 * MiB];
const GOALS = { pushRatio: 0.5, pullRatio: 0.5, rssPerLargestLayer: 2 };
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1] ?? 5) || 5;

const work = mkdtempSync(join(tmpdir(), "akash-stack-bench-registry-"));
const home = join(work, "home");
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, AKASH_STACK_HOME: home } });
const inNetns = (command: string, args: string[]): SpawnSyncReturns<string> => spawnSync("ip", ["netns", "exec", NETNS, command, ...args], { encoding: "utf8" });
const say = (line: string) => process.stdout.write(`${line}\n`);

function timed(what: string, command: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const result = inNetns(command, args);
  if (result.status !== 0) throw new Error(`${what} failed: ${result.stderr.slice(-1500)}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    say("bench:registry needs root (network namespaces)");
    return 2;
  }
  const started = cli(["rehearse", "registry", "--detach", "--fresh", "--output", "json", "--timeout", "240"]);
  if (started.status !== 0) {
    say(`could not rehearse the registry stack: ${started.stderr}`);
    return 2;
  }
  const view = JSON.parse(started.stdout) as { ca: string; admin: { passwordFile: string }; services: Record<string, { pid: number }> };
  const creds = `admin:${readFileSync(view.admin.passwordFile, "utf8")}`;
  const certs = join(work, "certs");
  mkdirSync(certs);
  writeFileSync(join(certs, "ca.crt"), readFileSync(view.ca));

  // The baseline: Debian's docker-registry, plain HTTP, in the same namespace.
  const baseDir = join(work, "baseline");
  mkdirSync(baseDir);
  writeFileSync(
    join(baseDir, "config.yml"),
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(baseDir, "data")}\nhttp:\n  addr: 127.0.0.1:5555\n`,
  );
  const baseline = spawn("ip", ["netns", "exec", NETNS, "docker-registry", "serve", join(baseDir, "config.yml")], { stdio: "ignore" });
  try {
    for (let i = 0; i < 100 && inNetns("curl", ["-sf", "http://127.0.0.1:5555/v2/"]).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    const size = LAYERS.reduce((a, b) => a + b, 0);
    const times = { stackPush: [] as number[], basePush: [] as number[], stackPull: [] as number[], basePull: [] as number[] };
    for (let run = 0; run < runs; run++) {
      // A new random image per run and per target, so nothing is skipped as already pushed; both
      // are written and flushed before any timing, and the order alternates between runs, so disk
      // write-back of one side's image never lands in the other side's time.
      const layouts = { stack: writeOciLayout(join(work, `image-stack-${run}`), "v1", LAYERS), base: writeOciLayout(join(work, `image-base-${run}`), "v1", LAYERS) };
      spawnSync("sync");
      const order = run % 2 === 0 ? (["stack", "base"] as const) : (["base", "stack"] as const);
      for (const target of order) {
        const layout = layouts[target];
        const dest = target === "stack" ? [`--dest-creds`, creds, `--dest-cert-dir`, certs, `docker://${REGISTRY}/bench/app${run}:v1`] : ["--dest-tls-verify=false", `docker://127.0.0.1:5555/bench/app${run}:v1`];
        const push = timed(`push to ${target}`, "skopeo", ["copy", "--quiet", `oci:${layout.dir}:v1`, ...dest]);
        spawnSync("sync");
        const src = target === "stack" ? ["--src-creds", creds, "--src-cert-dir", certs, `docker://${REGISTRY}/bench/app${run}:v1`] : ["--src-tls-verify=false", `docker://127.0.0.1:5555/bench/app${run}:v1`];
        const pulled = join(work, `pulled-${target}-${run}`);
        const pull = timed(`pull from ${target}`, "skopeo", ["copy", "--quiet", ...src, `oci:${pulled}:v1`]);
        times[`${target}Push`].push(push);
        times[`${target}Pull`].push(pull);
        rmSync(layout.dir, { recursive: true, force: true });
        rmSync(pulled, { recursive: true, force: true });
        spawnSync("sync");
        say(`run ${run + 1}/${runs} ${target}: push ${(size / MiB / push).toFixed(0)} MiB/s, pull ${(size / MiB / pull).toFixed(0)} MiB/s`);
      }
    }
    const rate = (seconds: number[]) => size / MiB / median(seconds);
    const pushRatio = rate(times.stackPush) / rate(times.basePush);
    const pullRatio = rate(times.stackPull) / rate(times.basePull);
    // The registry service's pid is its process (the stack's command execs `registry serve`);
    // VmHWM is its peak resident set since it started, which was just before these pushes.
    const hwmKb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${view.services.registry!.pid}/status`, "utf8"))?.[1]);
    const rssPerLayer = (hwmKb * 1024) / Math.max(...LAYERS);
    const results = [
      { goal: `push through the stack ≥ ${GOALS.pushRatio}× the baseline`, value: `${rate(times.stackPush).toFixed(0)} vs ${rate(times.basePush).toFixed(0)} MiB/s = ${pushRatio.toFixed(2)}×`, ok: pushRatio >= GOALS.pushRatio },
      { goal: `pull through the stack ≥ ${GOALS.pullRatio}× the baseline`, value: `${rate(times.stackPull).toFixed(0)} vs ${rate(times.basePull).toFixed(0)} MiB/s = ${pullRatio.toFixed(2)}×`, ok: pullRatio >= GOALS.pullRatio },
      { goal: `registry peak RSS < ${GOALS.rssPerLargestLayer}× the largest layer (${LAYERS[0]! / MiB} MiB)`, value: `${(hwmKb / 1024).toFixed(0)} MiB = ${rssPerLayer.toFixed(2)}×`, ok: rssPerLayer < GOALS.rssPerLargestLayer },
    ];
    say(`\nregistry stack (Caddy TLS → Distribution 3.1.2) vs Debian docker-registry 2.8 (plain HTTP), ${size / MiB} MiB image, median of ${runs}:`);
    for (const r of results) say(`  ${r.ok ? "PASS" : "FAIL"}  ${r.goal}: ${r.value}`);
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    baseline.kill("SIGTERM");
  }
}

function cleanUp(): void {
  cli(["rehearse", "registry", "--stop"]);
  rmSync(work, { recursive: true, force: true });
}

main().then(
  (code) => {
    cleanUp();
    process.exit(code);
  },
  (err: unknown) => {
    say(`bench:registry could not run: ${(err as Error).message}`);
    // What the services said last, since the rehearsal (and its logs) go away with the work folder.
    for (const name of ["edge", "registry"]) {
      const log = join(home, "rehearse", "registry", "services", name, "output.log");
      try {
        say(`--- ${name} (last lines of ${log}):\n${readFileSync(log, "utf8").split("\n").slice(-15).join("\n")}`);
      } catch {
        // no log
      }
    }
    cleanUp();
    process.exit(2);
  },
);
