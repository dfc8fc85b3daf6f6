/**
 * A Namecheap XML API emulator on loopback, for tests and the demo. It keeps the semantics that
 * make the real API dangerous, so our code is tested against them (namecheap.md §1–2):
 * - setHosts REPLACES the whole zone: rows not sent are gone;
 * - MX rows are dropped unless EmailType=MX is sent (MXE rows unless EmailType=MXE), a missing
 *   EmailType counts as NONE, and dynamic-DNS flags are lost on write;
 * - answers are the XML envelopes of the docs and live fixtures (lowercase `<host>`, errors with
 *   HTTP 200 and Status="ERROR", the error numbers of §1.2/§1.3);
 * - the source IP must be whitelisted (1011150), the key must match (1011102);
 * - more than `callsPerMinute` calls a minute are throttled (HTTP 405, or error 500000);
 * - GET and POST are both accepted, like the real API; every request line is recorded, so tests
 *   can show that the client never puts the key in a URL.
 *
 * With `nameservers > 0` it also runs that many authoritative DNS servers on loopback UDP, which
 * publish each write after `publishDelayMs`, and getList names them as `127.0.0.1:PORT` (the real
 * API gives host names; the waiter accepts both), so propagation can be waited for for real.
 *
 * Run it directly for the demo: `npx tsx src/dns/emulator.ts` prints its URL and credentials as JSON.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIPv4 } from "node:net";
import { pathToFileURL } from "node:url";
import { ZoneNameserver } from "./emulator-nameserver.js";

export interface EmulatorHost {
  hostId: string;
  name: string;
  type: string;
  address: string;
  mxPref: string;
  ttl: string;
  isDDNSEnabled: boolean;
}

export interface EmulatorZone {
  /** `undefined`: getHosts answers without an EmailType attribute. */
  emailType: string | undefined;
  hosts: EmulatorHost[];
}

export interface EmulatorDomainSpec {
  domain: string;
  /** Default "NONE"; `undefined` explicitly given: no EmailType attribute in getHosts. */
  emailType?: string | undefined;
  hosts?: Array<Pick<EmulatorHost, "name" | "type" | "address"> & Partial<EmulatorHost>>;
  /** False: the domain points at other nameservers (getHosts/setHosts fail with 2030288). */
  usingOurDns?: boolean;
  /** The nameservers getList reports when `usingOurDns` is false. */
  customNameservers?: string[];
  /** The account that owns the domain; others get 2016166. Default: the emulator's user. */
  owner?: string;
}

export interface NamecheapEmulatorOptions {
  apiUser?: string;
  apiKey?: string;
  /** Default: the API user. */
  userName?: string;
  /** Source IPs allowed to call; default loopback. */
  whitelist?: string[];
  callsPerMinute?: number;
  throttleResponse?: "http405" | "error500000";
  /** Milliseconds, for the rate limit window; default real time. */
  now?: () => number;
  /** How many loopback nameservers to run (0: none; getList then names Namecheap's own). */
  nameservers?: number;
  /** Per nameserver (or one value for all): how long after a write it serves the new zone. */
  publishDelayMs?: number | number[];
  domains?: EmulatorDomainSpec[];
}

export interface RecordedRequest {
  /** `POST /xml.response HTTP/1.1`: what an access log would keep. */
  requestLine: string;
  method: string;
  /** The command, lowercase without the `namecheap.domains.dns.` prefix: `gethosts`. */
  command: string;
  remoteAddress: string;
  /** `SLD.TLD` as sent, lowercase; "." when the request named no domain. */
  domain: string;
  /** Whether the request was answered with a successful result. */
  ok: boolean;
}

/** A canned failure for the next matching calls. */
export interface EmulatorFault {
  /** Lowercase short command (`sethosts`); any command when absent. */
  command?: string;
  /** Answer with this API error… */
  error?: { number: number; text: string };
  /** …or with an HTTP 405 throttling page… */
  http405?: boolean;
  /** …or with this HTTP status and an HTML page (a 502 or 503 from Namecheap's load balancer). */
  httpStatus?: number;
  /** How many calls it affects; default 1. */
  times?: number;
}

const RECORD_TYPES = new Set(["A", "AAAA", "ALIAS", "CAA", "CNAME", "MX", "MXE", "NS", "TXT", "URL", "URL301", "FRAME"]);
const EMAIL_TYPES = new Set(["NONE", "MX", "MXE", "FWD", "OX", "GMAIL"]);
const PREFIX = "namecheap.domains.dns.";
const WINDOW_MS = 60_000;

interface DomainState {
  zone: EmulatorZone;
  usingOurDns: boolean;
  customNameservers: string[];
  owner: string;
}

export class NamecheapEmulator {
  readonly apiUser: string;
  readonly apiKey: string;
  readonly userName: string;
  whitelist: string[];
  readonly requests: RecordedRequest[] = [];
  /** Called after each successful command; tests use it to act "between" our calls. */
  afterCommand: ((command: string, emulator: NamecheapEmulator) => void) | undefined;

  private readonly domains = new Map<string, DomainState>();
  private readonly faults: Array<Required<Pick<EmulatorFault, "times">> & EmulatorFault> = [];
  private readonly callTimes: number[] = [];
  private nextHostId = 100_000;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly nameservers: ZoneNameserver[],
    private readonly options: NamecheapEmulatorOptions,
  ) {
    this.apiUser = options.apiUser ?? "emulator-user";
    this.apiKey = options.apiKey ?? "emulator-key-0123456789abcdef";
    this.userName = options.userName ?? this.apiUser;
    this.whitelist = options.whitelist ?? ["127.0.0.1"];
    for (const spec of options.domains ?? []) this.addDomain(spec);
  }

  static async start(options: NamecheapEmulatorOptions = {}): Promise<NamecheapEmulator> {
    const nameservers = await Promise.all(Array.from({ length: options.nameservers ?? 0 }, () => ZoneNameserver.start()));
    let emulator: NamecheapEmulator | undefined;
    const server = createServer((req, res) => {
      emulator!.handle(req, res).catch((err: unknown) => {
        // A bug in the emulator or a test hook: answer like a broken server rather than crash.
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(`emulator error: ${err instanceof Error ? err.message : String(err)}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    emulator = new NamecheapEmulator(server, `http://127.0.0.1:${port}/xml.response`, nameservers, options);
    return emulator;
  }

  addDomain(spec: EmulatorDomainSpec): void {
    const domain = spec.domain.toLowerCase();
    const state: DomainState = {
      zone: { emailType: "emailType" in spec ? spec.emailType : "NONE", hosts: (spec.hosts ?? []).map((h) => this.host(h)) },
      usingOurDns: spec.usingOurDns ?? true,
      customNameservers: spec.customNameservers ?? ["ns1.example-dns.net", "ns2.example-dns.net"],
      owner: spec.owner ?? this.userName,
    };
    this.domains.set(domain, state);
    for (const ns of this.nameservers) ns.publish(domain, state.zone.hosts);
  }

  /** A copy of the zone as stored. */
  zone(domain: string): EmulatorZone {
    const state = this.state(domain);
    return { emailType: state.zone.emailType, hosts: state.zone.hosts.map((h) => ({ ...h })) };
  }

  /** Changes the zone as someone in the dashboard would (published like a write). */
  editZone(domain: string, edit: (zone: EmulatorZone) => void): void {
    const state = this.state(domain);
    edit(state.zone);
    state.zone.hosts = state.zone.hosts.map((h) => this.host(h));
    this.publishLater(domain);
  }

  /** How many requests carried this command (short, lowercase: `sethosts`), answered or not; for one domain if given. */
  calls(command: string, domain?: string): number {
    return this.requests.filter((r) => r.command === command.toLowerCase() && (domain === undefined || r.domain === domain.toLowerCase())).length;
  }

  inject(fault: EmulatorFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(this.nameservers.map((ns) => ns.close()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://emulator");
    const params = new URLSearchParams(url.search);
    if (req.method === "POST") for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString("utf8"))) params.set(k, v);
    const get = (name: string) => {
      for (const [k, v] of params) if (k.toLowerCase() === name.toLowerCase()) return v;
      return undefined;
    };
    const fullCommand = get("Command") ?? "";
    const command = fullCommand.toLowerCase().startsWith(PREFIX) ? fullCommand.slice(PREFIX.length).toLowerCase() : fullCommand.toLowerCase();
    const remoteAddress = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
    const domain = `${get("SLD") ?? ""}.${get("TLD") ?? ""}`.toLowerCase();
    const record: RecordedRequest = { requestLine: `${req.method} ${req.url} HTTP/${req.httpVersion}`, method: req.method ?? "", command, remoteAddress, domain, ok: false };
    this.requests.push(record);

    const send = (status: number, body: string, type = "text/xml; charset=utf-8") => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    };
    const fail = (number: number, text: string) => send(200, errorEnvelope(fullCommand, number, text));

    if (!["GET", "POST"].includes(req.method ?? "")) return send(405, "<html><body>Method Not Allowed</body></html>", "text/html");
    const apiUser = get("ApiUser");
    if (!apiUser) return fail(1010101, "Parameter APIUser is missing");
    if (!this.allowCall()) {
      if (this.options.throttleResponse === "error500000") return fail(500000, "Too many requests");
      return send(405, "<html><head><title>405</title></head><body>Too many requests</body></html>", "text/html");
    }
    const fault = this.takeFault(command);
    if (fault?.http405) return send(405, "<html><body>405 Method Not Allowed</body></html>", "text/html");
    if (fault?.httpStatus) return send(fault.httpStatus, `<html><body>${fault.httpStatus}</body></html>`, "text/html");
    if (fault?.error) return fail(fault.error.number, fault.error.text);

    const apiKey = get("ApiKey");
    if (!apiKey) return fail(1010102, "Parameter APIKey is missing");
    if (!fullCommand) return fail(1010104, "Parameter Command is missing");
    const clientIp = get("ClientIp");
    if (!clientIp) return fail(1010105, "Parameter ClientIP is missing");
    if (!isIPv4(clientIp)) return fail(1011105, "Parameter ClientIP is invalid");
    if (apiUser !== this.apiUser || apiKey !== this.apiKey) return fail(1011102, "API Key is invalid or API access has not been enabled");
    if (!this.whitelist.includes(remoteAddress)) return fail(1011150, `Invalid request IP: ${remoteAddress}`);
    const userName = get("UserName");
    if (!userName) return fail(1010101, "Parameter UserName is missing");

    const state = this.domains.get(domain);
    const known = ["getlist", "gethosts", "sethosts"];
    if (!known.includes(command)) return fail(1010104, `Unknown command: ${fullCommand}`);
    if (!state) return fail(2019166, "Domain not found");
    if (state.owner !== userName) return fail(2016166, "Domain is not associated with your account");

    let body: string;
    if (command === "getlist") {
      body = this.getListResult(domain, state);
    } else if (!state.usingOurDns) {
      return fail(2030288, "Cannot complete this command as this domain is not using proper DNS servers");
    } else if (command === "gethosts") {
      body = getHostsResult(domain, state.zone);
    } else {
      const written = this.setHosts(domain, state, get, [...params.keys()]);
      if (typeof written === "string") return fail(2015280, written);
      body = `<DomainDNSSetHostsResult Domain="${escapeXml(domain)}" EmailType="${escapeXml(state.zone.emailType ?? "NONE")}" IsSuccess="true"><Warnings /></DomainDNSSetHostsResult>`;
    }
    record.ok = true;
    send(200, okEnvelope(fullCommand, body));
    this.afterCommand?.(command, this);
  }

  private getListResult(domain: string, state: DomainState): string {
    const names = !state.usingOurDns
      ? state.customNameservers
      : this.nameservers.length > 0
        ? this.nameservers.map((ns) => ns.address)
        : ["dns1.registrar-servers.com", "dns2.registrar-servers.com"];
    return (
      `<DomainDNSGetListResult Domain="${escapeXml(domain)}" IsUsingOurDNS="${state.usingOurDns}" IsPremiumDNS="false" IsUsingFreeDNS="false">` +
      names.map((n) => `<Nameserver>${escapeXml(n)}</Nameserver>`).join("") +
      `</DomainDNSGetListResult>`
    );
  }

  /** Whole-zone replacement, with the EmailType rules. Returns an error text for invalid input. */
  private setHosts(domain: string, state: DomainState, get: (name: string) => string | undefined, keys: string[]): string | undefined {
    const indexes = keys
      .map((k) => /^hostname(\d+)$/i.exec(k)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const emailTypeSent = get("EmailType");
    if (emailTypeSent !== undefined && !EMAIL_TYPES.has(emailTypeSent.toUpperCase())) return `Invalid EmailType: ${emailTypeSent}`;
    const emailType = emailTypeSent ?? "NONE";
    const hosts: EmulatorHost[] = [];
    for (const n of indexes) {
      const name = get(`HostName${n}`) ?? "";
      const type = (get(`RecordType${n}`) ?? "").toUpperCase();
      const address = get(`Address${n}`) ?? "";
      const ttl = get(`TTL${n}`) ?? "1800";
      const mxPref = get(`MXPref${n}`) ?? "10";
      if (name === "") return `HostName${n} is missing`;
      if (!RECORD_TYPES.has(type)) return `Invalid RecordType${n}: ${type}`;
      if (address === "") return `Address${n} is missing`;
      if (!/^\d+$/.test(ttl) || Number(ttl) < 60 || Number(ttl) > 60000) return `Invalid TTL${n}: ${ttl}`;
      // Namecheap saves MX rows only with EmailType=MX (namecheap.md §2), MXE rows only with MXE.
      if (type === "MX" && emailType.toUpperCase() !== "MX") continue;
      if (type === "MXE" && emailType.toUpperCase() !== "MXE") continue;
      hosts.push(this.host({ name, type, address, ttl, mxPref, isDDNSEnabled: false }));
    }
    state.zone = { emailType, hosts };
    this.publishLater(domain);
    return undefined;
  }

  private publishLater(domain: string): void {
    const rows = this.zone(domain).hosts;
    const delays = this.options.publishDelayMs ?? 0;
    this.nameservers.forEach((ns, i) => {
      const delay = Array.isArray(delays) ? (delays[i] ?? 0) : delays;
      if (delay <= 0) return ns.publish(domain, rows);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        ns.publish(domain, rows);
      }, delay);
      this.timers.add(timer);
    });
  }

  private allowCall(): boolean {
    const now = (this.options.now ?? Date.now)();
    while (this.callTimes.length > 0 && this.callTimes[0]! <= now - WINDOW_MS) this.callTimes.shift();
    if (this.callTimes.length >= (this.options.callsPerMinute ?? 20)) return false;
    this.callTimes.push(now);
    return true;
  }

  private takeFault(command: string): EmulatorFault | undefined {
    const index = this.faults.findIndex((f) => f.command === undefined || f.command === command);
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    if (--fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private host(h: Pick<EmulatorHost, "name" | "type" | "address"> & Partial<EmulatorHost>): EmulatorHost {
    return {
      hostId: h.hostId ?? String(this.nextHostId++),
      name: h.name,
      type: h.type,
      address: h.address,
      mxPref: h.mxPref ?? "10",
      ttl: h.ttl ?? "1800",
      isDDNSEnabled: h.isDDNSEnabled ?? false,
    };
  }

  private state(domain: string): DomainState {
    const state = this.domains.get(domain.toLowerCase());
    if (!state) throw new Error(`the emulator has no domain ${domain}`);
    return state;
  }
}

function getHostsResult(domain: string, zone: EmulatorZone): string {
  const emailType = zone.emailType === undefined ? "" : ` EmailType="${escapeXml(zone.emailType)}"`;
  const open = `<DomainDNSGetHostsResult Domain="${escapeXml(domain)}"${emailType} IsUsingOurDNS="true"`;
  if (zone.hosts.length === 0) return `${open} />`;
  const hosts = zone.hosts.map(
    (h) =>
      `<host HostId="${escapeXml(h.hostId)}" Name="${escapeXml(h.name)}" Type="${escapeXml(h.type)}" Address="${escapeXml(h.address)}" ` +
      `MXPref="${escapeXml(h.mxPref)}" TTL="${escapeXml(h.ttl)}" AssociatedAppTitle="" FriendlyName="" IsActive="true" IsDDNSEnabled="${h.isDDNSEnabled}" />`,
  );
  return `${open}>\n      ${hosts.join("\n      ")}\n    </DomainDNSGetHostsResult>`;
}

function okEnvelope(command: string, result: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response">
  <Errors />
  <Warnings />
  <RequestedCommand>${escapeXml(command.toLowerCase())}</RequestedCommand>
  <CommandResponse Type="${escapeXml(command)}">
    ${result}
  </CommandResponse>
  <Server>EMULATOR</Server>
  <GMTTimeDifference>--5:00</GMTTimeDifference>
  <ExecutionTime>0.01</ExecutionTime>
</ApiResponse>`;
}

function errorEnvelope(command: string, number: number, text: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<ApiResponse Status="ERROR" xmlns="http://api.namecheap.com/xml.response">
  <Errors>
    <Error Number="${number}">${escapeXml(text)}</Error>
  </Errors>
  <Warnings />
  <RequestedCommand>${escapeXml(command.toLowerCase())}</RequestedCommand>
  <Server>EMULATOR</Server>
  <GMTTimeDifference>--5:00</GMTTimeDifference>
  <ExecutionTime>0</ExecutionTime>
</ApiResponse>`;
}

/** Attribute-safe: the five XML entities, and control characters as numeric references. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\u0000-\u001f]/g, (c) => {
    switch (c) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case '"':
        return "&quot;";
      case "'":
        return "&apos;";
      default:
        return `&#${c.charCodeAt(0)};`;
    }
  });
}

/** `npx tsx src/dns/emulator.ts`: runs an emulator with a demo zone until interrupted. */
async function runStandalone(): Promise<void> {
  const emulator = await NamecheapEmulator.start({
    nameservers: 2,
    publishDelayMs: [500, 1500],
    domains: [
      {
        domain: "example.com",
        emailType: "MX",
        hosts: [
          { name: "@", type: "A", address: "192.0.2.10", ttl: "1800" },
          { name: "www", type: "CNAME", address: "example.com.", ttl: "1799" },
          { name: "@", type: "MX", address: "mx1.mail.example.net.", mxPref: "10", ttl: "1800" },
          { name: "@", type: "MX", address: "mx2.mail.example.net.", mxPref: "20", ttl: "1800" },
          { name: "@", type: "TXT", address: "v=spf1 include:mail.example.net ~all", ttl: "1800" },
          { name: "@", type: "CAA", address: '0 issue "letsencrypt.org"', ttl: "1800" },
          { name: "registry", type: "A", address: "198.51.100.7", ttl: "300" },
          { name: "_akash-stack", type: "TXT", address: "v=akash-stack1; names=registry", ttl: "1800" },
        ],
      },
    ],
  });
  process.stdout.write(
    JSON.stringify({
      NAMECHEAP_API_URL: emulator.url,
      NAMECHEAP_API_USER: emulator.apiUser,
      NAMECHEAP_API_KEY: emulator.apiKey,
      NAMECHEAP_CLIENT_IP: "127.0.0.1",
      nameservers: emulator.nameservers.map((ns) => ns.address),
    }) + "\n",
  );
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runStandalone();
