/**
 * Finding and loading stack files: `registry` (a name under `stacks/`) or a path to a .ts file,
 * loaded at run time by synth, plan, deploy and dns.
 *
 * Loading a .ts stack: the stack file and the files it imports are bundled with esbuild, written
 * to a temporary .mjs file, imported, and deleted. Packages installed in a node_modules folder are
 * not bundled: each stays an import of the file that esbuild resolves it to, the way Node would
 * from the importing file (so a bundle that moved does not change what they resolve to). Why not a
 * TypeScript loader hook such as tsx: registering hooks starts a loader thread, and every file
 * then goes through it one request at a time, which cost a deploy about half a second; esbuild
 * bundles a stack in a few milliseconds, in its own process.
 *
 * The stack API itself (src/stack/index.ts, what stack files import) is not bundled again: the
 * bundle's import of it reads the copy this process already runs (`sharedStackApi`). Besides
 * being faster (no second SDL engine and yaml package to load), stack objects then come from the
 * same code that synthesizes them. Other files of src/ that a stack imports directly are bundled
 * as usual; synthesis recognises stack objects by shape, so a second copy still works.
 *
 * Errors keep naming the stack's own file, line and column: the bundle carries an inline source
 * map, and Node's source map support is switched on while the bundle is imported, so Node keeps
 * that map (`module.findSourceMap`) for src/stack/location.ts to map stack frames through, even
 * after the file is gone. A file that does not compile is reported at esbuild's location.
 * `import.meta.url` (and `.dirname`, `.filename`) in each bundled file still name that file, not
 * the bundle, so a stack can read files beside it.
 *
 * This module is not part of the stack API (`index.ts`): it loads esbuild, a build tool.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import * as nodeModule from "node:module";
import { createRequire } from "node:module";
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Message, Plugin } from "esbuild";
import { cacheDirFor } from "./cache-dir.js";
import * as stackApi from "./index.js";
import { formatLocation, frameInFile } from "./location.js";
import { isStackDefinition, type StackDefinition } from "./stack.js";

const STACKS_DIR = "stacks";
const STACK_NAME = /^[a-z0-9][-a-z0-9_]*$/;

export type Located = { file: string; name: string } | { error: string };

/** A name under `stacks/`, or a path to a stack file. */
export function locateStack(arg: string, cwd: string): Located {
  const looksLikePath = /[\\/]/.test(arg) || /\.(m?ts|m?js)$/.test(arg);
  if (looksLikePath) {
    const file = resolve(cwd, arg);
    if (!existsSync(file)) return { error: `${arg}: no such file` };
    return { file, name: basename(file, extname(file)) };
  }
  if (!STACK_NAME.test(arg)) return { error: `${JSON.stringify(arg)} is not a stack name: use a name under ${STACKS_DIR}/ (like registry) or a path to a .ts file` };
  const file = join(cwd, STACKS_DIR, `${arg}.ts`);
  if (existsSync(file)) return { file, name: arg };
  const available = availableStacks(join(cwd, STACKS_DIR));
  const hint = available.length > 0 ? `stacks here: ${available.join(", ")}` : `there is no ${STACKS_DIR}/ folder with .ts stacks in ${cwd}`;
  return { error: `no stack named ${arg} (looked for ${STACKS_DIR}/${arg}.ts); ${hint}` };
}

function availableStacks(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
      .map((f) => f.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

/** Imports the stack file and returns its default export, or a message that names the file. */
export async function loadStack(file: string, cwd: string): Promise<{ definition: StackDefinition } | { error: string }> {
  const shown = shortPath(file, cwd);
  const bundleFile = join(await cacheDirFor(file), `.${basename(file, extname(file))}.${process.pid}.${randomBytes(4).toString("hex")}.mjs`);
  let mod: { default?: unknown };
  try {
    const bundled = await bundleStack(file, bundleFile);
    if ("errors" in bundled) {
      return { error: bundled.errors.map((m) => `${esbuildLocation(m, file, cwd) ?? shown}: the stack file failed to load: ${m.text}`).join("\n") };
    }
    await writeFile(bundleFile, bundled.code, { encoding: "utf8", flag: "wx" });
    mod = (await importWithSourceMaps(pathToFileURL(bundleFile).href)) as { default?: unknown };
  } catch (err) {
    // Messages such as "Cannot find package 'x' imported from <bundle>" should name the stack.
    const reason = (err instanceof Error ? err.message : String(err)).replaceAll(pathToFileURL(bundleFile).href, shown).replaceAll(bundleFile, shown);
    const where = err instanceof Error ? frameInFile(err.stack ?? "", file) : undefined;
    return { error: `${where ? formatLocation(where, cwd) : shown}: the stack file failed to load: ${reason}` };
  } finally {
    await rm(bundleFile, { force: true });
  }
  if (!isStackDefinition(mod.default)) {
    return { error: `${shown}: has no stack: end it with \`export default defineStack({name, description, params, build})\`` };
  }
  return { definition: mod.default };
}

/** `stacks/registry.ts` when the file lies under `cwd`, else the absolute path. */
export function shortPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : file;
}

/** Names each bundled file's `import.meta` properties are replaced with (see `importMetaOfEachFile`). */
const IMPORT_META = { url: "__akashStackImportMetaUrl", dirname: "__akashStackImportMetaDirname", filename: "__akashStackImportMetaFilename" } as const;

async function bundleStack(file: string, outfile: string): Promise<{ code: string } | { errors: Message[] }> {
  // require(), not import(): esbuild's entry is CommonJS, and import() would first scan its
  // source for export names (cjs-module-lexer), which costs more than the build of a stack.
  const { build } = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
  const result = await build({
    entryPoints: [file],
    // Not written (write: false), but the source map's paths are relative to it.
    outfile,
    absWorkingDir: dirname(file),
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: `node${process.versions.node}`,
    // Resolve packages the way Node's ESM loader does: its conditions, `main` and not `module`.
    conditions: [],
    mainFields: ["main"],
    sourcemap: "inline",
    sourcesContent: false,
    define: Object.fromEntries(Object.entries(IMPORT_META).map(([property, name]) => [`import.meta.${property}`, name])),
    plugins: [sharedStackApi(), packagesWhereTheyAre(), importMetaOfEachFile()],
    logLevel: "silent",
  }).catch((err: unknown) => {
    if (isBuildFailure(err)) return { errors: err.errors };
    throw err;
  });
  if ("errors" in result && result.errors.length > 0) return { errors: result.errors };
  if (!("outputFiles" in result) || result.outputFiles === undefined) throw new Error("esbuild returned no output for the stack bundle");
  return { code: result.outputFiles[0]!.text };
}

function isBuildFailure(err: unknown): err is { errors: Message[] } {
  return err instanceof Error && Array.isArray((err as { errors?: unknown }).errors);
}

/** Where a bundled stack finds the stack API of this process (see `sharedStackApi`). */
const STACK_API_GLOBAL = Symbol.for("akash-stack.stack-api");

/**
 * Replaces the stack API's source file (src/stack/index.ts of this akash-stack checkout) with a
 * module that re-exports the API this process has loaded, handed over through a global.
 */
function sharedStackApi(): Plugin {
  const apiFile = stackApiFile();
  (globalThis as Record<symbol, unknown>)[STACK_API_GLOBAL] = stackApi;
  return {
    name: "shared-stack-api",
    setup(build) {
      if (apiFile === undefined) return;
      build.onLoad({ filter: /[\\/]index\.ts$/ }, (args) => {
        if (args.path !== apiFile) return undefined;
        const names = Object.keys(stackApi).join(", ");
        return { contents: `export const { ${names} } = globalThis[Symbol.for(${JSON.stringify(STACK_API_GLOBAL.description)})];\n`, loader: "js" };
      });
    },
  };
}

/** src/stack/index.ts of the akash-stack package this module belongs to, if it is a checkout with sources. */
function stackApiFile(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    let name: unknown;
    try {
      name = (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name;
    } catch {
      continue;
    }
    if (name !== "akash-stack") continue;
    const file = join(dir, "src", "stack", "index.ts");
    return existsSync(file) ? realpathSync(file) : undefined;
  }
  return undefined;
}

/**
 * Leaves every import of an installed package (a file under node_modules) as an import of that
 * file's absolute URL instead of bundling it. Imports that resolve elsewhere (a workspace package
 * linked from node_modules, a tsconfig path) are bundled like the stack's own files; those that do
 * not resolve at all are left to esbuild, which reports them at the importing line. `akash-stack`
 * itself always stays an import, wherever it resolves (in this repository, to its own dist/): its
 * entry shares the built CLI's chunks, so the stack gets the modules synthesis already runs.
 */
function packagesWhereTheyAre(): Plugin {
  const resolving = Symbol("resolving");
  return {
    name: "packages-where-they-are",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.[resolving] || isAbsolute(args.path)) return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { [resolving]: true } });
        if (resolved.errors.length > 0 || resolved.external) return undefined;
        if (!resolved.path.split(sep).includes("node_modules") && !isAkashStackImport(args.path)) return undefined;
        return { path: pathToFileURL(resolved.path).href, external: true };
      });
    },
  };
}

/**
 * Declares the `import.meta` replacements at the top of every bundled file that uses
 * `import.meta`, with that file's own values. On the first line, so no line number moves.
 */
function importMetaOfEachFile(): Plugin {
  return {
    name: "import-meta-of-each-file",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        const source = await readFile(args.path, "utf8");
        if (!source.includes("import.meta")) return undefined;
        const values = { url: pathToFileURL(args.path).href, dirname: dirname(args.path), filename: args.path };
        const declarations = (Object.keys(IMPORT_META) as (keyof typeof IMPORT_META)[]).map((p) => `const ${IMPORT_META[p]} = ${JSON.stringify(values[p])};`).join(" ");
        // The shebang, if any, must stay first.
        const shebang = /^#![^\n]*/.exec(source)?.[0] ?? "";
        return { contents: `${shebang}${declarations} ${source.slice(shebang.length)}`, loader: loaderFor(args.path) };
      });
    },
  };
}

function isAkashStackImport(specifier: string): boolean {
  return specifier === "akash-stack" || specifier.startsWith("akash-stack/");
}

function loaderFor(path: string): "ts" | "tsx" | "js" | "jsx" {
  const ext = extname(path).replace(/^\.[cm]/, ".");
  return ext === ".ts" ? "ts" : ext === ".tsx" ? "tsx" : ext === ".jsx" ? "jsx" : "js";
}

/**
 * Imports `url` with Node's source map support on, so Node keeps the module's inline map, and
 * restores the previous setting afterwards: left on, it would make Node read the source map of
 * every later module (the CLI's chunks have large ones) for nothing. A module that happens to be
 * compiled during these few milliseconds (deploy loads the chain libraries meanwhile) has its map
 * read too, which costs time but changes nothing else.
 */
let importsWithSourceMaps = 0;
let sourceMapsBefore = false;
async function importWithSourceMaps(url: string): Promise<unknown> {
  if (importsWithSourceMaps++ === 0) {
    sourceMapsBefore = process.sourceMapsEnabled ?? false;
    setSourceMaps(true);
  }
  try {
    return await import(url);
  } finally {
    if (--importsWithSourceMaps === 0) setSourceMaps(sourceMapsBefore);
  }
}

/**
 * Node 22.14+ and 24 ignore the source maps of files under node_modules unless asked
 * (`module.setSourceMapsSupport(…, {nodeModules: true})`), even for `findSourceMap`, and the bundle
 * is written to node_modules/.cache. `nodeModules` stays on when maps are switched off again, so
 * the map can still be found while the stack builds; it changes nothing while maps are off.
 * Node 20 has only `process.setSourceMapsEnabled`, which applies to every file.
 */
function setSourceMaps(enabled: boolean): void {
  const { setSourceMapsSupport } = nodeModule as { setSourceMapsSupport?: (enabled: boolean, options: { nodeModules: boolean }) => void };
  if (setSourceMapsSupport) setSourceMapsSupport(enabled, { nodeModules: true });
  else process.setSourceMapsEnabled(enabled);
}

/** esbuild's location of a compile error, as `stacks/registry.ts:3:7`. */
function esbuildLocation(message: Message, stackFile: string, cwd: string): string | undefined {
  const at = message.location;
  if (!at) return undefined;
  const file = at.file.startsWith("file://") ? fileURLToPath(at.file) : resolve(dirname(stackFile), at.file);
  return formatLocation({ file, line: at.line, column: at.column + 1 }, cwd);
}
