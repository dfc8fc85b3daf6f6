/**
 * `registry list`, `registry info` and `registry rm`.
 *
 * `info` shows the manifest or index, its platforms, and each layer's media type, size and
 * digest. Where the registry stores layers on IPFS (OpenRegistry answers a blob GET with a 307 to
 * `<gateway>/ipfs/<cid>`), it also shows the CID and checks it: the layer is fetched from the
 * gateway, its sha256 must be the layer's digest, and re-importing the bytes with Kubo's `ipfs add`
 * defaults (verify/cid.ts) must give the CID; `served` says whether the gateway answered 200.
 */
import { httpRequest } from "../verify/http.js";
import { sha256Digest } from "../verify/oci-image.js";
import { RegistryError, redact, type RegistryClient } from "./client.js";
import { formatPlatform, parseManifest, selectPlatform, type Descriptor, type Platform } from "./manifest.js";
import { manifestReference, type ImageReference } from "./reference.js";

export interface IpfsLayerInfo {
  cid: string;
  gateway: string;
  /** The gateway answered 200 with the whole layer. */
  served: boolean;
  /** The bytes hash to the layer digest and re-import to the CID (undefined when not served). */
  verified?: boolean;
  problem?: string;
}

export interface LayerInfo extends Descriptor {
  ipfs?: IpfsLayerInfo;
}

export interface ImageDetails {
  platform?: string;
  digest: string;
  mediaType: string;
  config: Descriptor;
  layers: LayerInfo[];
  totalSize: number;
}

export interface ImageInfo {
  image: string;
  digest: string;
  mediaType: string;
  size: number;
  kind: "image" | "index";
  platforms: Array<{ platform: string; digest: string; size: number }>;
  images: ImageDetails[];
}

export async function imageInfo(client: RegistryClient, ref: ImageReference, options: { platform?: Platform; checkIpfs?: boolean; allowHttp?: boolean } = {}): Promise<ImageInfo> {
  const where = `${ref.host}/${ref.repository}:${manifestReference(ref)}`;
  const root = await client.getManifest(ref.repository, manifestReference(ref));
  const parsed = parseManifest(root.bytes, root.mediaType, where);
  const info: ImageInfo = { image: where, digest: root.digest, mediaType: root.mediaType, size: root.bytes.length, kind: parsed.kind, platforms: [], images: [] };
  const describeImage = async (digest: string, platform: string | undefined): Promise<ImageDetails> => {
    const manifest = digest === root.digest ? root : await client.getManifest(ref.repository, digest);
    const image = parseManifest(manifest.bytes, manifest.mediaType, `${where} (${digest})`);
    if (image.kind !== "image") throw new RegistryError(`${where}: nested index ${digest} is not supported`);
    const layers: LayerInfo[] = [];
    for (const layer of image.layers) layers.push(options.checkIpfs === false ? layer : { ...layer, ...(await ipfsOf(client, ref.repository, layer, options.allowHttp ?? false)) });
    return {
      ...(platform ? { platform } : {}),
      digest,
      mediaType: manifest.mediaType,
      config: image.config,
      layers,
      totalSize: image.config.size + image.layers.reduce((sum, l) => sum + l.size, 0),
    };
  };
  if (parsed.kind === "image") {
    info.images.push(await describeImage(root.digest, undefined));
    return info;
  }
  info.platforms = parsed.manifests.map((m) => ({ platform: formatPlatform(m.platform), digest: m.digest, size: m.size }));
  const chosen = options.platform ? [selectPlatform(parsed.manifests, options.platform, where)] : parsed.manifests;
  for (const entry of chosen) info.images.push(await describeImage(entry.digest, formatPlatform(entry.platform)));
  return info;
}

async function ipfsOf(client: RegistryClient, repository: string, layer: Descriptor, allowHttp: boolean): Promise<{ ipfs?: IpfsLayerInfo }> {
  const location = await client.blobRedirect(repository, layer.digest);
  const match = location ? /\/ipfs\/([A-Za-z0-9]+)/.exec(new URL(location).pathname) : null;
  if (!location || !match?.[1]) return {};
  const cid = match[1];
  const ipfs: IpfsLayerInfo = { cid, gateway: redact(location), served: false };
  // The UnixFS importer loads only where layers live on IPFS: push and pull never need it.
  const { fileMatchesCid, parseCid } = await import("../verify/cid.js");
  try {
    parseCid(cid);
  } catch (err) {
    return { ipfs: { ...ipfs, problem: (err as Error).message } };
  }
  // The gateway gets no credentials: it is another origin, and public by design.
  const response = await httpRequest(location, { allowHttp, maxBodyBytes: layer.size + 1, timeoutMs: client.transferTimeoutMs }).catch((err: Error) => err);
  if (response instanceof Error) return { ipfs: { ...ipfs, problem: `the gateway did not answer: ${response.message}` } };
  if (response.status !== 200) return { ipfs: { ...ipfs, problem: `the gateway answered HTTP ${response.status}` } };
  ipfs.served = true;
  if (response.body.length !== layer.size || sha256Digest(response.body) !== layer.digest) {
    return { ipfs: { ...ipfs, verified: false, problem: `the gateway served ${response.body.length} bytes hashing to ${sha256Digest(response.body)}, not the layer (${layer.size} bytes, ${layer.digest})` } };
  }
  const match2 = await fileMatchesCid(response.body, cid);
  if (!match2.matches) return { ipfs: { ...ipfs, verified: false, problem: `the layer re-imported with Kubo's defaults is ${match2.computed.map((c) => c.cid).join(" or ")}, not ${cid}` } };
  return { ipfs: { ...ipfs, verified: true } };
}

export interface ListResult {
  host: string;
  repository?: string;
  repositories?: string[];
  tags?: string[];
  pages: number;
}

export async function listRepositories(client: RegistryClient, pageSize?: number): Promise<ListResult> {
  const { items, pages } = await client.listAll("/v2/_catalog", "repositories", undefined, pageSize);
  return { host: client.host, repositories: items, pages };
}

export async function listTags(client: RegistryClient, repository: string, pageSize?: number): Promise<ListResult> {
  const { items, pages } = await client.listAll(`/v2/${repository}/tags/list`, "tags", repository, pageSize);
  return { host: client.host, repository, tags: items, pages };
}

export interface RemoveResult {
  image: string;
  digest: string;
  /** "tag": the registry deleted just the tag; "manifest": the manifest and every tag on it. */
  removed: "tag" | "manifest";
}

/**
 * By digest: deletes the manifest. By tag: asks the registry to delete the tag (OCI 1.1; Distribution
 * 3 does it); a registry that cannot (Distribution 2 answers 400/405) gets the manifest deleted by
 * digest, which removes every tag pointing at it, and the result says so.
 */
export async function removeImage(client: RegistryClient, ref: ImageReference): Promise<RemoveResult> {
  const image = `${ref.host}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? "latest"}`}`;
  const digest = await client.resolveDigest(ref.repository, manifestReference(ref));
  if (!digest) throw new RegistryError(`${image} does not exist (HTTP 404): nothing to remove`, 404);
  if (!ref.digest) {
    const byTag = await client.session.send(`/v2/${ref.repository}/manifests/${ref.tag ?? "latest"}`, { method: "DELETE", repository: ref.repository });
    if (byTag.status === 202 || byTag.status === 200 || byTag.status === 204) return { image, digest, removed: "tag" };
  }
  const deleted = await client.deleteManifest(ref.repository, digest);
  if (!deleted) throw new RegistryError(`${image} resolved to ${digest}, but the registry no longer has that manifest`, 404);
  return { image, digest, removed: "manifest" };
}
