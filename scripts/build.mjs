#!/usr/bin/env node
// Builds the CLI. Runs on `npm ci` (the `prepare` script) and before tests.
//
// Why a bundle: `akash-stack lint` must cold-start in at most twice the time of `node -e 0`, and
// resolving dozens of ESM files from node_modules costs more than the lint itself. esbuild puts the
// lint path (our code, `yaml`, `commander`, the precompiled schema validator) in one file and splits
// every other command into chunks loaded only when that command runs. Heavy chain libraries stay
// external and load only for commands that talk to a network.
import { build } from "esbuild";
import { existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// 1. Precompile chain-sdk's JSON schema to a standalone validator (no ajv at run time).
const compileSchema = join(root, "scripts", "compile-schema.mjs");
if (existsSync(compileSchema)) {
  const { compileSchemaValidator } = await import(compileSchema);
  await compileSchemaValidator();
}

// 2. Bundle the CLI. Chunk names carry content hashes, so clear old ones first.
rmSync(join(root, "dist", "chunks"), { recursive: true, force: true });
await build({
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
  external: ["@akashnetwork/*", "@cosmjs/*", "@grpc/*", "playwright-core", "zx", "tsx"],
  logLevel: "warning",
});

// 3. The lint engine and the `yaml` package as CommonJS bundles with V8 code caches, beside the
//    chunk of src/cli/lint.ts that loads them (src/sdl/cached-script.ts says why).
const { buildCachedBundles } = await import(join(root, "scripts", "build-cached-bundles.mjs"));
await buildCachedBundles(join(root, "dist", "chunks"), root);
