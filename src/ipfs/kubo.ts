/**
 * A self-hosted IPFS storage service for apps, on a Kubo node's RPC API.
 *
 * Built on `kubo-rpc-client`, the maintained successor of ipfs-http-client from the Kubo team: it
 * speaks the RPC's multipart uploads and streamed NDJSON answers, and turns Kubo's error bodies
 * into errors, so this module adds only what apps need on top: plain results (`{cid, size, url}`,
 * numbers instead of bigints), a time-out on every call that also honours the caller's abort
 * signal, and errors that say which node failed and what to check.
 */
import { stat } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { create, globSource, type KuboRPCClient } from "kubo-rpc-client";
import { explainFailure, IpfsError } from "./errors.js";

export interface KuboStorageOptions {
  /** Kubo's RPC API, e.g. http://ipfs:5001 (IPFS_API_URL). */
  apiUrl: string;
  /** A public gateway for `url` in results, e.g. https://ipfs.example.com (IPFS_GATEWAY_URL). */
  gatewayUrl?: string;
  /** Per-call time-out in ms (default 60 s; uploads of large files may need more). */
  timeoutMs?: number;
  /** Extra headers on every RPC request, e.g. Authorization for API.Authorizations. */
  headers?: Record<string, string>;
}

/**
 * What the module needs of an AbortSignal. Declared here rather than naming the DOM's or Node's
 * `AbortSignal`, so the package's declarations type-check in projects without `@types/node` or the
 * DOM library (an `init` project has neither); any real AbortSignal fits.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export interface CallOptions {
  signal?: AbortSignalLike;
  timeoutMs?: number;
}

export interface UploadOptions extends CallOptions {
  /** Pin what is added (Kubo's default, and what a pinning service does). Default true. */
  pin?: boolean;
}

export interface UploadResult {
  cid: string;
  /** Bytes of content (for a directory, of all its files). */
  size: number;
  /** Where the content can be fetched: the gateway's /ipfs/<cid>, or ipfs://<cid> without one. */
  url: string;
}

/**
 * Bytes, a string (as UTF-8), a stream of bytes (a Node `Readable`, a web `ReadableStream` such as
 * a fetch body, or any async iterable of Uint8Array) or a file on disk (`{path}`).
 */
export type UploadContent = Uint8Array | string | AsyncIterable<Uint8Array> | WebByteStream | { path: string };

/**
 * A web `ReadableStream` of bytes, as the DOM library types it (without async iteration unless the
 * project adds `DOM.AsyncIterable`): what `fetch(…).body` is in a browser-typed project.
 */
export interface WebByteStream {
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>; releaseLock(): void };
}

export interface DirectoryEntry {
  /** Path inside the directory, e.g. `img/logo.png`. */
  path: string;
  content: Uint8Array | string;
}

export interface NodeInfo {
  id: string;
  agentVersion: string;
  /** Undefined when the node does not say: Kubo's `id` answer no longer has ProtocolVersion (0.42 omits it). */
  protocolVersion: string | undefined;
  addresses: string[];
}

export interface RepoStats {
  numObjects: number;
  repoSize: number;
  storageMax: number;
  version: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export class KuboStorage {
  readonly kind = "kubo";
  private readonly client: KuboRPCClient;
  private readonly apiUrl: string;

  constructor(private readonly options: KuboStorageOptions) {
    let url: URL;
    try {
      url = new URL(options.apiUrl);
    } catch {
      throw new IpfsError(`IPFS_API_URL ${JSON.stringify(options.apiUrl)} is not a URL: expected e.g. http://ipfs:5001`, "configure", "invalid");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new IpfsError(`IPFS_API_URL ${options.apiUrl} must be http:// or https://`, "configure", "invalid");
    this.apiUrl = url.origin;
    this.client = create({ url: url.href.replace(/\/$/, ""), ...(options.headers ? { headers: options.headers } : {}) });
  }

  /** Adds bytes, a string, a stream or a file (`{path}`) and pins it. */
  async upload(content: UploadContent, options: UploadOptions = {}): Promise<UploadResult> {
    return this.call("upload", options, async (signal) => {
      const counted = countBytes(await toByteIterable(content));
      const added = await this.client.add(counted.iterable, { pin: options.pin ?? true, cidVersion: 0, signal });
      return { cid: added.cid.toString(), size: counted.total(), url: this.urlOf(added.cid.toString()) };
    });
  }

  /** Adds a folder from disk (every file, hidden ones too) or a list of entries, wrapped in one directory. */
  async uploadDirectory(source: string | readonly DirectoryEntry[], options: UploadOptions = {}): Promise<UploadResult> {
    return this.call("uploadDirectory", options, async (signal) => {
      let size = 0;
      let root: string | undefined;
      if (typeof source === "string") {
        const info = await stat(source).catch(() => undefined);
        if (!info?.isDirectory()) throw new IpfsError(`uploadDirectory: ${source} is not a folder`, "uploadDirectory", "invalid");
        // Sizes are known only once each file's bytes have gone to Kubo: count as they stream.
        const counters: Array<() => number> = [];
        const files = async function* () {
          for await (const file of globSource(source, "**/*", { hidden: true })) {
            if (!file.content) {
              yield file;
              continue;
            }
            const counted = countBytes(file.content as AsyncIterable<Uint8Array>);
            counters.push(counted.total);
            yield { ...file, content: counted.iterable };
          }
        };
        for await (const added of this.client.addAll(files(), { wrapWithDirectory: true, pin: options.pin ?? true, cidVersion: 0, signal })) if (added.path === "") root = added.cid.toString();
        size = counters.reduce((sum, total) => sum + total(), 0);
      } else {
        const entries = source.map((e) => ({ path: e.path, content: typeof e.content === "string" ? new TextEncoder().encode(e.content) : e.content }));
        size = entries.reduce((sum, e) => sum + e.content.length, 0);
        for await (const added of this.client.addAll(entries, { wrapWithDirectory: true, pin: options.pin ?? true, cidVersion: 0, signal })) if (added.path === "") root = added.cid.toString();
      }
      if (!root) throw new IpfsError(`uploadDirectory: Kubo at ${this.apiUrl} returned no directory CID`, "uploadDirectory", "invalid");
      return { cid: root, size, url: this.urlOf(root) };
    });
  }

  async pin(cid: string, options: CallOptions = {}): Promise<void> {
    await this.call("pin", options, async (signal) => {
      await this.client.pin.add(cid, { signal });
    });
  }

  async unpin(cid: string, options: CallOptions = {}): Promise<void> {
    await this.call("unpin", options, async (signal) => {
      await this.client.pin.rm(cid, { signal });
    });
  }

  /** Whether `cid` is pinned (recursively or directly) on this node. */
  async isPinned(cid: string, options: CallOptions = {}): Promise<boolean> {
    return this.call("isPinned", options, async (signal) => {
      try {
        for await (const pin of this.client.pin.ls({ paths: cid, signal })) if (pin.type !== "indirect") return true;
        return false;
      } catch (err) {
        if (/is not pinned/.test((err as Error).message)) return false;
        throw err;
      }
    });
  }

  /**
   * The content of a file CID as a stream. At run time it is a Node `Readable` (so
   * `stream.pipeline(storage.get(cid), response)` and `for await` both work); it is declared as
   * an async iterable of bytes so the declarations need no `@types/node`, and so a fallback
   * storage can return any stream. The time-out covers the whole read, so a caller reading slowly
   * from a large file should pass a larger `timeoutMs`.
   */
  get(cid: string, options: CallOptions = {}): AsyncIterable<Uint8Array> {
    const { signal, done } = this.signalFor(options);
    const client = this.client;
    const explain = (err: unknown) => explainFailure(timedOut(signal, options) ?? err, "get", this.apiUrl, options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal);
    async function* read() {
      try {
        for await (const chunk of client.cat(cid, { signal })) yield chunk;
      } catch (err) {
        throw explain(err);
      } finally {
        done();
      }
    }
    return Readable.from(read(), { objectMode: false });
  }

  async nodeInfo(options: CallOptions = {}): Promise<NodeInfo> {
    return this.call("nodeInfo", options, async (signal) => {
      const id = await this.client.id({ signal });
      return { id: id.id.toString(), agentVersion: id.agentVersion, protocolVersion: id.protocolVersion || undefined, addresses: (id.addresses ?? []).map((a) => a.toString()) };
    });
  }

  async stats(options: CallOptions = {}): Promise<RepoStats> {
    return this.call("stats", options, async (signal) => {
      const s = await this.client.repo.stat({ signal });
      return { numObjects: Number(s.numObjects), repoSize: Number(s.repoSize), storageMax: Number(s.storageMax), version: s.version };
    });
  }

  private urlOf(cid: string): string {
    return this.options.gatewayUrl ? `${this.options.gatewayUrl.replace(/\/+$/, "")}/ipfs/${cid}` : `ipfs://${cid}`;
  }

  /** The caller's signal and the time-out as one signal; `done` clears the timer. */
  private signalFor(options: CallOptions): { signal: AbortSignal; done: () => void } {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
    const onAbort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    return {
      signal: controller.signal,
      done: () => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      },
    };
  }

  private async call<T>(operation: string, options: CallOptions, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { signal, done } = this.signalFor(options);
    try {
      return await work(signal);
    } catch (err) {
      throw explainFailure(timedOut(signal, options) ?? err, operation, this.apiUrl, options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal);
    } finally {
      done();
    }
  }
}

/** Our time-out fired (not the caller's abort): kubo-rpc-client reports both as a bare abort. */
function timedOut(signal: AbortSignal, options: CallOptions): Error | undefined {
  return signal.aborted && !options.signal?.aborted ? Object.assign(new Error("timed out"), { name: "TimeoutError" }) : undefined;
}

async function toByteIterable(content: UploadContent): Promise<AsyncIterable<Uint8Array>> {
  if (typeof content === "string") return single(new TextEncoder().encode(content));
  if (content instanceof Uint8Array) return single(content);
  if (typeof (content as { path?: unknown }).path === "string" && !(Symbol.asyncIterator in content)) {
    const path = (content as { path: string }).path;
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new IpfsError(`upload: ${path} is not a readable file`, "upload", "invalid");
    return createReadStream(path) as AsyncIterable<Uint8Array>;
  }
  if (Symbol.asyncIterator in (content as object)) return content as AsyncIterable<Uint8Array>;
  if (typeof (content as { getReader?: unknown }).getReader === "function") return readAll(content as WebByteStream);
  throw new IpfsError("upload: the content is not bytes, a string, a stream of bytes or {path}", "upload", "invalid");
}

/** A web stream that is not async-iterable (some runtimes' and polyfills'), read through its reader. */
async function* readAll(stream: WebByteStream): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function* single(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

function countBytes(source: AsyncIterable<Uint8Array>): { iterable: AsyncIterable<Uint8Array>; total: () => number } {
  let total = 0;
  return {
    iterable: (async function* () {
      for await (const chunk of source) {
        total += chunk.length;
        yield chunk;
      }
    })(),
    total: () => total,
  };
}
