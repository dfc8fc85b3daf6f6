/**
 * The distribution API calls the registry commands make, on the verify module's authenticated
 * session (Basic and Bearer, tokens per repository): manifests, blob existence, streaming blob
 * reads, uploads (upload.ts), cross-repository mounts, and Link-paginated listings.
 */
import type { Readable } from "node:stream";
import { bodySnippet, type HttpResponse } from "../verify/http.js";
import { AuthError, RegistrySession, type RegistryCredentials } from "../verify/oci-auth.js";
import { sha256Digest } from "../verify/oci-image.js";
import { MANIFEST_MEDIA_TYPES } from "./media-types.js";

export interface ClientOptions {
  credentials?: RegistryCredentials;
  /** Talk plain http:// to the registry (loopback tests, local registries). */
  allowHttp?: boolean;
  /** Per-request time-out for small requests; blob transfers get `transferTimeoutMs`. */
  timeoutMs?: number;
  transferTimeoutMs?: number;
  /** What a refused or missing login should tell the user to do (default: run `registry login`). */
  howToLogIn?: { give: string; check: string };
}

/** A registry answered something a client cannot go on with. */
export class RegistryError extends Error {
  override readonly name = "RegistryError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface FetchedManifest {
  bytes: Uint8Array;
  mediaType: string;
  digest: string;
}

const DEFAULT_TRANSFER_TIMEOUT_MS = 60 * 60 * 1000;

export class RegistryClient {
  readonly session: RegistrySession;
  readonly transferTimeoutMs: number;

  constructor(
    readonly host: string,
    options: ClientOptions = {},
  ) {
    const scheme = options.allowHttp ? "http" : "https";
    this.session = new RegistrySession(new URL(`${scheme}://${host}/`), {
      allowHttp: options.allowHttp ?? false,
      howToLogIn: options.howToLogIn ?? { give: `run \`akash-stack registry login ${host}\` first`, check: `log in again with \`akash-stack registry login ${host}\`` },
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    this.transferTimeoutMs = options.transferTimeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS;
  }

  /** `GET /v2/`: proves the registry answers and, with credentials, that it accepts them. */
  async ping(): Promise<void> {
    const response = await this.session.send("/v2/");
    if (response.status !== 200) throw this.failure(`GET /v2/`, response, "where an OCI registry answers 200 (after login)");
  }

  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const path = `/v2/${repository}/manifests/${reference}`;
    const response = await this.session.send(path, { repository, headers: { Accept: MANIFEST_MEDIA_TYPES.join(", ") } });
    if (response.status === 404) throw new RegistryError(`${this.host}/${repository} has no manifest ${reference} (HTTP 404): check the name and tag with \`akash-stack registry list ${this.host}/${repository}\``, 404);
    if (response.status !== 200) throw this.failure(`GET ${path}`, response);
    const digest = sha256Digest(response.body);
    if (reference.startsWith("sha256:") && digest !== reference) {
      throw new RegistryError(`the manifest ${this.host}/${repository}@${reference} as served hashes to ${digest}: the registry changed its bytes, so nothing pulled from it can be trusted`);
    }
    const mediaType = response.headers.get("content-type")?.split(";")[0]?.trim() || mediaTypeInside(response.body);
    return { bytes: response.body, mediaType, digest };
  }

  /** The digest a tag points at, or undefined when there is no such manifest. */
  async resolveDigest(repository: string, reference: string): Promise<string | undefined> {
    if (reference.startsWith("sha256:")) return reference;
    const path = `/v2/${repository}/manifests/${reference}`;
    const response = await this.session.send(path, { method: "HEAD", repository, headers: { Accept: MANIFEST_MEDIA_TYPES.join(", ") } });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.failure(`HEAD ${path}`, response);
    const header = response.headers.get("docker-content-digest");
    if (header) return header;
    return (await this.getManifest(repository, reference)).digest;
  }

  async putManifest(repository: string, reference: string, manifest: FetchedManifest): Promise<void> {
    const path = `/v2/${repository}/manifests/${reference}`;
    const response = await this.session.send(path, {
      method: "PUT",
      repository,
      body: manifest.bytes,
      headers: { "Content-Type": manifest.mediaType, "Content-Length": String(manifest.bytes.length) },
    });
    if (response.status !== 201) throw this.failure(`PUT ${path}`, response, "where 201 stores the manifest");
    const stored = response.headers.get("docker-content-digest");
    if (stored && stored !== manifest.digest) throw new RegistryError(`the registry stored the manifest of ${repository}:${reference} as ${stored}, but its bytes hash to ${manifest.digest}: pulls by digest would fail`);
  }

  /** DELETE a manifest by tag or digest; false when the registry does not have it. */
  async deleteManifest(repository: string, reference: string): Promise<boolean> {
    const path = `/v2/${repository}/manifests/${reference}`;
    const response = await this.session.send(path, { method: "DELETE", repository });
    if (response.status === 202 || response.status === 200 || response.status === 204) return true;
    if (response.status === 404) return false;
    if (response.status === 405 || /UNSUPPORTED/.test(bodySnippet(response.body))) {
      throw new RegistryError(`${this.host} does not allow deleting ${reference.startsWith("sha256:") ? "manifests" : "tags"} (HTTP ${response.status}${bodySnippet(response.body) ? `: ${bodySnippet(response.body)}` : ""})${reference.startsWith("sha256:") ? "; CNCF Distribution needs storage.delete.enabled: true" : ""}`, response.status);
    }
    throw this.failure(`DELETE ${path}`, response);
  }

  /** The blob's size when the repository has it, else undefined. */
  async blobSize(repository: string, digest: string): Promise<number | undefined> {
    const path = `/v2/${repository}/blobs/${digest}`;
    const response = await this.session.send(path, { method: "HEAD", repository });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.failure(`HEAD ${path}`, response);
    const length = response.headers.get("content-length");
    return length === null ? undefined : Number(length);
  }

  /** GET a blob as a stream (redirects followed, e.g. OpenRegistry's 307 to the IPFS gateway). */
  async openBlob(repository: string, digest: string): Promise<{ stream: Readable; response: HttpResponse }> {
    const path = `/v2/${repository}/blobs/${digest}`;
    const response = await this.session.send(path, { repository, stream: true, timeoutMs: this.transferTimeoutMs });
    if (response.status !== 200 || !response.stream) throw this.failure(`GET ${path}${response.redirects.length ? ` (via ${response.redirects.map(redact).join(" -> ")})` : ""}`, response);
    return { stream: response.stream, response };
  }

  /** Where a blob GET redirects to (OpenRegistry: the IPFS gateway), without following it. */
  async blobRedirect(repository: string, digest: string): Promise<string | undefined> {
    const path = `/v2/${repository}/blobs/${digest}`;
    const response = await this.session.send(path, { repository, followRedirects: false, stream: true });
    response.stream?.destroy();
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) return new URL(location, response.url).href;
    if (response.status !== 200) throw this.failure(`GET ${path}`, response);
    return undefined;
  }

  async deleteBlob(repository: string, digest: string): Promise<boolean> {
    const path = `/v2/${repository}/blobs/${digest}`;
    const response = await this.session.send(path, { method: "DELETE", repository });
    if (response.status === 202 || response.status === 200 || response.status === 204) return true;
    if (response.status === 404) return false;
    throw this.failure(`DELETE ${path}`, response);
  }

  /** Every page of a Link-paginated listing (`/v2/_catalog`, `/v2/<repo>/tags/list`). */
  async listAll(firstPath: string, field: "repositories" | "tags", repository?: string, pageSize = 100): Promise<{ items: string[]; pages: number }> {
    const items: string[] = [];
    let next: string | undefined = `${firstPath}?n=${pageSize}`;
    let pages = 0;
    while (next) {
      const response = await this.session.send(next, repository ? { repository } : { repository: "catalog:*" });
      if (response.status === 404 && field === "tags") throw new RegistryError(`${this.host} has no repository ${repository ?? ""} (HTTP 404)`, 404);
      if (response.status !== 200) throw this.failure(`GET ${next}`, response, field === "repositories" ? "(some registries, OpenRegistry among them, list only with extra rights)" : "");
      pages++;
      let page: Record<string, unknown>;
      try {
        page = JSON.parse(new TextDecoder().decode(response.body)) as Record<string, unknown>;
      } catch {
        throw new RegistryError(`GET ${next} answered 200 but not JSON: ${bodySnippet(response.body)}`);
      }
      const list = page[field];
      if (list !== null && list !== undefined && !Array.isArray(list)) throw new RegistryError(`GET ${next} answered a "${field}" that is not a list`);
      for (const item of (list ?? []) as unknown[]) if (typeof item === "string") items.push(item);
      next = nextLink(response.headers.get("link"), response.url, this.session.baseUrl);
    }
    return { items, pages };
  }

  failure(what: string, response: HttpResponse, expectation = ""): RegistryError {
    const body = bodySnippet(response.body);
    const hint = statusHint(response.status);
    return new RegistryError(`${what} on ${this.host} answered HTTP ${response.status}${expectation ? ` ${expectation}` : ""}${body ? `: ${body}` : ""}${hint ? ` (${hint})` : ""}`, response.status);
  }
}

/** `Link: </v2/_catalog?last=b&n=2>; rel="next"` → the next page's URL (relative to the registry). */
export function nextLink(header: string | null, currentUrl: string, base: URL): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (match && /rel\s*=\s*"?next"?/i.test(match[2] ?? "")) {
      const url = new URL(match[1]!, currentUrl);
      // Stay on the registry: a Link to another origin is not followed with our credentials.
      if (url.origin !== base.origin) return undefined;
      return url.pathname + url.search;
    }
  }
  return undefined;
}

function mediaTypeInside(bytes: Uint8Array): string {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: unknown };
    if (typeof parsed.mediaType === "string") return parsed.mediaType;
  } catch {
    // fall through: the caller reports what it cannot parse
  }
  return "application/vnd.oci.image.manifest.v1+json";
}

function statusHint(status: number): string {
  switch (status) {
    case 401:
    case 403:
      return "the account may not do this here; log in as a user with access";
    case 413:
      return "a proxy in front of the registry limits request bodies; Akash ingress allows at most 100 MiB (http_options.max_body_size)";
    case 429:
      return "the registry is rate-limiting; try again later";
    default:
      return "";
  }
}

export function redact(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

export { AuthError };
