#!/usr/bin/env node
// Builds the CLI. Runs on `npm ci` (the `prepare` script) and before tests.
//
// Why a bundle: `akash-stack lint` must cold-start in at most twice the time of `node -e 0`, and
// resolving dozens of ESM files from node_modules costs more than the lint itself. esbuild puts the
// lint path (our code, `yaml`, `commander`, the precompiled schema validator) in one file and splits
// every other command into chunks loaded only when that command runs.
//
// The chain libraries (@akashnetwork/chain-sdk, @cosmjs/*) are bundled too, into chunks that only
// the commands talking to a network load: from node_modules they are hundreds of files (chain-sdk
// alone imports ~80 generated modules), and resolving and compiling those one by one cost a deploy
// more than a second. Bundling them needs scripts/esbuild-cjs-dynamic-imports.mjs (an esbuild
// bug with `import()` of CommonJS under code splitting, explained there). What the chain commands
// use of them (src/chain/cosmos/vendor-entry.ts) goes one step further: a CommonJS bundle with a
// V8 code cache, chain-vendor.cjs, because compiling it as ES modules on every run still cost a
// deploy about 0.3 s (Node 20 caches no ES module code); the devnet keeps the ES chunks. Still
// external:
//   - @grpc/*: only the devnet uses grpc-js, and it reads its .proto files at run time from paths
//     built on `__dirname`, which does not exist in an ES module bundle;
//   - esbuild: src/stack/load.ts runs it to load stack files, and it finds its native binary
//     relative to its own package;
//   - playwright-core, zx: tools of the scripts and tests, kept out should a CLI file ever import one.
import { build } from "esbuild";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { assertNoCommonJsChunks, commonJsDynamicImports } from "./esbuild-cjs-dynamic-imports.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// 1. Precompile chain-sdk's JSON schema to a standalone validator (no ajv at run time).
const compileSchema = join(root, "scripts", "compile-schema.mjs");
if (existsSync(compileSchema)) {
  const { compileSchemaValidator } = await import(compileSchema);
  await compileSchemaValidator();
}

// 2. Bundle the CLI. Chunk names carry content hashes, so clear old ones first. The chain
//    libraries go first, into their own CommonJS bundle with a V8 code cache, which the CLI
//    imports in place of src/chain/cosmos/vendor-entry.ts (that file says why).
const chunks = join(root, "dist", "chunks");
rmSync(chunks, { recursive: true, force: true });
mkdirSync(chunks, { recursive: true });
const { buildCachedBundles, buildChainVendor } = await import(join(root, "scripts", "build-cached-bundles.mjs"));
const chainVendorExports = await buildChainVendor(chunks, root);
const bundled = await build({
  entryPoints: { cli: join(root, "src", "cli", "main.ts") },
  outdir: join(root, "dist"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  // Smaller chunks parse faster: the lint cold start is mostly reading the engine chunk.
  minify: true,
  keepNames: true,
  chunkNames: "chunks/[name]-[hash]",
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __akCreateRequire } from 'node:module'; const require = __akCreateRequire(import.meta.url);" },
  external: ["@grpc/*", "playwright-core", "zx", "esbuild"],
  plugins: [commonJsDynamicImports(), chainVendorFromBundle(chainVendorExports)],
  metafile: true,
  logLevel: "warning",
});
assertNoCommonJsChunks(bundled.metafile);

// 3. The lint engine and the `yaml` package as CommonJS bundles with V8 code caches, beside the
//    chunk of src/cli/lint.ts that loads them (src/sdl/cached-script.ts says why).
await buildCachedBundles(chunks, root);

/**
 * Replaces src/chain/cosmos/vendor-entry.ts with a module that loads chain-vendor.cjs (beside the
 * chunk it ends up in) through src/chain/cosmos/vendor-bundle.ts and re-exports the same names.
 */
function chainVendorFromBundle(names) {
  const entry = join(root, "src", "chain", "cosmos", "vendor-entry.ts");
  const loader = join(root, "src", "chain", "cosmos", "vendor-bundle.ts");
  return {
    name: "chain-vendor-from-bundle",
    setup(build) {
      build.onLoad({ filter: /vendor-entry\.ts$/ }, (args) => {
        if (args.path !== entry) return undefined;
        const contents = [
          `import { loadChainVendorBundle } from ${JSON.stringify(loader)};`,
          "const vendor = loadChainVendorBundle();",
          ...names.map((name) => `export const ${name} = vendor.${name};`),
        ].join("\n");
        return { contents, loader: "js", resolveDir: dirname(entry) };
      });
    },
  };
}
