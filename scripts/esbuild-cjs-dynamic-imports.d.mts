// Types of esbuild-cjs-dynamic-imports.mjs, for the tests that import it.
import type { Metafile, Plugin } from "esbuild";

export function commonJsDynamicImports(): Plugin;
export function nodeModuleFormat(file: string): "commonjs" | "module" | "other";
export function assertNoCommonJsChunks(metafile: Metafile): void;
