/**
 * The parts of OCI/Docker manifests and indexes the commands read: descriptors of the config and
 * layers, the platforms of an index, and choosing one with `--platform os/arch[/variant]`.
 */
import { isImageManifest, isIndex } from "./media-types.js";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export type ParsedManifest =
  | { kind: "image"; mediaType: string; config: Descriptor; layers: Descriptor[] }
  | { kind: "index"; mediaType: string; manifests: Descriptor[] };

export class ManifestError extends Error {
  override readonly name = "ManifestError";
}

export function parseManifest(bytes: Uint8Array, mediaTypeHint: string, where: string): ParsedManifest {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch (err) {
    throw new ManifestError(`the manifest of ${where} is not JSON (${(err as Error).message})`);
  }
  const mediaType = typeof json.mediaType === "string" ? json.mediaType : mediaTypeHint;
  if (isIndex(mediaType) || (Array.isArray(json.manifests) && !("layers" in json))) {
    return { kind: "index", mediaType, manifests: descriptors(json.manifests, `${where}: manifests`) };
  }
  if (isImageManifest(mediaType) || "layers" in json) {
    const [config] = descriptors([json.config], `${where}: config`);
    return { kind: "image", mediaType, config: config!, layers: descriptors(json.layers ?? [], `${where}: layers`) };
  }
  throw new ManifestError(`${where} has media type ${mediaType}, which is neither an image manifest nor an index (schema 1 manifests are not supported)`);
}

function descriptors(value: unknown, where: string): Descriptor[] {
  if (!Array.isArray(value)) throw new ManifestError(`${where} is not a list of descriptors`);
  return value.map((item, i) => {
    const d = item as Record<string, unknown> | null;
    if (!d || typeof d.digest !== "string" || !/^sha256:[0-9a-f]{64}$/.test(d.digest) || typeof d.size !== "number" || !Number.isSafeInteger(d.size) || d.size < 0) {
      throw new ManifestError(`${where}[${i}] lacks a sha256 digest or a size`);
    }
    const out: Descriptor = { mediaType: typeof d.mediaType === "string" ? d.mediaType : "", digest: d.digest, size: d.size };
    const p = d.platform as Record<string, unknown> | undefined;
    if (p && typeof p.os === "string" && typeof p.architecture === "string") {
      out.platform = { os: p.os, architecture: p.architecture, ...(typeof p.variant === "string" ? { variant: p.variant } : {}) };
    }
    if (d.annotations && typeof d.annotations === "object") out.annotations = d.annotations as Record<string, string>;
    return out;
  });
}

export function formatPlatform(p: Platform | undefined): string {
  if (!p) return "unknown";
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`;
}

export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, extra] = text.split("/");
  if (!os || !architecture || extra !== undefined) throw new ManifestError(`--platform ${JSON.stringify(text)} is not OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm64/v8`);
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** The index entry for `wanted`; a missing variant in `wanted` matches any. */
export function selectPlatform(manifests: readonly Descriptor[], wanted: Platform, where: string): Descriptor {
  const match = manifests.find((m) => m.platform && m.platform.os === wanted.os && m.platform.architecture === wanted.architecture && (wanted.variant === undefined || m.platform.variant === wanted.variant));
  if (!match) {
    const have = manifests.map((m) => formatPlatform(m.platform)).join(", ");
    throw new ManifestError(`${where} has no image for ${formatPlatform(wanted)}; it has ${have || "no platforms"}`);
  }
  return match;
}
