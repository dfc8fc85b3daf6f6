/**
 * The safe update sequence (namecheap.md §5), for any `DnsProvider`:
 *  1. the backend must serve the domain (Namecheap: getList IsUsingOurDNS), or nothing is done;
 *  2. read the zone, plan (`merge.ts`); nothing to change → no write at all;
 *  3. blockers (ownership, round-trip hazards, the change threshold) → refused, saying why;
 *  4. show the plan and ask (the caller decides how; `--yes` answers for the user);
 *  5. read the zone again: if it changed since step 2 (someone edited it while we planned or
 *     waited for an answer), stop without writing;
 *  6. save the zone as read, then write the whole zone with the EmailType read;
 *  7. read it back: if it is not what we wrote, someone wrote at the same time (or the backend
 *     dropped rows): report it, with the saved zone for `rollback`;
 *  8. wait until every authoritative nameserver answers the new values (unless told not to).
 * Steps 2–7 hold a per-domain lock file, so two runs on one machine cannot interleave.
 */
import { loadBackup, saveBackup, toSaved, fromSaved, withDomainLock, backupPath } from "./backup.js";
import { describeRow, exactRowKey, normalizedRowKey, planZoneUpdate, relativeName, rowDifference, type PlanOptions, type RowChange, type ZonePlan } from "./merge.js";
import { waitForPropagation, type PropagationExpectation, type PropagationOptions, type PropagationResult } from "./propagation.js";
import { ConcurrentChangeError, DnsError, fqdnOf, type DesiredRecord, type DnsProvider, type DomainStatus, type Zone, type ZoneRow } from "./provider.js";

/** How to wait for the nameservers; they and the expected answers come from the update itself. */
export type WaitOptions = Omit<PropagationOptions, "nameservers" | "expectations">;

export interface UpdateOptions extends PlanOptions {
  /** `$AKASH_STACK_HOME`: where the pre-write zone and the lock are kept. */
  home: string;
  /** Shows the plan and asks whether to write it; called only when there is something to write. */
  review: (plan: ZonePlan) => Promise<boolean>;
  /** Wait for the nameservers after the write; `false` skips it (`--no-wait`). */
  wait: false | WaitOptions;
  /** Progress lines ("writing the zone…"); no secrets pass through here. */
  progress?: (line: string) => void;
}

export type UpdateOutcome =
  | { kind: "unchanged"; plan: ZonePlan }
  | { kind: "refused"; plan: ZonePlan }
  | { kind: "declined"; plan: ZonePlan }
  | { kind: "applied"; plan: ZonePlan; backupFile: string; nameservers: string[]; propagation: PropagationResult | undefined };

/** Steps 1–3 without writing: what `dns plan` shows. */
export async function planDomain(provider: DnsProvider, domain: string, desired: readonly DesiredRecord[], options: PlanOptions = {}): Promise<{ status: DomainStatus; plan: ZonePlan }> {
  const status = await requireServedHere(provider, domain);
  const zone = await provider.readZone(domain);
  return { status, plan: planZoneUpdate(zone, desired, options) };
}

/** The whole sequence; see the file comment. */
export async function applyDomain(provider: DnsProvider, domain: string, desired: readonly DesiredRecord[], options: UpdateOptions): Promise<UpdateOutcome> {
  const progress = options.progress ?? (() => undefined);
  const written = await withDomainLock(options.home, provider.id, domain, async () => {
    const { status, plan } = await planDomain(provider, domain, desired, options);
    if (plan.changes.length === 0) return { kind: "unchanged" as const, plan };
    if (plan.blockers.length > 0) return { kind: "refused" as const, plan };
    if (!(await options.review(plan))) return { kind: "declined" as const, plan };
    const backupFile = await writeChecked(provider, plan, options.home, "apply", progress);
    return { kind: "written" as const, plan, backupFile, status };
  });
  if (written.kind !== "written") return written;

  const expectations = desired.map((d): PropagationExpectation => ({ fqdn: fqdnOf(d.name, domain), type: d.type, value: d.value }));
  const propagation = await waitIfAsked(written.status.nameservers, expectations, options, progress);
  return { kind: "applied", plan: written.plan, backupFile: written.backupFile, nameservers: written.status.nameservers, propagation };
}

export interface RollbackOptions {
  home: string;
  /** Restore even though the zone changed since our last write. */
  force?: boolean;
  review: (plan: ZonePlan) => Promise<boolean>;
  wait: false | WaitOptions;
  progress?: (line: string) => void;
}

/**
 * Puts back the zone as it was before akash-stack's last write to it. Refused when the zone has
 * changed since that write (someone else's later edits would be undone too), unless `force`.
 * The zone replaced by the rollback is saved in turn, so a rollback can itself be rolled back.
 */
export async function rollbackDomain(provider: DnsProvider, domain: string, options: RollbackOptions): Promise<UpdateOutcome> {
  const progress = options.progress ?? (() => undefined);
  const backup = await loadBackup(options.home, provider.id, domain);
  if (!backup) {
    throw new DnsError(
      `there is no saved zone for ${domain} in ${backupPath(options.home, provider.id, domain)}: akash-stack saves a zone before each write it makes ` +
        `(check AKASH_STACK_HOME points where \`dns apply\` ran), so there is nothing to roll back`,
    );
  }
  const written = await withDomainLock(options.home, provider.id, domain, async () => {
    const status = await requireServedHere(provider, domain);
    const current = await provider.readZone(domain);
    const target = fromSaved(domain, backup.before);
    const plan = diffPlan(current, target);
    if (plan.changes.length === 0) return { kind: "unchanged" as const, plan };
    const drift = describeDifference(fromSaved(domain, backup.written), current, (row) => normalizedRowKey(row, domain));
    if (drift) {
      const blocker = `${domain} changed after akash-stack wrote it on ${backup.savedAt} (${drift}); rolling back would undo those changes too. ` +
        `Check the zone, then pass --force to restore the saved zone anyway`;
      if (options.force) plan.notes.push(`going ahead because of --force: ${blocker.split(";")[0]}`);
      else plan.blockers.push({ reason: blocker, override: "--force" });
    }
    if (plan.blockers.length > 0) return { kind: "refused" as const, plan };
    if (!(await options.review(plan))) return { kind: "declined" as const, plan };
    const backupFile = await writeChecked(provider, plan, options.home, "rollback", progress);
    return { kind: "written" as const, plan, backupFile, status };
  });
  if (written.kind !== "written") return written;

  const expectations = restoredAddresses(written.plan);
  const propagation = await waitIfAsked(written.status.nameservers, expectations, options, progress);
  return { kind: "applied", plan: written.plan, backupFile: written.backupFile, nameservers: written.status.nameservers, propagation };
}

async function requireServedHere(provider: DnsProvider, domain: string): Promise<DomainStatus> {
  const status = await provider.domainStatus(domain);
  if (!status.servedHere) {
    const elsewhere = status.nameservers.length > 0 ? ` (its nameservers are ${status.nameservers.join(", ")})` : "";
    throw new DnsError(
      `${domain} does not use ${provider.displayName} DNS${elsewhere}, so records changed at ${provider.displayName} would not be served. ` +
        `Change the records at the DNS host those nameservers belong to, or switch the domain to ${provider.displayName} DNS in its dashboard if you mean to move ` +
        `the whole zone; akash-stack never switches nameservers itself`,
    );
  }
  return status;
}

/** Steps 5–7: re-read, save, write, read back. Returns the backup file. */
async function writeChecked(provider: DnsProvider, plan: ZonePlan, home: string, operation: "apply" | "rollback", progress: (line: string) => void): Promise<string> {
  const domain = plan.domain;
  const fresh = await provider.readZone(domain);
  const changedMeanwhile = describeDifference(plan.before, fresh, exactRowKey);
  if (changedMeanwhile) {
    throw new ConcurrentChangeError(
      `the zone of ${domain} changed after akash-stack read it (${changedMeanwhile}); someone else is editing it. Nothing was written: ` +
        `run the command again to plan against the current zone`,
    );
  }
  const intended: Zone = { domain, emailType: plan.emailType, rows: plan.after };
  const backupFile = await saveBackup(home, {
    format: "akash-stack/dns-backup@1",
    provider: provider.id,
    domain,
    savedAt: new Date().toISOString(),
    operation,
    before: toSaved(plan.before),
    written: toSaved(intended),
  });
  progress(`saved the zone as it was to ${backupFile}`);
  progress(`writing ${plan.after.length} records to ${domain} (EmailType ${plan.emailType ?? "not sent"})`);
  await provider.writeZone(intended);

  const readBack = await provider.readZone(domain);
  // A write that sent no EmailType (--force on a zone that had none) cannot expect one back.
  const expected = intended.emailType === undefined ? { ...intended, emailType: readBack.emailType } : intended;
  const mismatch = describeDifference(expected, readBack, (row) => normalizedRowKey(row, domain));
  if (mismatch) {
    throw new ConcurrentChangeError(
      `${domain} was written, but reading it back shows a different zone (${mismatch}): someone else wrote it at the same time, ` +
        `or ${provider.displayName} dropped records. The zone as it was before this write is saved in ${backupFile}; ` +
        `check the zone in the ${provider.displayName} dashboard, and run \`akash-stack dns rollback --domain ${domain}\` to restore it if needed`,
    );
  }
  return backupFile;
}

async function waitIfAsked(
  nameservers: string[],
  expectations: PropagationExpectation[],
  options: { wait: false | WaitOptions },
  progress: (line: string) => void,
): Promise<PropagationResult | undefined> {
  if (options.wait === false || expectations.length === 0) return undefined;
  if (nameservers.length === 0) {
    progress("the backend named no nameservers for the domain, so there is nothing to wait for");
    return undefined;
  }
  progress(`waiting for ${nameservers.join(", ")} to answer the new values`);
  return waitForPropagation({ ...options.wait, nameservers, expectations });
}

/**
 * What changed from `a` to `b`, for messages: `1 record added: www A 1.2.3.4; 1 record gone: …;
 * EmailType MX became NONE`, or "" when they are equal under `key`.
 */
function describeDifference(a: Pick<Zone, "emailType" | "rows">, b: Pick<Zone, "emailType" | "rows">, key: (row: ZoneRow) => string): string {
  const { onlyInA, onlyInB } = rowDifference(a.rows, b.rows, key);
  const parts: string[] = [];
  const list = (rows: ZoneRow[]) => rows.slice(0, 5).map(describeRow).join(", ") + (rows.length > 5 ? `, and ${rows.length - 5} more` : "");
  if (onlyInB.length > 0) parts.push(`${onlyInB.length} record${onlyInB.length === 1 ? "" : "s"} added: ${list(onlyInB)}`);
  if (onlyInA.length > 0) parts.push(`${onlyInA.length} record${onlyInA.length === 1 ? "" : "s"} gone: ${list(onlyInA)}`);
  if ((a.emailType ?? "").toUpperCase() !== (b.emailType ?? "").toUpperCase()) parts.push(`EmailType ${a.emailType ?? "(none)"} became ${b.emailType ?? "(none)"}`);
  return parts.join("; ");
}

/** A plan that turns `current` into exactly `target` (rollback): rows out, rows in. */
function diffPlan(current: Zone, target: Zone): ZonePlan {
  const { onlyInA: removed, onlyInB: added } = rowDifference(current.rows, target.rows, exactRowKey);
  const changes: RowChange[] = [
    ...removed.map((row): RowChange => ({ action: "delete", name: relativeName(row.name, current.domain), before: row })),
    ...added.map((row): RowChange => ({ action: "create", name: relativeName(row.name, current.domain), after: row })),
  ];
  // Our writes send back the EmailType they read, so the saved zone's EmailType differs from the
  // current one only if someone changed it since; that shows as drift, and is restored with the rows.
  const notes =
    (current.emailType ?? "") !== (target.emailType ?? "") ? [`EmailType goes back from ${current.emailType ?? "(none)"} to ${target.emailType ?? "(none)"}`] : [];
  return {
    domain: current.domain,
    emailType: target.emailType,
    before: current,
    after: target.rows,
    changes,
    blockers: [],
    notes,
    keptRows: current.rows.length - removed.length,
    managedNames: [],
  };
}

/** After a rollback: the names whose single A/CNAME row was restored, to wait for. */
function restoredAddresses(plan: ZonePlan): PropagationExpectation[] {
  const names = new Set(plan.changes.filter((c) => c.after).map((c) => c.name));
  const expectations: PropagationExpectation[] = [];
  for (const name of names) {
    const rows = plan.after.filter((row) => relativeName(row.name, plan.domain) === name && ["A", "CNAME"].includes(row.type.toUpperCase()));
    if (rows.length === 1) expectations.push({ fqdn: fqdnOf(name, plan.domain), type: rows[0]!.type.toUpperCase() as "A" | "CNAME", value: rows[0]!.address.trim() });
  }
  return expectations;
}
