/**
 * The deployment a stack wants: synthesized SDL → group specs (what the chain gets) and manifest
 * (what providers get) with its hash. Two hashes:
 *
 * - `hash`, of the manifest with the secret values filled in: what goes on chain and what the
 *   provider recomputes. Known only when every secret has a value.
 * - `templateHash`, of the manifest with `<secret:NAME>` placeholders: stored in the state file so
 *   `plan` can tell "the stack changed" without reading (or generating) any secret.
 *
 * The manifest JSON with secrets lives only in memory, for the PUT to providers.
 */
import { lintText } from "../sdl/lint.js";
import { buildDeployment } from "../sdl/builder.js";
import type { GroupSpec } from "../sdl/groups.js";
import { manifestHash, manifestToSortedJSON, type ManifestGroup } from "../sdl/manifest.js";
import { htpasswdWithAccounts } from "../stack/htpasswd-accounts.js";
import { loadGeneratedSecrets } from "../stack/secret-store.js";
import { describeMissingSecrets, resolveSecrets, type GeneratedSecretKind } from "../stack/secrets.js";
import type { SynthResult } from "../stack/synth.js";

export interface DesiredDeployment {
  stack: string;
  synth: SynthResult;
  groups: GroupSpec[];
  templateHash: string;
  /** The manifest with `<secret:NAME>` placeholders: safe to show and to compare field by field. */
  templateManifest: ManifestGroup[];
  /** With secret values; undefined when some secret has no value (plan only). */
  manifest: { json: string; hash: string; groups: ManifestGroup[] } | undefined;
  /** Secrets without a value (plan only; deploy fails before this is returned). */
  missingSecrets: string[];
  /** Generated secrets created by this run (names only). */
  createdSecrets: string[];
  notices: string[];
}

/** Some secrets have no value: the deploy stops before any transaction. */
export class MissingSecretsError extends Error {
  override readonly name = "MissingSecretsError";

  constructor(
    readonly missing: string[],
    reasons: Record<string, string>,
  ) {
    super(describeMissingSecrets({ missing, reasons }));
  }
}

/** The SDL would be refused by the chain or a provider once the secret values are in. */
export class InvalidDeploymentError extends Error {
  override readonly name = "InvalidDeploymentError";
}

export interface PrepareOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** `$AKASH_STACK_HOME`, where generated secrets live. */
  home: string;
  cwd: string;
  secretFiles?: Readonly<Record<string, string>>;
  /**
   * "deploy": every secret must have a value, generated ones are created.
   * "plan": nothing is created or written; missing secrets only mean the hash is unknown.
   */
  mode: "deploy" | "plan";
}

export async function prepareDeployment(stack: string, synth: SynthResult, options: PrepareOptions): Promise<DesiredDeployment> {
  const template = build(synth.sdl, "the synthesized SDL");
  const templateHash = manifestHash(manifestToSortedJSON(template.manifest));
  const generated: Record<string, GeneratedSecretKind> = {};
  const htpasswd: Record<string, { username: string; password: string }> = {};
  for (const s of synth.secrets) {
    if (s.generated) generated[s.name] = s.generated;
    if (s.htpasswd) htpasswd[s.name] = s.htpasswd;
  }

  let resolved;
  if (options.mode === "deploy") {
    resolved = await resolveSecrets(synth.sdl, { env: options.env, home: options.home, cwd: options.cwd, generated, htpasswd, secretFiles: options.secretFiles });
    if (resolved.missing.length > 0) throw new MissingSecretsError(resolved.missing, resolved.reasons);
  } else {
    // Stored generated values count as given; nothing new is generated or written.
    const stored = (await loadGeneratedSecrets(options.home).catch(() => ({ secrets: {} as Record<string, string> }))).secrets;
    // An htpasswd secret's deploy value also carries the accounts `registry users` added.
    for (const name of Object.keys(htpasswd)) if (stored[name] !== undefined) stored[name] = htpasswdWithAccounts(stored[name]!, stored, name);
    resolved = await resolveSecrets(synth.sdl, { env: { ...stored, ...options.env }, home: options.home, cwd: options.cwd, secretFiles: options.secretFiles });
  }

  let manifest: DesiredDeployment["manifest"];
  if (resolved.missing.length === 0) {
    const filled = build(resolved.text, "the SDL with its secrets filled in");
    const json = manifestToSortedJSON(filled.manifest);
    manifest = { json, hash: manifestHash(json), groups: filled.manifest };
  }
  return {
    stack,
    synth,
    groups: template.groups,
    templateHash,
    templateManifest: template.manifest,
    manifest,
    missingSecrets: resolved.missing,
    createdSecrets: resolved.created,
    notices: resolved.notices,
  };
}

function build(sdlText: string, what: string): { groups: GroupSpec[]; manifest: ManifestGroup[] } {
  // The schema layer adds nothing here (synth already linted the template) and costs time.
  const { findings, sdl } = lintText(sdlText, {}, []);
  const blocking = findings.filter((f) => f.severity === "error" && (f.layer === "yaml" || f.layer === "go-parser" || f.layer === "manifest"));
  if (!sdl || blocking.length > 0) {
    // Rule ids and places only: the messages could quote a secret value.
    const where = blocking.map((f) => `${f.ruleId} at ${f.path || "/"}`).join(", ");
    throw new InvalidDeploymentError(`${what} is not a valid deployment (${where || "unreadable"}); check the secret values for characters that change the document`);
  }
  const { groups, manifest } = buildDeployment(sdl);
  return { groups, manifest };
}
