/**
 * One HTTP exchange for the checks, on Node's fetch, with redirects followed by hand: the checks
 * must report where a pull went (OpenRegistry answers blob GETs with a 307 to the public IPFS
 * gateway), must refuse a hop to plain http:// unless the user allowed it, and must not carry the
 * registry's Authorization header to another origin.
 *
 * A GET whose body is streamed (a blob pull) goes through node:http(s) instead of fetch: there the
 * body is a Node stream, fed from the socket without fetch's web-stream layer, and a pull of
 * 4 × 64 MiB on loopback ran at about 1.3× the rate of the same pull through fetch
 * (bench/registry-transfer.mjs measures it against skopeo). Redirects, time-outs and TLS (always
 * verified; `--ca` adds a CA) behave the same on both paths.
 */
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";

export interface HttpRequest {
  method?: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers?: Record<string, string>;
  /** Bytes, or a stream of them (a blob upload read from disk as it is sent). */
  body?: Uint8Array | AsyncIterable<Uint8Array>;
  /** Follow 301/302/303/307/308 (GET and HEAD only). Default true. */
  followRedirects?: boolean;
  /** Allow plain http:// redirect targets. */
  allowHttp?: boolean;
  timeoutMs?: number;
  /** Stop reading (HttpError) past this many body bytes. Default 1 GiB. */
  maxBodyBytes?: number;
  /**
   * Leave a 2xx body unread and hand it over as `stream` (blob pulls stream to disk rather than
   * holding a layer in memory). Error answers are still read, for their messages.
   */
  stream?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** The URL that gave the final answer. */
  url: string;
  /** Every URL redirected to, in order. */
  redirects: string[];
  /** With `stream: true` and a 2xx answer to a GET: the unread body (then `body` is empty). */
  stream?: Readable;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 10;
const DEFAULT_MAX_BODY = 1024 * 1024 * 1024;

/**
 * `--ca FILE`: trust this PEM as well as the system roots, for every later request. Node's fetch
 * takes no CA option and reads NODE_EXTRA_CA_CERTS only at start, so requests then go through
 * undici's own fetch with an Agent that has the CA (undici is what Node's fetch is built on;
 * loaded only when a CA is given). Verification stays on: the CA is added, never a bypass.
 */
let withExtraCa: Promise<typeof fetch> | undefined;
/** The same CA for streamed GETs (node:https). */
let extraCaAgent: Promise<import("node:https").Agent> | undefined;

export function setExtraCa(pem: string): void {
  withExtraCa = (async () => {
    const [{ Agent, fetch: undiciFetch }, { rootCertificates }] = await Promise.all([import("undici"), import("node:tls")]);
    const dispatcher = new Agent({ connect: { ca: [...rootCertificates, pem] } });
    return ((input: string, init: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1])) as unknown as typeof fetch;
  })();
  extraCaAgent = (async () => {
    const [{ Agent }, { rootCertificates }] = await Promise.all([import("node:https"), import("node:tls")]);
    return new Agent({ keepAlive: true, ca: [...rootCertificates, pem] });
  })();
}

export class HttpError extends Error {
  override readonly name = "HttpError";
}

export async function httpRequest(url: string, request: HttpRequest = {}): Promise<HttpResponse> {
  const method = request.method ?? "GET";
  const follow = (request.followRedirects ?? true) && (method === "GET" || method === "HEAD");
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const redirects: string[] = [];
  let current = url;
  let headers = { ...(request.headers ?? {}) };
  const send = withExtraCa ? await withExtraCa : fetch;
  const streamed = request.stream === true && method === "GET" && request.body === undefined;
  for (;;) {
    if (streamed) {
      const answer = await openGet(current, headers, timeoutMs);
      const location = answer.headers.get("location");
      if (follow && isRedirect(answer.status) && location) {
        answer.stream.destroy();
        const next = nextHop(url, current, location, redirects, request.allowHttp);
        if (next.origin !== new URL(current).origin) headers = withoutAuthorization(headers);
        redirects.push(next.href);
        current = next.href;
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return { status: answer.status, headers: answer.headers, body: new Uint8Array(), url: current, redirects, stream: answer.stream };
      const body = await readNodeBody(answer.stream, answer.headers, current, request.maxBodyBytes ?? DEFAULT_MAX_BODY);
      return { status: answer.status, headers: answer.headers, body, url: current, redirects };
    }
    const response = await send(current, {
      method,
      headers,
      // A streamed body needs half-duplex (fetch's rule for request streams); it cannot be re-sent.
      ...(request.body ? (request.body instanceof Uint8Array ? { body: request.body } : { body: request.body as unknown as ReadableStream<Uint8Array>, duplex: "half" }) : {}),
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const location = response.headers.get("location");
    if (follow && isRedirect(response.status) && location) {
      await response.body?.cancel();
      const next = nextHop(url, current, location, redirects, request.allowHttp);
      // Credentials are for the origin that asked for them: a gateway elsewhere must not see them.
      if (next.origin !== new URL(current).origin) headers = withoutAuthorization(headers);
      redirects.push(next.href);
      current = next.href;
      continue;
    }
    const body = method === "HEAD" ? new Uint8Array() : await readBody(response, current, request.maxBodyBytes ?? DEFAULT_MAX_BODY);
    return { status: response.status, headers: response.headers, body, url: current, redirects };
  }
}

/** Where a redirect goes, refused when there are too many or it leaves https without leave. */
function nextHop(start: string, current: string, location: string, redirects: readonly string[], allowHttp: boolean | undefined): URL {
  if (redirects.length >= MAX_REDIRECTS) throw new HttpError(`more than ${MAX_REDIRECTS} redirects, starting at ${start}`);
  const next = new URL(location, current);
  if (next.protocol === "http:" && !allowHttp) {
    throw new HttpError(`${current} redirected to plain-HTTP ${next.href}; serve it over https (or pass --allow-http for a local test)`);
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") throw new HttpError(`${current} redirected to unsupported URL ${next.href}`);
  return next;
}

/** A GET on node:http(s) with the answer's body unread; the time-out covers reading it too. */
async function openGet(url: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; headers: Headers; stream: IncomingMessage }> {
  const target = new URL(url);
  const https = target.protocol === "https:";
  const client = https ? await import("node:https") : await import("node:http");
  const agent = https && extraCaAgent ? await extraCaAgent : undefined;
  return new Promise((resolve, reject) => {
    const request = client.request(target, { method: "GET", headers, signal: AbortSignal.timeout(timeoutMs), ...(agent ? { agent } : {}) }, (response) => {
      const answerHeaders = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) answerHeaders.append(name, one);
      }
      resolve({ status: response.statusCode ?? 0, headers: answerHeaders, stream: response });
    });
    request.once("error", reject);
    request.end();
  });
}

async function readNodeBody(stream: Readable, headers: Headers, url: string, maxBytes: number): Promise<Uint8Array> {
  if (Number(headers.get("content-length") ?? "0") > maxBytes) {
    stream.destroy();
    throw new HttpError(`${url} answers with more than ${maxBytes} bytes, the most this check reads`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new HttpError(`${url} answers with more than ${maxBytes} bytes, the most this check reads`);
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function readBody(response: Response, url: string, maxBytes: number): Promise<Uint8Array> {
  const tooBig = () => new HttpError(`${url} answers with more than ${maxBytes} bytes, the most this check reads`);
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooBig();
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > maxBytes) throw tooBig();
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"));
}

/** `http://host/path` is plain HTTP. */
export function isPlainHttp(url: string): boolean {
  return new URL(url).protocol === "http:";
}

/** The first part of a body, as text, for error messages (registries explain errors in JSON). */
export function bodySnippet(body: Uint8Array, max = 200): string {
  const text = new TextDecoder().decode(body.subarray(0, max * 2)).replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
