/**
 * Image references as docker writes them: `HOST[:PORT]/REPO[:TAG][@DIGEST]`. The host is
 * required (there is no default registry here: pushing to Docker Hub by accident would be worse
 * than a usage error), and it is recognised the way docker does: the first path part is a host
 * when it has a dot or a colon, or is `localhost`.
 */

export interface ImageReference {
  /** `registry.example.com` or `127.0.0.1:5000`: the key under `auths` in Docker's config. */
  host: string;
  /** `team/app` */
  repository: string;
  tag?: string;
  digest?: string;
}

export class ReferenceError extends Error {
  override readonly name = "ReferenceError";
}

const REPOSITORY_PART = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function parseReference(text: string, options: { requireTagOrDigest?: boolean } = {}): ImageReference {
  const trimmed = text.trim();
  const bad = (why: string) => new ReferenceError(`${JSON.stringify(text)} is not an image reference: ${why}; expected HOST/REPOSITORY[:TAG][@sha256:DIGEST], e.g. registry.example.com/team/app:1.0`);
  let rest = trimmed;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(`the digest ${JSON.stringify(digest)} is not sha256: and 64 lowercase hex digits`);
  }
  const slash = rest.indexOf("/");
  if (slash < 0) throw bad("it names no registry host");
  const host = rest.slice(0, slash);
  if (!(host.includes(".") || host.includes(":") || host === "localhost")) throw bad(`${JSON.stringify(host)} does not look like a registry host (a host has a dot or a port, or is localhost)`);
  let path = rest.slice(slash + 1);
  let tag: string | undefined;
  const colon = path.lastIndexOf(":");
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`the tag ${JSON.stringify(tag)} has characters a tag cannot have (letters, digits, _ . - only; at most 128)`);
  }
  if (path === "" || !path.split("/").every((part) => REPOSITORY_PART.test(part))) {
    throw bad(`the repository ${JSON.stringify(path)} must be lowercase parts separated by /`);
  }
  if (options.requireTagOrDigest && tag === undefined && digest === undefined) tag = "latest";
  return { host, repository: path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** What the manifest endpoints take: the digest when there is one, else the tag. */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? "latest";
}

export function formatReference(ref: ImageReference): string {
  return `${ref.host}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ""}${ref.digest !== undefined ? `@${ref.digest}` : ""}`;
}

/** `host` alone (for login and list), with an optional scheme or /v2/ path pasted by the user. */
export function parseHost(text: string): string {
  const stripped = text.trim().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  if (stripped === "" || /[\s@]/.test(stripped)) throw new ReferenceError(`${JSON.stringify(text)} is not a registry host: expected e.g. registry.example.com or 127.0.0.1:5000`);
  return stripped;
}
