/**
 * A zone plan as the user reads it, shared by `akash-stack dns` and the deploy's `dns` step: one
 * line per change, then what stays, then the provider's caveats.
 */
import { describeRow, type RowChange, type ZonePlan } from "./merge.js";
import type { DnsProvider } from "./provider.js";

/** The plan as the user reads it: one line per change, then what stays, then the caveats. */
export function formatPlan(plan: ZonePlan, provider: Pick<DnsProvider, "displayName" | "writeCaveats">): string[] {
  const header = `${provider.displayName} zone ${plan.domain} (EmailType ${plan.emailType ?? "not given"}, ${plural(plan.before.rows.length, "record")}):`;
  if (plan.changes.length === 0) return [`${header} up to date, nothing to write`];
  const width = Math.max(...plan.changes.map((c) => c.name.length));
  const lines = [header, ...plan.changes.map((c) => `  ${formatChange(c, width)}`)];
  lines.push(`  ${plural(plan.keptRows, "other record")} kept exactly as they are`);
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  for (const caveat of provider.writeCaveats) lines.push(`  note: ${caveat}`);
  return lines;
}

function formatChange(change: RowChange, width: number): string {
  const name = change.name.padEnd(width);
  const { before, after } = change;
  if (change.action === "create" && after) return `+ ${name}  ${after.type.padEnd(5)} ${after.address}  (ttl ${after.ttl})`;
  if (change.action === "delete" && before) return `- ${name}  ${before.type.padEnd(5)} ${before.address}  (ttl ${before.ttl})`;
  if (before && after) {
    const type = before.type.toUpperCase() === after.type.toUpperCase() ? after.type : `${before.type} -> ${after.type}`;
    const value = before.address === after.address ? after.address : `${before.address} -> ${after.address}`;
    const ttl = before.ttl === after.ttl ? after.ttl : `${before.ttl} -> ${after.ttl}`;
    return `~ ${name}  ${type.padEnd(5)} ${value}  (ttl ${ttl})`;
  }
  return `~ ${name}  ${describeRow((before ?? after)!)}`;
}

/** `1 record`, `3 records`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
