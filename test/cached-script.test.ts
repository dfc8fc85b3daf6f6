/**
 * src/sdl/cached-script.ts: a bundle runs with its V8 code cache, and a cache that is missing or
 * that V8 refuses (another V8 version or other V8 flags, as after a Node upgrade) is made anew when
 * the process ends, so the next run is fast again. Each run is its own `node` process, as in use.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlainModule } from "./support/plain-module.js";
import { openPathTo, unprivileged } from "./support/unprivileged.js";

/** A bundle in the loader's shape, with enough functions that a cache of it is worth something. */
const BUNDLE_SOURCE = `(function (module, exports, require, __filename) {
  const square = (n) => n * n;
  module.exports = { answer: () => square(6) + square(2) + 2, where: () => require("node:path").basename(__filename) };
})`;

let folder: string;
let loader: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "akash-stack-cached-script-"));
  loader = await buildPlainModule("src/sdl/cached-script.ts", folder);
});
afterAll(() => {
  chmodSync(folder, 0o755);
  rmSync(folder, { recursive: true, force: true });
});

interface Run {
  accepted: boolean;
  answer: number;
  where: string;
}

/** Loads `bundle` in a fresh `node` (with `flags`) and reports what the loader saw. */
function load(bundle: string, flags: string[] = [], as?: { uid: number; gid: number }): Run {
  const script = `import { runCachedBundle } from ${JSON.stringify(loader)};
const loaded = runCachedBundle(${JSON.stringify(bundle)});
process.stdout.write(JSON.stringify({ accepted: loaded.cacheAccepted, answer: loaded.exports.answer(), where: loaded.exports.where() }));`;
  return JSON.parse(execFileSync(process.execPath, [...flags, "--input-type=module", "-e", script], { encoding: "utf8", ...as })) as Run;
}

function freshBundle(name: string): string {
  const dir = join(folder, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, "thing.cjs");
  writeFileSync(bundle, BUNDLE_SOURCE);
  return bundle;
}

describe("runCachedBundle", () => {
  it("runs a bundle without a cache, writes one as the process ends, and the next run uses it", () => {
    const bundle = freshBundle("missing");
    expect(load(bundle)).toEqual({ accepted: false, answer: 42, where: "thing.cjs" });
    expect(existsSync(join(folder, "missing", "thing.cache"))).toBe(true);
    expect(load(bundle)).toEqual({ accepted: true, answer: 42, where: "thing.cjs" });
    expect(readdirSync(join(folder, "missing")).sort()).toEqual(["thing.cache", "thing.cjs"]); // no temporary files left
  });

  it("replaces a cache V8 refuses (made with other V8 flags), once", () => {
    const bundle = freshBundle("other-flags");
    load(bundle, ["--stack-size=900"]); // writes a cache for a V8 with that flag
    expect(load(bundle, ["--stack-size=900"]).accepted).toBe(true);
    const refused = load(bundle);
    expect(refused).toEqual({ accepted: false, answer: 42, where: "thing.cjs" });
    expect(load(bundle).accepted).toBe(true);
  });

  it("runs normally where the cache cannot be written, leaving nothing behind (as nobody when the suite runs as root)", () => {
    const bundle = freshBundle("read-only");
    const dir = join(folder, "read-only");
    chmodSync(dir, 0o555);
    openPathTo(bundle, tmpdir());
    openPathTo(loader, tmpdir());
    try {
      expect(load(bundle, [], unprivileged())).toEqual({ accepted: false, answer: 42, where: "thing.cjs" });
      expect(readdirSync(dir)).toEqual(["thing.cjs"]);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it("runs normally where the cache cannot be written, as root too (the cache path is a folder)", () => {
    const bundle = freshBundle("blocked");
    const cache = join(folder, "blocked", "thing.cache");
    mkdirSync(cache); // neither V8 nor the rename can use it
    expect(load(bundle)).toEqual({ accepted: false, answer: 42, where: "thing.cjs" });
    expect(statSync(cache).isDirectory()).toBe(true);
    expect(readdirSync(join(folder, "blocked")).sort()).toEqual(["thing.cache", "thing.cjs"]);
  });
});
