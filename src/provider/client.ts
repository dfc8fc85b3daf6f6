/**
 * A provider's REST gateway (the only lease API providers serve; reference §2, Steps 5–6):
 * `GET /status` (no auth), `PUT /deployment/{dseq}/manifest` and `GET /lease/{d}/{g}/{o}/status`
 * (JWT, scopes `send-manifest` and `status`).
 *
 * Retries what is transient and explains what is not:
 * - 404 `no lease for deployment` right after the lease is normal (the provider has not seen the
 *   block yet): retried with backoff until the deadline, well inside the provider's 5-minute
 *   manifest timeout, and at once when the caller sees the chain's next block (`nextBlock`): a
 *   provider learns of leases from blocks, so a new block is when its answer may change;
 * - 5xx, refused or reset connections and timeouts: retried with backoff;
 * - 401 and 422 are the caller's problem: thrown at once, quoting the provider.
 *
 * Connections are kept open between requests (`VerifiedConnections`), each one verified as it is
 * opened; a kept connection the provider closed meanwhile is replaced once, without a retry delay.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequestArgs, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { sleep } from "../chain/retry.js";
import type { ProviderScope, TokenSource } from "./jwt.js";
import { connectVerified, ProviderConnectError, ProviderTlsError, type ProviderTrust } from "./tls.js";

export interface ServiceStatus {
  name: string;
  available: number;
  total: number;
  /** Bare host names (no scheme): the generated ingress host and the `accept` hosts. */
  uris: string[];
  readyReplicas: number;
  replicas: number;
}

export interface ForwardedPort {
  /** The provider's public host name. */
  host: string;
  port: number;
  externalPort: number;
  proto: string;
  name: string;
}

export interface LeasedIp {
  ip: string;
  port: number;
  externalPort: number;
  protocol: string;
}

export interface LeaseStatus {
  services: Record<string, ServiceStatus>;
  forwardedPorts: Record<string, ForwardedPort[]>;
  ips: Record<string, LeasedIp[]>;
  errors: string[];
}

/** The provider answered with an HTTP error that retrying will not fix. */
export class ProviderHttpError extends Error {
  override readonly name = "ProviderHttpError";

  constructor(
    readonly provider: string,
    readonly hostUri: string,
    readonly status: number,
    readonly body: string,
    readonly what: string,
  ) {
    super(explain(provider, hostUri, status, body, what));
  }
}

/** Retries ran out (the provider kept answering 404/5xx or could not be reached). */
export class ProviderUnavailableError extends Error {
  override readonly name = "ProviderUnavailableError";

  constructor(
    readonly provider: string,
    readonly hostUri: string,
    readonly what: string,
    readonly lastProblem: string,
    readonly waitedMs: number,
  ) {
    super(`${what} at ${provider} (${hostUri}) did not succeed within ${Math.round(waitedMs / 1000)} s; last problem: ${lastProblem}`);
  }
}

export interface ProviderClientOptions {
  /** The provider's akash address. */
  provider: string;
  /** Its `host_uri` from chain. */
  hostUri: string;
  tokens: TokenSource;
  trust: ProviderTrust;
  /** Per-request timeout; default 15 s (Console's value). */
  requestTimeoutMs?: number;
  /** First retry delay; doubles up to `maxRetryDelayMs`. Default 100 ms (a provider usually sees a lease within a block). */
  initialRetryDelayMs?: number;
  /** Default 6 s (Console retries "no lease" every 6 s). */
  maxRetryDelayMs?: number;
  /** Told about retries, for the terminal. */
  log?(message: string): void;
}

interface HttpAnswer {
  status: number;
  body: string;
}

export class ProviderClient {
  readonly provider: string;
  readonly hostUri: string;
  private readonly timeoutMs: number;
  private readonly connections: VerifiedConnections;
  private readonly initialDelay: number;
  private readonly maxDelay: number;
  private readonly log: (message: string) => void;

  constructor(private readonly options: ProviderClientOptions) {
    this.provider = options.provider;
    this.hostUri = options.hostUri.replace(/\/+$/, "");
    this.timeoutMs = options.requestTimeoutMs ?? 15_000;
    this.connections = new VerifiedConnections(async () => (await connectVerified(this.hostUri, this.options.trust, this.timeoutMs)).socket);
    this.initialDelay = options.initialRetryDelayMs ?? 100;
    this.maxDelay = options.maxRetryDelayMs ?? 6000;
    this.log = options.log ?? (() => {});
  }

  /** `GET /status`, unauthenticated: the provider's self-description. Throws when unreachable or unverifiable. */
  async status(timeoutMs = 5000): Promise<unknown> {
    const answer = await this.send("GET", "/status", { timeoutMs });
    if (answer.status !== 200) throw new ProviderHttpError(this.provider, this.hostUri, answer.status, answer.body, "GET /status");
    try {
      return JSON.parse(answer.body) as unknown;
    } catch {
      throw new ProviderHttpError(this.provider, this.hostUri, answer.status, answer.body, "GET /status (not JSON)");
    }
  }

  /**
   * `PUT /deployment/{dseq}/manifest` with exactly `manifestJson` as the body: the bytes whose
   * SHA-256 is on chain. Retries 404 "no lease", 5xx and connection problems until `deadlineMs`;
   * a 404 also as soon as `options.nextBlock` resolves (it must stop waiting when its signal aborts).
   */
  async sendManifest(dseq: string, manifestJson: string, deadlineMs = 180_000, options: { nextBlock?(signal: AbortSignal): Promise<void> } = {}): Promise<void> {
    const what = `sending the manifest of deployment ${dseq}`;
    await this.retrying(what, deadlineMs, async () => {
      const answer = await this.send("PUT", `/deployment/${dseq}/manifest`, { body: manifestJson, scope: "send-manifest" });
      if (answer.status >= 200 && answer.status < 300) return { done: true };
      const problem = `HTTP ${answer.status}${answer.body ? ` "${oneLine(answer.body)}"` : ""}`;
      if (answer.status === 404) return { done: false, problem, ...(options.nextBlock ? { retrySooner: options.nextBlock } : {}) };
      if (answer.status >= 500) return { done: false, problem };
      throw new ProviderHttpError(this.provider, this.hostUri, answer.status, answer.body, what);
    });
  }

  /** `GET /lease/{dseq}/{gseq}/{oseq}/status`; undefined while the provider has no manifest for the lease (404). */
  async leaseStatus(dseq: string, gseq: number, oseq: number, deadlineMs = 60_000): Promise<LeaseStatus | undefined> {
    const what = `reading the status of lease ${dseq}/${gseq}/${oseq}`;
    let result: LeaseStatus | undefined;
    await this.retrying(what, deadlineMs, async () => {
      const answer = await this.send("GET", `/lease/${dseq}/${gseq}/${oseq}/status`, { scope: "status" });
      if (answer.status === 404) {
        result = undefined;
        return { done: true };
      }
      if (answer.status >= 500) return { done: false, problem: `HTTP ${answer.status}${answer.body ? ` "${oneLine(answer.body)}"` : ""}` };
      if (answer.status !== 200) throw new ProviderHttpError(this.provider, this.hostUri, answer.status, answer.body, what);
      result = parseLeaseStatus(answer.body);
      return { done: true };
    });
    return result;
  }

  /**
   * `GET /lease/{dseq}/{gseq}/{oseq}/manifest` (scope get-manifest): the manifest the provider runs,
   * as JSON (its env may hold secret values: callers must not print it); undefined on 404.
   */
  async leaseManifest(dseq: string, gseq: number, oseq: number, deadlineMs = 30_000): Promise<unknown> {
    const what = `reading the manifest of lease ${dseq}/${gseq}/${oseq}`;
    let result: unknown;
    await this.retrying(what, deadlineMs, async () => {
      const answer = await this.send("GET", `/lease/${dseq}/${gseq}/${oseq}/manifest`, { scope: "get-manifest" });
      if (answer.status === 404) return { done: true };
      if (answer.status >= 500) return { done: false, problem: `HTTP ${answer.status}` };
      if (answer.status !== 200) throw new ProviderHttpError(this.provider, this.hostUri, answer.status, "", what);
      try {
        result = JSON.parse(answer.body) as unknown;
      } catch {
        throw new ProviderHttpError(this.provider, this.hostUri, answer.status, "", `${what} (not JSON)`);
      }
      return { done: true };
    });
    return result;
  }

  /**
   * Opens a websocket on the provider's gateway (`/lease/{…}/logs`, `/kubeevents`, `/shell`): the
   * same pinned TLS as every request (a connection of its own, verified as it opens) and a JWT for
   * `scope`. Rejects with `ProviderHttpError` when the provider answers the upgrade with an error
   * (401 for a token it does not accept, 404 for a lease it does not know).
   */
  async openSocket(path: string, scope: ProviderScope): Promise<import("ws").WebSocket> {
    const { WebSocket } = await import("ws");
    const token = await this.options.tokens.token(this.provider, scope);
    const agent = new VerifiedConnections(async () => (await connectVerified(this.hostUri, this.options.trust, this.timeoutMs)).socket, false);
    // ws:// with an agent that hands over an already verified TLS socket: ws must not open its own.
    const url = `ws://${new URL(this.hostUri).host}${path}`;
    const socket = new WebSocket(url, { agent, headers: { Authorization: `Bearer ${token}` }, handshakeTimeout: this.timeoutMs, perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(socket));
      socket.once("unexpected-response", (_req, res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => reject(new ProviderHttpError(this.provider, this.hostUri, res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8").slice(0, 500), `opening ${path.split("?")[0]}`)));
        res.on("error", () => reject(new ProviderHttpError(this.provider, this.hostUri, res.statusCode ?? 0, "", `opening ${path.split("?")[0]}`)));
      });
      socket.once("error", (err) => reject(err instanceof ProviderTlsError || err instanceof ProviderConnectError ? err : new ProviderConnectError(this.hostUri, err.message)));
    });
  }

  private async retrying(
    what: string,
    deadlineMs: number,
    attempt: () => Promise<{ done: boolean; problem?: string; retrySooner?(signal: AbortSignal): Promise<void> }>,
  ): Promise<void> {
    const started = Date.now();
    let delay = this.initialDelay;
    let tries = 0;
    for (;;) {
      tries++;
      let problem: string;
      let retrySooner: ((signal: AbortSignal) => Promise<void>) | undefined;
      try {
        const outcome = await attempt();
        if (outcome.done) return;
        problem = outcome.problem ?? "no answer";
        retrySooner = outcome.retrySooner;
      } catch (err) {
        if (!(err instanceof ProviderConnectError) && !isTimeout(err)) throw err;
        problem = (err as Error).message;
      }
      const elapsed = Date.now() - started;
      if (elapsed + delay > deadlineMs) throw new ProviderUnavailableError(this.provider, this.hostUri, what, problem, elapsed);
      if (tries === 1 || tries % 5 === 0) this.log(`${what}: ${problem}; retrying (the provider may not have seen the lease yet)`);
      await pause(delay, retrySooner);
      delay = Math.min(delay * 2, this.maxDelay);
    }
  }

  private async send(method: string, path: string, opts: { body?: string; scope?: ProviderScope; timeoutMs?: number }): Promise<HttpAnswer> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (opts.scope) headers.Authorization = `Bearer ${await this.options.tokens.token(this.provider, opts.scope)}`;
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body, "utf8");
    if (body) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = String(body.length);
    }
    try {
      return await this.exchange(method, path, headers, body, opts.timeoutMs ?? this.timeoutMs);
    } catch (err) {
      // The provider closed the kept-alive connection just as it was reused: a new one, once.
      if (err instanceof StaleConnectionError) return this.exchange(method, path, headers, body, opts.timeoutMs ?? this.timeoutMs);
      throw err;
    }
  }

  private exchange(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined, timeoutMs: number): Promise<HttpAnswer> {
    const url = new URL(this.hostUri);
    return new Promise<HttpAnswer>((resolve, reject) => {
      let answered = false;
      const req = httpRequest(
        { method, host: url.hostname, port: url.port || 443, path, headers: { ...headers, Host: url.host }, agent: this.connections },
        (res: IncomingMessage) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", (err) => reject(new ProviderConnectError(this.hostUri, err.message)));
        },
      );
      // Our own timer, over the whole exchange (connecting included).
      const timer = setTimeout(() => req.destroy(new ProviderTimeoutError(this.hostUri, `${method} ${path}`, timeoutMs)), timeoutMs);
      req.on("close", () => clearTimeout(timer));
      req.on("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (err instanceof ProviderTimeoutError || err instanceof ProviderTlsError || err instanceof ProviderConnectError) return reject(err);
        if (req.reusedSocket && !answered && (err.code === "ECONNRESET" || err.code === "EPIPE")) return reject(new StaleConnectionError());
        reject(new ProviderConnectError(this.hostUri, err.code ?? err.message));
      });
      req.end(body);
    });
  }
}

/**
 * The connections to one provider, kept open between requests (a deploy asks for a lease's status
 * every quarter block): only the first request pays the TCP and TLS handshakes and the certificate
 * check. Each connection is opened by `connectVerified`, so no request is ever written to a peer
 * that was not verified; the agent only decides when to reuse one.
 */
class VerifiedConnections extends HttpAgent {
  constructor(
    private readonly open: () => Promise<TLSSocket>,
    keepAlive = true,
  ) {
    super({ keepAlive, maxSockets: 4 });
  }

  override createConnection(_options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    // Node's agents accept a connection handed to the callback later.
    this.open().then(
      (socket) => callback?.(null, socket),
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/** A kept-alive connection that turned out closed before the request got an answer. */
class StaleConnectionError extends Error {
  override readonly name = "StaleConnectionError";
}

/** Waits `ms`, or until `sooner` resolves if that comes first (then tells it to stop). */
async function pause(ms: number, sooner?: (signal: AbortSignal) => Promise<void>): Promise<void> {
  if (!sooner) return sleep(ms);
  const stop = new AbortController();
  try {
    // A failing `sooner` must not fail the retry loop: the delay still ends the wait.
    await Promise.race([sleep(ms, stop.signal), sooner(stop.signal).catch(() => new Promise<void>(() => {}))]);
  } finally {
    stop.abort();
  }
}

class ProviderTimeoutError extends Error {
  override readonly name = "ProviderTimeoutError";

  constructor(hostUri: string, what: string, ms: number) {
    super(`${what} at ${hostUri}: no answer within ${ms} ms`);
  }
}

function isTimeout(err: unknown): boolean {
  return err instanceof ProviderTimeoutError;
}

/** The lease-status JSON with its quirks (reference §2, Step 6): snake and camel case, Go-capitalised IP keys, nulls. */
export function parseLeaseStatus(text: string): LeaseStatus {
  const raw = JSON.parse(text) as {
    services?: Record<string, Partial<{ name: string; available: number; total: number; uris: string[] | null; ready_replicas: number; replicas: number }>> | null;
    forwarded_ports?: Record<string, Array<Partial<{ host: string; port: number; externalPort: number; proto: string; name: string }>> | null> | null;
    ips?: Record<string, Array<Partial<{ IP: string; Port: number; ExternalPort: number; Protocol: string }>> | null> | null;
    errors?: string[] | null;
  };
  const services: Record<string, ServiceStatus> = {};
  for (const [name, s] of Object.entries(raw.services ?? {})) {
    services[name] = {
      name: s.name ?? name,
      available: s.available ?? 0,
      total: s.total ?? 0,
      uris: s.uris ?? [],
      readyReplicas: s.ready_replicas ?? 0,
      replicas: s.replicas ?? 0,
    };
  }
  const forwardedPorts: Record<string, ForwardedPort[]> = {};
  for (const [name, list] of Object.entries(raw.forwarded_ports ?? {})) {
    forwardedPorts[name] = (list ?? []).map((p) => ({
      host: p.host ?? "",
      port: p.port ?? 0,
      externalPort: p.externalPort ?? 0,
      proto: p.proto ?? "TCP",
      name: p.name ?? name,
    }));
  }
  const ips: Record<string, LeasedIp[]> = {};
  for (const [name, list] of Object.entries(raw.ips ?? {})) {
    ips[name] = (list ?? []).map((p) => ({ ip: p.IP ?? "", port: p.Port ?? 0, externalPort: p.ExternalPort ?? 0, protocol: p.Protocol ?? "TCP" }));
  }
  return { services, forwardedPorts, ips, errors: raw.errors ?? [] };
}

function explain(provider: string, hostUri: string, status: number, body: string, what: string): string {
  const quoted = body.trim() ? `: "${oneLine(body)}"` : "";
  const head = `${what}: provider ${provider} (${hostUri}) answered ${status}${quoted}`;
  if (status === 401) {
    return (
      `${head}. It did not accept our JWT: the account needs an on-chain public key (it must have sent a transaction), ` +
      `the clock must be right (tokens live 60 s), and the provider must support JWT (provider ≥ v0.10)`
    );
  }
  if (status === 422) {
    return `${head}. The provider rejected the manifest: a hash mismatch means the manifest differs from the deployment on chain; otherwise the message says what the provider found wrong`;
  }
  return head;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

export { ProviderTlsError, ProviderConnectError };
