#!/usr/bin/env node
// Builds the CLI. Runs on `npm ci` (the `prepare` script) and before tests.
//
// Why bundles: `akash-stack lint` must cold-start in at most twice the time of `node -e 0`, and
// resolving dozens of ESM files from node_modules costs more than the lint itself. The lint path
// (the program with commander, the lint engine, js-yaml, the precompiled schema validator) is one
// CommonJS bundle with a V8 code cache, loaded by the small CommonJS executable dist/cli.js
// (src/cli/main.ts says why); every other command is split into ES chunks loaded only when that
// command runs.
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
//   - esbuild: src/stack/load.ts runs it to load stack files, and it finds its native binary
//     relative to its own package;
//   - playwright-core, zx: tools of the scripts and tests, kept out should a CLI file ever import one.
import { build } from "esbuild";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
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

// 2. Bundle the commands other than `lint` as ES modules: dist/chunks/commands.mjs (src/cli/commands.ts)
//    and the chunks it imports, one per command plus shared code. The library's entry points (the
//    package's `exports`: LIBRARY_ENTRIES) are built in the same run, so they share those chunks:
//    a stack file that imports `akash-stack` gets the very modules the CLI synthesizes it with
//    (same file, same module instance), and the package carries each piece of code once. Chunk names carry content hashes,
//    so clear old ones first. The chain libraries go first, into their own CommonJS bundle with a
//    V8 code cache, which these chunks import in place of src/chain/cosmos/vendor-entry.ts (that
//    file says why). The chunks are `.mjs`: dist/ is a CommonJS package (see step 4).
const dist = join(root, "dist");
const chunks = join(dist, "chunks");
rmSync(chunks, { recursive: true, force: true });
// Left by builds that wrote source maps.
rmSync(join(dist, "cli.js.map"), { force: true });
mkdirSync(chunks, { recursive: true });
const { buildCachedBundles, buildChainVendor } = await import(join(root, "scripts", "build-cached-bundles.mjs"));
const chainVendorExports = await buildChainVendor(chunks, root);
const { LIBRARY_ENTRIES } = await import(join(root, "scripts", "library-entries.mjs"));
const libraryEntryPoints = Object.fromEntries(Object.entries(LIBRARY_ENTRIES).map(([out, source]) => [out, join(root, source)]));
const bundled = await build({
  entryPoints: {
    "chunks/commands": join(root, "src", "cli", "commands.ts"),
    // The thread that type-checks a stack while it loads (src/stack/typecheck.ts finds it beside its chunk).
    "chunks/typecheck-worker": join(root, "src", "stack", "typecheck-worker.ts"),
    ...libraryEntryPoints,
  },
  outdir: dist,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // No source maps: they were half the package, and they named the build machine's paths.
  sourcemap: false,
  // Smaller chunks parse faster.
  minify: true,
  keepNames: true,
  chunkNames: "chunks/[name]-[hash]",
  banner: { js: "import { createRequire as __akCreateRequire } from 'node:module'; const require = __akCreateRequire(import.meta.url);" },
  external: ["playwright-core", "zx", "esbuild"],
  plugins: [commonJsDynamicImports(), chainVendorFromBundle(chainVendorExports), chainSdkDescriptorChunks()],
  metafile: true,
  logLevel: "warning",
});
assertNoCommonJsChunks(bundled.metafile);

// 3. The front bundle (the program, `lint` and its engine) and the `yaml` package as CommonJS
//    bundles with V8 code caches, in the chunks folder (src/cli/main.ts says why).
await buildCachedBundles(chunks, root);

// 4. The executable: src/cli/main.ts as a small CommonJS file, dist/cli.js. dist/package.json makes
//    `.js` files under dist/ CommonJS for Node (the project itself is an ES module package).
writeFileSync(join(dist, "package.json"), `${JSON.stringify({ type: "commonjs", private: true }, null, 2)}\n`);
await build({
  entryPoints: [join(root, "src", "cli", "main.ts")],
  outfile: join(dist, "cli.js"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: true,
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
});

// 5. The licenses of the packages bundled into dist/ (their code ships; the packages do not).
const { bundledInputs } = await import(join(root, "scripts", "build-cached-bundles.mjs"));
const { writeThirdPartyNotices } = await import(join(root, "scripts", "third-party-notices.mjs"));
writeThirdPartyNotices(root, [...Object.keys(bundled.metafile.inputs), ...bundledInputs], join(dist, "THIRD-PARTY-NOTICES.txt"));

// 6. The stacks `akash-stack init` starts from (src/cli/init.ts), importing from "akash-stack" as a
//    user's stack does: templates/*.ts, and the registry stack of this repository.
const templates = join(dist, "templates");
rmSync(templates, { recursive: true, force: true });
mkdirSync(templates, { recursive: true });
const templateSources = { web: "templates/web.ts", "postgres-app": "templates/postgres-app.ts", registry: "stacks/registry.ts" };
for (const [name, source] of Object.entries(templateSources)) {
  const text = readFileSync(join(root, source), "utf8").replace(/from "\.\.\/src\/stack\/index\.js"/g, 'from "akash-stack"');
  if (!text.includes('from "akash-stack"')) throw new Error(`${source} does not import the stack API the way a template must ("../src/stack/index.js" or "akash-stack")`);
  writeFileSync(join(templates, `${name}.ts`), text);
}

/**
 * Replaces src/devnet/descriptor-chunks.ts, which scans chain-sdk's ESM build at run time, with
 * static imports of the same chunks (every service chunk: the module filters by service), so they
 * are bundled and the devnet runs without chain-sdk installed.
 */
function chainSdkDescriptorChunks() {
  const source = join(root, "src", "devnet", "descriptor-chunks.ts");
  return {
    name: "chain-sdk-descriptor-chunks",
    setup(build) {
      build.onLoad({ filter: /descriptor-chunks\.ts$/ }, (args) => {
        if (args.path !== source) return undefined;
        const require = createRequire(import.meta.url);
        const esmDir = join(dirname(require.resolve("@akashnetwork/chain-sdk")), "..", "esm");
        // The same pattern as SERVICE_CHUNK in the module it replaces.
        const files = readdirSync(esmDir).filter((f) => /^(query|service)_akash-[A-Z0-9]+\.js$/.test(f)).sort();
        if (files.length === 0) throw new Error(`no service chunks in ${esmDir}: has chain-sdk's build layout changed?`);
        const contents = [
          ...files.map((f, i) => `import * as chunk${i} from ${JSON.stringify(join(esmDir, f))};`),
          `export async function descriptorChunks() { return [${files.map((_, i) => `chunk${i}`).join(", ")}]; }`,
        ].join("\n");
        return { contents, loader: "js", resolveDir: dirname(source) };
      });
    },
  };
}

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
