/**
 * Public surface of the SDL engine: lint SDL text, and build the manifest a provider receives with
 * its on-chain hash. Pure functions: no I/O, no printing. `src/sdl/public.ts` (the package's
 * `akash-stack/sdl` entry) re-exports these for users.
 */
import type { Finding, Layer, LintOptions } from "./findings.js";
import { lintText } from "./lint.js";
import { buildManifest, manifestHash, manifestToSortedJSON, type ManifestGroup } from "./manifest.js";

export type { Finding, LintOptions, Layer, Severity, RuleInfo } from "./findings.js";

export interface LintSdlResult {
  findings: Finding[];
}

/** Lints SDL text with every layer. Never throws; bad input becomes findings. */
export function lintSdl(text: string, options: LintOptions = {}): LintSdlResult {
  return { findings: lintText(text, options).findings };
}

/** The manifest of an SDL, as a provider receives it. */
export interface SdlManifest {
  /** The manifest's groups (one per placement, sorted by name). */
  groups: ManifestGroup[];
  /** The canonical sorted JSON a provider receives and hashes. */
  json: string;
  /** Hex SHA-256 of `json`: the deployment's version hash on chain. */
  hash: string;
}

/** The SDL has errors that make its manifest meaningless; `findings` lists them with line and column. */
export class ManifestRejectedError extends Error {
  override readonly name = "ManifestRejectedError";

  constructor(readonly findings: Finding[]) {
    super(
      `the SDL has ${findings.length} error${findings.length === 1 ? "" : "s"} that the Go parser or the provider's manifest check would reject:\n` +
        findings.map((f) => `${f.line}:${f.column}: ${f.ruleId} ${f.message}`).join("\n"),
    );
  }
}

/**
 * Layers whose errors do not change the manifest: chain rules (prices, denoms, limits) apply to the
 * deployment transaction, provider rules to bidding, schema-only rules to chain-sdk's validator.
 */
const NON_BLOCKING_LAYERS: ReadonlySet<Layer> = new Set<Layer>(["chain", "provider", "schema-only", "advice"]);

/** Whether a finding means no provider would accept the manifest. */
export function blocksManifest(f: Finding): boolean {
  return f.severity === "error" && !NON_BLOCKING_LAYERS.has(f.layer);
}

/**
 * Builds the manifest of SDL text and its hash. Throws `ManifestRejectedError` when the Go parser or
 * the manifest check would reject the SDL (chain pricing rules do not apply: they are not part of it).
 */
export function manifestOf(text: string): SdlManifest {
  const { findings, sdl } = lintText(text);
  const blocking = findings.filter(blocksManifest);
  if (blocking.length > 0 || !sdl) throw new ManifestRejectedError(blocking.length > 0 ? blocking : findings);
  const groups = buildManifest(sdl);
  const json = manifestToSortedJSON(groups);
  return { groups, json, hash: manifestHash(json) };
}
