/**
 * The built CLI (dist/cli.js) with the chain libraries bundled into its chunks: devnet, plan,
 * deploy, status and close run end to end as a user runs them, and synth reports stack errors at
 * the stack's file and line through the bundled stack loader. The other chain-command tests run
 * the TypeScript sources, so only these would notice a bundle that breaks a library (as esbuild's
 * `import()` of CommonJS once broke `devnet`: scripts/esbuild-cjs-dynamic-imports.mjs).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./support/corpus.js";
import { fixtureStack, markedLine } from "./support/stack-fixtures.js";

const CLI = join(PROJECT_ROOT, "dist", "cli.js");
const BUILT = existsSync(CLI);

let home: string;
let devnet: ReturnType<typeof spawn> | undefined;
let devnetExit: Promise<number | null>;

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", AKASH_STACK_HOME: home },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const TITLE = BUILT ? "dist/cli.js chain commands" : "dist/cli.js chain commands (skipped: dist/cli.js is not built; run `node scripts/build.mjs`)";

describe.skipIf(!BUILT)(TITLE, () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "akash-stack-cli-chain-"));
    const child = spawn(process.execPath, [CLI, "devnet", "--block-time", "100", "--providers", "3"], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", AKASH_STACK_HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    devnet = child;
    devnetExit = new Promise((r) => child.on("exit", (code) => r(code)));
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`dist/cli.js devnet did not start: ${stderr}`)), 30_000);
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes("press Ctrl-C to stop")) {
          clearTimeout(timer);
          resolveReady();
        }
      });
      void devnetExit.then((code) => reject(new Error(`dist/cli.js devnet exited (${code}) before it was ready: ${stderr}`)));
    });
  });

  afterAll(async () => {
    if (devnet && devnet.exitCode === null) {
      devnet.kill("SIGINT");
      await devnetExit;
    }
    rmSync(home, { recursive: true, force: true });
  });

  it("plan, deploy, status and close a stack", () => {
    const plan = cli(["plan", "registry", "--network", "local", "--output", "json", "--detailed-exitcode"]);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(2);
    expect(JSON.parse(plan.stdout)).toMatchObject({ decision: { action: "create" } });

    const deploy = cli(["deploy", "registry", "--network", "local", "--yes", "--output", "jsonl"]);
    expect(deploy.code, deploy.stderr).toBe(0);
    const summary = JSON.parse(deploy.stdout.trim().split("\n").at(-1)!) as { status: string; dseq: string };
    expect(summary.status).toBe("done");

    const status = cli(["status", "registry", "--network", "local", "--output", "json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(summary.dseq);

    const close = cli(["close", "registry", "--network", "local"]);
    expect(close.code, close.stderr).toBe(0);
    expect(close.stdout).toMatch(new RegExp(`deployment ${summary.dseq}: closed`));
  }, 90_000);

  it("synth reports a stack's mistake at its file and line", () => {
    const file = fixtureStack("throws");
    const run = cli(["synth", relative(PROJECT_ROOT, file), "--out", home]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`test/fixtures/stacks/throws.ts:${markedLine(file)}:`);
  });

  it("devnet stops cleanly on SIGINT and removes devnet.json", async () => {
    expect(JSON.parse(readFileSync(join(home, "devnet.json"), "utf8"))).toMatchObject({ chainId: "akash-local" });
    devnet!.kill("SIGINT");
    expect(await devnetExit).toBe(0);
    expect(existsSync(join(home, "devnet.json"))).toBe(false);
  });
});
