/**
 * What `akash-stack lint` needs from the lint engine, in one module: the build bundles it (with
 * everything it imports: the SDL engine, js-yaml, the schema validator) into one file with a V8
 * code cache, which `src/cli/lint.ts` loads instead of these ES modules when it exists (see
 * `src/sdl/cached-script.ts` for why).
 */
export { exitCodeFor, lintFiles } from "./run.js";
export type { LintReport } from "./run.js";
export { RULES } from "../sdl/rules/catalog.js";
