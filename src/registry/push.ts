/**
 * `registry push IMAGE SOURCE`: every blob first (a few at a time; skipped when the repository
 * has it, mounted when `mountFrom` has it), then the manifests of an index, then the root
 * manifest under the tag. A registry accepts a manifest only when its blobs are there, so the
 * order is what makes a half-finished push safe to run again.
 */
import type { RegistryClient } from "./client.js";
import { parseManifest, type Descriptor } from "./manifest.js";
import { forEachLimited } from "./pool.js";
import { silentProgress, type Progress } from "./progress.js";
import { manifestReference, type ImageReference } from "./reference.js";
import type { ImageSource } from "./sources.js";
import { short, uploadBlob, type BlobSource, type UploadOutcome } from "./upload.js";

export interface TransferOptions {
  /** Upload in PATCHes of at most this many bytes; default: stream each blob in one request. */
  chunkSize?: number;
  /** Blobs in flight at once. */
  concurrency?: number;
  progress?: Progress;
}

export interface BlobReport {
  digest: string;
  size: number;
  mediaType: string;
  outcome: UploadOutcome | "pulled" | "present";
}

export interface PushReport {
  image: string;
  digest: string;
  mediaType: string;
  blobs: BlobReport[];
  bytesSent: number;
  seconds: number;
}

/** A manifest plus the blobs it needs, in the order they must reach the registry. */
export interface PushPlan {
  /** Image manifests of an index, pushed by digest before the index. */
  children: Array<{ digest: string; bytes: Uint8Array; mediaType: string }>;
  blobs: Descriptor[];
}

export async function planFromSource(source: ImageSource): Promise<PushPlan> {
  const root = parseManifest(source.root.bytes, source.root.mediaType, source.path);
  const plan: PushPlan = { children: [], blobs: [] };
  const seen = new Set<string>();
  const addImage = (image: Extract<ReturnType<typeof parseManifest>, { kind: "image" }>) => {
    for (const d of [image.config, ...image.layers]) if (!seen.has(d.digest)) (seen.add(d.digest), plan.blobs.push(d));
  };
  if (root.kind === "image") addImage(root);
  else {
    for (const entry of root.manifests) {
      const child = await source.manifest(entry.digest);
      const parsed = parseManifest(child.bytes, entry.mediaType, `${source.path} ${entry.digest}`);
      if (parsed.kind !== "image") throw new Error(`${source.path}: nested indexes (${entry.digest}) are not supported`);
      addImage(parsed);
      plan.children.push(child);
    }
  }
  return plan;
}

export async function pushImage(client: RegistryClient, ref: ImageReference, source: ImageSource, options: TransferOptions & { mountFrom?: string } = {}): Promise<PushReport> {
  const started = Date.now();
  const progress = options.progress ?? silentProgress;
  const plan = await planFromSource(source);
  const blobs = await sendBlobs(client, ref.repository, plan.blobs, (d) => source.blob(d), { ...options, progress });
  for (const child of plan.children) await client.putManifest(ref.repository, child.digest, child);
  await client.putManifest(ref.repository, manifestReference(ref), source.root);
  progress.close();
  return {
    image: `${ref.host}/${ref.repository}:${manifestReference(ref)}`,
    digest: source.root.digest,
    mediaType: source.root.mediaType,
    blobs,
    bytesSent: blobs.filter((b) => b.outcome === "uploaded").reduce((sum, b) => sum + b.size, 0),
    seconds: (Date.now() - started) / 1000,
  };
}

/** Uploads `descriptors` from `open`, reporting each; shared by push and copy. */
export async function sendBlobs(
  client: RegistryClient,
  repository: string,
  descriptors: readonly Descriptor[],
  open: (d: Descriptor) => BlobSource,
  options: TransferOptions & { mountFrom?: string; progress: Progress },
): Promise<BlobReport[]> {
  const reports = new Map<string, BlobReport>();
  await forEachLimited(descriptors, options.concurrency ?? 3, async (d) => {
    const label = `${d.mediaType.includes("config") ? "config" : "layer"} ${short(d.digest).slice(7)}`;
    options.progress.start(d.digest, label, d.size);
    const outcome = await uploadBlob(client, repository, open(d), {
      ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
      ...(options.mountFrom ? { mountFrom: options.mountFrom } : {}),
      onProgress: (done) => options.progress.update(d.digest, done),
      onRetry: (message) => options.progress.note(message),
    });
    options.progress.finish(d.digest, outcome === "uploaded" ? "pushed" : outcome);
    reports.set(d.digest, { digest: d.digest, size: d.size, mediaType: d.mediaType, outcome });
  });
  return descriptors.map((d) => reports.get(d.digest)!);
}
