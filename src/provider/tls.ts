/**
 * TLS to a provider, verified before a single request byte is sent.
 *
 * A provider presents either a web-PKI certificate for its host name, or a self-signed one whose
 * CN is its akash address and which it published on chain (reference §2, Step 1). We accept the
 * first when Node's verification (chain and host name) passes; otherwise we require the second
 * and compare the presented certificate with the chain's, by SHA-256 fingerprint, the way the Go
 * client and Console's provider-proxy do.
 *
 * The handshake runs with `rejectUnauthorized: false` only so the self-signed certificate can be
 * inspected; the socket is handed to the HTTP request only after the check passed, so a JWT is
 * never written to an unverified peer.
 */
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { connect, createSecureContext, type PeerCertificate, type TLSSocket } from "node:tls";

export interface OnChainCertificate {
  serial: string;
  state: "valid" | "revoked" | "unknown";
  certPem: string;
}

export interface ProviderTrust {
  /** The provider's akash address: the CN a self-signed certificate must carry. */
  provider: string;
  /** The provider's certificates on chain with this decimal serial. */
  certificates(owner: string, serial: string): Promise<OnChainCertificate[]>;
}

/** The provider's TLS certificate could not be verified; never retried. */
export class ProviderTlsError extends Error {
  override readonly name = "ProviderTlsError";

  constructor(
    readonly hostUri: string,
    readonly reason: string,
  ) {
    super(`refusing to talk to ${hostUri}: its TLS certificate cannot be verified (${reason}). Nothing was sent to it`);
  }
}

/** The TCP/TLS connection failed (refused, reset, timed out): worth retrying. */
export class ProviderConnectError extends Error {
  override readonly name = "ProviderConnectError";

  constructor(
    readonly hostUri: string,
    readonly reason: string,
  ) {
    super(`cannot connect to ${hostUri}: ${reason}`);
  }
}

export interface VerifiedSocket {
  socket: TLSSocket;
  /** How the certificate was trusted, for logs. */
  trustedBy: "web-pki" | "on-chain-certificate";
}

/** Verifications already done, by host and fingerprint: each provider's chain lookup happens once. */
const pinnedFingerprints = new Map<string, string>();

let trustStoreLoaded = false;

/**
 * Loads the system's root certificates now instead of in the first provider connection, where they
 * cost a deploy tens of milliseconds between seeing its bids and leasing (Node builds the store
 * once per process, for the first TLS context). For a caller with idle time to spare.
 */
export function preloadTrustStore(): void {
  if (trustStoreLoaded) return;
  trustStoreLoaded = true;
  createSecureContext();
}

export async function connectVerified(hostUri: string, trust: ProviderTrust, timeoutMs: number): Promise<VerifiedSocket> {
  const url = new URL(hostUri);
  const port = Number(url.port || 443);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const socket = await handshake(host, port, hostUri, timeoutMs);
  if (socket.authorized) return { socket, trustedBy: "web-pki" };

  try {
    const presented = socket.getPeerCertificate(true);
    const key = `${hostUri}|${presented.fingerprint256}`;
    if (pinnedFingerprints.get(key) !== trust.provider) {
      await checkAgainstChain(presented, socket.authorizationError, trust, hostUri);
      pinnedFingerprints.set(key, trust.provider);
    }
    return { socket, trustedBy: "on-chain-certificate" };
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

function handshake(host: string, port: number, hostUri: string, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      // SNI must be a host name; providers' mTLS quirk (support#370) does not apply: we send no client cert.
      ...(isIP(host) ? {} : { servername: host }),
      // Inspected below before use; see the module comment.
      rejectUnauthorized: false,
      ALPNProtocols: ["http/1.1"],
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProviderConnectError(hostUri, `no TLS handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ProviderConnectError(hostUri, err.code ?? err.message));
    });
  });
}

async function checkAgainstChain(cert: PeerCertificate, authorizationError: Error | string | undefined, trust: ProviderTrust, hostUri: string): Promise<void> {
  const why = `not trusted by the system's CAs (${String(authorizationError ?? "unknown reason")})`;
  if (!cert || !cert.raw) throw new ProviderTlsError(hostUri, `${why}, and it presented no certificate`);
  const subjectCn = firstValue(cert.subject?.CN);
  const issuerCn = firstValue(cert.issuer?.CN);
  if (subjectCn !== trust.provider) {
    throw new ProviderTlsError(hostUri, `${why}, and its CN ${JSON.stringify(subjectCn ?? "")} is not the provider's address ${trust.provider}`);
  }
  if (issuerCn !== subjectCn) {
    throw new ProviderTlsError(hostUri, `${why}, and it is not self-signed (issuer ${JSON.stringify(issuerCn ?? "")}), so it cannot be an on-chain provider certificate`);
  }
  const now = Date.now();
  if (Date.parse(cert.valid_from) > now || Date.parse(cert.valid_to) < now) {
    throw new ProviderTlsError(hostUri, `its certificate is valid only from ${cert.valid_from} to ${cert.valid_to}`);
  }
  const serial = BigInt(`0x${cert.serialNumber}`).toString(10);
  const published = await trust.certificates(trust.provider, serial);
  const matching = published.filter((c) => c.state === "valid" && fingerprintOf(c.certPem) === cert.fingerprint256);
  if (matching.length === 0) {
    const detail =
      published.length === 0
        ? `the provider has no certificate with serial ${serial} on chain`
        : published.some((c) => c.state !== "valid")
          ? `its on-chain certificate ${serial} is revoked`
          : `the certificate differs from the one the provider published on chain (serial ${serial})`;
    throw new ProviderTlsError(hostUri, `${why}, and ${detail}`);
  }
}

function fingerprintOf(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return undefined;
  }
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** For tests: forget pinned certificates. */
export function clearPinnedCertificates(): void {
  pinnedFingerprints.clear();
}
