/**
 * devnet ergonomics (issue 15): `devnet --detach` returns once the chain answers and prints the
 * pid; `devnet status` and `devnet stop` find it from a subfolder of the project (devnet.json in
 * the project's .akash-stack, found by walking up to package.json); a devnet in the foreground
 * stops when the process that started it goes away. Through the built CLI.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./support/corpus.js";

const CLI = join(PROJECT_ROOT, "dist", "cli.js");

function cli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.AKASH_STACK_HOME;
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: "utf8", timeout: 90_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0]!);
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("devnet in the background and from subfolders", () => {
  let project: string;
  let sub: string;
  const started: number[] = [];

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "akash-stack-project-"));
    writeFileSync(join(project, "package.json"), '{"name":"my-infra","private":true}\n');
    sub = join(project, "deploy", "prod");
    mkdirSync(sub, { recursive: true });
  });
  afterAll(() => {
    for (const pid of started) if (alive(pid)) process.kill(pid, "SIGKILL");
    rmSync(project, { recursive: true, force: true });
  });

  it("devnet --detach prints the pid and returns once the chain answers; status and stop work from a subfolder", async () => {
    const detached = cli(["devnet", "--detach", "--block-time", "100", "--providers", "1"], project);
    expect(detached.stderr).toBe("");
    expect(detached.code).toBe(0);
    const pid = Number(/running in the background: pid (\d+), chain akash-local at height \d+/.exec(detached.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    started.push(pid);
    expect(alive(pid)).toBe(true);
    const file = join(project, ".akash-stack", "devnet.json");
    expect((JSON.parse(readFileSync(file, "utf8")) as { pid: number }).pid).toBe(pid);

    const status = cli(["devnet", "status"], sub);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`running: pid ${pid}, chain akash-local at height \\d+`));
    const asJson = cli(["devnet", "status", "--output", "json"], sub);
    expect(asJson.code).toBe(0);
    expect(JSON.parse(asJson.stdout)).toEqual({ running: true, pid, chainId: "akash-local", height: expect.any(Number), rpc: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+/), file: expect.stringMatching(/devnet\.json$/) });

    const again = cli(["devnet", "--detach"], sub);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`a devnet already runs for this project (pid ${pid}`);

    const stopped = cli(["devnet", "stop"], sub);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`stopped pid ${pid}`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(file)).toBe(false);

    const after = cli(["devnet", "status"], sub);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain("not running (no ");
    const afterJson = cli(["devnet", "status", "--output", "json"], sub);
    expect(afterJson.code).toBe(1);
    expect(JSON.parse(afterJson.stdout)).toMatchObject({ running: false, pid: null, height: null });
    const idle = cli(["devnet", "stop"], sub);
    expect(idle.code).toBe(0);
    expect(idle.stdout).toContain("no devnet to stop");
  }, 120_000);

  it("a devnet in the foreground stops when the process that started it is killed", async () => {
    // sh starts the devnet in the background, prints its pid, then becomes `sleep`: killing the
    // sleep leaves the devnet an orphan, as killing `npx akash-stack devnet &` does.
    const script = `node ${JSON.stringify(CLI)} devnet --block-time 100 --providers 1 > devnet.out 2>&1 & echo $!; exec sleep 120`;
    const env = { ...process.env };
    delete env.AKASH_STACK_HOME;
    const parent = spawn("sh", ["-c", script], { cwd: sub, env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    parent.stdout.on("data", (c: Buffer) => (out += c.toString()));
    await until(() => /^\d+\n/.test(out), 10_000, "the devnet's pid");
    const pid = Number(out.trim());
    started.push(pid);
    const file = join(project, ".akash-stack", "devnet.json");
    await until(() => existsSync(file), 60_000, "devnet.json");
    expect(cli(["devnet", "status"], project).code).toBe(0);

    parent.kill("SIGKILL");
    await until(() => !alive(pid), 15_000, `pid ${pid} to stop after its parent was killed`);
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(join(sub, "devnet.out"), "utf8")).toContain("stopped at height");
  }, 120_000);
});
