/**
 * `akash-stack/ipfs`: a self-hosted IPFS storage service for apps deployed next to the registry
 * stack (upload, uploadDirectory, pin, unpin, get, nodeInfo, stats) on Kubo's RPC API, and a
 * factory that picks it when IPFS_API_URL is set, so an app migrating from a pinning service
 * switches by setting one variable.
 */
export { IpfsError } from "./errors.js";
export {
  KuboStorage,
  type AbortSignalLike,
  type CallOptions,
  type DirectoryEntry,
  type KuboStorageOptions,
  type NodeInfo,
  type RepoStats,
  type UploadContent,
  type UploadOptions,
  type UploadResult,
  type WebByteStream,
} from "./kubo.js";
export { createStorage, type CreateStorageOptions, type Storage, type StorageChoice } from "./storage.js";
