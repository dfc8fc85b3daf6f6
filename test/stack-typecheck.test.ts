/**
 * synth, plan and deploy type-check the stack file before using it: esbuild, which loads stacks,
 * strips types, so without the check a misspelt option was dropped silently and synth exited 0.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runSynth, type SynthIo } from "../src/cli/synth.js";
import { loadAndSynth, StackTypeError } from "../src/deploy/session.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { markedLine } from "./support/stack-fixtures.js";

const fixture = join(PROJECT_ROOT, "test", "fixtures", "type-errors", "misspelt-option.ts");
const shown = "test/fixtures/type-errors/misspelt-option.ts";

function capture(): SynthIo & { stdout: string; stderr: string } {
  const io = { cwd: PROJECT_ROOT, stdout: "", stderr: "", write: (stream: "stdout" | "stderr", text: string) => void (io[stream] += text) };
  return io;
}

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "akash-stack-typecheck-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("type-checked synth", () => {
  it("fails with TypeScript's error at the stack's line and column, and writes nothing", async () => {
    const out = tempDir();
    const io = capture();
    expect(await runSynth(fixture, { out }, io)).toBe(1);
    const line = markedLine(fixture);
    const column = readFileSync(fixture, "utf8").split("\n")[line - 1]!.indexOf("readonly:") + 1;
    expect(io.stderr).toContain(`${shown}:${line}:${column}: error TS2561:`);
    expect(io.stderr).toContain("Did you mean to write 'readOnly'?");
    expect(io.stderr).toMatch(/1 type error in test\/fixtures\/type-errors\/misspelt-option\.ts .*--no-typecheck/);
    expect(io.stdout).toBe("");
    expect(() => readFileSync(join(out, "misspelt-option.sdl.yaml"))).toThrow(/ENOENT/);
  });

  it("--no-typecheck skips the check (and shows what it would have caught: the volume is writable)", async () => {
    const out = tempDir();
    const io = capture();
    expect(await runSynth(fixture, { out, typecheck: false }, io)).toBe(0);
    const sdl = readFileSync(join(out, "misspelt-option.sdl.yaml"), "utf8");
    expect(sdl).toContain("mount: /usr/share/nginx/html");
    expect(sdl).not.toMatch(/readOnly/i);
  });

  it("plan and deploy refuse the stack too (exit 1 through StackTypeError)", async () => {
    const io = { cwd: PROJECT_ROOT, env: {}, write: () => undefined };
    const failure = await loadAndSynth(fixture, [], io).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StackTypeError);
    expect((failure as Error).message).toContain(`${shown}:${markedLine(fixture)}:`);
    await expect(loadAndSynth(fixture, [], io, { typecheck: false })).resolves.toMatchObject({ name: "misspelt-option" });
  });

  it("passes a correct stack, and a second run reuses the clean result without TypeScript", async () => {
    const stack = join(PROJECT_ROOT, "test", "fixtures", "stacks", "gpu.ts");
    const out = tempDir();
    const first = capture();
    expect(await runSynth(stack, { out }, first)).toBe(0);
    expect(first.stderr).toBe("");
    expect(readFileSync(join(out, "gpu.sdl.yaml"), "utf8")).toContain("model: h100");
    const { typeCheck } = await import("../src/stack/typecheck.js");
    const { cacheDirFor } = await import("../src/stack/cache-dir.js");
    expect(typeCheck(stack, await cacheDirFor(stack))).toMatchObject({ kind: "passed", reused: true });
  });

  it("loads TypeScript with a V8 code cache made after a check, which the next load uses as it is", async () => {
    const { createRequire } = await import("node:module");
    const { statSync } = await import("node:fs");
    const { loadTypeScript } = await import("../src/stack/typescript-loader.js");
    const require = createRequire(import.meta.url);
    const main = require.resolve("typescript");
    const version = (require("typescript/package.json") as { version: string }).version;
    const dir = tempDir();
    const first = loadTypeScript(main, version, dir);
    expect(first.ts.version).toBe(version);
    first.ts.transpileModule("const a: number = 1;", {});
    first.saveCodeCache();
    const cacheFile = join(dir, `typescript-${version}-node${process.versions.v8}.cache`);
    const written = statSync(cacheFile);
    expect(written.size).toBeGreaterThan(100_000);
    const second = loadTypeScript(main, version, dir);
    expect(second.ts.transpileModule("let b = 2 as number;", {}).outputText).toContain("b = 2;");
    second.saveCodeCache(); // accepted, so not written again
    expect(statSync(cacheFile).mtimeMs).toBe(written.mtimeMs);
  });
});
