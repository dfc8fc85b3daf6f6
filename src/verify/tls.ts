/**
 * Checks the TLS certificate a name is served with: trusted (the system's roots plus Node's
 * Mozilla bundle, or a CA the user names), valid for the name, and not about to expire.
 *
 * Why it matters here: Akash providers give custom domains only self-signed certificates, so the
 * stack runs its own ACME proxy on a leased IP (registry-stack.md §4.3), and ACME works only once
 * DNS points at the lease. A certificate that fails this check means docker refuses the registry.
 *
 * The connection can go to a given address (the lease's IP) with the name as SNI, so the check
 * tests what the lease serves even while DNS still points elsewhere.
 */
import { readFileSync } from "node:fs";
import { checkServerIdentity, connect, rootCertificates, type PeerCertificate } from "node:tls";
import { isIP } from "node:net";
import { fail, pass, runCheck, type CheckDetails, type CheckOutcome, type CheckVerdict } from "./report.js";

export interface TlsCheckOptions {
  /** The name the certificate must be valid for (also the SNI). */
  host: string;
  port?: number;
  /** Connect here instead of resolving `host` (e.g. the lease's IP). */
  connectAddress?: string;
  /** PEM text of the CA(s) to trust instead of the system roots. */
  ca?: string;
  /** Fail when fewer days are left (default 7: ACME clients renew at 30, so this means renewal is broken). */
  minDaysLeft?: number;
  timeoutMs?: number;
  clock?: () => Date;
}

const DEFAULT_MIN_DAYS_LEFT = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Debian's system trust store (ca-certificates); Node itself ships only Mozilla's roots. */
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

export async function checkTls(options: TlsCheckOptions): Promise<CheckOutcome> {
  const port = options.port ?? 443;
  return runCheck(`tls:${options.host}:${port}`, () => inspectCertificate(options, port), options.clock);
}

function systemRoots(): string[] {
  try {
    return [...rootCertificates, readFileSync(SYSTEM_BUNDLE, "utf8")];
  } catch {
    return [...rootCertificates];
  }
}

interface Handshake {
  certificate: PeerCertificate;
  authorized: boolean;
  authorizationError: string | undefined;
  protocol: string | null;
}

async function inspectCertificate(options: TlsCheckOptions, port: number): Promise<CheckVerdict> {
  const now = (options.clock ?? (() => new Date()))();
  const handshake = await handshakeWith(options, port);
  const cert = handshake.certificate;
  if (!cert || Object.keys(cert).length === 0) return fail(`${options.host}:${port} sent no certificate`);

  const where = `${options.host}:${port}${options.connectAddress ? ` (at ${options.connectAddress})` : ""}`;
  const issuer = firstValue(cert.issuer?.CN) ?? firstValue(cert.issuer?.O) ?? "unknown issuer";
  const expires = new Date(cert.valid_to);
  const daysLeft = Math.floor((expires.getTime() - now.getTime()) / DAY_MS);
  const details: CheckDetails = { host: options.host, port, issuer, validTo: expires.toISOString(), daysLeft, sha256: cert.fingerprint256 ?? "" };
  const trust = options.ca ? "the given CA" : "the system trust store";

  // Node folds a name mismatch into authorizationError; say it in words, then any trust problem.
  const identityError = checkServerIdentity(options.host, cert);
  if (identityError) {
    const names = cert.subjectaltname ?? `CN=${firstValue(cert.subject?.CN) ?? "?"}`;
    return fail(`the certificate of ${where} is not valid for ${options.host}: it covers ${names}`, details);
  }
  if (!handshake.authorized) {
    const reason = handshake.authorizationError ?? "unknown reason";
    const selfSigned = /SELF_SIGNED/.test(reason) ? " (Akash providers serve self-signed certificates for custom domains: is the stack's own TLS edge answering?)" : "";
    return fail(`the certificate of ${where}, issued by "${issuer}", is not trusted by ${trust}: ${reason}${selfSigned}`, details);
  }
  const notBefore = new Date(cert.valid_from);
  if (notBefore.getTime() > now.getTime()) return fail(`the certificate of ${where} is not valid before ${notBefore.toISOString()}: check the server's clock`, details);
  if (expires.getTime() <= now.getTime()) return fail(`the certificate of ${where} expired on ${expires.toISOString()}: renew it (is the ACME client running?)`, details);
  const minDays = options.minDaysLeft ?? DEFAULT_MIN_DAYS_LEFT;
  if (daysLeft < minDays) {
    return fail(`the certificate of ${where} expires on ${expires.toISOString().slice(0, 10)}, in ${daysLeft} day${daysLeft === 1 ? "" : "s"} (under ${minDays}): automatic renewal is not working`, details);
  }
  return pass(`valid for ${options.host}, issued by "${issuer}", trusted by ${trust}, expires ${expires.toISOString().slice(0, 10)} (${daysLeft} days left)`, details);
}

/** Certificate subject fields repeat (several O= or CN=) as arrays. */
function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function handshakeWith(options: TlsCheckOptions, port: number): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: options.connectAddress ?? options.host,
      port,
      // SNI must be a name; an IP in SNI is not allowed (RFC 6066).
      ...(isIP(options.host) ? {} : { servername: options.host }),
      ca: options.ca ? [options.ca] : systemRoots(),
      // We judge the certificate ourselves, to say *why* it is not acceptable.
      rejectUnauthorized: false,
      ALPNProtocols: ["h2", "http/1.1"],
    });
    socket.setTimeout(options.timeoutMs ?? 15_000, () => socket.destroy(Object.assign(new Error("TLS handshake timed out"), { code: "ETIMEDOUT" })));
    socket.once("secureConnect", () => {
      const result: Handshake = {
        certificate: socket.getPeerCertificate(false),
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
        protocol: socket.getProtocol(),
      };
      socket.end();
      resolve(result);
    });
    socket.once("error", reject);
  });
}
