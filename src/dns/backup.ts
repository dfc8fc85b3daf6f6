/**
 * What akash-stack keeps on disk about DNS, under `$AKASH_STACK_HOME/dns/<provider>/`:
 * - `<domain>.json`: the zone as it was before our last write, and what we wrote, so
 *   `dns rollback` can put the zone back and can tell whether someone changed it since;
 * - `<domain>.lock`: held while a command reads and writes the zone, so two runs on this machine
 *   cannot interleave their read-modify-write cycles (namecheap.md §5 step 9).
 * Files hold zone rows only (public DNS data), never credentials. Writes are atomic (temp + rename).
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DnsError, type Zone, type ZoneRow } from "./provider.js";
import { makeStackHome } from "../stack/home.js";

const FORMAT = "akash-stack/dns-backup@1";

export interface SavedZone {
  /** `null`: the backend gave no EmailType. */
  emailType: string | null;
  rows: ZoneRow[];
}

export interface ZoneBackup {
  format: typeof FORMAT;
  provider: string;
  domain: string;
  /** ISO 8601. */
  savedAt: string;
  /** The command that wrote the zone. */
  operation: "apply" | "rollback";
  /** The zone before that write: what `rollback` restores. */
  before: SavedZone;
  /** What that write sent: if the zone no longer matches it, someone changed it since. */
  written: SavedZone;
}

export function backupPath(home: string, provider: string, domain: string): string {
  return join(home, "dns", provider, `${domain}.json`);
}

export function toSaved(zone: Pick<Zone, "emailType" | "rows">): SavedZone {
  return { emailType: zone.emailType ?? null, rows: zone.rows.map((r) => ({ ...r })) };
}

export function fromSaved(domain: string, saved: SavedZone): Zone {
  return { domain, emailType: saved.emailType ?? undefined, rows: saved.rows.map((r) => ({ ...r })) };
}

export async function saveBackup(home: string, backup: ZoneBackup): Promise<string> {
  const target = backupPath(home, backup.provider, backup.domain);
  await writeAtomically(target, JSON.stringify(backup, null, 2) + "\n");
  return target;
}

/** The last backup for the domain, or undefined when there is none. */
export async function loadBackup(home: string, provider: string, domain: string): Promise<ZoneBackup | undefined> {
  const file = backupPath(home, provider, domain);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DnsError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DnsError(`${file} is not valid JSON: it was edited or damaged; restore it from a copy, or delete it (then there is nothing to roll back)`);
  }
  if (!isBackup(parsed) || parsed.domain !== domain || parsed.provider !== provider) {
    throw new DnsError(`${file} is not an akash-stack DNS backup for ${domain} (format ${FORMAT}); restore it from a copy, or delete it`);
  }
  return parsed;
}

/**
 * Runs `work` holding `<domain>.lock`. A lock left by a process that no longer runs is taken
 * over; one held by a live process stops us with a message naming it.
 */
export async function withDomainLock<T>(home: string, provider: string, domain: string, work: () => Promise<T>): Promise<T> {
  const lock = join(home, "dns", provider, `${domain}.lock`);
  await makeStackHome(home);
  await mkdir(dirname(lock), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lock, "wx", 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw lockError(lock, err);
      const holder = Number((await readFile(lock, "utf8").catch(() => "")).trim());
      if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
        throw new DnsError(`another akash-stack (process ${holder}) is changing ${domain} right now; wait for it to finish (lock: ${lock})`);
      }
      await rm(lock, { force: true }); // left behind by a run that crashed
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}

async function writeAtomically(target: string, text: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, text, { encoding: "utf8", flag: "wx", mode: 0o600 });
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function lockError(lock: string, err: unknown): DnsError {
  return new DnsError(`cannot take the lock ${lock}: ${(err as Error).message}; if no other akash-stack is running, delete it`);
}

function isBackup(value: unknown): value is ZoneBackup {
  const v = value as Partial<ZoneBackup> | null;
  const isSaved = (s: unknown) => {
    const z = s as Partial<SavedZone> | null;
    return typeof z === "object" && z !== null && (z.emailType === null || typeof z.emailType === "string") && Array.isArray(z.rows) &&
      z.rows.every((r) => ["name", "type", "address", "ttl", "mxPref"].every((k) => typeof (r as unknown as Record<string, unknown>)[k] === "string"));
  };
  return typeof v === "object" && v !== null && v.format === FORMAT && typeof v.domain === "string" && typeof v.provider === "string" && isSaved(v.before) && isSaved(v.written);
}
