#!/usr/bin/env node
// Writes the library's declarations, dist/types/**/*.d.ts, for the package's `exports` (the
// entries in scripts/library-entries.mjs), and checks them:
//   1. tsc emits declarations for the entries and everything they import (tsconfig.types.json);
//   2. only the files reachable from an entry's declarations are kept: an entry's implementation
//      may import internals whose types never reach its signatures, and those stay out of the package;
//   3. a kept declaration may import only relative files. Anything else (a chain library's types,
//      say) would be a package the user does not have, since the CLI's runtime is bundled; and not
//      `node:` modules either, since a project made by `init` has no @types/node. The build fails,
//      naming the file and the import. (Node's globals, such as Buffer, are caught by
//      test/package-install.test.ts, which compiles a consumer without skipLibCheck.)
// Run by `prepack` (so every tarball has them) and by the test that checks the exports.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LIBRARY_ENTRIES } from "./library-entries.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist", "types");
const ts = createRequire(import.meta.url)("typescript");

rmSync(outDir, { recursive: true, force: true });
const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.types.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")) });
const program = ts.createProgram({ rootNames: Object.values(LIBRARY_ENTRIES).map((f) => join(root, f)), options: config.options });
const emitted = program.emit(undefined, undefined, undefined, true);
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
if (diagnostics.length > 0) {
  fail(ts.formatDiagnosticsWithColorAndContext(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" }));
}

const entries = Object.values(LIBRARY_ENTRIES).map((source) => join(outDir, relative("src", source).replace(/\.ts$/, ".d.ts")));
const reachable = new Set();
const problems = [];
const queue = [...entries];
while (queue.length > 0) {
  const file = queue.pop();
  if (reachable.has(file)) continue;
  if (!existsSync(file)) {
    problems.push(`${relative(root, file)} is imported but was not emitted`);
    continue;
  }
  reachable.add(file);
  for (const specifier of importsOf(readFileSync(file, "utf8"))) {
    if (specifier.startsWith(".")) queue.push(resolve(dirname(file), specifier.replace(/\.js$/, ".d.ts")));
    else {
      // Not even node: modules: a project made by `init` has no @types/node (a faster type check).
      problems.push(`${relative(root, file)} imports ${specifier}, which users of the package may not have: keep that type out of the public signatures (see src/devnet/options.ts)`);
    }
  }
}
if (problems.length > 0) fail(problems.join("\n"));
removeUnreachable(outDir);

/** Module specifiers of a declaration file's imports and re-exports (static and `import("…")` types). */
function importsOf(text) {
  const found = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;"']*?\bfrom\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) found.push(match[1] ?? match[2]);
  return found;
}

function removeUnreachable(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      removeUnreachable(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (!reachable.has(path)) rmSync(path);
  }
}

function fail(message) {
  process.stderr.write(`build-types: ${message}\n`);
  process.exit(1);
}
