/**
 * What `akash-stack lint` needs from the lint engine, in one module. In the built CLI it is part of
 * the front bundle with a V8 code cache (src/cli/main.ts and src/sdl/cached-script.ts say why).
 */
export { MAX_FILE_BYTES, exitCodeFor, lintFiles } from "./run.js";
export { STDIN_PATH, STDIN_SHOWN } from "./discover.js";
export type { LintReport } from "./run.js";
export { RULES } from "../sdl/rules/catalog.js";
