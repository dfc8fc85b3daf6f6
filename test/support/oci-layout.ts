/**
 * A real multi-layer image as an OCI image layout on disk (what `skopeo copy oci:DIR:TAG` reads):
 * each layer a gzip'd tar holding one file of random bytes, so sizes are what they say and no
 * registry can pass by serving what an earlier run left behind.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, constants } from "node:zlib";
import { OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST, sha256Digest, tarWithOneFile } from "../../src/verify/oci-image.js";

export interface LayoutImage {
  dir: string;
  tag: string;
  manifestDigest: string;
  /** Every blob the manifest names (config first), with its size. */
  blobs: Array<{ digest: string; size: number }>;
  layerSizes: number[];
}

/** Writes an OCI layout at `dir` with one image tagged `tag`, one layer per payload size. */
export function writeOciLayout(dir: string, tag: string, payloadSizes: readonly number[]): LayoutImage {
  const blobsDir = join(dir, "blobs", "sha256");
  mkdirSync(blobsDir, { recursive: true });
  const put = (bytes: Uint8Array) => {
    const digest = sha256Digest(bytes);
    writeFileSync(join(blobsDir, digest.slice("sha256:".length)), bytes);
    return { digest, size: bytes.length };
  };
  const now = new Date("2026-01-01T00:00:00Z");
  const layers = payloadSizes.map((size, i) => {
    const tar = tarWithOneFile(`layer-${i}.bin`, randomBytes(size), now);
    // Level 1: random bytes do not compress, and level 9 would only spend the test's time.
    const gz = new Uint8Array(gzipSync(tar, { level: constants.Z_BEST_SPEED }));
    return { ...put(gz), diffId: sha256Digest(tar) };
  });
  const config = put(
    Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        config: {},
        rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
      }),
    ),
  );
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: config.digest, size: config.size },
      layers: layers.map((l) => ({ mediaType: OCI_LAYER_GZIP, digest: l.digest, size: l.size })),
    }),
  );
  const manifest = put(manifestBytes);
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{ mediaType: OCI_MANIFEST, digest: manifest.digest, size: manifest.size, annotations: { "org.opencontainers.image.ref.name": tag } }],
    }),
  );
  return {
    dir,
    tag,
    manifestDigest: manifest.digest,
    blobs: [config, ...layers.map(({ digest, size }) => ({ digest, size }))],
    layerSizes: layers.map((l) => l.size),
  };
}
