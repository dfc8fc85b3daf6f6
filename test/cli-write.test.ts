/**
 * src/cli/write.ts: the program's output goes straight to file descriptors 1 and 2. These tests run
 * it in a child process on a real pipe and check the three ways a write can go: in full, after the
 * reader went away (EPIPE: a quiet exit with the exit code so far), and on a non-blocking pipe that
 * fills up (EAGAIN: the rest goes through Node's stream, in order, nothing lost).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlainModule } from "./support/plain-module.js";
import { PROJECT_ROOT } from "./support/corpus.js";

/**
 * write.ts built to plain JavaScript, so the child runs without tsx: tsx touches `process.stdout`,
 * and Node then switches the pipe to non-blocking mode, which is the EAGAIN case, not the usual one.
 */
let writeModule: string;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "akash-stack-write-"));
  writeModule = await buildPlainModule("src/cli/write.ts", folder);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Child code: `stdoutNonBlocking()` is true when fd 1 is in non-blocking mode (Linux /proc; undefined elsewhere). */
const CHILD_HELPERS = `import { readFileSync } from "node:fs";
function stdoutNonBlocking() {
  try {
    const flags = /flags:\\s*(\\d+)/.exec(readFileSync("/proc/self/fdinfo/1", "utf8"));
    return flags ? (parseInt(flags[1], 8) & 0o4000) !== 0 : undefined;
  } catch {
    return undefined;
  }
}`;

/** 3 MiB in three writes of distinct bytes, far more than a pipe buffer (64 KiB on Linux). */
const PARTS = ["a", "b", "c"].map((letter) => `${letter.repeat(1024 * 1024 - 1)}\n`);
/** The same parts, built in the child (the text itself is too large for a command line). */
const CHILD_PARTS = '["a", "b", "c"].map((letter) => `${letter.repeat(1024 * 1024 - 1)}\\n`)';

interface ChildResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs `body` (ES module code with `writeOutput` imported) in a child whose stdout is a pipe.
 * `read` decides how the parent reads it: all of it after `delayMs`, or only the first chunk.
 */
function runChild(body: string, read: { delayMs: number; firstChunkOnly?: boolean }): Promise<ChildResult> {
  const script = `import { writeOutput } from ${JSON.stringify(writeModule)};\n${CHILD_HELPERS}\n${body}`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  child.stdout.pause();
  setTimeout(() => {
    child.stdout.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (read.firstChunkOnly) child.stdout.destroy();
    });
    child.stdout.resume();
  }, read.delayMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr }));
  });
}

describe("writeOutput", () => {
  it("writes everything, in order, to a pipe read late", async () => {
    const body = `if (stdoutNonBlocking()) process.stderr.write("fd 1 is non-blocking\\n");\nfor (const part of ${CHILD_PARTS}) writeOutput("stdout", part);`;
    const result = await runChild(body, { delayMs: 200 });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.toString("utf8")).toBe(PARTS.join(""));
  });

  it("hands a non-blocking pipe that fills up to Node's stream, losing and reordering nothing", async () => {
    // Node switches the pipe to non-blocking mode once process.stdout wraps it (so does a library
    // that touches it, or a parent process).
    const body = [
      "process.stdout;",
      `if (stdoutNonBlocking() === false) process.stderr.write("fd 1 is still blocking: this test would not reach EAGAIN\\n");`,
      `for (const part of ${CHILD_PARTS}) writeOutput("stdout", part);`,
      'writeOutput("stdout", "end\\n");',
    ].join("\n");
    const result = await runChild(body, { delayMs: 300 });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.toString("utf8")).toBe(`${PARTS.join("")}end\n`);
  });

  it("exits quietly with the exit code so far when the reader goes away", async () => {
    const body = `process.exitCode = 1;\nfor (let i = 0; i < 20; i++) for (const part of ${CHILD_PARTS}) writeOutput("stdout", part);\nwriteOutput("stderr", "not reached\\n");`;
    const result = await runChild(body, { delayMs: 0, firstChunkOnly: true });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
  });
});
