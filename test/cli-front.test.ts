/**
 * The built CLI's front bundle (dist/chunks/cli-front.cjs, src/cli/main.ts): `lint` and `manifest`
 * run from it, and it must stay cheap to start. These tests run the built CLI and check that
 * `manifest` prints exactly what the source prints, that a lint loads none of the built-in modules
 * it does not need (the build's lazy stand-ins for `child_process` and `crypto`, no `fs/promises`),
 * and that those stand-ins call through to the real modules.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "esbuild";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runManifest } from "../src/cli/manifest.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { BASE } from "./support/sdl-cases.js";
import { CLI, CLI_FRONT, ensureBuilt } from "./support/built-cli.js";


let work: string;
beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "akash-stack-front-"));
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What `runManifest` from source prints on stdout, and its exit code. */
async function manifestFromSource(file: string, hash: boolean): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const code = await runManifest(file, { hash }, { write: (stream, text) => void (stream === "stdout" && (stdout += text)) });
  return { code, stdout };
}

describe("akash-stack manifest, built", () => {
  it("prints the same manifest and hash as the source, with the same exit code", async () => {
    const file = join(work, "base.yaml");
    writeFileSync(file, BASE);
    for (const hash of [false, true]) {
      const built = spawnSync(process.execPath, [CLI, "manifest", ...(hash ? ["--hash"] : []), file], { encoding: "utf8" });
      const source = await manifestFromSource(file, hash);
      expect(built.stderr).toBe("");
      expect(built.status).toBe(source.code);
      expect(built.stdout).toBe(source.stdout);
    }
    expect((await manifestFromSource(file, true)).stdout).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it("reads standard input for -: the same manifest as the file, and an oversized input is unreadable", () => {
    const file = join(work, "stdin.yaml");
    writeFileSync(file, BASE);
    const fromFile = spawnSync(process.execPath, [CLI, "manifest", "--hash", file], { encoding: "utf8" });
    const fromStdin = spawnSync(process.execPath, [CLI, "manifest", "--hash", "-"], { encoding: "utf8", input: BASE });
    expect(fromStdin.status).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
    const big = spawnSync(process.execPath, [CLI, "manifest", "-"], { encoding: "utf8", input: Buffer.alloc(5 * 1024 * 1024, "#") });
    expect(big.status).toBe(2);
    expect(big.stdout).toBe("");
    expect(big.stderr).toBe("akash-stack manifest: cannot read <stdin>: it is over the 4 MiB limit; an SDL is a few KiB: check that this is the right input\n");
  });

  it("refuses an SDL the Go parser rejects, as the source does", async () => {
    const file = join(work, "broken.yaml");
    writeFileSync(file, BASE.replace("image: nginx:1.27.3", "image: ''"));
    const built = spawnSync(process.execPath, [CLI, "manifest", file], { encoding: "utf8" });
    expect(built.status).toBe((await manifestFromSource(file, false)).code);
    expect(built.status).toBe(1);
    expect(built.stderr).toContain("no manifest written");
  });
});

describe("the front bundle's start-up", () => {
  it("a lint loads none of child_process, crypto, net and fs/promises", () => {
    const file = join(work, "lint-me.yaml");
    writeFileSync(file, BASE);
    // The same steps as dist/cli.js, then the internal modules Node loaded along the way.
    const script = `
      const { readFileSync } = require("node:fs");
      const { Script } = require("node:vm");
      const { createRequire } = require("node:module");
      const bundle = ${JSON.stringify(CLI_FRONT)};
      const cachedData = readFileSync(bundle.replace(/\\.cjs$/, ".cache"));
      const module = { exports: {} };
      new Script(readFileSync(bundle, "utf8"), { filename: bundle, cachedData }).runInThisContext()(module, module.exports, createRequire(bundle), bundle);
      const swallow = () => undefined;
      module.exports.runCli(["node", "akash-stack", "lint", ${JSON.stringify(file)}], () => Promise.reject(new Error("not here")), swallow).then(() => {
        const report = JSON.stringify({ code: process.exitCode ?? 0, loaded: process.moduleLoadList }); // before touching process.stdout
        process.stdout.write(report);
      });`;
    const result = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as { code: number; loaded: string[] };
    expect(result.code).toBe(0);
    expect(result.loaded).toContain("NativeModule vm"); // the list is what it claims to be
    expect(result.loaded.filter((m) => /^NativeModule (child_process|crypto|net|fs\/promises)$/.test(m))).toEqual([]);
  });
});

describe("lazyBuiltin (scripts/build-cached-bundles.mjs)", () => {
  it("stands in for a built-in module until a listed function is first called, then calls the real one", async () => {
    const script = pathToFileURL(join(PROJECT_ROOT, "scripts", "build-cached-bundles.mjs")).href;
    const { lazyBuiltin } = (await import(script)) as { lazyBuiltin(name: string, functions: string[]): import("esbuild").Plugin };
    const entry = join(work, "entry.mjs");
    writeFileSync(
      entry,
      [
        'import { createHash } from "node:crypto";',
        'const { spawnSync } = require("node:child_process");',
        "const before = process.moduleLoadList.filter((m) => /^NativeModule (crypto|child_process)$/.test(m));",
        'const digest = createHash("sha256").update("abc").digest("hex");',
        'const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(6 * 7))"], { encoding: "utf8" }).stdout;',
        "process.stdout.write(JSON.stringify({ before, digest, child }));",
      ].join("\n"),
    );
    const outfile = join(work, "bundle.cjs");
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: "cjs",
      platform: "node",
      logLevel: "silent",
      plugins: [lazyBuiltin("crypto", ["createHash"]), lazyBuiltin("child_process", ["spawnSync"])],
    });
    const result = JSON.parse(execFileSync(process.execPath, [outfile], { encoding: "utf8" })) as { before: string[]; digest: string; child: string };
    expect(result.before).toEqual([]);
    expect(result.digest).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(result.child).toBe("42");
  });
});
