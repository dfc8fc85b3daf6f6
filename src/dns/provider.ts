/**
 * The one interface between akash-stack and a DNS host (octoDNS-style: the provider reads and
 * writes whole zones; planning and its safety checks live in `merge.ts`, the sequence of reads,
 * writes and checks in `apply.ts`). One implementation per backend: `namecheap/provider.ts`.
 *
 * Zones are modelled the way the most limited backend (Namecheap) stores them: a flat list of rows
 * whose fields are kept as the exact strings read, so a row we do not manage can be written back
 * byte for byte. Backends that can change single records still fit: they diff `before` and `after`.
 */

/** One row of a zone, every field exactly as the backend returned it. */
export interface ZoneRow {
  /** Relative host name as the backend spells it: `@` for the zone itself, `www`, `_dmarc`. */
  name: string;
  /** Record type as read: `A`, `TXT`, `MX`, `MXE`, `URL301`… */
  type: string;
  /** IP, host name, text or URL, depending on the type; CAA values whole (`0 issue "x.org"`). */
  address: string;
  /** Seconds, as a string (Namecheap's "Automatic" reads back as `1799`; keep it that way). */
  ttl: string;
  /** MX preference; Namecheap returns one for every row, so it is round-tripped for every row. */
  mxPref: string;
  /** The row has dynamic DNS on; writing the zone back turns it into a plain row (the flag is lost). */
  dynamicDns?: boolean;
}

/** A zone as read from (or written to) a backend. */
export interface Zone {
  /** The registered domain, lowercase: `example.com`. */
  domain: string;
  /**
   * The mail mode the backend keeps beside the rows (Namecheap's `EmailType`: NONE, MX, MXE, FWD,
   * OX, GMAIL). Always written back exactly as read; `undefined` when the backend did not say.
   */
  emailType: string | undefined;
  rows: ZoneRow[];
}

/** Whether the backend serves the domain's records, and from which name servers. */
export interface DomainStatus {
  domain: string;
  /** True when the backend's name servers are authoritative, so its records are the live ones. */
  servedHere: boolean;
  /** The domain's authoritative name servers (host names, or `ip[:port]` for the emulator). */
  nameservers: string[];
}

/** A record akash-stack wants: one per managed name. */
export interface DesiredRecord {
  /** Relative to the zone, lowercase; `@` for the zone itself. */
  name: string;
  type: "A" | "CNAME";
  /** An IPv4 address for A, a host name for CNAME. */
  value: string;
  /** Seconds, 60–60000. */
  ttl: number;
}

export interface DnsProvider {
  /** Short lowercase id used in messages and state paths: `namecheap`. */
  readonly id: string;
  /** Human name for messages: `Namecheap`. */
  readonly displayName: string;
  /** Things the backend cannot round-trip, said with every plan that writes. */
  readonly writeCaveats: readonly string[];
  /** Does the backend serve this domain (and so may akash-stack change its records here)? */
  domainStatus(domain: string): Promise<DomainStatus>;
  /** Reads the whole zone (octoDNS `populate`). */
  readZone(domain: string): Promise<Zone>;
  /** Replaces the whole zone with `zone.rows`, keeping `zone.emailType` (octoDNS `_apply`). */
  writeZone(zone: Zone): Promise<void>;
}

/** A refusal or failure to show the user as is: the message says what is wrong and what to do. */
export class DnsError extends Error {
  override readonly name: string = "DnsError";
}

/** The zone changed under us (someone else wrote it): reported, never silently retried. */
export class ConcurrentChangeError extends DnsError {
  override readonly name = "ConcurrentChangeError";
}

/** `registry` in `example.com` → `registry.example.com`; `@` → `example.com`. */
export function fqdnOf(name: string, domain: string): string {
  return name === "@" ? domain : `${name}.${domain}`;
}
