/**
 * `akash-stack registry ACTION …`: login, logout, push, pull, copy, list, info, rm, and users (the
 * accounts of the registry stack's htpasswd secret). A thin layer over src/registry: it parses arguments, finds the
 * stored login, prints text or `--output json`, and maps failures to exit codes:
 * 0 done, 1 the registry or the transfer failed (refused login, digest mismatch, missing image),
 * 2 usage errors and unreadable input (a bad reference, a missing SOURCE, no password given).
 *
 * Passwords are read from standard input (`--password-stdin`) or an environment variable
 * (`--password-env VAR`), never from arguments (which `ps` and shell history show), and are never
 * printed. A login is checked against the registry before it is stored.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { RegistryCredentials } from "../verify/oci-auth.js";
import { AuthError } from "../verify/oci-auth.js";
import { HttpError } from "../verify/http.js";
import { describeError } from "../verify/report.js";
import { RegistryClient, RegistryError } from "../registry/client.js";
import { copyImage } from "../registry/copy.js";
import { CredentialStoreError, eraseCredentials, getCredentials, storeCredentials } from "../registry/docker-config.js";
import { imageInfo, listRepositories, listTags, removeImage, type ImageInfo } from "../registry/inspect.js";
import { formatPlatform, ManifestError, parsePlatform } from "../registry/manifest.js";
import { createProgress, formatRate, formatSize, type Progress } from "../registry/progress.js";
import { pullImage } from "../registry/pull.js";
import { pushImage, type PushReport } from "../registry/push.js";
import { formatReference, parseHost, parseReference, ReferenceError, type ImageReference } from "../registry/reference.js";
import { openSource, SourceError } from "../registry/sources.js";
import { TarError } from "../registry/tar.js";
import { setExtraCa } from "../verify/http.js";
import type { InputStream } from "./stdin.js";

export const REGISTRY_ACTIONS = ["login", "logout", "push", "pull", "copy", "list", "info", "rm", "users"] as const;
export type RegistryAction = (typeof REGISTRY_ACTIONS)[number];

export interface RegistryFlags {
  username?: string;
  passwordStdin?: boolean;
  passwordEnv?: string;
  stack?: string;
  set?: string[];
  allowHttp?: boolean;
  ca?: string;
  platform?: string;
  chunkSize?: number;
  concurrency?: number;
  mountFrom?: string;
  ipfs?: boolean;
  output?: "text" | "json";
  timeout?: number;
}

export interface RegistryIo {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdin: InputStream;
  stderr: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): boolean };
  write(stream: "stdout" | "stderr", text: string): void;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const PROGRAM = "akash-stack registry";

class UsageError extends Error {}

const defaultIo = (): RegistryIo => ({
  cwd: process.cwd(),
  env: process.env,
  stdin: process.stdin,
  stderr: process.stderr,
  write: (stream, text) => void (stream === "stdout" ? process.stdout : process.stderr).write(text),
});

export async function runRegistry(action: string, args: readonly string[], flags: RegistryFlags, io: RegistryIo = defaultIo()): Promise<number> {
  const json = flags.output === "json";
  const print = (value: unknown, text: string) => io.write("stdout", json ? `${JSON.stringify(value)}\n` : text);
  try {
    if (!(REGISTRY_ACTIONS as readonly string[]).includes(action)) throw new UsageError(`unknown action "${action}": use ${REGISTRY_ACTIONS.join(", ")}`);
    if (flags.ca) setExtraCa(readCa(flags.ca, io.cwd));
    const need = (count: number, usage: string) => {
      if (args.length !== count) throw new UsageError(`usage: ${PROGRAM} ${action} ${usage}`);
    };
    switch (action as RegistryAction) {
      case "login":
        return await login(args, flags, io, print);
      case "logout": {
        need(1, "HOST");
        const host = parseHost(args[0]!);
        const erased = await eraseCredentials(host, io.env);
        print({ host, loggedOut: erased }, erased ? `logged out of ${host}\n` : `there was no login for ${host}\n`);
        return EXIT_OK;
      }
      case "push": {
        need(2, "IMAGE SOURCE (a docker save tarball, an OCI layout folder or an OCI archive)");
        const ref = parseReference(args[0]!, { requireTagOrDigest: true });
        if (ref.digest) throw new UsageError(`push needs a tag, not a digest (${args[0]}): the digest is the manifest's own`);
        const source = await openSource(resolve(io.cwd, args[1]!), ref.tag);
        const client = await clientFor(ref.host, flags, io);
        const report = await pushImage(client, ref, source, transferOptions(flags, io));
        print(report, `pushed ${report.image}@${report.digest}: ${summarize(report)}\n`);
        return EXIT_OK;
      }
      case "pull": {
        need(2, "IMAGE DEST (a folder for an OCI layout, or FILE.tar for an OCI archive)");
        const ref = parseReference(args[0]!, { requireTagOrDigest: true });
        const client = await clientFor(ref.host, flags, io);
        const report = await pullImage(client, ref, resolve(io.cwd, args[1]!), { ...transferOptions(flags, io), ...(flags.platform ? { platform: parsePlatform(flags.platform) } : {}) });
        const fresh = report.blobs.filter((b) => b.outcome === "pulled");
        print(report, `pulled ${report.image}@${report.digest} into ${report.dest} (${report.format}): ${report.blobs.length} blobs, ${fresh.length} fetched (${formatSize(report.bytesReceived)} at ${formatRate(report.bytesReceived, report.seconds * 1000)}), every digest and size checked\n`);
        return EXIT_OK;
      }
      case "copy": {
        need(2, "SOURCE-IMAGE TARGET-IMAGE");
        const from = parseReference(args[0]!, { requireTagOrDigest: true });
        const to = parseReference(args[1]!, { requireTagOrDigest: true });
        if (to.digest) throw new UsageError(`copy needs a tag for the target, not a digest (${args[1]})`);
        const source = await clientFor(from.host, flags, io);
        const target = from.host === to.host ? source : await clientFor(to.host, flags, io);
        const report = await copyImage({ client: source, ref: from }, { client: target, ref: to }, { ...transferOptions(flags, io), ...(flags.platform ? { platform: parsePlatform(flags.platform) } : {}) });
        print(report, `copied ${formatReference(from)} to ${report.image}@${report.digest}: ${summarize(report)}\n`);
        return EXIT_OK;
      }
      case "list": {
        need(1, "HOST or HOST/REPOSITORY");
        const target = args[0]!;
        if (target.replace(/^https?:\/\//, "").replace(/\/+$/, "").includes("/")) {
          const ref = parseReference(target.replace(/\/+$/, ""));
          if (ref.tag || ref.digest) throw new UsageError(`list takes HOST/REPOSITORY without a tag (${target}); use \`${PROGRAM} info\` for one image`);
          const result = await listTags(await clientFor(ref.host, flags, io), ref.repository);
          print(result, (result.tags ?? []).map((t) => `${ref.host}/${ref.repository}:${t}\n`).join("") || `${ref.host}/${ref.repository} has no tags\n`);
        } else {
          const host = parseHost(target);
          const result = await listRepositories(await clientFor(host, flags, io));
          print(result, (result.repositories ?? []).map((r) => `${host}/${r}\n`).join("") || `${host} has no repositories\n`);
        }
        return EXIT_OK;
      }
      case "info": {
        need(1, "IMAGE");
        const ref = parseReference(args[0]!, { requireTagOrDigest: true });
        const info = await imageInfo(await clientFor(ref.host, flags, io), ref, {
          ...(flags.platform ? { platform: parsePlatform(flags.platform) } : {}),
          checkIpfs: flags.ipfs !== false,
          allowHttp: flags.allowHttp ?? false,
        });
        print(info, formatInfo(info));
        const broken = info.images.flatMap((i) => i.layers).filter((l) => l.ipfs && l.ipfs.verified !== true);
        return broken.length > 0 ? EXIT_FAILED : EXIT_OK;
      }
      case "rm": {
        need(1, "IMAGE (HOST/REPO:TAG or HOST/REPO@sha256:…)");
        const ref = parseReference(args[0]!);
        if (!ref.tag && !ref.digest) throw new UsageError(`rm needs a tag or a digest (${args[0]}), so that it never removes more than you named`);
        const result = await removeImage(await clientFor(ref.host, flags, io), ref);
        print(result, result.removed === "tag" ? `removed the tag ${result.image} (${result.digest} stays if other tags use it)\n` : `removed ${result.image}: the manifest ${result.digest} and every tag on it (the registry cannot delete a tag alone)\n`);
        return EXIT_OK;
      }
      case "users":
        return await users(args, flags, io, print);
    }
  } catch (err) {
    return report(err, io, args[0]);
  }
}

function report(err: unknown, io: RegistryIo, target: string | undefined): number {
  const say = (text: string) => io.write("stderr", `${PROGRAM}: ${text}\n`);
  if (err instanceof UsageError || err instanceof ReferenceError || err instanceof SourceError || err instanceof TarError) {
    say(err.message);
    return EXIT_USAGE;
  }
  if (err instanceof ManifestError && /--platform/.test(err.message)) {
    say(err.message);
    return EXIT_USAGE;
  }
  if (err instanceof AuthError || err instanceof RegistryError || err instanceof ManifestError || err instanceof CredentialStoreError || err instanceof HttpError || (err instanceof Error && err.name === "CidError")) {
    say(err.message);
    return EXIT_FAILED;
  }
  // fetch's "fetch failed" hides ECONNREFUSED or a certificate problem in its cause.
  if (err instanceof TypeError || (err instanceof Error && (err as NodeJS.ErrnoException).code !== undefined)) {
    const code = ((err as { cause?: { code?: unknown } }).cause?.code ?? (err as { code?: unknown }).code) as string | undefined;
    const tls = typeof code === "string" && /CERT|SELF_SIGNED|UNABLE_TO_|ALTNAME/.test(code);
    const where = target ? `${target}: ` : "";
    say(
      tls
        ? `${where}${describeError(err)}: TLS is always verified; if the registry uses a private CA (Caddy's local CA in a rehearsal), pass --ca FILE with that CA's PEM`
        : `${where}${describeError(err)}: is the registry running and reachable at that host? (plain-http registries need --allow-http; a private CA needs --ca FILE)`,
    );
    return EXIT_FAILED;
  }
  throw err;
}

async function login(args: readonly string[], flags: RegistryFlags, io: RegistryIo, print: (value: unknown, text: string) => void): Promise<number> {
  let host: string;
  let credentials: RegistryCredentials;
  if (flags.stack) {
    // The stack's declared login (the registry's admin account), with its generated password.
    const fromStack = await stackLogin(flags.stack, flags.set ?? [], io);
    host = args[0] !== undefined ? parseHost(args[0]) : fromStack.host;
    credentials = fromStack.credentials;
  } else {
    if (args.length !== 1) throw new UsageError(`usage: ${PROGRAM} login HOST --username USER (--password-stdin | --password-env VAR), or --stack registry`);
    host = parseHost(args[0]!);
    if (!flags.username) throw new UsageError(`login needs --username (and the password on standard input with --password-stdin, or in --password-env VAR)`);
    credentials = { username: flags.username, password: await readPassword(flags, io) };
  }
  const check = flags.stack ? `the stack's generated password may be out of date with the running registry (redeploy, or log in with --username)` : "check --username and the password";
  const client = new RegistryClient(host, { credentials, allowHttp: flags.allowHttp ?? false, howToLogIn: { give: check, check }, ...timeouts(flags) });
  await client.ping();
  if (client.session.authUsed.kind === "none") {
    throw new RegistryError(`${host} answered GET /v2/ without asking for credentials, so they could not be checked; nothing was stored (the registry needs no login)`);
  }
  const stored = await storeCredentials(host, credentials, io.env);
  const where = stored.kind === "file" ? stored.path : `docker-credential-${stored.helper}`;
  print({ host, username: credentials.username, storedIn: stored }, `logged in to ${host} as ${credentials.username} (checked with ${client.session.authUsed.kind === "bearer" ? "a token" : "Basic auth"}); stored in ${where}\n`);
  return EXIT_OK;
}

const USER_ACTIONS = ["list", "add", "passwd", "rm"] as const;

/**
 * `registry users list|add|passwd|rm [NAME] --stack STACK`: accounts in the stack's htpasswd secret
 * (CNCF Distribution, the registry stack's default engine). The change is stored with the stack's
 * generated secrets and reaches the registry with the next deploy, which is what the output says.
 */
async function users(args: readonly string[], flags: RegistryFlags, io: RegistryIo, print: (value: unknown, text: string) => void): Promise<number> {
  const [action, username, ...rest] = args;
  const usage = `usage: ${PROGRAM} users list|add|passwd|rm [NAME] --stack STACK (passwords from --password-stdin or --password-env VAR)`;
  if (!action || !(USER_ACTIONS as readonly string[]).includes(action) || rest.length > 0) throw new UsageError(usage);
  if (action === "list" ? username !== undefined : username === undefined) throw new UsageError(usage);
  if (!flags.stack) throw new UsageError(`users needs --stack STACK: accounts live in the stack's htpasswd secret and reach the registry with its next deploy`);
  const { homeOf } = await import("../deploy/session.js");
  const accountsModule = await import("../stack/htpasswd-accounts.js");
  const loaded = await synthStack(flags.stack, flags.set ?? [], io);
  const htpasswd = loaded.synth.secrets.filter((s) => s.generated === "htpasswd" && s.htpasswd);
  if (htpasswd.length !== 1) {
    throw new UsageError(
      htpasswd.length === 0
        ? `the stack ${loaded.name} has no htpasswd secret to keep accounts in. With the registry stack's OpenRegistry engine, accounts live in OpenRegistry's own database behind its API, which this command cannot manage: that engine cannot be built or run here (the Go module proxy refuses its source; README "Does it work?")`
        : `the stack ${loaded.name} has ${htpasswd.length} htpasswd secrets (${htpasswd.map((s) => s.name).join(", ")}); users can manage only a stack with one`,
    );
  }
  const secret = htpasswd[0]!;
  const admin = { username: secret.htpasswd!.username, passwordSecret: secret.htpasswd!.password };
  const home = homeOf({ cwd: io.cwd, env: io.env, write: io.write });
  let accounts: Array<{ username: string }>;
  try {
    accounts =
      action === "list"
        ? await accountsModule.readAccounts(home, secret.name)
        : await accountsModule.updateAccounts(
            home,
            secret.name,
            action === "rm" ? { action, username: username! } : { action: action as "add" | "passwd", username: username!, password: await readPassword(flags, io) },
            admin,
          );
  } catch (err) {
    if (err instanceof accountsModule.AccountError) throw new UsageError(err.message);
    throw err;
  }
  const names = [admin.username, ...accounts.map((a) => a.username)];
  const apply = `akash-stack deploy ${loaded.name} --network NETWORK`;
  const done = action === "list" ? "" : `${action === "add" ? "added" : action === "rm" ? "removed" : "changed the password of"} ${username}; `;
  print(
    { stack: loaded.name, secret: secret.name, admin: admin.username, accounts: names, ...(action === "list" ? {} : { changed: username, action, apply }) },
    action === "list"
      ? `${names.map((n) => `${n}${n === admin.username ? " (the stack's admin)" : ""}`).join("\n")}\n`
      : `${done}${names.length} account${names.length === 1 ? "" : "s"} (${names.join(", ")}). The registry reads them when it starts: apply with \`${apply}\` (a manifest update; its data stays)\n`,
  );
  return EXIT_OK;
}

/** The stack, loaded and synthesized; a stack that cannot be is a usage error (exit 2). */
async function synthStack(stack: string, set: readonly string[], io: RegistryIo) {
  // Loaded only here: synthesizing a stack needs the stack API, which other actions never touch.
  const { loadAndSynth } = await import("../deploy/session.js");
  return loadAndSynth(stack, set, { cwd: io.cwd, env: io.env, write: io.write }).catch((err: Error) => {
    throw new UsageError(err.message);
  });
}

async function stackLogin(stack: string, set: readonly string[], io: RegistryIo): Promise<{ host: string; credentials: RegistryCredentials }> {
  const { homeOf } = await import("../deploy/session.js");
  const { loadGeneratedSecrets } = await import("../stack/secret-store.js");
  const loaded = await synthStack(stack, set, io);
  const declared = loaded.synth.logins[0];
  if (!declared) throw new UsageError(`the stack ${loaded.name} declares no login (stack.login), so --stack cannot say which account to use`);
  const home = homeOf({ cwd: io.cwd, env: io.env, write: io.write });
  const password = io.env[declared.password] ?? (await loadGeneratedSecrets(home)).secrets[declared.password];
  if (password === undefined) {
    throw new UsageError(`the password of ${declared.username}@${declared.host} is the secret ${declared.password}, which is neither in the environment nor generated yet under ${home} (it is made on the first deploy or rehearsal)`);
  }
  return { host: declared.host, credentials: { username: declared.username, password } };
}

async function readPassword(flags: RegistryFlags, io: RegistryIo): Promise<string> {
  if (flags.passwordStdin && flags.passwordEnv) throw new UsageError("give the password one way: --password-stdin or --password-env, not both");
  if (flags.passwordEnv) {
    const value = io.env[flags.passwordEnv];
    if (value === undefined || value === "") throw new UsageError(`--password-env ${flags.passwordEnv}: the environment variable is not set or empty`);
    return value;
  }
  if (!flags.passwordStdin) throw new UsageError("give the password on standard input (--password-stdin) or in an environment variable (--password-env VAR); it is never taken as an argument");
  if (io.stdin.isTTY) io.write("stderr", "password (then Enter and Ctrl-D): ");
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  // `echo pass | … --password-stdin` ends with a newline that is not part of the password, as docker does.
  const password = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  if (password === "") throw new UsageError("--password-stdin: standard input was empty");
  return password;
}

async function clientFor(host: string, flags: RegistryFlags, io: RegistryIo): Promise<RegistryClient> {
  const credentials = await getCredentials(host, io.env);
  return new RegistryClient(host, { allowHttp: flags.allowHttp ?? false, ...(credentials ? { credentials } : {}), ...timeouts(flags) });
}

function timeouts(flags: RegistryFlags): { timeoutMs?: number } {
  return flags.timeout !== undefined && Number.isFinite(flags.timeout) && flags.timeout > 0 ? { timeoutMs: flags.timeout * 1000 } : {};
}

function transferOptions(flags: RegistryFlags, io: RegistryIo): { progress: Progress; chunkSize?: number; concurrency?: number; mountFrom?: string } {
  if (flags.chunkSize !== undefined && !(Number.isInteger(flags.chunkSize) && flags.chunkSize >= 1)) throw new UsageError(`--chunk-size ${flags.chunkSize}: give a whole number of MiB, 1 or more`);
  if (flags.concurrency !== undefined && !(Number.isInteger(flags.concurrency) && flags.concurrency >= 1)) throw new UsageError(`--concurrency ${flags.concurrency}: give a whole number, 1 or more`);
  return {
    progress: createProgress(io.stderr),
    ...(flags.chunkSize !== undefined ? { chunkSize: flags.chunkSize * 1024 * 1024 } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.mountFrom ? { mountFrom: flags.mountFrom } : {}),
  };
}

function summarize(report: PushReport): string {
  const count = (outcome: string) => report.blobs.filter((b) => b.outcome === outcome).length;
  const sent = report.bytesSent > 0 ? ` (${formatSize(report.bytesSent)} at ${formatRate(report.bytesSent, report.seconds * 1000)})` : "";
  return `${report.blobs.length} blobs: ${count("uploaded")} uploaded${sent}, ${count("exists")} already there, ${count("mounted")} mounted`;
}

export function formatInfo(info: ImageInfo): string {
  const lines = [`${info.image}`, `  digest:     ${info.digest}`, `  media type: ${info.mediaType} (${info.kind})`];
  if (info.platforms.length > 0) {
    lines.push("  platforms:");
    for (const p of info.platforms) lines.push(`    ${p.platform.padEnd(16)} ${p.digest}`);
  }
  for (const image of info.images) {
    lines.push(`  ${image.platform ? `${image.platform} ` : ""}image ${image.digest}, ${formatSize(image.totalSize)} in all`);
    lines.push(`    config ${image.config.digest} ${formatSize(image.config.size)}`);
    for (const layer of image.layers) {
      lines.push(`    layer  ${layer.digest} ${formatSize(layer.size).padStart(10)} ${layer.mediaType}`);
      if (layer.ipfs) {
        const state = layer.ipfs.verified ? "verified: the gateway serves it and it re-hashes to this CID" : `NOT verified: ${layer.ipfs.problem ?? "unknown"}`;
        lines.push(`           ipfs ${layer.ipfs.cid} (${layer.ipfs.gateway}): ${state}`);
      }
    }
  }
  return lines.join("\n") + "\n";
}

function readCa(file: string, cwd: string): string {
  try {
    const pem = readFileSync(resolve(cwd, file), "utf8");
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new UsageError(`--ca ${file} holds no PEM certificate`);
    return pem;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--ca ${file} cannot be read: ${(err as Error).message}`);
  }
}

export { formatPlatform };
export type { ImageReference };
