/**
 * `akash-stack verify`: proves a deployed registry works, not just that its lease is active.
 *
 *   akash-stack verify registry --url URL [--username U --password-env VAR] [--push-test] [--allow-http]
 *   akash-stack verify ipfs --gateway URL [--cid CID] [--allow-http]
 *   akash-stack verify STACK --network N [--username U --password-env VAR] [--push-test] [--cid CID]
 *                            [--ca FILE] [--nameserver IP[:PORT] …]
 *   all: [--output text|json] [--html FILE] [--timeout SECONDS]
 *
 * `registry` and `ipfs` are the direct checks when `--url` / `--gateway` is given; otherwise the
 * argument is a stack name (the registry stack is called "registry" too), which needs `--network`.
 *
 * The password is read only from the environment variable named by `--password-env`, never from
 * an argument (arguments show up in `ps` and shell history), and never printed.
 * Exit codes: 0 every check passed (skips are checks that do not apply), 1 a check failed,
 * 2 usage errors (plain http:// without --allow-http, a missing variable or deploy state).
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { stackHome } from "../stack/secrets.js";
import { CidError, parseCid } from "../verify/cid.js";
import { renderStatusPage } from "../verify/html.js";
import { verifyGateway } from "../verify/ipfs.js";
import type { RegistryCredentials } from "../verify/oci-auth.js";
import { verifyRegistry } from "../verify/oci.js";
import { buildReport, formatReportText, type ServiceReport, type VerifyReport } from "../verify/report.js";
import { verifyStack } from "../verify/stack.js";
import { readDeployState, VerifyStateError, writeLastVerify } from "../verify/state.js";

export type VerifyKind = "registry" | "ipfs" | "stack";

export interface VerifyFlags {
  url?: string;
  gateway?: string;
  username?: string;
  /** The name of the environment variable that holds the password. */
  passwordEnv?: string;
  pushTest?: boolean;
  allowHttp?: boolean;
  output?: "text" | "json";
  html?: string;
  cid?: string;
  network?: string;
  /** A PEM file with the CA(s) to trust for TLS checks instead of the system roots. */
  ca?: string;
  /** Authoritative nameservers to ask (`ip` or `ip:port`), instead of the zone's NS records. */
  nameserver?: string[];
  /** Per-request time-out in seconds (default 30). */
  timeout?: number;
}

export interface VerifyIo {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  write(stream: "stdout" | "stderr", text: string): void;
  now?: () => Date;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const PROGRAM = "akash-stack verify";

const defaultIo = (): VerifyIo => ({
  cwd: process.cwd(),
  env: process.env,
  write: (stream, text) => void (stream === "stdout" ? process.stdout : process.stderr).write(text),
});

class UsageError extends Error {}

/**
 * Which check `akash-stack verify TARGET` means. `registry --url` and `ipfs --gateway` are the
 * direct checks; any other TARGET (including a stack named "registry") is a stack.
 */
export function resolveVerifyKind(target: string, flags: Pick<VerifyFlags, "url" | "gateway">): { kind: VerifyKind; target: string } | { error: string } {
  if (target === "registry" && flags.url !== undefined) return { kind: "registry", target: flags.url };
  if (target === "ipfs" && flags.gateway !== undefined) return { kind: "ipfs", target: flags.gateway };
  if (flags.url !== undefined) return { error: `--url belongs to \`${PROGRAM} registry --url URL\`, not to ${JSON.stringify(target)}` };
  if (flags.gateway !== undefined) return { error: `--gateway belongs to \`${PROGRAM} ipfs --gateway URL\`, not to ${JSON.stringify(target)}` };
  if (target === "ipfs") return { error: `\`${PROGRAM} ipfs\` needs --gateway URL (the IPFS gateway's base URL)` };
  return { kind: "stack", target };
}

export async function runVerify(kind: VerifyKind, target: string, opts: VerifyFlags, io: VerifyIo = defaultIo()): Promise<number> {
  const complain = (text: string) => io.write("stderr", `${PROGRAM}: ${text}\n`);
  const now = io.now ?? (() => new Date());
  let report: VerifyReport;
  let savedTo: string | undefined;
  try {
    const credentials = readCredentials(opts, io.env);
    const timeoutMs = opts.timeout !== undefined ? secondsToMs(opts.timeout) : undefined;
    const common = { allowHttp: opts.allowHttp ?? false, ...(timeoutMs ? { timeoutMs } : {}) };
    const startedAt = now();
    let services: ServiceReport[];
    let subject: string;
    if (kind === "registry") {
      const url = checkUrl(target, "--url", opts);
      subject = url;
      services = [await verifyRegistry({ url, pushTest: opts.pushTest ?? false, ...common, ...(credentials ? { credentials } : {}) })];
    } else if (kind === "ipfs") {
      const gateway = checkUrl(target, "--gateway", opts);
      if (opts.cid !== undefined) checkCid(opts.cid);
      subject = gateway;
      services = [await verifyGateway({ gateway, ...common, ...(opts.cid !== undefined ? { cid: opts.cid } : {}) })];
    } else {
      if (!opts.network) throw new UsageError(`verifying stack ${target} needs --network NAME (the network it was deployed to), or use \`${PROGRAM} registry --url URL\` for a registry by URL`);
      if (opts.cid !== undefined) checkCid(opts.cid);
      const home = stackHome(io.env, io.cwd);
      const state = await readDeployState(home, target, opts.network);
      subject = `${target} on ${opts.network}`;
      services = await verifyStack(state, {
        pushTest: opts.pushTest ?? false,
        ...common,
        ...(credentials ? { credentials } : {}),
        ...(opts.cid !== undefined ? { cid: opts.cid } : {}),
        ...(opts.ca ? { ca: readCa(opts.ca, io.cwd) } : {}),
        ...(opts.nameserver?.length ? { nameservers: opts.nameserver } : {}),
      });
      report = buildReport(subject, startedAt, services, now());
      savedTo = await writeLastVerify(home, target, opts.network, report);
    }
    report ??= buildReport(subject, startedAt, services, now());
  } catch (err) {
    if (err instanceof UsageError || err instanceof VerifyStateError) {
      complain(err.message);
      return EXIT_USAGE;
    }
    throw err;
  }

  io.write("stdout", opts.output === "json" ? JSON.stringify(report, null, 2) + "\n" : formatReportText(report));
  if (opts.html) {
    const file = resolve(io.cwd, opts.html);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, renderStatusPage(report), "utf8");
    io.write("stderr", `wrote the status page to ${opts.html}\n`);
  }
  if (savedTo) io.write("stderr", `saved the result for \`akash-stack status\` in ${savedTo}\n`);
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

function readCredentials(opts: VerifyFlags, env: VerifyIo["env"]): RegistryCredentials | undefined {
  if (opts.username === undefined && opts.passwordEnv === undefined) return undefined;
  if (opts.username === undefined) throw new UsageError("--password-env needs --username");
  if (opts.passwordEnv === undefined) {
    throw new UsageError("--username needs --password-env VAR, the environment variable that holds the password (passwords are never taken as arguments: they would show in `ps` and shell history)");
  }
  const password = env[opts.passwordEnv];
  if (password === undefined || password === "") throw new UsageError(`--password-env ${opts.passwordEnv}: that environment variable is not set or empty; export it first`);
  return { username: opts.username, password };
}

function checkUrl(url: string, flag: string, opts: VerifyFlags): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${flag} ${JSON.stringify(url)} is not a URL: give one like https://registry.example.com`);
  }
  if (parsed.username || parsed.password) {
    // Do not echo the URL: it holds a password.
    throw new UsageError(`${flag} must not carry credentials: use --username and --password-env instead`);
  }
  if (parsed.protocol === "http:" && !opts.allowHttp) {
    throw new UsageError(`${flag} ${url} is plain HTTP, which would send credentials and layers unencrypted: use https://, or pass --allow-http for a local test`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new UsageError(`${flag} ${url} must be an https:// URL`);
  return url;
}

function checkCid(cid: string): void {
  try {
    parseCid(cid);
  } catch (err) {
    if (err instanceof CidError) throw new UsageError(`--cid: ${err.message}`);
    throw err;
  }
}

function readCa(file: string, cwd: string): string {
  try {
    return readFileSync(resolve(cwd, file), "utf8");
  } catch (err) {
    throw new UsageError(`--ca ${file}: cannot read it (${(err as { code?: string }).code ?? String(err)})`);
  }
}

function secondsToMs(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not ${seconds}`);
  return Math.round(seconds * 1000);
}
