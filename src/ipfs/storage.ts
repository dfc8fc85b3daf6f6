/**
 * Choosing where an app stores files: self-hosted Kubo when IPFS_API_URL is set (with
 * IPFS_GATEWAY_URL for the URLs it returns and IPFS_TIMEOUT_MS for calls), else the app's own
 * fallback (its pinning service client, until it migrates). Both sides satisfy `Storage`, the
 * part of the API apps use day to day.
 */
import { IpfsError } from "./errors.js";
import { KuboStorage, type CallOptions, type UploadContent, type UploadOptions, type UploadResult } from "./kubo.js";

export interface Storage {
  readonly kind: string;
  upload(content: UploadContent, options?: UploadOptions): Promise<UploadResult>;
  pin(cid: string, options?: CallOptions): Promise<void>;
  unpin(cid: string, options?: CallOptions): Promise<void>;
  get(cid: string, options?: CallOptions): AsyncIterable<Uint8Array>;
}

export type StorageChoice<F extends Storage> = { kind: "kubo"; storage: KuboStorage } | { kind: "fallback"; storage: F };

export interface CreateStorageOptions<F extends Storage> {
  /** Where IPFS_API_URL, IPFS_GATEWAY_URL and IPFS_TIMEOUT_MS are read (default: the process's environment). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The storage to use when IPFS_API_URL is not set, e.g. the app's pinning service client. */
  fallback?: () => F;
}

export function createStorage<F extends Storage = never>(options: CreateStorageOptions<F> = {}): StorageChoice<F> {
  const env = options.env ?? (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const apiUrl = env.IPFS_API_URL?.trim();
  if (apiUrl) {
    const timeout = env.IPFS_TIMEOUT_MS ? Number(env.IPFS_TIMEOUT_MS) : undefined;
    if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) throw new IpfsError(`IPFS_TIMEOUT_MS ${JSON.stringify(env.IPFS_TIMEOUT_MS)} is not a positive number of milliseconds`, "configure", "invalid");
    const gatewayUrl = env.IPFS_GATEWAY_URL?.trim();
    return { kind: "kubo", storage: new KuboStorage({ apiUrl, ...(gatewayUrl ? { gatewayUrl } : {}), ...(timeout ? { timeoutMs: timeout } : {}) }) };
  }
  if (options.fallback) return { kind: "fallback", storage: options.fallback() };
  throw new IpfsError("IPFS_API_URL is not set: set it to your Kubo node's RPC API (e.g. http://ipfs:5001) to use self-hosted IPFS, or pass a fallback storage", "configure", "invalid");
}
