/**
 * scripts/esbuild-cjs-dynamic-imports.mjs: in a code-split ESM bundle, `await import()` of a
 * CommonJS package must expose the package's named exports as Node does (esbuild alone exposes
 * only `default`, which broke `akash-stack devnet` once chain-sdk was bundled).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type BuildOptions } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { assertNoCommonJsChunks, commonJsDynamicImports, nodeModuleFormat } from "../scripts/esbuild-cjs-dynamic-imports.mjs";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project whose entry dynamically imports a CommonJS package and an ES module package. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "akash-stack-cjs-import-"));
  temps.push(dir);
  const cjs = join(dir, "node_modules", "legacy-cjs");
  mkdirSync(cjs, { recursive: true });
  writeFileSync(join(cjs, "package.json"), JSON.stringify({ name: "legacy-cjs", main: "lib/index.js" }));
  mkdirSync(join(cjs, "lib"));
  writeFileSync(join(cjs, "lib", "index.js"), 'exports.KEYUTIL = { generateKeypair: () => "keypair" };\nexports["odd-name"] = 2;\n');
  const esm = join(dir, "node_modules", "modern-esm");
  mkdirSync(esm, { recursive: true });
  writeFileSync(join(esm, "package.json"), JSON.stringify({ name: "modern-esm", type: "module", exports: "./index.js" }));
  writeFileSync(join(esm, "index.js"), "export const answer = 42;\n");
  writeFileSync(
    join(dir, "entry.mjs"),
    `const legacy = await import("legacy-cjs");
const modern = await import("modern-esm");
console.log(JSON.stringify({ keypair: legacy.KEYUTIL?.generateKeypair(), odd: legacy["odd-name"], sameDefault: legacy.default?.KEYUTIL === legacy.KEYUTIL, answer: modern.answer }));
`,
  );
  return dir;
}

async function bundleAndRun(dir: string, options: Partial<BuildOptions>): Promise<{ output: unknown; metafile: Parameters<typeof assertNoCommonJsChunks>[0] }> {
  const outdir = join(dir, "out");
  const result = await build({ entryPoints: [join(dir, "entry.mjs")], outdir, bundle: true, splitting: true, format: "esm", platform: "node", metafile: true, logLevel: "silent", ...options });
  const run = spawnSync(process.execPath, [join(outdir, "entry.js")], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  return { output: JSON.parse(run.stdout), metafile: result.metafile! };
}

describe("commonJsDynamicImports", () => {
  it("gives import() of a CommonJS package Node's named exports beside default", async () => {
    const dir = project();
    // What Node itself gives the unbundled entry.
    const native = JSON.parse(spawnSync(process.execPath, [join(dir, "entry.mjs")], { encoding: "utf8" }).stdout);
    expect(native).toEqual({ keypair: "keypair", odd: 2, sameDefault: true, answer: 42 });
    const bundled = await bundleAndRun(dir, { plugins: [commonJsDynamicImports()] });
    expect(bundled.output).toEqual(native);
    expect(() => assertNoCommonJsChunks(bundled.metafile)).not.toThrow();
  });

  it("without it, esbuild's chunk has only default, and the build check says which chunk", async () => {
    const dir = project();
    const bundled = await bundleAndRun(dir, {});
    expect(bundled.output).toEqual({ sameDefault: false, answer: 42 });
    expect(() => assertNoCommonJsChunks(bundled.metafile)).toThrow(/expose a CommonJS module as `default` only[\s\S]*node_modules\/legacy-cjs\/lib\/index\.js/);
  });
});

describe("nodeModuleFormat", () => {
  it("follows Node's rule: the extension, else the nearest package.json's type", () => {
    const dir = project();
    expect(nodeModuleFormat(join(dir, "node_modules", "legacy-cjs", "lib", "index.js"))).toBe("commonjs");
    expect(nodeModuleFormat(join(dir, "node_modules", "modern-esm", "index.js"))).toBe("module");
    expect(nodeModuleFormat(join(dir, "node_modules", "modern-esm", "x.cjs"))).toBe("commonjs");
    expect(nodeModuleFormat(join(dir, "node_modules", "legacy-cjs", "x.mjs"))).toBe("module");
  });
});
