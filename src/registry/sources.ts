/**
 * Where `registry push` reads an image from, without a Docker daemon:
 * - an OCI image layout folder (`oci-layout`, `index.json`, `blobs/sha256/…`), e.g. from
 *   `skopeo copy … oci:DIR` or `docker buildx build --output type=oci,tar=false`;
 * - an OCI archive: the same layout in a tar file (`buildx --output type=oci`, `skopeo … oci-archive:`);
 * - a `docker save` tarball: `manifest.json` naming a config and layer tars. Docker 25 and later
 *   also write an OCI layout into the tarball, which is then used as is. Older tarballs get an OCI
 *   manifest made for them, with their layers sent as they are (uncompressed tar, as docker saved
 *   them; the digest is the layer's diff ID, so nothing is recompressed or rewritten).
 * Archives are read in place (tar.ts); only manifests are held in memory.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { sha256Digest } from "../verify/oci-image.js";
import type { FetchedManifest } from "./client.js";
import { parseManifest, type Descriptor } from "./manifest.js";
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER_TAR, OCI_MANIFEST } from "./media-types.js";
import { indexTar, readRegion, type TarMember } from "./tar.js";
import type { BlobSource } from "./upload.js";

export type SourceKind = "oci-layout" | "oci-archive" | "docker-archive";

export interface ImageSource {
  kind: SourceKind;
  path: string;
  /** The manifest or index to tag. */
  root: FetchedManifest;
  /** A manifest named by an index in this source. */
  manifest(digest: string): Promise<FetchedManifest>;
  blob(descriptor: Descriptor): BlobSource;
}

export class SourceError extends Error {
  override readonly name = "SourceError";
}

/** A byte range of a file: a blob file, or a member of a tar. */
interface Region {
  file: string;
  offset: number;
  size: number;
}

const REF_NAME = "org.opencontainers.image.ref.name";

/** Opens SOURCE; `tag` picks among several images in it (by ref name or RepoTags). */
export async function openSource(path: string, tag: string | undefined): Promise<ImageSource> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new SourceError(`${path} does not exist: give a docker save tarball, an OCI layout folder or an OCI archive`);
  }
  if (info.isDirectory()) {
    const locate = async (name: string): Promise<Region | undefined> => {
      const file = join(path, name);
      try {
        return { file, offset: 0, size: (await stat(file)).size };
      } catch {
        return undefined;
      }
    };
    if (!(await locate("index.json"))) throw new SourceError(`${path} is a folder without index.json, so not an OCI image layout (skopeo copy … oci:${path}:TAG makes one)`);
    return openLayout("oci-layout", path, locate, tag);
  }
  const members = await indexTar(path);
  const locate = async (name: string): Promise<Region | undefined> => {
    const member = members.get(name);
    return member ? { file: path, offset: member.offset, size: member.size } : undefined;
  };
  if (members.has("index.json") && members.has("oci-layout")) return openLayout(members.has("manifest.json") ? "docker-archive" : "oci-archive", path, locate, tag);
  if (members.has("manifest.json")) return openDockerArchive(path, members, tag);
  throw new SourceError(`${path} is a tar file with neither index.json (an OCI archive) nor manifest.json (a docker save tarball)`);
}

async function readWhole(region: Region): Promise<Uint8Array> {
  return readRegion(region.file, region.offset, region.size);
}

function regionBlob(digest: string, region: Region): BlobSource {
  return { digest, size: region.size, read: (offset, length) => readRegion(region.file, region.offset + offset, length), stream: (offset) => streamRegion(region, offset) };
}

/** Bytes of a region from `offset` to its end, read in 1 MiB pieces. */
function streamRegion(region: Region, offset: number): AsyncIterable<Uint8Array> {
  if (offset >= region.size) return (async function* () {})();
  return createReadStream(region.file, { start: region.offset + offset, end: region.offset + region.size - 1, highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>;
}

async function openLayout(kind: SourceKind, path: string, locate: (name: string) => Promise<Region | undefined>, tag: string | undefined): Promise<ImageSource> {
  const indexRegion = (await locate("index.json"))!;
  const index = parseManifest(await readWhole(indexRegion), OCI_INDEX, `${path}/index.json`);
  if (index.kind !== "index") throw new SourceError(`${path}/index.json is not an image index`);
  const entry = pickLayoutEntry(index.manifests, tag, path);
  const blobRegion = async (digest: string, expectedSize?: number): Promise<Region> => {
    const name = `blobs/${digest.replace(":", "/")}`;
    const region = await locate(name);
    if (!region) throw new SourceError(`${path} lacks ${name}, which its manifests name: the layout is incomplete`);
    if (expectedSize !== undefined && region.size !== expectedSize) throw new SourceError(`${path}: ${name} is ${region.size} bytes, but its descriptor says ${expectedSize}`);
    return region;
  };
  const manifest = async (digest: string): Promise<FetchedManifest> => {
    const bytes = await readWhole(await blobRegion(digest));
    const actual = sha256Digest(bytes);
    if (actual !== digest) throw new SourceError(`${path}: the manifest blob ${digest} hashes to ${actual}: the layout is corrupt`);
    const parsed = parseManifest(bytes, OCI_MANIFEST, `${path} ${digest}`);
    return { bytes, digest, mediaType: parsed.mediaType };
  };
  const root = await manifest(entry.digest);
  // Blob regions are looked up lazily; sizes were checked against descriptors above on use.
  const regions = new Map<string, Region>();
  return {
    kind,
    path,
    root,
    manifest,
    blob(descriptor) {
      const region = async (): Promise<Region> => {
        let found = regions.get(descriptor.digest);
        if (!found) {
          found = await blobRegion(descriptor.digest, descriptor.size);
          regions.set(descriptor.digest, found);
        }
        return found;
      };
      return {
        digest: descriptor.digest,
        size: descriptor.size,
        read: async (offset, length) => {
          const r = await region();
          return readRegion(r.file, r.offset + offset, length);
        },
        stream: (offset) =>
          (async function* () {
            yield* streamRegion(await region(), offset);
          })(),
      };
    },
  };
}

function pickLayoutEntry(entries: readonly Descriptor[], tag: string | undefined, path: string): Descriptor {
  if (entries.length === 0) throw new SourceError(`${path}/index.json lists no images`);
  if (entries.length === 1) return entries[0]!;
  const names = entries.map((e) => e.annotations?.[REF_NAME] ?? e.digest);
  // Docker 25+ names images by full reference (`docker.io/library/app:1`), skopeo by tag alone.
  const match = tag === undefined ? undefined : entries.find((e) => { const n = e.annotations?.[REF_NAME]; return n === tag || n?.endsWith(`:${tag}`); });
  if (!match) throw new SourceError(`${path} holds ${entries.length} images (${names.join(", ")}); name one by the tag in IMAGE`);
  return match;
}

interface DockerSaveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

async function openDockerArchive(path: string, members: Map<string, TarMember>, tag: string | undefined): Promise<ImageSource> {
  const member = (name: string): TarMember => {
    const found = members.get(name);
    if (!found) throw new SourceError(`${path}: manifest.json names ${name}, which is not in the tarball`);
    return found;
  };
  const listing = member("manifest.json");
  let entries: DockerSaveEntry[];
  try {
    entries = JSON.parse(new TextDecoder().decode(await readRegion(path, listing.offset, listing.size))) as DockerSaveEntry[];
    if (!Array.isArray(entries) || entries.length === 0) throw new Error("no images listed");
  } catch (err) {
    throw new SourceError(`${path}: manifest.json is not docker save's list of images (${(err as Error).message})`);
  }
  const entry = entries.length === 1 ? entries[0]! : entries.find((e) => tag !== undefined && (e.RepoTags ?? []).some((t) => t.endsWith(`:${tag}`)));
  if (!entry) throw new SourceError(`${path} holds ${entries.length} images (${entries.map((e) => (e.RepoTags ?? []).join(" ") || e.Config).join(", ")}); name one by the tag in IMAGE`);

  const configMember = member(entry.Config);
  const configBytes = await readRegion(path, configMember.offset, configMember.size);
  const config: Descriptor = { mediaType: OCI_CONFIG, digest: sha256Digest(configBytes), size: configBytes.length };
  const regions = new Map<string, Region>([[config.digest, { file: path, offset: configMember.offset, size: configMember.size }]]);
  const layers: Descriptor[] = [];
  for (const name of entry.Layers) {
    const layer = member(name);
    const { digest, gzip } = await hashRegion(path, layer);
    regions.set(digest, { file: path, offset: layer.offset, size: layer.size });
    layers.push({ mediaType: gzip ? `${OCI_LAYER_TAR}+gzip` : OCI_LAYER_TAR, digest, size: layer.size });
  }
  const manifestJson = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers };
  const bytes = new TextEncoder().encode(JSON.stringify(manifestJson));
  const root: FetchedManifest = { bytes, mediaType: OCI_MANIFEST, digest: sha256Digest(bytes) };
  return {
    kind: "docker-archive",
    path,
    root,
    manifest: async (digest) => {
      if (digest === root.digest) return root;
      throw new SourceError(`${path} has no manifest ${digest}`);
    },
    blob(descriptor) {
      const region = regions.get(descriptor.digest);
      if (!region) throw new SourceError(`${path} has no blob ${descriptor.digest}`);
      return regionBlob(descriptor.digest, region);
    },
  };
}

/** sha256 of a tar member, streamed; and whether it is gzip'd (docker save writes plain tars). */
async function hashRegion(path: string, member: TarMember): Promise<{ digest: string; gzip: boolean }> {
  const hash = createHash("sha256");
  let first: Buffer | undefined;
  if (member.size > 0) {
    for await (const chunk of createReadStream(path, { start: member.offset, end: member.offset + member.size - 1, highWaterMark: 1024 * 1024 })) {
      first ??= chunk as Buffer;
      hash.update(chunk as Buffer);
    }
  }
  return { digest: `sha256:${hash.digest("hex")}`, gzip: first !== undefined && first[0] === 0x1f && first[1] === 0x8b };
}

