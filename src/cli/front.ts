/**
 * What the built CLI's front bundle (`dist/chunks/cli-front.cjs`, with a V8 code cache; see
 * `main.ts`) exports: the program, and the lint engine it holds, so tests can check that the
 * bundled engine lints exactly like the source.
 */
export { runCli } from "./program.js";
export { RULES, lintFiles } from "../lint/engine.js";
