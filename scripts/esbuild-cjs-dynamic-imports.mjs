// An esbuild plugin that makes `await import("some-commonjs-package")` behave in a split ESM
// bundle the way it does in Node.
//
// The problem (esbuild issues #3245 and #4377, open as of esbuild 0.28): with `splitting: true`,
// the target of a dynamic `import()` becomes its own chunk, and a chunk is an ES module whose
// exports must be known when it is written. A CommonJS module's exports are only known when it
// runs, so esbuild gives that chunk a single export, `default` (module.exports). Node instead gives
// `import()` of a CommonJS file named exports too (it scans the source with cjs-module-lexer), and
// libraries rely on that: chain-sdk's CertificateManager does `(await import("jsrsasign")).KEYUTIL`
// and src/cli/plan.ts does `const { Bip39 } = await import("@cosmjs/crypto")`. Bundled as-is, both
// read `undefined` ("Cannot read properties of undefined (reading 'generateKeypair')").
//
// The fix: a dynamic import whose target Node would load as CommonJS is pointed at a small ES
// module (a facade) that `require`s the real file and re-exports `default` plus every name Node
// itself exposes for it. The names are read by importing the file with Node at build time, so the
// bundle's namespace has exactly the shape of Node's. Everything else resolves as usual.
import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { pathToFileURL } from "node:url";

const NAMESPACE = "cjs-dynamic-import";
const SKIP = Symbol("already resolving");

export function commonJsDynamicImports() {
  return {
    name: "commonjs-dynamic-imports",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== "dynamic-import" || args.pluginData?.[SKIP]) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          namespace: args.namespace,
          pluginData: { [SKIP]: true },
        });
        if (resolved.errors.length > 0 || resolved.external || resolved.namespace !== "file") return undefined;
        if (nodeModuleFormat(resolved.path) !== "commonjs") return undefined;
        return { path: resolved.path, namespace: NAMESPACE, sideEffects: resolved.sideEffects };
      });

      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
        const namespace = await import(pathToFileURL(args.path).href);
        const names = Object.keys(namespace).filter((name) => name !== "default" && name !== "module.exports");
        const lines = [`const exportsObject = require(${JSON.stringify(args.path)});`, "export default exportsObject;"];
        names.forEach((name, i) => {
          lines.push(`const export${i} = exportsObject[${JSON.stringify(name)}];`, `export { export${i} as ${JSON.stringify(name)} };`);
        });
        return { contents: lines.join("\n"), loader: "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * Whether Node loads `file` as "commonjs" or "module": by extension, and for `.js` by the `type`
 * of the nearest package.json (Node's rule; the file's contents do not matter).
 */
export function nodeModuleFormat(file) {
  const ext = extname(file);
  if (ext === ".cjs") return "commonjs";
  if (ext === ".mjs") return "module";
  if (ext !== ".js") return "other";
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, "utf8")).type === "module" ? "module" : "commonjs";
    if (dirname(dir) === dir) return "commonjs";
  }
}

/**
 * Fails the build if a chunk still stands for a CommonJS module on its own (its only export
 * `default`), which is what the bug above produces; needs `metafile: true`.
 */
export function assertNoCommonJsChunks(metafile) {
  const broken = Object.entries(metafile.outputs)
    .filter(([, output]) => output.entryPoint && metafile.inputs[output.entryPoint]?.format === "cjs")
    .map(([path, output]) => `${path} (from ${output.entryPoint})`);
  if (broken.length > 0) {
    throw new Error(`these chunks expose a CommonJS module as \`default\` only, so named imports of it would be undefined:\n  ${broken.join("\n  ")}\nscripts/esbuild-cjs-dynamic-imports.mjs should have caught the dynamic import that made each one`);
  }
}
