/**
 * Where the desired records come from:
 * - `--record NAME=TYPE:VALUE` flags (`registry=A:203.0.113.7`, `@=A:…`, `www=CNAME:example.net`);
 * - a stack's DNS declarations (`stack.dns.zone(d).a(name, ip)`, from synth) plus the leased IPs
 *   of its endpoints, read from the deploy state file.
 *
 * The deploy state file is written by `akash-stack deploy`; DNS reads only this part of it:
 *
 *     $AKASH_STACK_HOME/state/<stack>.<network>.json
 *     {
 *       "endpoints": { "ips": { "<ip endpoint name>": "<leased IPv4>" } },
 *       "params": { "<stack parameter>": <value the stack was deployed with> }   // optional
 *     }
 *
 * It also understands the deployer's own record (`src/deploy/state.ts`, in progress), which keeps
 * leased IPs per service: `current.endpoints.<service>.ips[].ip`. There, an IP endpoint's address
 * is found through the synthesized SDL (which services expose through `ip: <endpoint>`).
 * Every other key belongs to the deployer and is ignored here.
 */
import { readFile } from "node:fs/promises";
import { isIPv4 } from "node:net";
import { join } from "node:path";
import { OWNERSHIP_NAME, relativeName } from "./merge.js";
import type { DesiredRecord } from "./provider.js";
import { plainData } from "../sdl/yaml.js";

/** Managed records get a low TTL so the next redeploy's change reaches clients quickly (namecheap.md §4). */
export const DEFAULT_TTL = 300;
const MIN_TTL = 60;
const MAX_TTL = 60_000;
const RELATIVE_NAME = /^(@|(\*\.)?[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?(\.[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?)*|\*)$/;
const HOST_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+\.?$/;
export const DOMAIN_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** `--ttl`: whole seconds within Namecheap's range. */
export function parseTtl(value: string | number | undefined): Parsed<number> {
  if (value === undefined) return { ok: true, value: DEFAULT_TTL };
  const text = String(value).trim();
  const ttl = Number(text);
  if (!/^\d+$/.test(text) || ttl < MIN_TTL || ttl > MAX_TTL) {
    return { ok: false, problems: [`--ttl ${JSON.stringify(text)} is not a TTL: give whole seconds from ${MIN_TTL} to ${MAX_TTL} (default ${DEFAULT_TTL})`] };
  }
  return { ok: true, value: ttl };
}

/** Parses every `--record` at once, reporting every bad one. */
export function parseRecordFlags(flags: readonly string[], domain: string, ttl: number): Parsed<DesiredRecord[]> {
  const problems: string[] = [];
  const records: DesiredRecord[] = [];
  const seen = new Set<string>();
  if (flags.length === 0) problems.push(`no --record given: say what to set, like --record registry=A:203.0.113.7 (repeat --record for more names)`);
  for (const flag of flags) {
    const match = /^([^=]+)=([A-Za-z]+):(.+)$/.exec(flag.trim());
    if (!match) {
      problems.push(`--record ${JSON.stringify(flag)} is not NAME=TYPE:VALUE: write it like registry=A:203.0.113.7 or www=CNAME:app.example.net`);
      continue;
    }
    const [, rawName, rawType, rawValue] = match as unknown as [string, string, string, string];
    const name = relativeName(rawName, domain);
    const type = rawType.toUpperCase();
    const value = rawValue.trim();
    // Zone-file rule: a name ending in a dot is absolute, and must then be inside the domain.
    const absoluteOutside = rawName.trim().endsWith(".") && name === rawName.trim().toLowerCase().replace(/\.$/, "");
    if (!RELATIVE_NAME.test(name) || absoluteOutside) {
      problems.push(`--record ${flag}: ${JSON.stringify(rawName)} is not a host name in ${domain}: use a name relative to the domain (registry, or @ for ${domain} itself)`);
      continue;
    }
    if (name === OWNERSHIP_NAME) {
      problems.push(`--record ${flag}: ${OWNERSHIP_NAME} is where akash-stack records which names it manages; choose another name`);
      continue;
    }
    if (seen.has(name)) {
      problems.push(`--record ${flag}: ${name} is given twice; each managed name gets exactly one record`);
      continue;
    }
    if (type === "A") {
      if (!isIPv4(value)) {
        problems.push(`--record ${flag}: ${JSON.stringify(value)} is not an IPv4 address (A records take one, like 203.0.113.7)`);
        continue;
      }
    } else if (type === "CNAME") {
      if (name === "@") {
        problems.push(`--record ${flag}: ${domain} itself cannot be a CNAME (it has the zone's SOA and NS records); use an A record`);
        continue;
      }
      if (!HOST_NAME.test(value.toLowerCase())) {
        problems.push(`--record ${flag}: ${JSON.stringify(value)} is not a host name (CNAME records point at one, like app.example.net)`);
        continue;
      }
    } else {
      problems.push(`--record ${flag}: type ${rawType} is not supported: akash-stack manages A records (and CNAME); other records stay as they are in the zone`);
      continue;
    }
    seen.add(name);
    records.push({ name, type, value: type === "CNAME" ? value.toLowerCase() : value, ttl });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: records };
}

/** The part of a stack's synth result DNS needs (`SynthResult.dns`). */
export interface StackDnsRecord {
  zone: string;
  name: string;
  fqdn: string;
  endpoint: string;
  ttl: number;
}

/** The stack's records, with each endpoint's leased IP filled in, grouped by zone. */
export function desiredFromStack(records: readonly StackDnsRecord[], ipOf: (endpoint: string) => Parsed<string>): Parsed<Map<string, DesiredRecord[]>> {
  const problems: string[] = [];
  const zones = new Map<string, DesiredRecord[]>();
  for (const record of records) {
    const ip = ipOf(record.endpoint);
    if (!ip.ok) {
      problems.push(...ip.problems.map((p) => `${p} (needed for ${record.fqdn})`));
      continue;
    }
    const list = zones.get(record.zone) ?? [];
    list.push({ name: record.name, type: "A", value: ip.value, ttl: record.ttl });
    zones.set(record.zone, list);
  }
  return problems.length > 0 ? { ok: false, problems: [...new Set(problems)] } : { ok: true, value: zones };
}

/**
 * The leased IPv4 of an IP endpoint: from `endpoints.ips`, or else from the services that expose
 * through the endpoint in `sdl` and the IPs the deployer recorded for them.
 */
export function leasedIpResolver(state: DeployState, sdl: string): (endpoint: string) => Parsed<string> {
  const services = servicesByEndpoint(sdl);
  return (endpoint) => {
    const direct = state.ips[endpoint];
    const found = direct !== undefined ? [direct] : [...new Set((services.get(endpoint) ?? []).flatMap((service) => state.serviceIps[service] ?? []))];
    if (found.length === 0) {
      return { ok: false, problems: [`${state.file} has no leased IP for endpoint ${endpoint}: deploy the stack first, or check endpoints.ips in that file`] };
    }
    if (found.length > 1) {
      return { ok: false, problems: [`${state.file} records several IPs for endpoint ${endpoint} (${found.join(", ")}): set endpoints.ips.${endpoint} to the one to use`] };
    }
    if (!isIPv4(found[0]!)) return { ok: false, problems: [`${state.file}: the leased IP of endpoint ${endpoint} is ${JSON.stringify(found[0])}, not an IPv4 address`] };
    return { ok: true, value: found[0]! };
  };
}

/** `ip: <endpoint>` under `services.<name>.expose[].to[]` → endpoint → service names. */
function servicesByEndpoint(sdl: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const doc = plainData(sdl);
  const services = isObject(doc) && isObject(doc.services) ? doc.services : {};
  for (const [service, body] of Object.entries(services)) {
    const exposes = isObject(body) && Array.isArray(body.expose) ? body.expose : [];
    for (const expose of exposes) {
      const targets = isObject(expose) && Array.isArray(expose.to) ? expose.to : [];
      for (const to of targets) {
        if (!isObject(to) || typeof to.ip !== "string") continue;
        const list = map.get(to.ip) ?? [];
        if (!list.includes(service)) list.push(service);
        map.set(to.ip, list);
      }
    }
  }
  return map;
}

export interface DeployState {
  file: string;
  /** `endpoints.ips`: IP endpoint name → leased IPv4. */
  ips: Record<string, string>;
  /** The deployer's `current.endpoints.<service>.ips[].ip`: service → leased IPs. */
  serviceIps: Record<string, string[]>;
  params: Record<string, string | number | boolean>;
}

export function deployStatePath(home: string, stack: string, network: string): string {
  return join(home, "state", `${stack}.${network}.json`);
}

/** Reads the state file's `endpoints.ips` and `params`; every problem says what to do. */
export async function readDeployState(home: string, stack: string, network: string): Promise<Parsed<DeployState>> {
  const file = deployStatePath(home, stack, network);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    return {
      ok: false,
      problems: [
        missing
          ? `${file} does not exist: deploy the stack to ${network} first (\`akash-stack deploy ${stack} --network ${network}\`), or set AKASH_STACK_HOME to where it was deployed from`
          : `cannot read ${file}: ${(err as Error).message}`,
      ],
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problems: [`${file} is not valid JSON; it is written by \`akash-stack deploy\`: deploy again to rewrite it`] };
  }
  const root = isObject(parsed) ? parsed : {};
  const problems: string[] = [];
  const ips: Record<string, string> = {};
  const endpoints = isObject(root.endpoints) ? root.endpoints : {};
  if (isObject(endpoints.ips)) {
    for (const [name, ip] of Object.entries(endpoints.ips)) {
      if (typeof ip === "string") ips[name] = ip;
      else problems.push(`${file}: endpoints.ips.${name} must be a string (an IPv4 address)`);
    }
  }
  const serviceIps: Record<string, string[]> = {};
  const current = isObject(root.current) ? root.current : {};
  if (isObject(current.endpoints)) {
    for (const [service, value] of Object.entries(current.endpoints)) {
      const leased = isObject(value) && Array.isArray(value.ips) ? value.ips : [];
      const list = leased.map((entry) => (isObject(entry) && typeof entry.ip === "string" ? entry.ip : undefined)).filter((ip): ip is string => ip !== undefined);
      if (list.length > 0) serviceIps[service] = [...new Set(list)];
    }
  }
  if (Object.keys(ips).length === 0 && Object.keys(serviceIps).length === 0 && problems.length === 0) {
    problems.push(`${file} records no leased IPs (endpoints.ips, or IPs under current.endpoints): the deployment has no IP lease yet, or the file is from another tool`);
  }
  const params: Record<string, string | number | boolean> = {};
  if (isObject(root.params)) {
    for (const [name, value] of Object.entries(root.params)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") params[name] = value;
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { file, ips, serviceIps, params } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
