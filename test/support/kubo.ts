/**
 * A real Kubo daemon for tests: the binary scripts/build-tools.sh builds from the Go module proxy
 * (.cache/tools/bin/ipfs, or KUBO_BIN), a temporary repo made with `ipfs init --profile test`,
 * API and gateway on free loopback ports, no bootstrap peers, `--offline`. Stopped after the test.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort, tempDir } from "./verify-servers.js";

export const KUBO_BIN = process.env.KUBO_BIN ?? resolve(import.meta.dirname, "..", "..", ".cache", "tools", "bin", "ipfs");
export const kuboFound = existsSync(KUBO_BIN);
export const kuboMissing = `Kubo is not built (${KUBO_BIN}): run scripts/build-tools.sh (it builds ipfs from the Go module proxy), or set KUBO_BIN`;

export interface RunningKubo {
  apiUrl: string;
  gatewayUrl: string;
  repo: string;
  /** Runs the ipfs CLI against this node (it talks to the running daemon's API). */
  cli(args: string[], input?: Uint8Array): string;
  stop(): Promise<void>;
}

export async function startKubo(): Promise<RunningKubo> {
  const repo = tempDir("kubo");
  const env = { ...process.env, IPFS_PATH: repo };
  const run = (args: string[], input?: Uint8Array) => execFileSync(KUBO_BIN, args, { env, encoding: "utf8", ...(input ? { input } : {}), stdio: ["pipe", "pipe", "pipe"] }).trim();
  run(["init", "--profile", "test"]);
  const apiPort = await freePort();
  const gatewayPort = await freePort();
  run(["config", "Addresses.API", `/ip4/127.0.0.1/tcp/${apiPort}`]);
  run(["config", "Addresses.Gateway", `/ip4/127.0.0.1/tcp/${gatewayPort}`]);
  run(["config", "--json", "Bootstrap", "[]"]);
  const child: ChildProcess = spawn(KUBO_BIN, ["daemon", "--offline"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`Kubo did not get ready in 60 s: ${output.slice(-500)}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Daemon is ready")) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Kubo exited with ${code}: ${output.slice(-500)}`));
    });
  });
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    repo,
    cli: run,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(repo, { recursive: true, force: true });
    },
  };
}

export { join };
