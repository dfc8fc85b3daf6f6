/**
 * `registry copy SRC DST` between repositories and registries, without touching disk:
 * - same registry: each blob is mounted from the source repository (no bytes move);
 * - otherwise each blob streams from the source's GET into the destination's upload, chunk by
 *   chunk; when an upload has to go back (a resume, a retry) the source is read again from that
 *   offset with an HTTP Range request, so nothing is buffered beyond one chunk.
 * Manifests are copied byte for byte, so the image keeps its digest.
 */
import type { RegistryClient } from "./client.js";
import { RegistryError } from "./client.js";
import type { Descriptor, Platform } from "./manifest.js";
import { silentProgress } from "./progress.js";
import { planPull } from "./pull.js";
import { sendBlobs, type PushReport, type TransferOptions } from "./push.js";
import { manifestReference, type ImageReference } from "./reference.js";
import type { BlobSource } from "./upload.js";

export async function copyImage(
  source: { client: RegistryClient; ref: ImageReference },
  target: { client: RegistryClient; ref: ImageReference },
  options: TransferOptions & { platform?: Platform } = {},
): Promise<PushReport> {
  const started = Date.now();
  const progress = options.progress ?? silentProgress;
  const plan = await planPull(source.client, source.ref, options.platform);
  const sameRegistry = source.client.host === target.client.host;
  const blobs = await sendBlobs(target.client, target.ref.repository, plan.blobs, (d) => streamedBlob(source.client, source.ref.repository, d), {
    ...options,
    progress,
    ...(sameRegistry && source.ref.repository !== target.ref.repository ? { mountFrom: source.ref.repository } : {}),
  });
  // Children first, then the root under the tag: the order a registry accepts.
  for (const manifest of plan.manifests.slice(1)) await target.client.putManifest(target.ref.repository, manifest.digest, manifest);
  await target.client.putManifest(target.ref.repository, manifestReference(target.ref), plan.root);
  progress.close();
  return {
    image: `${target.ref.host}/${target.ref.repository}:${manifestReference(target.ref)}`,
    digest: plan.root.digest,
    mediaType: plan.root.mediaType,
    blobs,
    bytesSent: blobs.filter((b) => b.outcome === "uploaded").reduce((sum, b) => sum + b.size, 0),
    seconds: (Date.now() - started) / 1000,
  };
}

/** A blob read from a registry in order; reading from elsewhere reopens it at that offset. */
function streamedBlob(client: RegistryClient, repository: string, d: Descriptor): BlobSource {
  let reader: AsyncIterator<Uint8Array> | undefined;
  let position = 0;
  let pending: Uint8Array = new Uint8Array();
  const reopen = async (offset: number) => {
    await reader?.return?.().catch(() => undefined);
    const path = `/v2/${repository}/blobs/${d.digest}`;
    const response = await client.session.send(path, { repository, stream: true, timeoutMs: client.transferTimeoutMs, ...(offset > 0 ? { headers: { Range: `bytes=${offset}-` } } : {}) });
    if (!response.stream || (offset > 0 ? response.status !== 206 : response.status !== 200)) {
      throw client.failure(`GET ${path}${offset > 0 ? ` from byte ${offset}` : ""}`, response, offset > 0 ? "where 206 answers a Range request" : "");
    }
    reader = (response.stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    position = offset;
    pending = new Uint8Array();
  };
  return {
    digest: d.digest,
    size: d.size,
    stream: (offset) =>
      (async function* () {
        await reopen(offset);
        const current = reader!;
        for (;;) {
          const { done, value } = await current.next();
          if (done) return;
          position += value.length;
          yield value;
        }
      })(),
    async read(offset, length) {
      if (!reader || offset !== position) await reopen(offset);
      const out = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        if (pending.length === 0) {
          const { done, value } = await reader!.next();
          if (done) throw new RegistryError(`the source's ${d.digest} ended at byte ${position + filled}, before its ${d.size} bytes`);
          pending = value;
        }
        const take = Math.min(pending.length, length - filled);
        out.set(pending.subarray(0, take), filled);
        pending = pending.subarray(take);
        filled += take;
      }
      position = offset + length;
      return out;
    },
  };
}
