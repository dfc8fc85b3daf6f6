/**
 * Helpers for the `registry` command tests: OCI layouts written from generated images (single and
 * multi-platform), a proxy that kills the connection in the middle of an upload, and a fake
 * Docker credential helper (a shell script speaking the helper protocol, storing in a file).
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { join } from "node:path";
import { generateTestImage, sha256Digest, type TestImage } from "../../src/verify/oci-image.js";
import { listen, type Listening } from "./verify-servers.js";

export interface LayoutImage {
  image: TestImage;
  platform?: { os: string; architecture: string; variant?: string };
}

/** Writes an OCI layout holding `images` (several: an index with platforms) under tag `tag`. */
export function writeLayout(dir: string, images: LayoutImage[], tag: string): { rootDigest: string; rootSize: number } {
  const blobs = join(dir, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const put = (bytes: Uint8Array) => {
    const digest = sha256Digest(bytes);
    writeFileSync(join(blobs, digest.slice(7)), bytes);
    return digest;
  };
  for (const { image } of images) {
    put(image.config.bytes);
    put(image.layer.bytes);
    put(image.manifest);
  }
  let root: { mediaType: string; digest: string; size: number };
  if (images.length === 1) {
    root = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: images[0]!.image.manifestDigest, size: images[0]!.image.manifest.length };
  } else {
    const index = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: images.map(({ image, platform }) => ({ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: image.manifestDigest, size: image.manifest.length, platform })),
      }),
    );
    root = { mediaType: "application/vnd.oci.image.index.v1+json", digest: put(index), size: index.length };
  }
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ ...root, annotations: { "org.opencontainers.image.ref.name": tag } }] }));
  return { rootDigest: root.digest, rootSize: root.size };
}

export function testImage(payloadBytes = 300 * 1024): TestImage {
  return generateTestImage(payloadBytes);
}

/**
 * A proxy in front of a registry that, for the first `kills` PATCH or PUT requests with a body
 * over `afterBytes`, forwards `afterBytes` of the body and then destroys both connections, the
 * way a dropped Wi-Fi or a restarted load balancer does mid-upload.
 */
export async function startKillingProxy(target: string, options: { afterBytes: number; kills: number }): Promise<Listening & { killed: number; patches: number }> {
  const upstream = new URL(target);
  const state = { killed: 0, patches: 0 };
  const server = createServer((req, res) => {
    const isUpload = req.method === "PATCH" || (req.method === "PUT" && /\/blobs\/uploads\//.test(req.url ?? ""));
    if (req.method === "PATCH") state.patches++;
    const length = Number(req.headers["content-length"] ?? 0);
    const kill = isUpload && state.killed < options.kills && length > options.afterBytes;
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    });
    forward.on("error", () => res.destroy());
    if (!kill) {
      req.pipe(forward);
      return;
    }
    state.killed++;
    let sent = 0;
    req.on("data", (chunk: Buffer) => {
      if (sent >= options.afterBytes) return;
      const part = chunk.subarray(0, options.afterBytes - sent);
      sent += part.length;
      forward.write(part);
      if (sent >= options.afterBytes) {
        // Let the registry take what arrived, then cut both sides.
        setTimeout(() => {
          forward.destroy();
          req.socket.destroy();
        }, 200);
      }
    });
  });
  const listening = await listen(server);
  return {
    ...listening,
    get killed() {
      return state.killed;
    },
    get patches() {
      return state.patches;
    },
  };
}

/** `docker-credential-<name>` in `dir`, storing credentials as JSON files under `dir/store`. */
export function writeCredentialHelper(dir: string, name: string): string {
  const store = join(dir, "store");
  mkdirSync(store, { recursive: true });
  const script = join(dir, `docker-credential-${name}`);
  writeFileSync(
    script,
    `#!/bin/sh
# A Docker credential helper for tests: one file per server, named by its URL's hex.
set -e
input=$(cat)
case "$1" in
  store)
    server=$(printf '%s' "$input" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).ServerURL))')
    printf '%s' "$input" > "${store}/$(printf '%s' "$server" | od -An -tx1 | tr -d ' \\n')"
    ;;
  get)
    file="${store}/$(printf '%s' "$input" | od -An -tx1 | tr -d ' \\n')"
    if [ ! -f "$file" ]; then echo "credentials not found in native keychain"; exit 1; fi
    node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(JSON.stringify({ServerURL:j.ServerURL,Username:j.Username,Secret:j.Secret}))' "$file"
    ;;
  erase)
    file="${store}/$(printf '%s' "$input" | od -An -tx1 | tr -d ' \\n')"
    if [ ! -f "$file" ]; then echo "credentials not found in native keychain"; exit 1; fi
    rm "$file"
    ;;
  *) exit 2 ;;
esac
`,
  );
  chmodSync(script, 0o755);
  return store;
}
