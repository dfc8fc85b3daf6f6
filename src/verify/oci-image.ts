/**
 * The scratch image the push test sends: a real, pullable OCI image (config, one gzip'd tar layer,
 * image manifest). The layer holds one file of random bytes so that it does not compress: it must
 * stay over 256 KiB, where IPFS splits a file into several blocks and OpenRegistry's IPFS backend
 * is known to misreport sizes (registry-stack.md §1.5). Random content also means every run pushes
 * new blobs, so a registry cannot pass by serving what an earlier run left behind.
 */
import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

/** IPFS (Kubo) splits files into blocks of this size; a layer above it is multi-block. */
export const IPFS_CHUNK_SIZE = 256 * 1024;
export const DEFAULT_LAYER_PAYLOAD = 300 * 1024;

export interface ImageBlob {
  role: "config" | "layer";
  mediaType: string;
  bytes: Uint8Array;
  digest: string;
  size: number;
}

export interface TestImage {
  config: ImageBlob;
  layer: ImageBlob;
  manifest: Uint8Array;
  manifestDigest: string;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function generateTestImage(layerPayloadBytes: number = DEFAULT_LAYER_PAYLOAD, now: Date = new Date()): TestImage {
  const tar = tarWithOneFile("akash-stack-verify.bin", randomBytes(layerPayloadBytes), now);
  const layerBytes = new Uint8Array(gzipSync(tar));
  if (layerPayloadBytes >= IPFS_CHUNK_SIZE && layerBytes.length <= IPFS_CHUNK_SIZE) {
    throw new Error(`the generated layer is ${layerBytes.length} bytes, not over ${IPFS_CHUNK_SIZE}: random bytes should not compress (bug)`);
  }
  const layer = blob("layer", OCI_LAYER_GZIP, layerBytes);
  const configJson = {
    created: now.toISOString(),
    architecture: "amd64",
    os: "linux",
    config: {},
    rootfs: { type: "layers", diff_ids: [sha256Digest(tar)] },
    history: [{ created: now.toISOString(), created_by: "akash-stack verify --push-test", comment: "scratch image; safe to delete" }],
  };
  const config = blob("config", OCI_CONFIG, new TextEncoder().encode(JSON.stringify(configJson)));
  const manifestJson = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor(config),
    layers: [descriptor(layer)],
    annotations: { "org.opencontainers.image.description": "scratch image pushed by akash-stack verify --push-test; safe to delete" },
  };
  const manifest = new TextEncoder().encode(JSON.stringify(manifestJson));
  return { config, layer, manifest, manifestDigest: sha256Digest(manifest) };
}

function blob(role: ImageBlob["role"], mediaType: string, bytes: Uint8Array): ImageBlob {
  return { role, mediaType, bytes, digest: sha256Digest(bytes), size: bytes.length };
}

function descriptor(b: ImageBlob): { mediaType: string; digest: string; size: number } {
  return { mediaType: b.mediaType, digest: b.digest, size: b.size };
}

const BLOCK = 512;

/** A POSIX ustar archive with one regular file: header, content padded to 512, two zero blocks. */
export function tarWithOneFile(name: string, content: Uint8Array, mtime: Date): Uint8Array {
  if (Buffer.byteLength(name) > 100) throw new RangeError(`tar member name too long: ${name}`);
  const header = Buffer.alloc(BLOCK, 0);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, "ascii");
  const octal = (value: number, digits: number) => value.toString(8).padStart(digits, "0") + "\0";
  field(0, 100, name);
  field(100, 8, octal(0o644, 7));
  field(108, 8, octal(0, 7));
  field(116, 8, octal(0, 7));
  field(124, 12, octal(content.length, 11));
  field(136, 12, octal(Math.floor(mtime.getTime() / 1000), 11));
  field(148, 8, " ".repeat(8)); // the checksum is computed with its own field as spaces
  field(156, 1, "0");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(148, 8, checksum.toString(8).padStart(6, "0") + "\0 ");
  const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
  return Buffer.concat([header, content, Buffer.alloc(padding + 2 * BLOCK, 0)]);
}
