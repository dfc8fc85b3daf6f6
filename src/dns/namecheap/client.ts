/**
 * A small typed client for the Namecheap XML API (namecheap.md §5 "Client rules"):
 * - every command is a form-encoded POST to `/xml.response` with the credentials in the body, so
 *   the API key never appears in a URL (nor in proxy or access logs);
 * - over IPv4 only (`family: 4`): the whitelist takes only IPv4, and a dual-stack machine that
 *   egresses over IPv6 is refused with 1011150;
 * - errors are read from the XML envelope (Namecheap answers them with HTTP 200), each number
 *   mapped to advice (`errors.ts`);
 * - throttling (HTTP 405, error 500000) and transient server errors are retried with exponential
 *   backoff and jitter, at most `maxAttempts` tries;
 * - a token bucket keeps the client at 20 calls a minute (Namecheap's documented limit);
 * - the API key is redacted from every message this client produces.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { NamecheapConfig } from "./config.js";
import { NamecheapApiError, NamecheapTransportError } from "./errors.js";
import { MissingElementError, parseEnvelope, readHostsResult, readListResult, readSetHostsSuccess, type NcDnsListResult, type NcHostsResult } from "./xml.js";
import { DnsError } from "../provider.js";
import { systemClock, TokenBucket, type Clock } from "../rate-limit.js";

export type { NcDnsListResult, NcHost, NcHostsResult } from "./xml.js";

/** A row to send with setHosts: exactly the five fields the API takes per host. */
export interface NcHostInput {
  name: string;
  type: string;
  address: string;
  mxPref: string;
  ttl: string;
}

/** What the client reports as it works; never carries a credential. */
export type ClientEvent =
  | { kind: "request"; command: string; attempt: number }
  | { kind: "retry"; command: string; attempt: number; delayMs: number; reason: string };

export interface NamecheapClientOptions {
  clock?: Clock;
  /** Namecheap documents 20 calls a minute. */
  callsPerMinute?: number;
  /** Tries per call, the first included. */
  maxAttempts?: number;
  /** First backoff after a transient error; doubles each try. */
  transientBackoffMs?: number;
  /** First backoff after throttling (HTTP 405, 500000); doubles each try. */
  throttleBackoffMs?: number;
  requestTimeoutMs?: number;
  /** 0 ≤ x < 1; jitter for backoff. */
  random?: () => number;
  onEvent?: (event: ClientEvent) => void;
}

const COMMAND_PREFIX = "namecheap.domains.dns.";
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_BACKOFF_MS = 60_000;

export class NamecheapClient {
  private readonly clock: Clock;
  private readonly bucket: TokenBucket;
  private readonly maxAttempts: number;
  private readonly transientBackoffMs: number;
  private readonly throttleBackoffMs: number;
  private readonly requestTimeoutMs: number;
  private readonly random: () => number;
  private readonly onEvent: (event: ClientEvent) => void;

  constructor(
    private readonly config: NamecheapConfig,
    options: NamecheapClientOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.bucket = new TokenBucket(options.callsPerMinute ?? 20, 60_000, this.clock);
    this.maxAttempts = options.maxAttempts ?? 4;
    this.transientBackoffMs = options.transientBackoffMs ?? 2_000;
    this.throttleBackoffMs = options.throttleBackoffMs ?? 5_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.random = options.random ?? Math.random;
    this.onEvent = options.onEvent ?? (() => undefined);
  }

  /** `domains.dns.getList`: whether the domain uses Namecheap DNS, and its nameservers. */
  async getList(domain: string): Promise<NcDnsListResult> {
    const command = `${COMMAND_PREFIX}getList`;
    return this.read(command, () => this.call(command, splitDomain(domain)), readListResult);
  }

  /** `domains.dns.getHosts`: every host row and the zone's EmailType. */
  async getHosts(domain: string): Promise<NcHostsResult> {
    const command = `${COMMAND_PREFIX}getHosts`;
    return this.read(command, () => this.call(command, splitDomain(domain)), readHostsResult);
  }

  /**
   * `domains.dns.setHosts`: REPLACES the whole zone with `hosts`. `emailType` is sent exactly as
   * given (read it with getHosts); `undefined` leaves the parameter out.
   */
  async setHosts(domain: string, hosts: readonly NcHostInput[], emailType: string | undefined): Promise<void> {
    const command = `${COMMAND_PREFIX}setHosts`;
    const params: Record<string, string> = { ...splitDomain(domain) };
    hosts.forEach((host, i) => {
      const n = i + 1;
      params[`HostName${n}`] = host.name;
      params[`RecordType${n}`] = host.type;
      params[`Address${n}`] = host.address;
      params[`MXPref${n}`] = host.mxPref;
      params[`TTL${n}`] = host.ttl;
    });
    if (emailType !== undefined) params.EmailType = emailType;
    const ok = await this.read(command, () => this.call(command, params), readSetHostsSuccess);
    if (!ok) throw new NamecheapTransportError(`${command} answered OK but not IsSuccess="true": the zone of ${domain} may not have been written; run the command again`, false);
  }

  private async read<T>(command: string, call: () => Promise<Record<string, unknown>>, reader: (response: Record<string, unknown>) => T): Promise<T> {
    const response = await call();
    try {
      return reader(response);
    } catch (err) {
      if (err instanceof MissingElementError) throw new NamecheapTransportError(`${command}: Namecheap's answer is malformed: ${err.message}`, false);
      throw err;
    }
  }

  /** One command, with pacing and retries; returns the CommandResponse element. */
  private async call(command: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    const body = new URLSearchParams({
      ApiUser: this.config.apiUser,
      ApiKey: this.config.apiKey,
      UserName: this.config.userName,
      ClientIp: this.config.clientIp,
      Command: command,
      ...params,
    }).toString();

    for (let attempt = 1; ; attempt++) {
      await this.bucket.take();
      this.onEvent({ kind: "request", command, attempt });
      let failure: NamecheapApiError | NamecheapTransportError;
      let throttled = false;
      try {
        const answer = await this.post(body);
        if (answer.status === 405) {
          throttled = true;
          failure = new NamecheapTransportError(
            `${command}: Namecheap is throttling this account (HTTP 405; limits: 20 calls a minute, 700 an hour, 8000 a day): wait a few minutes and try again`,
            true,
          );
        } else if (answer.status < 200 || answer.status >= 300) {
          failure = new NamecheapTransportError(`${command}: Namecheap answered HTTP ${answer.status}${answer.status >= 500 ? "; try again in a few minutes" : ""}`, answer.status >= 500);
        } else {
          const envelope = parseEnvelope(answer.body);
          if (envelope.status === "ok") return envelope.commandResponse;
          if (envelope.status === "error") {
            failure = new NamecheapApiError(command, envelope.errors.map((e) => ({ number: e.number, text: this.redact(e.text) })));
            throttled = failure.numbers.includes(500000);
          } else {
            failure = new NamecheapTransportError(`${command}: Namecheap's answer is not an API response: ${envelope.reason}; check NAMECHEAP_API_URL`, false);
          }
        }
      } catch (err) {
        if (err instanceof DnsError) throw err;
        const reason = this.redact(err instanceof Error ? err.message : String(err));
        failure = new NamecheapTransportError(`${command}: could not reach the Namecheap API at ${this.config.apiUrl} (${reason}); check the network and NAMECHEAP_API_URL`, true);
      }

      if (!failure.retryable || attempt >= this.maxAttempts) {
        if (failure.retryable) failure.message += ` (gave up after ${attempt} tries)`;
        throw failure;
      }
      const base = throttled ? this.throttleBackoffMs : this.transientBackoffMs;
      const delayMs = Math.min(MAX_BACKOFF_MS, Math.round(base * 2 ** (attempt - 1) * (0.5 + this.random())));
      this.onEvent({ kind: "retry", command, attempt, delayMs, reason: failure.message });
      await this.clock.sleep(delayMs);
    }
  }

  private post(body: string): Promise<{ status: number; body: string }> {
    const url = new URL(this.config.apiUrl);
    const request = url.protocol === "http:" ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: "POST",
          family: 4,
          timeout: this.requestTimeoutMs,
          headers: {
            "content-type": "application/x-www-form-urlencoded; charset=utf-8",
            "content-length": Buffer.byteLength(body),
            accept: "application/xml, text/xml",
            "user-agent": "akash-stack",
          },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) req.destroy(new Error(`the answer is larger than ${MAX_BODY_BYTES} bytes`));
            else chunks.push(chunk);
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.requestTimeoutMs} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  }

  /** The API key must not reach a message, even when Namecheap or Node echo it. */
  private redact(text: string): string {
    const key = this.config.apiKey;
    if (key === "") return text;
    return text.split(key).join("[redacted]").split(encodeURIComponent(key)).join("[redacted]");
  }
}

/** `example.co.uk` → SLD `example`, TLD `co.uk`: the domain must be the registered one. */
export function splitDomain(domain: string): { SLD: string; TLD: string } {
  const lower = domain.trim().toLowerCase().replace(/\.$/, "");
  const dot = lower.indexOf(".");
  if (dot <= 0 || dot === lower.length - 1) {
    throw new DnsError(`${JSON.stringify(domain)} is not a registered domain name: give it like example.com`);
  }
  return { SLD: lower.slice(0, dot), TLD: lower.slice(dot + 1) };
}
