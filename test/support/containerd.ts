/**
 * containerd, as every Akash provider pulls with it (Kubernetes' CRI runtime), run in the
 * foreground with a root of its own. Each pull gets a new daemon and an empty content store: a
 * store that already holds a blob skips the size and digest checks, so a reused one proves nothing.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface FetchResult {
  status: number | null;
  output: string;
  /** The digests now in the content store. */
  stored: string[];
}

/** Starts containerd inside `netns`, fetches `ref` with `ctr content fetch`, lists the store, stops it. */
export async function fetchWithFreshContainerd(netns: string, ref: string, options: { user?: string; caFile?: string; plainHttp?: boolean }): Promise<FetchResult> {
  const dir = mkdtempSync(join(tmpdir(), "akash-stack-containerd-"));
  const socket = join(dir, "containerd.sock");
  const config = join(dir, "config.toml");
  writeFileSync(
    config,
    [
      "version = 2",
      `root = ${JSON.stringify(join(dir, "root"))}`,
      `state = ${JSON.stringify(join(dir, "state"))}`,
      // Only the content store and the metadata it needs; the CRI plugin would want a CNI setup.
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      "[grpc]",
      `  address = ${JSON.stringify(socket)}`,
      "[ttrpc]",
      `  address = ${JSON.stringify(join(dir, "containerd.sock.ttrpc"))}`,
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = ${JSON.stringify(join(dir, "opt"))}`,
      "",
    ].join("\n"),
  );
  const daemon = spawn("ip", ["netns", "exec", netns, "containerd", "--config", config], { stdio: ["ignore", "ignore", "pipe"] });
  let daemonLog = "";
  daemon.stderr!.on("data", (chunk: Buffer) => void (daemonLog += chunk.toString("utf8")));
  try {
    const deadline = Date.now() + 20_000;
    while (!existsSync(socket)) {
      if (Date.now() > deadline || daemon.exitCode !== null) throw new Error(`containerd did not start: ${daemonLog.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ctr = (...args: string[]): SpawnSyncReturns<string> =>
      spawnSync("ip", ["netns", "exec", netns, "ctr", "--address", socket, "--namespace", "rehearse", ...args], { encoding: "utf8", timeout: 180_000 });
    const flags = [
      ...(options.user ? ["--user", options.user] : []),
      ...(options.caFile ? ["--tlscacert", options.caFile] : []),
      ...(options.plainHttp ? ["--plain-http"] : []),
    ];
    const fetched = ctr("content", "fetch", ...flags, ref);
    const listed = ctr("content", "ls", "--quiet");
    return {
      status: fetched.status,
      output: `${fetched.stdout}${fetched.stderr}`,
      stored: listed.stdout.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("sha256:")),
    };
  } finally {
    daemon.kill("SIGTERM");
    await new Promise((resolve) => {
      if (daemon.exitCode !== null) resolve(undefined);
      else daemon.once("exit", resolve);
      setTimeout(resolve, 5000);
    });
    rmSync(dir, { recursive: true, force: true });
  }
}
