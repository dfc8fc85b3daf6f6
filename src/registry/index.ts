/**
 * Pushing, pulling, copying, listing, inspecting and removing images in OCI registries without a
 * Docker daemon, with credentials shared with docker (docker-config.ts). `cli/registry.ts` is a
 * thin layer over these.
 */
export { RegistryClient, RegistryError, type ClientOptions, type FetchedManifest } from "./client.js";
export { copyImage } from "./copy.js";
export { dockerConfigPath, eraseCredentials, getCredentials, storeCredentials, CredentialStoreError, type StoredIn } from "./docker-config.js";
export { imageInfo, listRepositories, listTags, removeImage, type ImageInfo, type ListResult, type RemoveResult } from "./inspect.js";
export { formatPlatform, parsePlatform, type Platform } from "./manifest.js";
export { createProgress, silentProgress, type Progress } from "./progress.js";
export { pullImage, type PullReport } from "./pull.js";
export { pushImage, type PushReport } from "./push.js";
export { formatReference, parseHost, parseReference, ReferenceError, type ImageReference } from "./reference.js";
export { openSource, SourceError, type ImageSource } from "./sources.js";
export { DEFAULT_CHUNK_SIZE, uploadBlob, type BlobSource } from "./upload.js";
