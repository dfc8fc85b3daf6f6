/**
 * `verify STACK --network N`: every check that applies to a deployed stack, from its deploy state
 * (see state.ts): the registry and gateway endpoints, a TLS check per https endpoint and per DNS
 * name (at the lease's IP, so a certificate problem and a DNS problem are told apart), and a DNS
 * check per name.
 */
import { checkDns, type DnsExpectation } from "./dns.js";
import { bodySnippet, httpRequest } from "./http.js";
import { verifyGateway } from "./ipfs.js";
import type { RegistryCredentials } from "./oci-auth.js";
import { verifyRegistry } from "./oci.js";
import { fail, pass, runCheck, type CheckOutcome, type ServiceReport } from "./report.js";
import type { DeployState } from "./state.js";
import { checkTls } from "./tls.js";

export interface StackVerifyOptions {
  credentials?: RegistryCredentials;
  pushTest: boolean;
  allowHttp: boolean;
  /** A file CID the gateway must serve. */
  cid?: string;
  /** PEM of a CA to trust instead of the system roots. */
  ca?: string;
  /** Authoritative nameservers to ask instead of the zone's NS records. */
  nameservers?: readonly string[];
  /** Recursive resolvers for finding NS records. */
  resolvers?: readonly string[];
  dnsPort?: number;
  timeoutMs?: number;
  clock?: () => Date;
}

export const REGISTRY_ROLE = "registry";
export const GATEWAY_ROLE = "ipfs-gateway";

export async function verifyStack(state: DeployState, options: StackVerifyOptions): Promise<ServiceReport[]> {
  const services: ServiceReport[] = [];
  const common = { allowHttp: options.allowHttp, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), ...(options.clock ? { clock: options.clock } : {}) };

  for (const [role, url] of Object.entries(state.endpoints).sort(([a], [b]) => a.localeCompare(b))) {
    if (new URL(url).protocol === "http:" && !options.allowHttp) {
      services.push({ name: role, kind: "http", target: url, checks: [await runCheck("plain-http", async () => fail(`${url} is plain HTTP: serve it over https (the stack's TLS edge), or pass --allow-http for a local test`), options.clock)] });
      continue;
    }
    if (role === REGISTRY_ROLE) {
      services.push(await verifyRegistry({ url, pushTest: options.pushTest, ...common, ...(options.credentials ? { credentials: options.credentials } : {}) }));
    } else if (role === GATEWAY_ROLE) {
      services.push(await verifyGateway({ gateway: url, ...common, ...(options.cid ? { cid: options.cid } : {}) }));
    } else {
      services.push({ name: role, kind: "http", target: url, checks: [await runCheck("http-get", () => checkAnswers(url, options), options.clock)] });
    }
  }

  const tlsChecks = await checkCertificates(state, options);
  if (tlsChecks.length > 0) services.push({ name: "tls", kind: "tls", target: "certificates", checks: tlsChecks });

  const dnsChecks = await checkNames(state, options);
  if (dnsChecks.length > 0) services.push({ name: "dns", kind: "dns", target: options.nameservers?.length ? options.nameservers.join(", ") : "authoritative nameservers", checks: dnsChecks });
  return services;
}

async function checkAnswers(url: string, options: StackVerifyOptions) {
  const response = await httpRequest(url, { allowHttp: options.allowHttp, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  if (response.status < 500) return pass(`GET ${url} answered HTTP ${response.status}`);
  return fail(`GET ${url} answered HTTP ${response.status}: ${bodySnippet(response.body) || "(empty body)"}`);
}

/** One TLS check per name and port: https endpoints, and every DNS name on 443. */
async function checkCertificates(state: DeployState, options: StackVerifyOptions): Promise<CheckOutcome[]> {
  const targets = new Map<string, { host: string; port: number }>();
  for (const url of Object.values(state.endpoints)) {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:") continue;
    const port = parsed.port ? Number(parsed.port) : 443;
    targets.set(`${parsed.hostname}:${port}`, { host: parsed.hostname, port });
  }
  for (const [host, endpoint] of Object.entries(state.hosts)) {
    if ([...targets.values()].some((t) => t.host === host)) continue;
    const port = state.tlsPorts[endpoint] ?? 443;
    targets.set(`${host}:${port}`, { host, port });
  }

  const outcomes: CheckOutcome[] = [];
  for (const { host, port } of [...targets.values()].sort((a, b) => a.host.localeCompare(b.host) || a.port - b.port)) {
    const endpoint = state.hosts[host];
    const connectAddress = endpoint ? state.ips[endpoint] : undefined;
    outcomes.push(
      await checkTls({
        host,
        port,
        ...(connectAddress ? { connectAddress } : {}),
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    );
  }
  return outcomes;
}

async function checkNames(state: DeployState, options: StackVerifyOptions): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  const records: DnsExpectation[] = [];
  for (const [name, endpoint] of Object.entries(state.hosts).sort(([a], [b]) => a.localeCompare(b))) {
    const ip = state.ips[endpoint];
    if (ip) records.push({ name, expectedIp: ip });
    else outcomes.push(await runCheck(`dns:${name}`, async () => fail(`the deploy state has no leased IP for endpoint "${endpoint}" (wanted by ${name}): is the lease active and the state up to date?`), options.clock));
  }
  outcomes.push(
    ...(await checkDns({
      records,
      ...(options.nameservers ? { nameservers: options.nameservers } : {}),
      ...(options.resolvers ? { resolvers: options.resolvers } : {}),
      ...(options.dnsPort ? { port: options.dnsPort } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    })),
  );
  return outcomes;
}
