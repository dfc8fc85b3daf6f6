/**
 * Checks that the stack's names point at the lease's IP where it counts: at the zone's
 * authoritative nameservers, asked directly. A recursive resolver may still hold an old answer for
 * the record's TTL, and ACME (the TLS edge's certificate) and every client follow the
 * authoritative answer once caches expire, so that is the one to prove.
 *
 * The nameservers are found by walking up the name (`registry.example.com`, `example.com`, …)
 * until a zone has NS records, using the system's resolver (or the given ones), or are given
 * outright (`--nameserver`).
 */
import { Resolver } from "node:dns/promises";
import { isIP, isIPv6 } from "node:net";
import { fail, pass, runCheck, type CheckOutcome, type CheckVerdict } from "./report.js";

export interface DnsExpectation {
  /** `registry.example.com` */
  name: string;
  /** The lease's IP the name must resolve to. */
  expectedIp: string;
}

export interface DnsCheckOptions {
  records: readonly DnsExpectation[];
  /** Authoritative servers to ask, `ip` or `ip:port`; default: the zone's NS records. */
  nameservers?: readonly string[];
  /** Recursive resolvers used to find the NS records, `ip` or `ip:port`; default: the system's. */
  resolvers?: readonly string[];
  /** Port of authoritative servers found through NS records (53; tests use another). */
  port?: number;
  timeoutMs?: number;
  clock?: () => Date;
}

interface NameServer {
  /** `ns1.example.net` or the address itself when given. */
  label: string;
  /** What `Resolver.setServers` takes: `192.0.2.1`, `192.0.2.1:5353`, `[2001:db8::1]:53`. */
  server: string;
}

export async function checkDns(options: DnsCheckOptions): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const record of options.records) {
    outcomes.push(await runCheck(`dns:${record.name}`, () => checkRecord(record, options), options.clock));
  }
  return outcomes;
}

async function checkRecord(record: DnsExpectation, options: DnsCheckOptions): Promise<CheckVerdict> {
  if (!isIP(record.expectedIp)) return fail(`the expected address for ${record.name}, ${JSON.stringify(record.expectedIp)}, is not an IP address (is the lease's IP in the deploy state?)`);
  const found = options.nameservers?.length
    ? { zone: undefined, servers: options.nameservers.map((s) => ({ label: s, server: s })) }
    : await findAuthoritativeServers(record.name, options);
  const family = isIPv6(record.expectedIp) ? "AAAA" : "A";
  const answers = await Promise.all(found.servers.map(async (ns) => ({ ns, answer: await askServer(ns, record.name, family, options.timeoutMs) })));

  const at = found.zone ? ` at the ${found.zone} nameservers` : "";
  const wrong = answers.filter(({ answer }) => !("addresses" in answer) || answer.addresses.length !== 1 || answer.addresses[0] !== record.expectedIp);
  const describe = answers.map(({ ns, answer }) => `${ns.label}: ${"addresses" in answer ? answer.addresses.join(", ") || "no records" : answer.error}`).join("; ");
  const details = { name: record.name, expected: record.expectedIp, answers: describe };
  if (wrong.length === 0) return pass(`${record.name} ${family} ${record.expectedIp}${at} (${answers.map((a) => a.ns.label).join(", ")})`, details);

  const extra = answers.some(({ answer }) => "addresses" in answer && answer.addresses.includes(record.expectedIp) && answer.addresses.length > 1);
  const advice = extra
    ? "remove the other addresses: clients pick one at random, so some would miss the lease"
    : `set ${record.name} ${family} ${record.expectedIp} at your DNS provider (or run the stack's DNS step), then check again`;
  return fail(`${record.name} should resolve to ${record.expectedIp}, but ${wrong.length} of ${answers.length} authoritative server${answers.length === 1 ? "" : "s"} disagree (${describe}): ${advice}`, details);
}

type Answer = { addresses: string[] } | { error: string };

async function askServer(ns: NameServer, name: string, family: "A" | "AAAA", timeoutMs = 5000): Promise<Answer> {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  resolver.setServers([ns.server]);
  try {
    const addresses = family === "A" ? await resolver.resolve4(name) : await resolver.resolve6(name);
    return { addresses: [...addresses].sort() };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENODATA" || code === "ENOTFOUND") return { addresses: [] };
    if (code === "ETIMEOUT") return { error: "no answer (time-out)" };
    if (code === "EREFUSED") return { error: "refused the query (not authoritative for this zone?)" };
    return { error: code ?? (err instanceof Error ? err.message : String(err)) };
  }
}

/** Walks up from `name` until a zone has NS records; returns that zone's servers' addresses. */
export async function findAuthoritativeServers(name: string, options: Pick<DnsCheckOptions, "resolvers" | "port" | "timeoutMs">): Promise<{ zone: string; servers: NameServer[] }> {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: 2 });
  if (options.resolvers?.length) resolver.setServers([...options.resolvers]);
  const labels = name.replace(/\.$/, "").split(".");
  for (let i = 0; i < labels.length - 1; i++) {
    const zone = labels.slice(i).join(".");
    let nsNames: string[];
    try {
      nsNames = await resolver.resolveNs(zone);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "ENODATA" || code === "ENOTFOUND") continue;
      throw new Error(`looking up the nameservers of ${zone} failed (${code ?? String(err)}): is DNS reachable from here?`);
    }
    if (nsNames.length === 0) continue;
    const servers: NameServer[] = [];
    for (const nsName of nsNames.sort()) {
      const addresses = await resolver.resolve4(nsName).catch(() => [] as string[]);
      for (const address of addresses) servers.push({ label: `${nsName} (${address})`, server: withPort(address, options.port) });
    }
    if (servers.length === 0) throw new Error(`the nameservers of ${zone} (${nsNames.join(", ")}) have no IPv4 addresses`);
    return { zone, servers };
  }
  throw new Error(`found no NS records for ${name} or any zone above it: is the domain registered and delegated?`);
}

function withPort(address: string, port: number | undefined): string {
  if (port === undefined || port === 53) return address;
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}
