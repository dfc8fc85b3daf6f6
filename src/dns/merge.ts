/**
 * The safe update of a whole-zone DNS backend (namecheap.md §5), as a pure function: the zone as
 * read + the records we want → a plan: the full row list to write, the changes, and what blocks it.
 *
 * The rules, and why:
 * - Only managed names change. A managed name ends with exactly one address row (A or CNAME, ours);
 *   every other address-like row of that name (A, AAAA, CNAME, ALIAS and Namecheap's URL redirect
 *   rows, which resolve to Namecheap's redirect IPs) is removed, or clients would still reach the old
 *   host. Names are compared lowercase, relative to the zone.
 * - Every other row is copied as the very object read, so it is written back byte for byte (the
 *   backend deletes whatever is not sent), and the zone's EmailType is sent back as read.
 * - Nothing changes → no rows to write (`changes` is empty), and nothing is refused.
 * - Ownership: a TXT row at `_akash-stack` lists the names this tool manages. A name with address
 *   rows that the list does not name belongs to someone else: it is taken over only with `--adopt`.
 * - Safety (octoDNS's "unsafe plan"): zones whose rows the API cannot round-trip (an unknown or
 *   missing EmailType, dynamic-DNS rows, MX rows the EmailType would drop) and plans that change a
 *   large share of a zone are refused unless `--force`.
 */
import { fqdnOf, type DesiredRecord, type Zone, type ZoneRow } from "./provider.js";

/** The TXT row that records which names akash-stack manages in a zone. */
export const OWNERSHIP_NAME = "_akash-stack";
const OWNERSHIP_TAG = "v=akash-stack1";
/** TTL for a new ownership row; an existing one keeps its TTL. */
const OWNERSHIP_TTL = "1800";
/** Namecheap returns MXPref 10 for every row; new rows get the same, so reads compare equal. */
const DEFAULT_MX_PREF = "10";

/** The EmailType values Namecheap documents (getHosts, setHosts, its SDK). */
export const KNOWN_EMAIL_TYPES: readonly string[] = ["NONE", "MX", "MXE", "FWD", "OX", "GMAIL"];

/** Row types that make a name resolve to an address: replaced together when we manage the name. */
const ADDRESS_TYPES: ReadonlySet<string> = new Set(["A", "AAAA", "CNAME", "ALIAS", "URL", "URL301", "FRAME"]);

/** octoDNS's defaults: a plan may touch at most 30% of a zone's rows, checked from 10 rows on. */
export const DEFAULT_MAX_CHANGE_FRACTION = 0.3;
export const DEFAULT_MIN_ROWS_FOR_THRESHOLD = 10;

export interface PlanOptions {
  /** Take over names that have address rows the ownership record does not list. */
  adopt?: boolean;
  /** Write zones the safety checks refuse (round-trip hazards, the change threshold). */
  force?: boolean;
  /** Largest share of the zone's rows a plan may change or delete without `force`. */
  maxChangeFraction?: number;
  /** Zones smaller than this are exempt from the threshold (any change is a large share of them). */
  minRowsForThreshold?: number;
}

export interface RowChange {
  action: "create" | "update" | "delete";
  /** Relative, lowercase: `registry`, `@`, `_akash-stack`. */
  name: string;
  before?: ZoneRow;
  after?: ZoneRow;
}

export interface PlanBlocker {
  reason: string;
  /** The flag that lets the user go ahead anyway; none for plans that cannot be written at all. */
  override?: "--force" | "--adopt";
}

export interface ZonePlan {
  domain: string;
  /** Sent back with the write exactly as read. */
  emailType: string | undefined;
  /** The zone as read. */
  before: Zone;
  /** Every row to write; equal to `before.rows` when there are no changes. */
  after: ZoneRow[];
  /** Empty when the zone already has what we want: then nothing is written. */
  changes: RowChange[];
  /** Why the plan must not be written (only when there are changes); empty when it may be. */
  blockers: PlanBlocker[];
  /** Things the user should know, including checks that `--force` or `--adopt` overrode. */
  notes: string[];
  /** Rows carried over unchanged. */
  keptRows: number;
  /** The managed names after the write, sorted. */
  managedNames: string[];
}

/** Plans the update of `zone` so that each desired name has exactly its one record. */
export function planZoneUpdate(zone: Zone, desired: readonly DesiredRecord[], options: PlanOptions = {}): ZonePlan {
  const domain = zone.domain.toLowerCase();
  const wanted = new Map<string, DesiredRecord>();
  for (const record of desired) {
    const name = record.name.toLowerCase();
    if (wanted.has(name)) throw new TypeError(`planZoneUpdate: ${name} is desired twice`);
    wanted.set(name, { ...record, name });
  }

  const hardBlockers: PlanBlocker[] = [];
  if (wanted.has(OWNERSHIP_NAME)) {
    hardBlockers.push({ reason: `${OWNERSHIP_NAME}.${domain} is where akash-stack records which names it manages; choose another name` });
    wanted.delete(OWNERSHIP_NAME);
  }

  const relative = (row: ZoneRow) => relativeName(row.name, domain);
  const isAddressRow = (row: ZoneRow) => ADDRESS_TYPES.has(row.type.toUpperCase());
  const isOwnership = isOwnershipRow(domain);
  const ownershipRows = zone.rows.filter(isOwnership);
  const owned = new Set(ownershipRows.flatMap((row) => parseOwnership(row.address)));

  // Per desired name: its current address rows, and whether they already are exactly what we want.
  const current = new Map<string, ZoneRow[]>();
  for (const name of wanted.keys()) current.set(name, []);
  for (const row of zone.rows) if (isAddressRow(row)) current.get(relative(row))?.push(row);
  const satisfied = (name: string) => {
    const rows = current.get(name)!;
    return rows.length === 1 && rowMatches(rows[0]!, wanted.get(name)!);
  };

  const nextOwned = new Set([...owned, ...wanted.keys()]);
  const ownershipSatisfied = ownershipRows.length === 1 && sameSet(owned, nextOwned);
  const ownershipRow: ZoneRow = {
    name: OWNERSHIP_NAME,
    type: "TXT",
    address: formatOwnership(nextOwned),
    ttl: ownershipRows[0]?.ttl ?? OWNERSHIP_TTL,
    mxPref: ownershipRows[0]?.mxPref ?? DEFAULT_MX_PREF,
  };

  // The new row list: unmanaged rows are the very objects read; each managed name's first address
  // row is where its new row goes, so the order of the zone is kept.
  const newRows = new Map([...wanted].map(([name, record]) => [name, rowFor(record)] as const));
  const after: ZoneRow[] = [];
  const placed = new Set<string>();
  let keptRows = 0;
  for (const row of zone.rows) {
    const name = relative(row);
    const record = isAddressRow(row) ? wanted.get(name) : undefined;
    const replacementRow = record ? newRows.get(name) : isOwnership(row) ? ownershipRow : undefined;
    const alreadyRight = record ? satisfied(name) : isOwnership(row) ? ownershipSatisfied : true;
    if (alreadyRight) {
      after.push(row);
      keptRows++;
    } else if (replacementRow && !placed.has(replacementRow.name)) {
      after.push(replacementRow);
      placed.add(replacementRow.name);
    }
  }
  for (const [name, row] of newRows) if (!satisfied(name) && !placed.has(name)) after.push(row);
  if (!ownershipSatisfied && !placed.has(OWNERSHIP_NAME)) after.push(ownershipRow);

  const changes: RowChange[] = [];
  for (const [name, row] of newRows) if (!satisfied(name)) changes.push(...replacement(name, current.get(name)!, row));
  if (!ownershipSatisfied) changes.push(...replacement(OWNERSHIP_NAME, ownershipRows, ownershipRow));

  assertUnmanagedRowsKept(zone, after, (row) => (isAddressRow(row) && wanted.has(relative(row))) || isOwnership(row));

  const plan: ZonePlan = {
    domain,
    emailType: zone.emailType,
    before: zone,
    after: changes.length === 0 ? zone.rows : after,
    changes,
    blockers: [],
    notes: [],
    keptRows: changes.length === 0 ? zone.rows.length : keptRows,
    managedNames: [...nextOwned].sort(),
  };
  if (changes.length === 0) return plan;

  // Checks that matter only when something will be written.
  const candidates: PlanBlocker[] = [...hardBlockers];
  for (const [name, record] of wanted) {
    const rows = current.get(name)!;
    if (rows.length > 0 && !owned.has(name)) {
      candidates.push({
        reason: `${fqdnOf(name, domain)} has records akash-stack did not create (${rows.map(describeRow).join(", ")}); ` +
          `pass --adopt to take the name over (its A/AAAA/CNAME rows are replaced), or manage another name`,
        override: "--adopt",
      });
    }
    if (record.type === "CNAME") {
      const others = zone.rows.filter((row) => relative(row) === name && !isAddressRow(row));
      if (others.length > 0) {
        candidates.push({
          reason: `${fqdnOf(name, domain)} cannot be a CNAME: it also has ${others.map(describeRow).join(", ")}, and a CNAME must be the only record of its name; use an A record`,
        });
      }
    }
  }
  candidates.push(...roundTripHazards(zone));
  const touched = zone.rows.length - keptRows;
  const maxFraction = options.maxChangeFraction ?? DEFAULT_MAX_CHANGE_FRACTION;
  if (zone.rows.length >= (options.minRowsForThreshold ?? DEFAULT_MIN_ROWS_FOR_THRESHOLD) && touched / zone.rows.length > maxFraction) {
    candidates.push({
      reason: `this plan changes or deletes ${touched} of the ${zone.rows.length} records of ${domain}, more than the ${Math.round(maxFraction * 100)}% safety limit; ` +
        `check the plan, then pass --force if it is what you want`,
      override: "--force",
    });
  }

  for (const blocker of candidates) {
    const overridden = (blocker.override === "--force" && options.force) || (blocker.override === "--adopt" && options.adopt);
    if (overridden) plan.notes.push(`going ahead because of ${blocker.override}: ${blocker.reason.split("; ")[0]}`);
    else plan.blockers.push(blocker);
  }
  return plan;
}

/**
 * Rows and settings a write through a whole-zone API would lose or change (namecheap.md §2).
 * Each can be overridden with `--force`.
 */
export function roundTripHazards(zone: Zone): PlanBlocker[] {
  const hazards: PlanBlocker[] = [];
  const emailType = zone.emailType?.toUpperCase();
  if (zone.emailType === undefined || zone.emailType === "") {
    hazards.push({
      reason: `the backend did not say which EmailType ${zone.domain} uses, and writing the zone without it can switch its mail settings off; ` +
        `check Mail Settings in the Namecheap dashboard, then pass --force to write without an EmailType`,
      override: "--force",
    });
  } else if (!KNOWN_EMAIL_TYPES.includes(emailType!)) {
    hazards.push({
      reason: `${zone.domain} has EmailType ${JSON.stringify(zone.emailType)}, which akash-stack does not know (it knows ${KNOWN_EMAIL_TYPES.join(", ")}), ` +
        `so it cannot tell whether a write keeps the zone's mail working; pass --force to write it back unchanged anyway`,
      override: "--force",
    });
  }
  const dynamic = zone.rows.filter((row) => row.dynamicDns);
  if (dynamic.length > 0) {
    hazards.push({
      reason: `${dynamic.length} record${dynamic.length === 1 ? " has" : "s have"} dynamic DNS on (${dynamic.map((r) => describeRow(r)).join(", ")}); ` +
        `a write through the API turns them into plain records and their dynamic updates stop; pass --force to accept that`,
      override: "--force",
    });
  }
  const byType = (type: string) => zone.rows.filter((row) => row.type.toUpperCase() === type);
  for (const [type, needed] of [["MX", "MX"], ["MXE", "MXE"]] as const) {
    const rows = byType(type);
    if (rows.length > 0 && emailType !== undefined && emailType !== needed && KNOWN_EMAIL_TYPES.includes(emailType)) {
      hazards.push({
        reason: `${zone.domain} has ${rows.length} ${type} record${rows.length === 1 ? "" : "s"} but EmailType ${zone.emailType}; Namecheap keeps ${type} rows ` +
          `only with EmailType ${needed}, so a write may drop them and break mail; fix Mail Settings in the Namecheap dashboard, or pass --force`,
        override: "--force",
      });
    }
  }
  return hazards;
}

/** `Registry`, `registry.example.com.`, `example.com`, `` → `registry`, `registry`, `@`, `@`. */
export function relativeName(name: string, domain: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, "");
  const zone = domain.toLowerCase();
  if (lower === "" || lower === "@" || lower === zone) return "@";
  return lower.endsWith(`.${zone}`) ? lower.slice(0, -(zone.length + 1)) : lower;
}

/** The names an ownership TXT value lists: `v=akash-stack1; names=ipfs,registry`. */
export function parseOwnership(value: string): string[] {
  const text = stripQuotes(value.trim());
  if (!text.startsWith(OWNERSHIP_TAG)) return [];
  const names = /(?:^|;)\s*names=([^;]*)/.exec(text)?.[1] ?? "";
  return names
    .split(",")
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== "");
}

export function formatOwnership(names: Iterable<string>): string {
  return `${OWNERSHIP_TAG}; names=${[...names].sort().join(",")}`;
}

/**
 * A key under which the backend's own normalisations compare equal (namecheap.md §2: the server
 * may add or drop a target's trailing dot and strips TXT quotes; TTLs and MX preferences are
 * numbers; names and types compare case-insensitively). Used to verify a write by reading it back.
 */
export function normalizedRowKey(row: ZoneRow, domain: string): string {
  const type = row.type.toUpperCase();
  let address = row.address.trim();
  if (["CNAME", "MX", "MXE", "ALIAS", "NS"].includes(type)) address = address.toLowerCase().replace(/\.$/, "");
  if (type === "TXT") address = stripQuotes(address);
  const mxPref = type === "MX" ? String(Number(row.mxPref)) : "";
  return JSON.stringify([relativeName(row.name, domain), type, address, String(Number(row.ttl)), mxPref]);
}

/** A key that is equal only for rows that are byte for byte the same. */
export function exactRowKey(row: ZoneRow): string {
  return JSON.stringify([row.name, row.type, row.address, row.mxPref, row.ttl]);
}

/** Rows of `a` missing from `b` and rows of `b` missing from `a`, as multisets under `key`. */
export function rowDifference(a: readonly ZoneRow[], b: readonly ZoneRow[], key: (row: ZoneRow) => string): { onlyInA: ZoneRow[]; onlyInB: ZoneRow[] } {
  const counts = new Map<string, number>();
  for (const row of b) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
  const onlyInA: ZoneRow[] = [];
  for (const row of a) {
    const left = counts.get(key(row)) ?? 0;
    if (left > 0) counts.set(key(row), left - 1);
    else onlyInA.push(row);
  }
  const aCounts = new Map<string, number>();
  for (const row of a) aCounts.set(key(row), (aCounts.get(key(row)) ?? 0) + 1);
  const onlyInB: ZoneRow[] = [];
  for (const row of b) {
    const left = aCounts.get(key(row)) ?? 0;
    if (left > 0) aCounts.set(key(row), left - 1);
    else onlyInB.push(row);
  }
  return { onlyInA, onlyInB };
}

/** `www A 1.2.3.4`, with long values shortened for messages. */
export function describeRow(row: ZoneRow): string {
  const value = row.address.length > 60 ? `${row.address.slice(0, 57)}...` : row.address;
  return `${row.name} ${row.type} ${value}`;
}

function rowFor(record: DesiredRecord): ZoneRow {
  return { name: record.name, type: record.type, address: record.value, ttl: String(record.ttl), mxPref: DEFAULT_MX_PREF };
}

function rowMatches(row: ZoneRow, record: DesiredRecord): boolean {
  if (row.type.toUpperCase() !== record.type || Number(row.ttl) !== record.ttl) return false;
  if (record.type === "CNAME") return row.address.trim().toLowerCase().replace(/\.$/, "") === record.value.toLowerCase().replace(/\.$/, "");
  return row.address.trim() === record.value;
}

/** The changes that turn `existing` rows of a name into the one row `next`. */
function replacement(name: string, existing: readonly ZoneRow[], next: ZoneRow): RowChange[] {
  if (existing.length === 0) return [{ action: "create", name, after: next }];
  const updated = existing.find((row) => row.type.toUpperCase() === next.type) ?? existing[0]!;
  return [
    { action: "update", name, before: updated, after: next },
    ...existing.filter((row) => row !== updated).map((row): RowChange => ({ action: "delete", name, before: row })),
  ];
}

function isOwnershipRow(domain: string): (row: ZoneRow) => boolean {
  return (row) => row.type.toUpperCase() === "TXT" && relativeName(row.name, domain) === OWNERSHIP_NAME && stripQuotes(row.address.trim()).startsWith(OWNERSHIP_TAG);
}

/**
 * The guard namecheap.md §5 asks for (lexicon's delta check): every row we do not manage must be
 * in the new list as the very object read. A failure here is a bug in this file, never user error.
 */
function assertUnmanagedRowsKept(zone: Zone, after: readonly ZoneRow[], managed: (row: ZoneRow) => boolean): void {
  const written = new Set(after);
  const unmanaged = zone.rows.filter((row) => !managed(row));
  const lost = unmanaged.filter((row) => !written.has(row));
  if (lost.length > 0 || after.filter((row) => zone.rows.includes(row) && !managed(row)).length !== unmanaged.length) {
    throw new Error(`internal error: the planned zone for ${zone.domain} would lose ${lost.map(describeRow).join(", ")}; nothing was written`);
  }
}

function stripQuotes(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
