/**
 * Registry credentials stored the way Docker stores them, so `docker`, `skopeo`, `crane` and this
 * tool share one login: `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`), with
 * - `credHelpers[host]`: a per-registry helper program `docker-credential-<name>`,
 * - else `credsStore`: one helper for every registry,
 * - else `auths[host].auth`: base64 of `user:password` in the file itself.
 * Helpers speak Docker's protocol (github.com/docker/docker-credential-helpers): `store` reads
 * `{"ServerURL","Username","Secret"}` on stdin, `get` reads the server URL and prints
 * `{"Username","Secret"}`, `erase` reads the server URL.
 *
 * The file is rewritten atomically (temp file in the same folder, then rename) with mode 0600,
 * keeping every key this tool does not know. Passwords never appear in errors.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { RegistryCredentials } from "../verify/oci-auth.js";

export class CredentialStoreError extends Error {
  override readonly name = "CredentialStoreError";
}

type JsonObject = Record<string, unknown>;

export interface DockerConfigLocation {
  env: Readonly<Record<string, string | undefined>>;
}

export function dockerConfigPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const dir = env.DOCKER_CONFIG && env.DOCKER_CONFIG !== "" ? env.DOCKER_CONFIG : join(env.HOME ?? homedir(), ".docker");
  return join(dir, "config.json");
}

async function readConfig(path: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new CredentialStoreError(`cannot read Docker's config ${path}: ${(err as Error).message}`);
  }
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object");
    return parsed as JsonObject;
  } catch (err) {
    throw new CredentialStoreError(`Docker's config ${path} is not valid JSON (${(err as Error).message}): fix or move it, then log in again`);
  }
}

async function writeConfigAtomically(path: string, config: JsonObject): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, JSON.stringify(config, null, "\t") + "\n", { mode: 0o600 });
  // writeFile's mode is filtered by the umask; the file holds passwords, so force 0600.
  await chmod(temp, 0o600);
  await rename(temp, path);
}

/** The helper that holds `host`'s credentials, if any: credHelpers first, then credsStore. */
function helperFor(config: JsonObject, host: string): string | undefined {
  const helpers = config.credHelpers;
  if (typeof helpers === "object" && helpers !== null) {
    const name = (helpers as JsonObject)[host];
    if (typeof name === "string" && name !== "") return name;
  }
  return typeof config.credsStore === "string" && config.credsStore !== "" ? config.credsStore : undefined;
}

function authsOf(config: JsonObject): JsonObject {
  const auths = config.auths;
  return typeof auths === "object" && auths !== null && !Array.isArray(auths) ? (auths as JsonObject) : {};
}

/** Stored credentials for `host`, or undefined when there are none. */
export async function getCredentials(host: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<RegistryCredentials | undefined> {
  const path = dockerConfigPath(env);
  const config = await readConfig(path);
  const helper = helperFor(config, host);
  if (helper) {
    const result = await runHelper(helper, "get", host, env);
    if (result.code !== 0) {
      // Helpers say "credentials not found in native keychain" when there is nothing to get.
      if (/not found/i.test(result.stdout + result.stderr)) return undefined;
      throw new CredentialStoreError(`docker-credential-${helper} get failed for ${host} (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
    }
    let parsed: { Username?: unknown; Secret?: unknown };
    try {
      parsed = JSON.parse(result.stdout) as typeof parsed;
    } catch {
      throw new CredentialStoreError(`docker-credential-${helper} get printed something other than JSON for ${host}`);
    }
    if (typeof parsed.Username !== "string" || typeof parsed.Secret !== "string") throw new CredentialStoreError(`docker-credential-${helper} get answered without Username and Secret for ${host}`);
    return { username: parsed.Username, password: parsed.Secret };
  }
  const entry = authsOf(config)[host];
  if (typeof entry !== "object" || entry === null) return undefined;
  const { auth, username, password } = entry as JsonObject;
  if (typeof auth === "string" && auth !== "") {
    const decoded = Buffer.from(auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new CredentialStoreError(`the stored login for ${host} in ${path} is not base64 of user:password: log in again`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof username === "string" && typeof password === "string") return { username, password };
  return undefined;
}

/** Where `storeCredentials` put them, for the message the user sees. */
export type StoredIn = { kind: "file"; path: string } | { kind: "helper"; helper: string };

export async function storeCredentials(host: string, credentials: RegistryCredentials, env: Readonly<Record<string, string | undefined>> = process.env): Promise<StoredIn> {
  const path = dockerConfigPath(env);
  const config = await readConfig(path);
  const helper = helperFor(config, host);
  const auths = { ...authsOf(config) };
  if (helper) {
    const payload = JSON.stringify({ ServerURL: host, Username: credentials.username, Secret: credentials.password });
    const result = await runHelper(helper, "store", payload, env);
    if (result.code !== 0) throw new CredentialStoreError(`docker-credential-${helper} store failed for ${host} (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
    // Docker leaves an empty entry so `docker info` lists the registry; no secret in the file.
    auths[host] = {};
    await writeConfigAtomically(path, { ...config, auths });
    return { kind: "helper", helper };
  }
  auths[host] = { auth: Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64") };
  await writeConfigAtomically(path, { ...config, auths });
  return { kind: "file", path };
}

/** Removes `host`'s login. Returns false when there was none. */
export async function eraseCredentials(host: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<boolean> {
  const path = dockerConfigPath(env);
  const config = await readConfig(path);
  const helper = helperFor(config, host);
  let erased = false;
  if (helper) {
    const result = await runHelper(helper, "erase", host, env);
    if (result.code === 0) erased = true;
    else if (!/not found/i.test(result.stdout + result.stderr)) {
      throw new CredentialStoreError(`docker-credential-${helper} erase failed for ${host} (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
    }
  }
  const auths = authsOf(config);
  if (host in auths) {
    const { [host]: _removed, ...rest } = auths;
    await writeConfigAtomically(path, { ...config, auths: rest });
    erased = true;
  }
  return erased;
}

interface HelperResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runHelper(helper: string, action: "get" | "store" | "erase", input: string, env: Readonly<Record<string, string | undefined>>): Promise<HelperResult> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { stdio: ["pipe", "pipe", "pipe"], env: env as NodeJS.ProcessEnv });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", (err: NodeJS.ErrnoException) => {
      const why = err.code === "ENOENT" ? `${program} is not on PATH: install it, or remove "${helper}" from credsStore/credHelpers in ${dockerConfigPath(env)}` : `${program} could not run: ${err.message}`;
      reject(new CredentialStoreError(why));
    });
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}
