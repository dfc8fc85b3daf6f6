/**
 * Synthesis: stack definition + parameters → canonical SDL YAML, the DNS records the stack wants
 * and the secrets it declares. Pure and deterministic: the same input gives the same bytes, and
 * no secret value is ever read (secrets stay `<secret:NAME>` placeholders).
 *
 * Then it validates, and fails with every problem at once, each at the construct that caused it:
 * 1. mistakes the builder saw while `build` ran (bad names, values of the wrong kind);
 * 2. stack-level checks TypeScript cannot catch (`checks.ts`);
 * 3. the SDL linter on the produced YAML: each finding's JSON pointer is mapped back to the
 *    construct that produced that part of the document. Warnings are returned, not thrown.
 * The linter runs only when 1 and 2 found nothing, since it would mostly repeat them in SDL terms.
 */
import { lintText } from "../sdl/lint.js";
import { yamlLibrary } from "../sdl/yaml-vendor.js";
import { checkStack } from "./checks.js";
import { formatLocation, frameInFile, type SourceLocation } from "./location.js";
import type { StackModel, StackProblem } from "./model.js";
import { resolveParams, type ParamDefaults, type ParamValue, type ParamValues } from "./params.js";
import { renderSdl } from "./render.js";
import type { HtpasswdSource } from "./model.js";
import type { GeneratedSecretKind } from "./secrets.js";
import { createStackBuilder, isStackDefinition, type StackDefinition } from "./stack.js";

export type { StackProblem } from "./model.js";

export interface DnsRecord {
  type: "A";
  /** The zone the record belongs to: `alternatefutures.ai`. */
  zone: string;
  /** Relative to the zone: `registry`. */
  name: string;
  /** `registry.alternatefutures.ai`. */
  fqdn: string;
  /** The IP endpoint whose leased address the record points at, known after the lease. */
  endpoint: string;
  ttl: number;
}

export interface SecretDeclaration {
  name: string;
  /** Set when akash-stack creates the value on first deploy if the user gives none. */
  generated?: GeneratedSecretKind;
  /** For kind "htpasswd": the user name and the name of the secret that holds the password. */
  htpasswd?: HtpasswdSource;
}

/** A login the stack gives its users (`Stack.login`): the password is a secret's name, never a value. */
export interface LoginDeclaration {
  host: string;
  username: string;
  password: string;
}

export interface SynthResult {
  /** Canonical SDL YAML, placeholders in place of secrets. */
  sdl: string;
  dns: DnsRecord[];
  /** Sorted by name. */
  secrets: SecretDeclaration[];
  /** The logins the stack declares, in declaration order. */
  logins: LoginDeclaration[];
  /** Problems that do not stop a deploy, at their constructs. */
  warnings: StackProblem[];
  /** The parameter values used. */
  params: Record<string, ParamValue>;
}

/** Synthesis failed; `problems` lists every mistake, each at a construct of the stack file. */
export class SynthError extends Error {
  override readonly name = "SynthError";

  constructor(
    readonly stackName: string,
    readonly problems: StackProblem[],
    baseDir: string = process.cwd(),
  ) {
    super(
      `stack ${stackName} cannot be synthesized (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => formatProblem(p, baseDir)).join("\n"),
    );
  }
}

/** `stacks/registry.ts:42:3: message`. */
export function formatProblem(problem: StackProblem, baseDir: string = process.cwd()): string {
  return `${formatLocation(problem.location, baseDir)}: ${problem.message}`;
}

export function synth<P extends ParamDefaults>(definition: StackDefinition<P>, params: Partial<ParamValues<P>> = {}): SynthResult {
  if (!isStackDefinition(definition)) {
    throw new TypeError("synth() needs a stack made with defineStack({name, description, params, build})");
  }
  const values = resolveParams(definition.params, params as Record<string, unknown>);
  const { stack, model } = createStackBuilder(definition.definedAt);
  try {
    definition.build(stack, values);
  } catch (err) {
    // An exception in the stack file (a Size of -1, a bug) is reported at the line that threw.
    const stackTrace = err instanceof Error ? (err.stack ?? "") : "";
    const location = frameInFile(stackTrace, definition.definedAt.file) ?? definition.definedAt;
    const reason = err instanceof Error ? err.message : String(err);
    throw new SynthError(definition.name, [...model.problems, { location, message: `the stack threw while building: ${reason}` }]);
  }

  const checked = checkStack(model, definition.definedAt);
  const failures = [...model.problems, ...checked.errors];
  if (failures.length > 0) throw new SynthError(definition.name, failures);

  const rendered = renderSdl(model, definition.definedAt);
  const sdl = emitYaml(rendered.document, header(definition, model));

  const warnings = [...checked.warnings];
  const lintErrors: StackProblem[] = [];
  for (const finding of lintText(sdl).findings) {
    const problem: StackProblem = {
      location: originOf(rendered.origins, finding.path) ?? definition.definedAt,
      message: `${finding.message} (SDL rule ${finding.ruleId}, at ${finding.path || "the document"}, SDL line ${finding.line})`,
      ruleId: finding.ruleId,
    };
    (finding.severity === "error" ? lintErrors : warnings).push(problem);
  }
  if (lintErrors.length > 0) throw new SynthError(definition.name, lintErrors);

  return {
    sdl,
    dns: model.dnsRecords.map((r) => ({
      type: r.type,
      zone: r.zone,
      name: r.name,
      fqdn: r.name === "@" ? r.zone : `${r.name}.${r.zone}`,
      endpoint: r.endpoint.name,
      ttl: r.ttl,
    })),
    secrets: model.secrets
      .map((s): SecretDeclaration => (s.generated ? { name: s.name, generated: s.generated, ...(s.htpasswd ? { htpasswd: { ...s.htpasswd } } : {}) } : { name: s.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    logins: model.logins.map((l) => ({ host: l.host, username: l.username, password: l.password })),
    warnings,
    params: { ...values },
  };
}

/** The construct behind the longest registered prefix of a JSON pointer. */
function originOf(origins: ReadonlyMap<string, SourceLocation>, path: string): SourceLocation | undefined {
  let p = path;
  for (;;) {
    const found = origins.get(p);
    if (found) return found;
    if (p === "") return undefined;
    p = p.slice(0, p.lastIndexOf("/"));
  }
}

function emitYaml(document: Record<string, unknown>, comment: string): string {
  const { Document, isScalar } = yamlLibrary();
  const doc = new Document(document);
  const version = doc.get("version", true);
  if (isScalar(version)) version.type = "QUOTE_DOUBLE"; // `version: 2.0` would be a float
  doc.commentBefore = comment;
  // lineWidth 0: never fold long strings (a folded shell script is valid YAML but unreadable).
  return doc.toString({ lineWidth: 0 });
}

/** A comment that says where the file comes from and what it still needs. No values, no paths. */
function header(definition: StackDefinition, model: StackModel): string {
  const lines = [
    ` Synthesized by akash-stack from the stack "${definition.name}". Do not edit: change the stack, then run`,
    ` \`akash-stack synth ${definition.name}\`. ${definition.description.replace(/\s+/g, " ")}`.trimEnd(),
  ];
  if (model.secrets.length > 0) {
    const names = model.secrets
      .map((s) => `${s.name}${s.generated ? ` (generated: ${s.generated}${s.htpasswd ? ` of ${s.htpasswd.password} for ${s.htpasswd.username}` : ""})` : ""}`)
      .sort()
      .join(", ");
    lines.push(` Secrets, filled in at deploy time: ${names}`);
  }
  for (const r of model.dnsRecords) {
    lines.push(` DNS: ${r.name === "@" ? r.zone : `${r.name}.${r.zone}`} A -> the leased IP of endpoint ${r.endpoint.name}`);
  }
  return lines.join("\n");
}
