/**
 * `runDevnet` (the `akash-stack devnet` action): prints the endpoints, writes devnet.json, serves
 * until SIGINT/SIGTERM and then stops cleanly; rejects bad flags.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runDevnet } from "../src/cli/devnet.js";
import type { Devnet } from "../src/devnet/index.js";

const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..");
const homes: string[] = [];

function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), "akash-stack-devnet-cli-"));
  homes.push(home);
  return home;
}

afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

describe("runDevnet", () => {
  it("prints the endpoints, writes devnet.json, and stops when asked", async () => {
    const home = tempHome();
    let output = "";
    let release: () => void = () => undefined;
    const until = new Promise<void>((r) => (release = r));
    let running: Devnet | undefined;
    const exit = runDevnet(
      { blockTime: 100, providers: 2 },
      {
        write: (_stream, text) => (output += text),
        until,
        home,
        onStarted: (devnet) => {
          running = devnet;
          release();
        },
      },
    );
    expect(await exit).toBe(0);
    expect(output).toMatch(/chain akash-local, a block every 100 ms, 2 providers/);
    expect(output).toContain(`rpc     ${running!.rpc}`);
    expect(output).toMatch(/provider 2 akash1\w+ https:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/stopped at height \d+/);
    // removed on a clean stop, so no other command mistakes a dead devnet for a running one
    expect(existsSync(join(home, "devnet.json"))).toBe(false);
  });

  it("refuses a block time below 1 ms and a negative provider count", async () => {
    let errors = "";
    const context = { write: (_s: "stdout" | "stderr", t: string) => (errors += t), until: Promise.resolve() };
    expect(await runDevnet({ blockTime: 0 }, context)).toBe(2);
    expect(errors).toContain("--block-time must be a whole number of milliseconds, 1 or more (got 0)");
    expect(await runDevnet({ providers: -1 }, context)).toBe(2);
    expect(errors).toContain("--providers must be a whole number from 0 to 50 (got -1)");
  });

  it("runs in its own process until SIGINT, with devnet.json in $AKASH_STACK_HOME meanwhile", async () => {
    const home = tempHome();
    const child = spawn(process.execPath, ["--import", "tsx", "-e", 'const { runDevnet } = await import("./src/cli/devnet.ts"); process.exitCode = await runDevnet({ blockTime: 100, providers: 1 });'], {
      cwd: ROOT,
      env: { ...process.env, AKASH_STACK_HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`the devnet did not start: ${stderr}`)), 20_000);
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes("press Ctrl-C to stop")) {
          clearTimeout(timer);
          resolveReady();
        }
      });
    });
    const file = JSON.parse(readFileSync(join(home, "devnet.json"), "utf8")) as { chainId: string; rpc: string; providers: unknown[] };
    expect(file.chainId).toBe("akash-local");
    expect(file.providers).toHaveLength(1);
    const status = (await (await fetch(`${file.rpc}/status`)).json()) as { result: { node_info: { version: string } } };
    expect(status.result.node_info.version).toMatch(/^0\.38\./);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/stopped at height \d+/);
    expect(existsSync(join(home, "devnet.json"))).toBe(false);
  });
});
