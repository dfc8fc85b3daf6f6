/**
 * `status`: the stack's deployment as the chain and its providers see it now: deployment and lease
 * states, each service's available/total replicas and URIs, the escrow balance, the burn rate and
 * the runway (with a warning under 24 hours: when the escrow runs dry the leases close).
 */
import type { ChainClient } from "../chain/types.js";
import { formatDec, microToWhole, parseDec, sumDec } from "./amounts.js";
import { unitName } from "./deploy.js";
import type { ProviderDirectory } from "./providers.js";
import type { StackState } from "./state.js";
import type { VerifyReport } from "../verify/report.js";

export interface StatusReport {
  network: string;
  stack: string;
  owner: string;
  dseq: string | null;
  deployment: { state: string } | null;
  leases: Array<{
    provider: string;
    gseq: number;
    oseq: number;
    state: string;
    /** The lease's price per block, in `priceDenom` (a decimal string, as the chain keeps it). */
    price: string;
    priceDenom: string;
    services: Record<string, { available: number; total: number; uris: string[] }>;
    /** Set when the provider could not be asked. */
    error?: string;
  }>;
  escrow: { denom: string; balance: string; ratePerBlock: string; runwayHours: number | null } | null;
  endpoints: NonNullable<StackState["current"]>["endpoints"];
  warnings: string[];
}

export const RUNWAY_WARNING_HOURS = 24;

export async function gatherStatus(
  state: StackState,
  chain: Pick<ChainClient, "deployment" | "leases" | "latestHeight" | "blockTimeSeconds">,
  providers: Pick<ProviderDirectory, "client">,
): Promise<StatusReport> {
  const record = state.current;
  const base: StatusReport = {
    network: state.network,
    stack: state.stack,
    owner: state.owner,
    dseq: record?.dseq ?? null,
    deployment: null,
    leases: [],
    escrow: null,
    endpoints: record?.endpoints ?? {},
    warnings: [],
  };
  if (!record) return base;
  const info = await chain.deployment(state.owner, record.dseq);
  if (!info) {
    base.deployment = { state: "not found" };
    base.warnings.push(`deployment ${record.dseq} from the state file is not on chain`);
    return base;
  }
  base.deployment = { state: info.state };
  const leases = await chain.leases(state.owner, record.dseq);
  base.leases = await Promise.all(
    leases.map(async (l) => {
      const entry: StatusReport["leases"][number] = { provider: l.provider, gseq: l.gseq, oseq: l.oseq, state: l.state, price: l.price.amount, priceDenom: l.price.denom, services: {} };
      if (l.state !== "active") {
        if (l.closeReason) entry.error = `closed: ${l.closeReason}`;
        return entry;
      }
      try {
        const status = await (await providers.client(l.provider)).leaseStatus(record.dseq, l.gseq, l.oseq, 10_000);
        if (!status) entry.error = "the provider has no manifest for this lease";
        for (const [name, s] of Object.entries(status?.services ?? {})) entry.services[name] = { available: s.available, total: s.total, uris: s.uris };
      } catch (err) {
        entry.error = err instanceof Error ? err.message : String(err);
      }
      return entry;
    }),
  );

  if (info.escrow && info.state === "active") {
    const denom = record.deposit.denom;
    const rate = leases.filter((l) => l.state === "active" && l.price.denom === denom).reduce((s, l) => s + parseDec(l.price.amount), 0n);
    const [height, blockSeconds] = await Promise.all([chain.latestHeight(), chain.blockTimeSeconds()]);
    // Funds are settled lazily: what accrued since the last settlement is already spent.
    const accrued = rate * BigInt(Math.max(0, height - info.escrow.settledAt));
    const left = sumDec(info.escrow.funds, denom) - accrued;
    const balance = left > 0n ? left : 0n;
    const runwayHours = rate > 0n ? Math.round(((Number(balance / rate) * blockSeconds) / 3600) * 10) / 10 : null;
    base.escrow = { denom, balance: formatDec(balance, 6), ratePerBlock: formatDec(rate, 6), runwayHours };
    if (runwayHours !== null && runwayHours < RUNWAY_WARNING_HOURS) {
      // Enough for a day at the current rate, in whole ACT.
      const dayBlocks = BigInt(Math.ceil((RUNWAY_WARNING_HOURS * 3600) / blockSeconds));
      const shortMicro = (rate * dayBlocks - balance) / 10n ** 18n;
      const suggestion = shortMicro > 0n ? (shortMicro + 999_999n) / 1_000_000n : 1n;
      base.warnings.push(
        `the escrow runs out in about ${runwayHours} h; its leases close when it is empty. Top it up for a day with ` +
          `\`akash-stack deposit ${state.stack} --network ${state.network} --amount ${suggestion}\``,
      );
    }
  }
  for (const l of base.leases) if (l.error) base.warnings.push(`lease ${l.gseq}/${l.oseq} at ${l.provider}: ${l.error}`);
  return base;
}

/** The last `verify` result (saved by `akash-stack verify` or deploy's verify step), as status shows it. */
export function formatLastVerify(last: VerifyReport, stack: string, network: string): string[] {
  const { passed, failed, skipped } = last.summary;
  const lines = [`  last verify ${last.finishedAt}: ${last.ok ? "ok" : "FAILED"} (${passed} passed, ${failed} failed, ${skipped} skipped)`];
  for (const service of last.services) {
    for (const check of service.checks) if (check.result === "fail") lines.push(`    ${service.name}: ${check.name}: ${check.message}`);
  }
  if (!last.ok) lines.push(`    run \`akash-stack verify ${stack} --network ${network}\` after fixing it to check again`);
  return lines;
}

export function formatStatus(report: StatusReport, lastVerify?: VerifyReport): string {
  const lines: string[] = [];
  lines.push(`${report.stack} on ${report.network} (owner ${report.owner})`);
  if (!report.dseq) {
    lines.push("  no deployment: run `akash-stack deploy` first");
    return lines.join("\n") + "\n";
  }
  lines.push(`  deployment ${report.dseq}: ${report.deployment?.state ?? "unknown"}`);
  for (const l of report.leases) {
    lines.push(`  lease ${l.gseq}/${l.oseq} at ${l.provider}: ${l.state}, ${microToWhole(l.price)} ${unitName(l.priceDenom)}/block`);
    for (const [name, s] of Object.entries(l.services)) {
      lines.push(`    ${name.padEnd(16)} ${s.available}/${s.total}${s.uris.length > 0 ? `  ${s.uris.map((u) => `http://${u}`).join(" ")}` : ""}`);
    }
  }
  for (const [name, e] of Object.entries(report.endpoints)) {
    for (const ip of e.ips) lines.push(`    ${name.padEnd(16)} leased IP ${ip.ip}:${ip.externalPort}/${ip.protocol}`);
    for (const p of e.forwardedPorts) lines.push(`    ${name.padEnd(16)} port ${p.port} → ${p.host}:${p.externalPort}/${p.proto}`);
  }
  if (report.escrow) {
    const unit = unitName(report.escrow.denom);
    const balance = microToWhole(report.escrow.balance);
    const rate = microToWhole(report.escrow.ratePerBlock);
    lines.push(`  escrow ${balance} ${unit}, burning ${rate} ${unit}/block, runway ${report.escrow.runwayHours === null ? "unlimited (no active lease)" : `${report.escrow.runwayHours} h`}`);
  }
  if (lastVerify) lines.push(...formatLastVerify(lastVerify, report.stack, report.network));
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n") + "\n";
}
