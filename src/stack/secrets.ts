/**
 * Secrets are declared by name in a stack and travel through synthesis as the placeholder
 * `<secret:NAME>`, also inside template literals (`postgres://u:${password}@db`), because a
 * `Secret` turns into its placeholder when converted to a string. Values exist only at deploy
 * time: `resolveSecrets` fills the placeholders of a synthesized SDL from the environment, from
 * files the user names, or, for generated secrets, from a 0600 file under `$AKASH_STACK_HOME`.
 * Nothing here logs or returns a value except inside the resolved SDL text.
 */
import bcrypt from "bcryptjs";
import { generateKeyPair, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { promisify } from "node:util";
import type { Document, Scalar } from "yaml";
import { parseYaml, type YNode, type YScalar } from "../sdl/yaml.js";
import { yamlLibrary } from "../sdl/yaml-vendor.js";
import { htpasswdWithAccounts } from "./htpasswd-accounts.js";
import { loadGeneratedSecrets, saveGeneratedSecrets, SECRETS_FILE_NAME } from "./secret-store.js";
export { stackHome } from "./home.js";

/** How a generated secret is made on first deploy. */
export type GeneratedSecretKind = "password" | "rsa-private-key-pem-base64" | "htpasswd";

export const GENERATED_SECRET_KINDS: readonly GeneratedSecretKind[] = ["password", "rsa-private-key-pem-base64", "htpasswd"];

/** Marks secret objects so they are recognised across copies of this module (see `isSecret`). */
export const SECRET_KIND = "akash-stack/secret";

/** A secret declared by a stack. Its string form is the placeholder, never a value. */
export interface Secret {
  readonly kind: typeof SECRET_KIND;
  readonly name: string;
  /** Set for secrets akash-stack creates on first deploy when the user gives none. */
  readonly generated: GeneratedSecretKind | undefined;
  /** `<secret:NAME>`. */
  toString(): string;
}

/** Environment-variable syntax, so the value can always come from `NAME=… akash-stack deploy`. */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const PLACEHOLDER = /<secret:([A-Za-z_][A-Za-z0-9_]*)>/g;

export function placeholder(name: string): string {
  return `<secret:${name}>`;
}

export function makeSecret(name: string, generated?: GeneratedSecretKind): Secret {
  const text = placeholder(name);
  return Object.freeze({
    kind: SECRET_KIND,
    name,
    generated,
    toString: () => text,
    // `${secret}` uses toPrimitive before toString; JSON.stringify uses toJSON.
    [Symbol.toPrimitive]: () => text,
    toJSON: () => text,
  });
}

export function isSecret(value: unknown): value is Secret {
  return typeof value === "object" && value !== null && (value as Secret).kind === SECRET_KIND && typeof (value as Secret).name === "string";
}

/** The distinct secret names referenced by placeholders in `text`, in order of first use. */
export function placeholderNames(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) names.add(match[1]!);
  return [...names];
}

// ---------------------------------------------------------------------------------------------
// Deploy time: filling the placeholders
// ---------------------------------------------------------------------------------------------

export interface ResolveSecretsOptions {
  /** Where values come from first: the variable of the same name (usually `process.env`). */
  env: Readonly<Record<string, string | undefined>>;
  /** `$AKASH_STACK_HOME`: the folder that keeps generated secrets (see `stackHome`). */
  home: string;
  /** Secrets the user keeps in files, by name: `{REGISTRY_PASSWORD: "~/.registry-pass"}`. Wins over `env`. */
  secretFiles?: Readonly<Record<string, string>>;
  /** The stack's generated secrets and their kinds (`SynthResult.secrets`); any other name must be given. */
  generated?: Readonly<Record<string, GeneratedSecretKind>>;
  /** For each generated secret of kind "htpasswd": its user name and the secret whose value it hashes. */
  htpasswd?: Readonly<Record<string, { username: string; password: string }>>;
  /** Base for relative `secretFiles` paths; default the current directory. */
  cwd?: string;
}

export interface ResolvedSecrets {
  /** The SDL with every placeholder filled; when `missing` is not empty, the input unchanged. */
  text: string;
  /** Every secret that has no value, sorted. A deploy must stop before any transaction when this is not empty. */
  missing: string[];
  /** Why a missing secret is missing, when it is more than "not set" (an unreadable file). Never a value. */
  reasons: Record<string, string>;
  /** Generated secrets created by this call (names only). */
  created: string[];
  /** Things the user should know that do not stop the deploy (names and paths only). */
  notices: string[];
}

/**
 * Fills the `<secret:NAME>` placeholders of a synthesized SDL. The filled values stay inside
 * their YAML scalars, so a value containing `: `, `#`, quotes or newlines stays one string and
 * cannot change the document's structure (`fillPlaceholders` says how).
 *
 * Order of sources: a named file, then the environment variable, then (for generated secrets)
 * the secrets file under `home`, creating the value there on first use. Missing secrets are all
 * collected before anything is generated or written, so a failed call leaves no trace.
 */
export async function resolveSecrets(sdlText: string, options: ResolveSecretsOptions): Promise<ResolvedSecrets> {
  const inSdl = secretNamesIn(sdlText);
  const htpasswd = options.htpasswd ?? {};
  // An htpasswd secret is made from its password's value, which the SDL itself never holds.
  const names = [...new Set([...inSdl, ...inSdl.flatMap((name) => (htpasswd[name] ? [htpasswd[name]!.password] : []))])];
  const values = new Map<string, string>();
  const missing: string[] = [];
  const reasons: Record<string, string> = {};
  const toGenerate: string[] = [];
  const toHash: string[] = [];

  for (const name of names) {
    const file = options.secretFiles?.[name];
    if (file !== undefined) {
      const path = isAbsolute(file) ? file : resolve(options.cwd ?? process.cwd(), file);
      try {
        const value = stripFinalNewline(await readFile(path, "utf8"));
        if (value === "") {
          missing.push(name);
          reasons[name] = `the file ${file} is empty`;
        } else values.set(name, value);
      } catch (err) {
        missing.push(name);
        reasons[name] = `the file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`;
      }
      continue;
    }
    const fromEnv = options.env[name];
    if (fromEnv !== undefined && fromEnv !== "") values.set(name, fromEnv);
    else if (htpasswd[name]) toHash.push(name);
    else if (options.generated?.[name]) toGenerate.push(name);
    else missing.push(name);
  }

  const notices: string[] = [];
  const created: string[] = [];
  if (missing.length > 0) return { text: sdlText, missing: missing.sort(), reasons, created, notices };

  if (toGenerate.length > 0 || toHash.length > 0) {
    const store = await loadGeneratedSecrets(options.home);
    if (store.tightenedPermissions) notices.push(`${join(options.home, SECRETS_FILE_NAME)} was readable by others; its mode is now 0600`);
    for (const name of toGenerate) {
      let value = store.secrets[name];
      if (value === undefined) {
        const kind = options.generated![name]!;
        if (kind === "htpasswd") throw new TypeError(`generated secret ${name} has kind htpasswd but no htpasswd source: pass it in options.htpasswd`);
        value = await generateSecret(kind);
        store.secrets[name] = value;
        created.push(name);
      }
      values.set(name, value);
    }
    for (const name of toHash) {
      const { username, password } = htpasswd[name]!;
      const plain = values.get(password)!;
      const stored = store.secrets[name];
      // bcrypt salts each hash, so a new one on every deploy would change the manifest every time:
      // keep the stored line while it still matches the user name and the password's value.
      // Accounts `registry users` added follow the stack's own (src/stack/htpasswd-accounts.ts).
      const withAccounts = (line: string) => htpasswdWithAccounts(line, store.secrets, name);
      if (stored !== undefined && htpasswdMatches(stored, username, plain)) {
        values.set(name, withAccounts(stored));
        continue;
      }
      const line = htpasswdLine(username, plain, toGenerate.includes(password) || created.includes(password) ? GENERATED_PASSWORD_BCRYPT_COST : BCRYPT_COST);
      store.secrets[name] = line;
      values.set(name, withAccounts(line));
      created.push(name);
    }
    if (created.length > 0) await saveGeneratedSecrets(options.home, store.secrets);
  }

  return { text: fillPlaceholders(sdlText, values).text, missing, reasons, created, notices };
}

/**
 * The secret names an SDL's placeholders use, in order of first use. Only the document's values
 * count: comments may mention secrets without needing them.
 */
export function secretNamesIn(sdlText: string): string[] {
  const parsed = parseYaml(sdlText);
  const scalars = parsed.root && !hasSyntaxProblems(parsed.problems) ? scalarsOf(parsed.root).map((s) => s.value) : stringScalars(yamlLibrary().parseDocument(sdlText)).map((s) => s.value);
  return [...new Set(scalars.flatMap((value) => (typeof value === "string" ? placeholderNames(value) : [])))];
}

/**
 * The SDL with each placeholder whose name has a value filled in (others are left as they are).
 *
 * Two routes, one result. In place: each placeholder is replaced inside its own scalar in the
 * text, when that scalar is written on one line exactly as its value reads (plain, or quoted
 * without escapes), and the result is read back to check that every scalar of the document reads
 * as before with only its placeholders filled, and nothing else changed. Otherwise (a value with
 * `: ` or a quote that would change how its scalar reads, a scalar spread over lines) through the
 * `yaml` package: parse, set the values, print. Both keep comments as they are. The in-place
 * route exists because the package's first parse and print in a process cost a deploy about 0.1 s
 * on a slow machine, where the engine's reader (src/sdl/yaml.ts) takes a few milliseconds.
 */
export function fillPlaceholders(sdlText: string, values: ReadonlyMap<string, string>): { text: string; route: "in-place" | "document" } {
  const fill = (text: string) => text.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
  const inPlace = fillInPlace(sdlText, fill);
  if (inPlace !== undefined) return { text: inPlace, route: "in-place" };
  const doc = yamlLibrary().parseDocument(sdlText);
  for (const node of stringScalars(doc)) node.value = fill(node.value);
  return { text: doc.toString({ lineWidth: 0 }), route: "document" };
}

function fillInPlace(text: string, fill: (text: string) => string): string | undefined {
  const parsed = parseYaml(text);
  if (!parsed.root || hasSyntaxProblems(parsed.problems)) return undefined;
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);

  const edits: Array<{ from: number; to: number; with: string }> = [];
  for (const scalar of scalarsOf(parsed.root)) {
    if (!scalar.text.includes("<secret:")) continue;
    if (scalar.text.includes("\n") || lineStarts[scalar.line - 1] === undefined) return undefined;
    const from = lineStarts[scalar.line - 1]! + scalar.column - 1 + (scalar.quoted ? 1 : 0);
    if (!text.startsWith(scalar.text, from)) return undefined;
    edits.push({ from, to: from + scalar.text.length, with: fill(scalar.text) });
  }
  edits.sort((a, b) => a.from - b.from);
  let out = "";
  let at = 0;
  for (const edit of edits) {
    out += text.slice(at, edit.from) + edit.with;
    at = edit.to;
  }
  out += text.slice(at);

  const reread = parseYaml(out);
  if (!reread.root || reread.problems.length !== parsed.problems.length) return undefined;
  return readsAsFilled(parsed.root, reread.root, fill) ? out : undefined;
}

/** True when `after` is `before` with `fill` applied to each scalar's text and string value, and nothing else changed. */
function readsAsFilled(before: YNode, after: YNode, fill: (text: string) => string): boolean {
  if (before.kind === "scalar") return after.kind === "scalar" && scalarReadsAsFilled(before, after, fill);
  if (before.kind === "seq") return after.kind === "seq" && after.items.length === before.items.length && before.items.every((item, i) => readsAsFilled(item, after.items[i]!, fill));
  if (after.kind !== "map" || after.entries.length !== before.entries.length) return false;
  return before.entries.every((e, i) => scalarReadsAsFilled(e.key, after.entries[i]!.key, fill) && readsAsFilled(e.value, after.entries[i]!.value, fill));
}

function scalarReadsAsFilled(before: YScalar, after: YScalar, fill: (text: string) => string): boolean {
  const value = typeof before.value === "string" ? fill(before.value) : before.value;
  return after.tag === before.tag && after.quoted === before.quoted && after.text === fill(before.text) && after.value === value;
}

/** Every scalar of a tree, keys included, each once (an alias shares its anchor's nodes). */
function scalarsOf(root: YNode): YScalar[] {
  const out: YScalar[] = [];
  const seen = new Set<YNode>();
  const walk = (node: YNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.kind === "scalar") out.push(node);
    else if (node.kind === "seq") node.items.forEach(walk);
    else
      for (const e of node.entries) {
        walk(e.key);
        walk(e.value);
      }
  };
  walk(root);
  return out;
}

/** Problems that mean the engine's reader did not read the document the way the `yaml` package would. */
function hasSyntaxProblems(problems: ReadonlyArray<{ code: string }>): boolean {
  return problems.some((p) => p.code !== "not-a-mapping");
}

/** A message for a deploy that must stop: every missing name and how to provide it. */
export function describeMissingSecrets(result: Pick<ResolvedSecrets, "missing" | "reasons">): string {
  const lines = result.missing.map((name) => `  ${name}${result.reasons[name] ? `: ${result.reasons[name]}` : ""}`);
  return (
    `${result.missing.length} secret${result.missing.length === 1 ? " has" : "s have"} no value, so nothing was deployed:\n${lines.join("\n")}\n` +
    `Set each as an environment variable of the same name, or name a file that holds it.`
  );
}

function stringScalars(doc: Document): Array<Scalar<string>> {
  const found: Array<Scalar<string>> = [];
  yamlLibrary().visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string") found.push(node as Scalar<string>);
    },
  });
  return found;
}

function stripFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** Apache's `htpasswd -B` default, for passwords people chose. */
const BCRYPT_COST = 10;
/**
 * For passwords akash-stack generated (192 random bits): bcrypt's cost only slows the guessing of
 * passwords people choose, and no cost makes 2^192 guesses feasible, while the registry pays it on
 * every request (Basic auth sends the password each time): at cost 10 about 50 ms each, a quarter
 * of a 200 MiB push's time here (bench:registry). Cost 5 is 32 times cheaper.
 */
const GENERATED_PASSWORD_BCRYPT_COST = 5;

/** One line of an htpasswd file with a bcrypt hash, the only scheme CNCF Distribution accepts. */
export function htpasswdLine(username: string, password: string, cost: number = BCRYPT_COST): string {
  return `${username}:${bcrypt.hashSync(password, cost)}`;
}

function htpasswdMatches(line: string, username: string, password: string): boolean {
  const colon = line.indexOf(":");
  return colon > 0 && line.slice(0, colon) === username && bcrypt.compareSync(password, line.slice(colon + 1));
}

async function generateSecret(kind: Exclude<GeneratedSecretKind, "htpasswd">): Promise<string> {
  switch (kind) {
    case "password":
      // 192 random bits in URL-safe base64: safe inside a postgres:// URL, YAML and shell words.
      return randomBytes(24).toString("base64url");
    case "rsa-private-key-pem-base64": {
      const { privateKey } = await generateKeyPairAsync("rsa", {
        modulusLength: 4096,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      });
      // Base64 keeps the PEM on one line, so it fits an SDL env entry.
      return Buffer.from(privateKey, "utf8").toString("base64");
    }
  }
}
