/**
 * The package's public surface: `exports` in package.json, the library entries the build and the
 * declarations are made from (scripts/library-entries.mjs), and what each entry exports at run
 * time. Internals stay out. (The packed package's declarations are checked in
 * test/package-install.test.ts.)
 */
import { describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { LIBRARY_ENTRIES } from "../scripts/library-entries.mjs";
import * as devnet from "../src/devnet/public.js";
import * as ipfs from "../src/ipfs/index.js";
import * as root from "../src/index.js";
import * as sdl from "../src/sdl/public.js";

describe("the package's exports", () => {
  it("has one export per library entry, declarations first, plus the CLI", () => {
    const expected: Record<string, unknown> = { "./package.json": "./package.json" };
    for (const [name, source] of Object.entries(LIBRARY_ENTRIES)) {
      const types = `./dist/types/${source.replace(/^src\//, "").replace(/\.ts$/, ".d.ts")}`;
      expected[name === "index" ? "." : `./${name}`] = { types, default: `./dist/${name}.mjs` };
    }
    expect(packageJson.exports).toEqual(expected);
    expect(packageJson.types).toBe(expected["."] && (expected["."] as { types: string }).types);
    expect(packageJson.bin).toEqual({ "akash-stack": "dist/cli.js" });
    // Only what cannot be bundled: esbuild loads stack files and finds its binary beside itself.
    expect(Object.keys(packageJson.dependencies)).toEqual(["esbuild"]);
  });

  it("exports what stack authors and tools use, and nothing of the internals", () => {
    expect(Object.keys(root).sort()).toEqual(
      ["DEFAULT_PLACEMENT", "ParamError", "Size", "SynthError", "defineStack", "describeMissingSecrets", "formatLocation", "formatProblem", "isStackDefinition", "parseSetFlags", "placeholder", "priceCeiling", "resolveParams", "resolveSecrets", "stackHome", "synth"].sort(),
    );
    expect(Object.keys(sdl).sort()).toEqual(["ManifestRejectedError", "RULES", "lintSdl", "manifestOf"]);
    expect(Object.keys(devnet).sort()).toEqual(["DEVNET_CHAIN_ID", "DEVNET_TEST_MNEMONIC", "startDevnet"]);
    expect(Object.keys(ipfs).sort()).toEqual(["IpfsError", "KuboStorage", "createStorage"]);
  });

  it("manifestOf gives the hash a provider computes, and refuses what Go would reject", () => {
    const text = `version: "2.0"
services:
  web:
    image: nginx:1.27.3
    expose:
      - port: 80
        accept: [www.example.com]
        to: [{global: true}]
profiles:
  compute:
    web: {resources: {cpu: {units: 0.5}, memory: {size: 512Mi}, storage: [{size: 1Gi}]}}
  placement:
    akash: {pricing: {web: {denom: uact, amount: 1000}}}
deployment:
  web: {akash: {profile: web, count: 1}}
`;
    const manifest = sdl.manifestOf(text);
    expect(manifest.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(manifest.json)).toEqual([expect.objectContaining({ name: "akash" })]);
    expect(() => sdl.manifestOf(text.replace("size: 512Mi", "size: 512MB"))).toThrow(sdl.ManifestRejectedError);
  });
});
