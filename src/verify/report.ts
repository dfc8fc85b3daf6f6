/**
 * The result model of `akash-stack verify`: every check is data (name, result, latency, time,
 * message), grouped by the service it probes. Checks never print; the CLI, the JSON output, the
 * HTML status page and `status` all read this one shape.
 *
 * A check is `skip` when it does not apply (no `/health` route on a plain Distribution registry,
 * a registry that forbids deletes) or could not run because a check it depends on failed; the
 * failing check is the one that says what is wrong. A report passes when no check failed.
 */

export type CheckResult = "pass" | "fail" | "skip";

/** Small facts a check found (digests, sizes, URLs), for JSON readers and tests; never secrets. */
export type CheckDetails = Readonly<Record<string, string | number | boolean>>;

export interface CheckOutcome {
  /** Stable and short: `v2-api`, `push:layer-blob`, `dns:registry.example.com`. */
  name: string;
  result: CheckResult;
  /** Wall time the check took, in milliseconds (0 for a check that did not run). */
  latencyMs: number;
  /** When the check started, ISO 8601 UTC. */
  time: string;
  /** What was seen, and on failure what is wrong and what to do. */
  message: string;
  details?: CheckDetails;
}

export type ServiceKind = "registry" | "ipfs-gateway" | "tls" | "dns" | "http";

export interface ServiceReport {
  /** What the user knows it as: `registry`, `ipfs-gateway`, `registry.example.com`. */
  name: string;
  kind: ServiceKind;
  /** The URL, host:port or name the checks probed. */
  target: string;
  checks: CheckOutcome[];
}

export interface ReportSummary {
  passed: number;
  failed: number;
  skipped: number;
}

export interface VerifyReport {
  /** What was verified: a registry URL, a gateway URL, or `registry on mainnet` for a stack. */
  subject: string;
  startedAt: string;
  finishedAt: string;
  services: ServiceReport[];
  summary: ReportSummary;
  /** True when no check failed and at least one passed. */
  ok: boolean;
}

/** The outcome a check body returns; `runCheck` adds the timing. */
export interface CheckVerdict {
  result: CheckResult;
  message: string;
  details?: CheckDetails;
}

export const pass = (message: string, details?: CheckDetails): CheckVerdict => ({ result: "pass", message, ...(details ? { details } : {}) });
export const fail = (message: string, details?: CheckDetails): CheckVerdict => ({ result: "fail", message, ...(details ? { details } : {}) });
export const skip = (message: string, details?: CheckDetails): CheckVerdict => ({ result: "skip", message, ...(details ? { details } : {}) });

/**
 * Runs one check and times it. A thrown error is a failed check, described in words: the run as a
 * whole must always produce a report, because a verification that crashes proves nothing.
 */
export async function runCheck(name: string, body: () => Promise<CheckVerdict>, clock: () => Date = () => new Date()): Promise<CheckOutcome> {
  const time = clock().toISOString();
  const started = performance.now();
  let verdict: CheckVerdict;
  try {
    verdict = await body();
  } catch (err) {
    verdict = fail(describeError(err));
  }
  const latencyMs = Math.round(performance.now() - started);
  return { name, time, latencyMs, ...verdict };
}

/** A check that did not run, recorded so the report still lists it. */
export function notRun(name: string, reason: string, clock: () => Date = () => new Date()): CheckOutcome {
  return { name, result: "skip", latencyMs: 0, time: clock().toISOString(), message: reason };
}

export function summarize(services: readonly ServiceReport[]): ReportSummary {
  const summary: ReportSummary = { passed: 0, failed: 0, skipped: 0 };
  for (const service of services) {
    for (const check of service.checks) {
      if (check.result === "pass") summary.passed++;
      else if (check.result === "fail") summary.failed++;
      else summary.skipped++;
    }
  }
  return summary;
}

export function buildReport(subject: string, startedAt: Date, services: ServiceReport[], finishedAt: Date = new Date()): VerifyReport {
  const summary = summarize(services);
  return {
    subject,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    services,
    summary,
    ok: summary.failed === 0 && summary.passed > 0,
  };
}

const SYMBOL: Record<CheckResult, string> = { pass: "ok  ", fail: "FAIL", skip: "skip" };

/** Plain text for a terminal: one line per check, then a summary line. */
export function formatReportText(report: VerifyReport): string {
  const lines: string[] = [`verify ${report.subject}`];
  for (const service of report.services) {
    lines.push(`${service.name} (${service.kind}, ${service.target})`);
    const width = Math.max(...service.checks.map((c) => c.name.length), 4);
    for (const check of service.checks) {
      const latency = check.result === "skip" && check.latencyMs === 0 ? "" : `${check.latencyMs} ms`;
      lines.push(`  ${SYMBOL[check.result]} ${check.name.padEnd(width)} ${latency.padStart(8)}  ${check.message}`);
    }
  }
  const { passed, failed, skipped } = report.summary;
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped: ${report.ok ? "verified" : "NOT verified"}`);
  return lines.join("\n") + "\n";
}

/** `339 B`, `300.3 KiB (307477 bytes)`: exact where it matters for digests and sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} bytes)`;
}

/**
 * Words for an error thrown by fetch, tls or dns: Node's `fetch failed` hides the useful part
 * (ECONNREFUSED, a certificate problem) in `cause`.
 */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const code = errorCode(cause) ?? errorCode(err);
  const hint = code ? NETWORK_HINTS[code] : undefined;
  if (err.name === "TimeoutError" || err.name === "AbortError") return "no answer before the time-out: the service is down, overloaded, or a firewall drops the traffic";
  if (hint) return `${hint} (${code})`;
  if (cause instanceof Error && err.message === "fetch failed") return cause.message;
  return err.message;
}

function errorCode(value: unknown): string | undefined {
  if (typeof value === "object" && value !== null && "code" in value && typeof value.code === "string") return value.code;
  return undefined;
}

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: "connection refused: nothing listens there; is the service running and the URL right?",
  ECONNRESET: "the connection was reset by the other side (a crash, a proxy, or a TLS/HTTP mismatch)",
  ENOTFOUND: "the name does not resolve: check the URL and that DNS has propagated",
  EAI_AGAIN: "the name could not be resolved right now (DNS is not answering)",
  ETIMEDOUT: "the connection timed out: the host is down or a firewall drops the traffic",
  EHOSTUNREACH: "no route to the host",
  UND_ERR_SOCKET: "the connection closed before the answer was complete",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out: the host is down or a firewall drops the traffic",
  UND_ERR_HEADERS_TIMEOUT: "the server accepted the connection but sent no answer in time",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the certificate is self-signed and not trusted",
  SELF_SIGNED_CERT_IN_CHAIN: "the certificate chain ends in a self-signed certificate that is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the certificate's issuer is not trusted (is the intermediate certificate missing?)",
  CERT_HAS_EXPIRED: "the certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "the certificate is not valid for this name",
  EPROTO: "the TLS handshake failed (is this port plain HTTP?)",
};
