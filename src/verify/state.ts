/**
 * What `akash-stack verify STACK --network N` reads from a deploy, and where it keeps its result.
 *
 * The deployer writes `$AKASH_STACK_HOME/state/<stack>.<network>.json`. Verify reads only these
 * fields of it, from its `verify` object when there is one, else from the top level (everything
 * else is ignored, so the deployer keeps its own record there):
 *
 * ```json
 * {
 *   "stack": "registry",
 *   "network": "mainnet",
 *   "ips": { "edge": "203.0.113.7" },
 *   "hosts": { "registry.example.com": "edge", "ipfs.example.com": "edge" },
 *   "endpoints": { "registry": "https://registry.example.com", "ipfs-gateway": "https://ipfs.example.com" },
 *   "tlsPorts": { "edge": 443 }
 * }
 * ```
 * - `ips`: IP endpoint name (`stack.ipEndpoint("edge")`) → the address the lease got.
 * - `hosts`: DNS name → the IP endpoint it must point at (the stack's `stack.dns` records, i.e.
 *   synth's `DnsRecord.fqdn` → `DnsRecord.endpoint`).
 * - `endpoints`: role → base URL to probe. `registry` gets the OCI checks, `ipfs-gateway` the
 *   gateway checks, any other role a plain HTTP check.
 * - `tlsPorts` (optional): IP endpoint name → the external port its TLS listens on, for hosts
 *   without an https endpoint URL; 443 when absent (an IP lease keeps ports as they are; without
 *   one, Akash forwards to a provider-chosen port shown in the lease status).
 * Each https endpoint and each host also gets a TLS check (at the lease's IP when known), and each
 * host a DNS check at its zone's authoritative nameservers.
 *
 * The last result goes beside it, `<stack>.<network>.verify.json` (a `VerifyReport`), so
 * `akash-stack status` can show it without re-running anything, and the deployer's own file is
 * never rewritten by verify.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isIP } from "node:net";
import type { VerifyReport } from "./report.js";

export interface DeployState {
  stack: string;
  network: string;
  ips: Record<string, string>;
  hosts: Record<string, string>;
  endpoints: Record<string, string>;
  tlsPorts: Record<string, number>;
}

export class VerifyStateError extends Error {
  override readonly name = "VerifyStateError";
}

export function deployStatePath(home: string, stack: string, network: string): string {
  return join(home, "state", `${stack}.${network}.json`);
}

export function lastVerifyPath(home: string, stack: string, network: string): string {
  return join(home, "state", `${stack}.${network}.verify.json`);
}

export async function readDeployState(home: string, stack: string, network: string): Promise<DeployState> {
  const file = deployStatePath(home, stack, network);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") {
      throw new VerifyStateError(`no deploy state for stack ${stack} on ${network} (${file}): deploy it first, or set AKASH_STACK_HOME to the folder the deploy used`);
    }
    throw new VerifyStateError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new VerifyStateError(`${file} is not JSON (${err instanceof Error ? err.message : String(err)}): was it edited by hand?`);
  }
  return parseDeployState(raw, file, stack, network);
}

export function parseDeployState(raw: unknown, file: string, stack: string, network: string): DeployState {
  if (!isRecord(raw)) throw new VerifyStateError(`${file}: expected a JSON object`);
  const nested = isRecord(raw.verify);
  const source = nested ? (raw.verify as Record<string, unknown>) : raw;
  const at = (field: string) => `${file}: "${nested ? "verify." : ""}${field}"`;
  const ips = stringMap(source.ips, at("ips"));
  const hosts = stringMap(source.hosts, at("hosts"));
  const endpoints = stringMap(source.endpoints, at("endpoints"));
  for (const [name, ip] of Object.entries(ips)) {
    if (!isIP(ip)) throw new VerifyStateError(`${at(`ips.${name}`)} is ${JSON.stringify(ip)}, not an IP address`);
  }
  for (const [role, url] of Object.entries(endpoints)) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new VerifyStateError(`${at(`endpoints.${role}`)} is ${JSON.stringify(url)}, not an http(s) URL`);
  }
  const tlsPorts = portMap(source.tlsPorts, at("tlsPorts"));
  if (Object.keys(endpoints).length === 0 && Object.keys(hosts).length === 0) {
    throw new VerifyStateError(`${file}: has neither "endpoints" nor "hosts" (at the top level or under "verify"), so there is nothing to verify: does the deploy record them?`);
  }
  return { stack: typeof raw.stack === "string" ? raw.stack : stack, network: typeof raw.network === "string" ? raw.network : network, ips, hosts, endpoints, tlsPorts };
}

export async function writeLastVerify(home: string, stack: string, network: string, report: VerifyReport): Promise<string> {
  const file = lastVerifyPath(home, stack, network);
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(report, null, 2) + "\n", "utf8");
  await rename(temp, file);
  return file;
}

/** The last `verify` result for `status`, or undefined when verify never ran. */
export async function readLastVerify(home: string, stack: string, network: string): Promise<VerifyReport | undefined> {
  try {
    return JSON.parse(await readFile(lastVerifyPath(home, stack, network), "utf8")) as VerifyReport;
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return undefined;
    throw err;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function portMap(value: unknown, where: string): Record<string, number> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new VerifyStateError(`${where} must be an object of port numbers`);
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 65535) throw new VerifyStateError(`${where}.${key} must be a port number (1-65535), not ${JSON.stringify(v)}`);
    out[key] = v;
  }
  return out;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new VerifyStateError(`${where} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new VerifyStateError(`${where}.${key} must be a string, not ${JSON.stringify(v)}`);
    out[key] = v;
  }
  return out;
}
