/**
 * `akash-stack/sdl`: the SDL engine for code. Lint SDL text with every layer the CLI's `lint`
 * runs, and build the manifest a provider receives and the hash that goes on chain, byte for byte
 * what Go computes. Pure: the caller reads the files. The declarations need no @types/node.
 *
 * @module akash-stack/sdl
 */
export { lintSdl, manifestOf, ManifestRejectedError, type LintSdlResult, type SdlManifest } from "./index.js";
export type { Finding, Layer, LintOptions, RuleInfo, Severity } from "./findings.js";
export type { ManifestGroup, ManifestService, ServiceParams, StorageParams, ImageCredentials, ServiceExpose, ManifestHttpOptions } from "./manifest.js";
export { RULES } from "./rules/catalog.js";
