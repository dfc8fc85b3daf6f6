/**
 * `registry pull IMAGE DEST`: the manifest (one platform of an index with `--platform`, else every
 * platform) and its blobs into an OCI image layout at DEST, or an OCI archive when DEST ends in
 * `.tar`. Each blob streams to a temporary file while it is hashed and counted; it gets its final
 * name only when its size and sha256 equal its descriptor's, so a layout never holds a wrong
 * blob, and an interrupted pull keeps the blobs it finished (they are checked again, not fetched).
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile, mkdtemp } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FetchedManifest, RegistryClient } from "./client.js";
import { RegistryError } from "./client.js";
import { parseManifest, selectPlatform, type Descriptor, type Platform } from "./manifest.js";
import { OCI_INDEX } from "./media-types.js";
import { forEachLimited } from "./pool.js";
import { silentProgress, type Progress } from "./progress.js";
import { manifestReference, type ImageReference } from "./reference.js";
import type { BlobReport, TransferOptions } from "./push.js";
import { short } from "./upload.js";
import { writeTar } from "./tar-write.js";

export interface PullReport {
  image: string;
  digest: string;
  mediaType: string;
  dest: string;
  format: "oci-layout" | "oci-archive";
  blobs: BlobReport[];
  bytesReceived: number;
  seconds: number;
}

const REF_NAME = "org.opencontainers.image.ref.name";

/** What to fetch: the manifest to name in index.json, and every manifest and blob below it. */
export interface PullPlan {
  root: FetchedManifest & { platform?: Platform };
  manifests: FetchedManifest[];
  blobs: Descriptor[];
}

export async function planPull(client: RegistryClient, ref: ImageReference, platform: Platform | undefined): Promise<PullPlan> {
  const where = `${ref.host}/${ref.repository}:${manifestReference(ref)}`;
  let root: PullPlan["root"] = await client.getManifest(ref.repository, manifestReference(ref));
  let parsed = parseManifest(root.bytes, root.mediaType, where);
  if (parsed.kind === "index" && platform) {
    const entry = selectPlatform(parsed.manifests, platform, where);
    root = { ...(await client.getManifest(ref.repository, entry.digest)), ...(entry.platform ? { platform: entry.platform } : {}) };
    checkDescriptor(entry, root, where);
    parsed = parseManifest(root.bytes, root.mediaType, `${where} (${entry.digest})`);
  }
  const manifests: FetchedManifest[] = [root];
  const blobs: Descriptor[] = [];
  const seen = new Set<string>();
  const addBlobs = (list: readonly Descriptor[]) => {
    for (const d of list) if (!seen.has(d.digest)) (seen.add(d.digest), blobs.push(d));
  };
  if (parsed.kind === "image") addBlobs([parsed.config, ...parsed.layers]);
  else {
    for (const entry of parsed.manifests) {
      const child = await client.getManifest(ref.repository, entry.digest);
      checkDescriptor(entry, child, where);
      const image = parseManifest(child.bytes, child.mediaType, `${where} (${entry.digest})`);
      if (image.kind !== "image") throw new RegistryError(`${where}: nested indexes (${entry.digest}) are not supported`);
      manifests.push(child);
      addBlobs([image.config, ...image.layers]);
    }
  }
  return { root, manifests, blobs };
}

function checkDescriptor(entry: Descriptor, manifest: FetchedManifest, where: string): void {
  if (manifest.digest !== entry.digest || manifest.bytes.length !== entry.size) {
    throw new RegistryError(`${where}: the index names ${entry.digest} (${entry.size} bytes), but the registry served ${manifest.digest} (${manifest.bytes.length} bytes)`);
  }
}

export async function pullImage(client: RegistryClient, ref: ImageReference, dest: string, options: TransferOptions & { platform?: Platform } = {}): Promise<PullReport> {
  const started = Date.now();
  const progress = options.progress ?? silentProgress;
  const plan = await planPull(client, ref, options.platform);
  const archive = dest.endsWith(".tar");
  const layout = archive ? await mkdtemp(join(dirname(dest), ".akash-stack-pull-")) : dest;
  try {
    await mkdir(join(layout, "blobs", "sha256"), { recursive: true });
    const blobs = new Map<string, BlobReport>();
    await forEachLimited(plan.blobs, options.concurrency ?? 3, async (d) => {
      progress.start(d.digest, `${d.mediaType.includes("config") ? "config" : "layer"} ${short(d.digest).slice(7)}`, d.size);
      const outcome = await fetchBlob(client, ref.repository, d, layout, (done) => progress.update(d.digest, done));
      progress.finish(d.digest, outcome);
      blobs.set(d.digest, { digest: d.digest, size: d.size, mediaType: d.mediaType, outcome });
    });
    for (const manifest of plan.manifests) await writeFile(blobPath(layout, manifest.digest), manifest.bytes);
    await writeIndex(layout, plan.root, ref.tag ?? ref.digest ?? "latest");
    await writeFile(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    if (archive) await writeTar(dest, layout);
    progress.close();
    const reports = plan.blobs.map((d) => blobs.get(d.digest)!);
    return {
      image: `${ref.host}/${ref.repository}:${manifestReference(ref)}`,
      digest: plan.root.digest,
      mediaType: plan.root.mediaType,
      dest,
      format: archive ? "oci-archive" : "oci-layout",
      blobs: reports,
      bytesReceived: reports.filter((b) => b.outcome === "pulled").reduce((sum, b) => sum + b.size, 0),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    if (archive) await rm(layout, { recursive: true, force: true });
  }
}

function blobPath(layout: string, digest: string): string {
  return join(layout, "blobs", "sha256", digest.slice("sha256:".length));
}

/** Streams one blob to disk, hashing it; "present" when the layout already has it intact. */
async function fetchBlob(client: RegistryClient, repository: string, d: Descriptor, layout: string, onProgress: (done: number) => void): Promise<"pulled" | "present"> {
  const final = blobPath(layout, d.digest);
  if (await hasIntactFile(final, d)) {
    onProgress(d.size);
    return "present";
  }
  const partial = `${final}.partial`;
  const { stream, response } = await client.openBlob(repository, d.digest);
  const hash = createHash("sha256");
  let received = 0;
  const via = response.redirects.length > 0 ? ` (served by ${new URL(response.url).origin})` : "";
  try {
    // Node streams end to end: hashed and counted on the way to the file, with back-pressure.
    const check = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > d.size) return done(new RegistryError(`${short(d.digest)}${via} is longer than the ${d.size} bytes its descriptor says: refusing it`));
        hash.update(chunk);
        onProgress(received);
        done(null, chunk);
      },
    });
    await pipeline(stream, check, createWriteStream(partial, { highWaterMark: 1024 * 1024 }));
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  const digest = `sha256:${hash.digest("hex")}`;
  if (received !== d.size || digest !== d.digest) {
    await rm(partial, { force: true });
    throw new RegistryError(`the blob ${d.digest}${via} arrived as ${received} bytes hashing to ${digest}, not the ${d.size} bytes its descriptor says: the registry, a proxy or the gateway changed it`);
  }
  await rename(partial, final);
  return "pulled";
}

async function hasIntactFile(path: string, d: Descriptor): Promise<boolean> {
  try {
    if ((await stat(path)).size !== d.size) return false;
  } catch {
    return false;
  }
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest("hex")}` === d.digest;
}

/** index.json names the pulled image by tag, keeping other images already in the layout. */
async function writeIndex(layout: string, root: PullPlan["root"], name: string): Promise<void> {
  const path = join(layout, "index.json");
  let manifests: Array<Record<string, unknown>> = [];
  try {
    const existing = JSON.parse(await readFile(path, "utf8")) as { manifests?: Array<Record<string, unknown>> };
    manifests = (existing.manifests ?? []).filter((m) => (m.annotations as Record<string, string> | undefined)?.[REF_NAME] !== name);
  } catch {
    // no layout yet
  }
  manifests.push({
    mediaType: root.mediaType,
    digest: root.digest,
    size: root.bytes.length,
    ...(root.platform ? { platform: root.platform } : {}),
    annotations: { [REF_NAME]: name },
  });
  await writeFile(path, JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }, null, 2) + "\n");
}
