/**
 * `akash-stack`: the API stack files are written in (`defineStack`, `Size`, the handles, secrets
 * and parameters, and every type a stack author touches), and `synth` for code that drives stacks
 * itself. The SDL engine is `akash-stack/sdl`; the local network is `akash-stack/devnet`.
 *
 * @module akash-stack
 */
export * from "./stack/index.js";
