/**
 * Uploading one blob (distribution-spec "Pushing blobs"):
 * - skipped when the repository already has it (HEAD);
 * - mounted from another repository of the same registry when one is named (`?mount=&from=`);
 * - small blobs in one PUT; larger ones streamed from disk in one PATCH (as docker and skopeo do:
 *   nothing is held in memory), or, with a chunk size, PATCH chunk by chunk (for proxies that
 *   limit request bodies, such as Akash's ingress at 100 MiB); then a closing PUT;
 * - when a request fails mid-way (connection reset, 5xx), the upload's status (GET on its URL)
 *   says how many bytes the registry kept, and the upload goes on from there; when the registry
 *   has forgotten the upload, the blob starts over with a new one, a few times at most.
 * The digest the registry computed must equal the blob's.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { HttpResponse } from "../verify/http.js";
import { RegistryError, type RegistryClient } from "./client.js";

export interface BlobSource {
  digest: string;
  size: number;
  /** Bytes [offset, offset + length) of the blob. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** The blob from `offset` to its end, as it is read (no buffering of the whole). */
  stream?(offset: number): AsyncIterable<Uint8Array>;
}

export type UploadOutcome = "uploaded" | "exists" | "mounted";

export interface UploadOptions {
  /** PATCH at most this many bytes at a time; undefined streams each blob in one PATCH. */
  chunkSize?: number;
  /** Another repository on the same registry that may hold the blob. */
  mountFrom?: string;
  /** Bytes confirmed so far (may go back when an upload starts over). */
  onProgress?: (confirmed: number) => void;
  /** Attempts per blob before giving up. */
  attempts?: number;
  /** Called with a line saying why an attempt is retried or resumed. */
  onRetry?: (message: string) => void;
}

/** Blobs up to this size go in one PUT: one request instead of three. */
export const MONOLITHIC_LIMIT = 4 * 1024 * 1024;
/** The chunk size when a blob cannot be streamed (a source without `stream`). */
export const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;

export async function uploadBlob(client: RegistryClient, repository: string, blob: BlobSource, options: UploadOptions): Promise<UploadOutcome> {
  const existing = await client.blobSize(repository, blob.digest);
  if (existing === blob.size) {
    options.onProgress?.(blob.size);
    return "exists";
  }
  const attempts = options.attempts ?? 4;
  let mountFrom = options.mountFrom;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const started = await startUpload(client, repository, blob.digest, mountFrom);
      if (started === "mounted") {
        options.onProgress?.(blob.size);
        return "mounted";
      }
      // Mounting was tried once; a registry that answered 202 will answer it again.
      mountFrom = undefined;
      await sendContent(client, repository, blob, started, options);
      return "uploaded";
    } catch (err) {
      lastError = err;
      // Network failures, 5xx, a forgotten upload (404), 408 and 429 are worth another try;
      // other answers (refused, invalid, a downgrade to http) will not change on a retry.
      if (err instanceof RegistryError && (err.status === undefined || (err.status < 500 && ![404, 408, 429].includes(err.status)))) throw err;
      if (attempt < attempts) {
        options.onRetry?.(`${short(blob.digest)}: ${(err as Error).message}; starting the upload again (attempt ${attempt + 1} of ${attempts})`);
        options.onProgress?.(0);
        await sleep(250 * attempt);
      }
    }
  }
  throw lastError instanceof Error ? lastError : new RegistryError(String(lastError));
}

async function startUpload(client: RegistryClient, repository: string, digest: string, mountFrom: string | undefined): Promise<"mounted" | string> {
  const query = mountFrom ? `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(mountFrom)}` : "";
  const path = `/v2/${repository}/blobs/uploads/${query}`;
  const response = await client.session.send(path, { method: "POST", repository, headers: { "Content-Length": "0" } });
  if (mountFrom && response.status === 201) return "mounted";
  if (response.status !== 202) throw client.failure(`POST ${path}`, response, "where 202 starts an upload");
  return uploadLocation(client, response, `POST ${path}`);
}

function uploadLocation(client: RegistryClient, response: HttpResponse, what: string): string {
  const location = response.headers.get("location");
  if (!location) throw new RegistryError(`${what} on ${client.host} answered ${response.status} without a Location, so the upload cannot go on`);
  const next = new URL(location, response.url);
  // Credentials go with every upload request: never from https down to plain http.
  if (next.protocol === "http:" && new URL(response.url).protocol === "https:") {
    throw new RegistryError(
      `${client.host} answered ${what} with a plain-http upload URL (${next.origin}), which would send the login unencrypted: ` +
        `the registry does not know it is behind TLS; have the proxy send X-Forwarded-Proto: https, or set Distribution's http.relativeurls: true`,
    );
  }
  return next.href;
}

/** Sends the bytes from where the registry says the upload stands; resumes after failures. */
async function sendContent(client: RegistryClient, repository: string, blob: BlobSource, startLocation: string, options: UploadOptions): Promise<void> {
  let location = startLocation;
  if (blob.size <= Math.min(options.chunkSize ?? MONOLITHIC_LIMIT, MONOLITHIC_LIMIT)) {
    const body = await blob.read(0, blob.size);
    const response = await client.session.send(withDigest(location, blob.digest), {
      method: "PUT",
      repository,
      body,
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(body.length) },
      timeoutMs: client.transferTimeoutMs,
    });
    finish(client, response, blob);
    options.onProgress?.(blob.size);
    return;
  }
  const streaming = options.chunkSize === undefined && blob.stream !== undefined;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  let offset = 0;
  let resumes = 0;
  while (offset < blob.size) {
    const length = streaming ? blob.size - offset : Math.min(chunkSize, blob.size - offset);
    const from = offset;
    const body = streaming ? counting(blob.stream!(offset), (sent) => options.onProgress?.(from + sent)) : await blob.read(offset, length);
    let response: HttpResponse;
    try {
      response = await client.session.send(location, {
        method: "PATCH",
        repository,
        body,
        headers: { "Content-Type": "application/octet-stream", "Content-Length": String(length), "Content-Range": `${offset}-${offset + length - 1}` },
        timeoutMs: client.transferTimeoutMs,
      });
      if (response.status >= 500) throw client.failure(`PATCH of ${short(blob.digest)}`, response);
    } catch (err) {
      if (err instanceof RegistryError && (err.status ?? 500) < 500) throw err;
      if (++resumes > 5) throw err;
      const status = await uploadStatus(client, repository, location);
      if (!status) throw new RegistryError(`the upload of ${short(blob.digest)} failed (${(err as Error).message}) and the registry no longer knows it`, 404);
      options.onRetry?.(`${short(blob.digest)}: ${(err as Error).message}; the registry kept ${status.offset} bytes, resuming from there`);
      location = status.location;
      offset = status.offset;
      options.onProgress?.(offset);
      continue;
    }
    // Right after a dropped connection the registry may still be storing what reached it, so the
    // offset it reported can be behind by the time the next chunk arrives (Distribution answers
    // 416 RANGE_INVALID then): ask again and go on from its new answer.
    if (response.status === 416 && resumes > 0 && resumes <= 5) {
      resumes += 1;
      await sleep(200);
      const status = await uploadStatus(client, repository, location);
      if (!status) throw new RegistryError(`the upload of ${short(blob.digest)} was refused at byte ${offset} and the registry no longer knows it`, 404);
      options.onRetry?.(`${short(blob.digest)}: the registry had moved on to ${status.offset} bytes; resuming from there`);
      location = status.location;
      offset = status.offset;
      options.onProgress?.(offset);
      continue;
    }
    if (response.status !== 202) throw client.failure(`PATCH of ${short(blob.digest)} (bytes ${offset}-${offset + length - 1})`, response, "where 202 accepts a chunk");
    location = uploadLocation(client, response, "PATCH");
    const kept = rangeEnd(response.headers.get("range"));
    offset = kept ?? offset + length;
    options.onProgress?.(offset);
  }
  const response = await client.session.send(withDigest(location, blob.digest), { method: "PUT", repository, headers: { "Content-Length": "0" } });
  finish(client, response, blob);
}

/** GET on the upload URL: `204` with `Range: 0-N` means N+1 bytes are kept. */
async function uploadStatus(client: RegistryClient, repository: string, location: string): Promise<{ offset: number; location: string } | undefined> {
  let response: HttpResponse;
  try {
    response = await client.session.send(location, { repository });
  } catch {
    return undefined;
  }
  if (response.status !== 204 && response.status !== 202) return undefined;
  const end = rangeEnd(response.headers.get("range"));
  const next = response.headers.get("location");
  return { offset: end ?? 0, location: next ? new URL(next, response.url).href : location };
}

/**
 * `0-1023` → 1024 (the next offset); some registries write `bytes=0-1023`. Distribution answers
 * `0-0` for an empty upload as well as for one byte; chunks are never one byte, so `0-0` is 0.
 */
export function rangeEnd(header: string | null): number | undefined {
  if (!header) return undefined;
  const match = /(\d+)-(\d+)/.exec(header);
  if (!match) return undefined;
  const end = Number(match[2]);
  return end === 0 ? 0 : end + 1;
}

/** Passes a stream through, reporting the bytes gone so far (for progress bars). */
async function* counting(source: AsyncIterable<Uint8Array>, onBytes: (sent: number) => void): AsyncIterable<Uint8Array> {
  let sent = 0;
  for await (const chunk of source) {
    sent += chunk.length;
    onBytes(sent);
    yield chunk;
  }
}

function finish(client: RegistryClient, response: HttpResponse, blob: BlobSource): void {
  if (response.status !== 201) throw client.failure(`PUT completing ${short(blob.digest)} (${blob.size} bytes)`, response, "where 201 completes the upload");
  const stored = response.headers.get("docker-content-digest");
  if (stored && stored !== blob.digest) throw new RegistryError(`the registry stored ${short(blob.digest)} as ${stored}: the bytes changed on the way`);
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.append("digest", digest);
  return url.href;
}

export function short(digest: string): string {
  return digest.slice(0, "sha256:".length + 12);
}
