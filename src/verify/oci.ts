/**
 * Checks an OCI registry through the distribution API (registry-stack.md §5.2):
 * - `v2-api`: `GET /v2/` answers 200, directly or after the Basic/Bearer flow;
 * - `health`: OpenRegistry's `GET /health` (a plain Distribution registry has none: skip);
 * - with the push test: a generated image (config + a layer over 256 KiB) is pushed to a scratch
 *   repository `<username or akash-stack>/verify-<random>`, its manifest and blobs are pulled back
 *   (following redirects, e.g. OpenRegistry's 307 to the IPFS gateway) and every digest and size is
 *   checked, the tag is listed, and what was pushed is deleted where the registry allows it.
 *
 * Why a push test at all: "lease active" proves nothing about storage, and OpenRegistry's IPFS
 * backend is known to break on multi-block layers (§1.5), which only a real round trip shows.
 */
import { randomBytes } from "node:crypto";
import { bodySnippet, httpRequest, type HttpResponse } from "./http.js";
import { AuthError, describeAuth, RegistrySession, type RegistryCredentials } from "./oci-auth.js";
import { generateTestImage, IPFS_CHUNK_SIZE, OCI_MANIFEST, sha256Digest, type ImageBlob, type TestImage } from "./oci-image.js";
import { fail, formatBytes, notRun, pass, runCheck, skip, type CheckOutcome, type CheckVerdict, type ServiceReport } from "./report.js";

export interface RegistryVerifyOptions {
  /** The registry's base URL: `https://registry.example.com` (a trailing `/v2/` is ignored). */
  url: string;
  credentials?: RegistryCredentials;
  pushTest: boolean;
  allowHttp: boolean;
  timeoutMs?: number;
  /** Bytes of random file content in the test layer; the default makes a layer just over 300 KiB. */
  layerPayloadBytes?: number;
  clock?: () => Date;
}

const PUSH_CHECKS = ["push:config-blob", "push:layer-blob", "push:manifest", "pull:manifest", "pull:config-blob", "pull:layer-blob", "head:layer-blob", "tags-list", "cleanup"] as const;
const TEST_TAG = "verify";
const MANIFEST_ACCEPT = [OCI_MANIFEST, "application/vnd.docker.distribution.manifest.v2+json"].join(", ");

export function registryBaseUrl(url: string): URL {
  const parsed = new URL(url);
  // The distribution API lives at /v2/ of the origin; users often paste the /v2/ URL itself.
  return new URL(parsed.origin + "/");
}

export async function verifyRegistry(options: RegistryVerifyOptions): Promise<ServiceReport> {
  const clock = options.clock ?? (() => new Date());
  const base = registryBaseUrl(options.url);
  const session = new RegistrySession(base, {
    allowHttp: options.allowHttp,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const checks: CheckOutcome[] = [];

  let apiAnswered = false;
  checks.push(
    await runCheck(
      "v2-api",
      async () => {
        const verdict = await checkApiVersion(session);
        apiAnswered = verdict.result === "pass";
        return verdict;
      },
      clock,
    ),
  );
  checks.push(await runCheck("health", () => checkHealth(session, options), clock));

  if (!options.pushTest) {
    checks.push(notRun("push-test", "not requested: pass --push-test to push, pull back and delete a scratch image", clock));
  } else if (!apiAnswered) {
    for (const name of PUSH_CHECKS) checks.push(notRun(name, "not run: GET /v2/ failed (see v2-api)", clock));
  } else {
    checks.push(...(await runPushTest(session, options, clock)));
  }
  return { name: "registry", kind: "registry", target: base.origin, checks };
}

async function checkApiVersion(session: RegistrySession): Promise<CheckVerdict> {
  let response: HttpResponse;
  try {
    response = await session.send("/v2/");
  } catch (err) {
    // No credentials given and the registry insists on them (OpenRegistry always does): the API
    // answers, which is what this check is about; the push test then says what is missing.
    if (err instanceof AuthError && err.reason === "required") return pass(`answers and requires login: ${err.message}`);
    throw err;
  }
  if (response.status === 200) {
    const version = response.headers.get("docker-distribution-api-version");
    return pass(`GET /v2/ answered 200 with ${describeAuth(session.authUsed, session.username)}${version ? ` (${version})` : ""}`);
  }
  return fail(`GET /v2/ answered HTTP ${response.status} where an OCI registry answers 200 or 401: ${bodySnippet(response.body) || "(empty body)"}; is the URL the registry's, and not a proxy's error page?`);
}

async function checkHealth(session: RegistrySession, options: RegistryVerifyOptions): Promise<CheckVerdict> {
  const url = new URL("/health", session.baseUrl).href;
  const response = await httpRequest(url, { allowHttp: options.allowHttp, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  if (response.status === 200) return pass(`GET /health answered 200 ${bodySnippet(response.body, 80)}`.trim());
  if (response.status === 404 || response.status === 401 || response.status === 405) {
    return skip(`no /health route (HTTP ${response.status}); OpenRegistry has one, CNCF Distribution does not`);
  }
  const hint = response.status === 503 ? " (OpenRegistry answers 503 when it cannot reach PostgreSQL)" : "";
  return fail(`GET /health answered HTTP ${response.status}${hint}: ${bodySnippet(response.body) || "(empty body)"}`);
}

interface PushState {
  repository: string;
  image: TestImage;
  pushed: Set<"config" | "layer" | "manifest">;
}

async function runPushTest(session: RegistrySession, options: RegistryVerifyOptions, clock: () => Date): Promise<CheckOutcome[]> {
  // OpenRegistry routes only <username>/<image>, so the namespace is the user when there is one.
  const namespace = (options.credentials?.username ?? "akash-stack").toLowerCase();
  const state: PushState = {
    repository: `${namespace}/verify-${randomBytes(4).toString("hex")}`,
    image: generateTestImage(options.layerPayloadBytes, clock()),
    pushed: new Set(),
  };
  const checks: CheckOutcome[] = [];
  const step = async (name: string, needs: ReadonlyArray<"config" | "layer" | "manifest">, body: () => Promise<CheckVerdict>) => {
    const missing = needs.find((n) => !state.pushed.has(n));
    checks.push(missing ? notRun(name, `not run: the ${missing} ${missing === "manifest" ? "" : "blob "}was not pushed`, clock) : await runCheck(name, body, clock));
  };

  await step("push:config-blob", [], () => pushBlob(session, state, state.image.config));
  await step("push:layer-blob", [], () => pushBlob(session, state, state.image.layer));
  await step("push:manifest", ["config", "layer"], () => pushManifest(session, state));
  await step("pull:manifest", ["manifest"], () => pullManifest(session, state));
  await step("pull:config-blob", ["config"], () => pullBlob(session, state, state.image.config));
  await step("pull:layer-blob", ["layer"], () => pullBlob(session, state, state.image.layer));
  await step("head:layer-blob", ["layer"], () => headBlob(session, state, state.image.layer));
  await step("tags-list", ["manifest"], () => listTags(session, state));
  if (state.pushed.size === 0) checks.push(notRun("cleanup", "nothing was pushed, so nothing to delete", clock));
  else checks.push(await runCheck("cleanup", () => cleanUp(session, state), clock));
  return checks;
}

async function pushBlob(session: RegistrySession, state: PushState, blob: ImageBlob): Promise<CheckVerdict> {
  const repository = state.repository;
  const start = await session.send(`/v2/${repository}/blobs/uploads/`, { method: "POST", repository, headers: { "Content-Length": "0" } });
  if (start.status !== 202) return fail(`POST /v2/${repository}/blobs/uploads/ answered HTTP ${start.status} where 202 starts an upload: ${explainStatus(start, repository)}`);
  const location = start.headers.get("location");
  if (!location) return fail(`POST /v2/${repository}/blobs/uploads/ answered 202 without a Location header, so the upload cannot continue`);
  // Location may be absolute or relative, and may already carry a query (Distribution's ?_state=).
  const uploadUrl = new URL(location, start.url);
  uploadUrl.searchParams.append("digest", blob.digest);
  const put = await session.send(uploadUrl.href, {
    method: "PUT",
    repository,
    body: blob.bytes,
    headers: { "Content-Type": "application/octet-stream", "Content-Length": String(blob.size) },
  });
  if (put.status !== 201) return fail(`PUT of the ${blob.role} blob (${blob.size} bytes) answered HTTP ${put.status} where 201 completes the upload: ${explainStatus(put, repository)}`);
  const stored = put.headers.get("docker-content-digest");
  if (stored && stored !== blob.digest) return fail(`the registry stored the ${blob.role} blob as ${stored}, but the bytes sent hash to ${blob.digest}: it changed the bytes on the way in`);
  state.pushed.add(blob.role);
  const multiBlock = blob.size > IPFS_CHUNK_SIZE ? `; over ${IPFS_CHUNK_SIZE / 1024} KiB, so multi-block on IPFS` : "";
  return pass(`pushed ${formatBytes(blob.size)} as ${shortDigest(blob.digest)} to ${repository}${multiBlock}`, { repository, digest: blob.digest, size: blob.size });
}

async function pushManifest(session: RegistrySession, state: PushState): Promise<CheckVerdict> {
  const { repository, image } = state;
  const response = await session.send(`/v2/${repository}/manifests/${TEST_TAG}`, {
    method: "PUT",
    repository,
    body: image.manifest,
    headers: { "Content-Type": OCI_MANIFEST, "Content-Length": String(image.manifest.length) },
  });
  if (response.status !== 201) return fail(`PUT /v2/${repository}/manifests/${TEST_TAG} answered HTTP ${response.status} where 201 stores it: ${explainStatus(response, repository)}`);
  state.pushed.add("manifest");
  const digest = response.headers.get("docker-content-digest");
  if (digest && digest !== image.manifestDigest) {
    return fail(`the registry says the manifest's digest is ${digest}, but the bytes sent hash to ${image.manifestDigest}: pulls by digest would not find this image`);
  }
  const note = digest ? "Docker-Content-Digest matches" : "the registry sent no Docker-Content-Digest header";
  return pass(`pushed ${repository}:${TEST_TAG} (${shortDigest(image.manifestDigest)}); ${note}`, { repository, tag: TEST_TAG, digest: image.manifestDigest });
}

async function pullManifest(session: RegistrySession, state: PushState): Promise<CheckVerdict> {
  const { repository, image } = state;
  const response = await session.send(`/v2/${repository}/manifests/${TEST_TAG}`, { repository, headers: { Accept: MANIFEST_ACCEPT } });
  if (response.status !== 200) return fail(`GET /v2/${repository}/manifests/${TEST_TAG} answered HTTP ${response.status} right after the push: ${explainStatus(response, repository)}`);
  const digest = sha256Digest(response.body);
  if (digest !== image.manifestDigest) {
    return fail(`the manifest pulled back hashes to ${digest}, not ${image.manifestDigest} as pushed: the registry or a proxy changed it (${bodySnippet(response.body, 120)})`);
  }
  const header = response.headers.get("docker-content-digest");
  if (header && header !== image.manifestDigest) return fail(`the manifest's bytes match, but its Docker-Content-Digest header says ${header}, not ${image.manifestDigest}`);
  return pass(`pulled ${repository}:${TEST_TAG}; ${formatBytes(response.body.length)}, digest matches`);
}

async function pullBlob(session: RegistrySession, state: PushState, blob: ImageBlob): Promise<CheckVerdict> {
  const path = `/v2/${state.repository}/blobs/${blob.digest}`;
  const response = await session.send(path, { repository: state.repository });
  const via = response.redirects.length > 0 ? ` via ${response.redirects.map(redactUrl).join(" -> ")}` : "";
  if (response.status !== 200) return fail(`GET ${path}${via} answered HTTP ${response.status}: ${explainStatus(response, state.repository)}`);
  const digest = sha256Digest(response.body);
  const details = { digest: blob.digest, size: blob.size, pulledBytes: response.body.length, servedBy: redactUrl(response.url) };
  if (response.body.length !== blob.size) {
    const ipfsHint = blob.size > IPFS_CHUNK_SIZE && response.body.length < blob.size ? " (OpenRegistry's IPFS backend serves only the first block of layers over 256 KiB, registry-stack.md §1.5)" : "";
    return fail(`pulled ${formatBytes(response.body.length)} of the ${blob.role} blob${via}, but ${formatBytes(blob.size)} were pushed${ipfsHint}`, details);
  }
  if (digest !== blob.digest) {
    return fail(`the ${blob.role} blob as pulled${via} hashes to ${digest}, not ${blob.digest} as pushed: the bytes were changed on the way (storage, a proxy, or the IPFS gateway)`, details);
  }
  return pass(`pulled ${formatBytes(response.body.length)}${via}; digest and size match`, details);
}

async function headBlob(session: RegistrySession, state: PushState, blob: ImageBlob): Promise<CheckVerdict> {
  const path = `/v2/${state.repository}/blobs/${blob.digest}`;
  const response = await session.send(path, { method: "HEAD", repository: state.repository });
  if (response.status !== 200) return fail(`HEAD ${path} answered HTTP ${response.status}: docker checks blobs this way before pushing and pulling`);
  const length = response.headers.get("content-length");
  if (length === null) return fail(`HEAD ${path} answered 200 without Content-Length; clients use it to size downloads`);
  if (Number(length) !== blob.size) {
    return fail(`HEAD ${path} says ${length} bytes, but the ${blob.role} is ${blob.size}: clients would reject the download (OpenRegistry's IPFS backend reports the root block's size for layers over 256 KiB)`);
  }
  return pass(`HEAD reports ${formatBytes(blob.size)}, as pushed`);
}

async function listTags(session: RegistrySession, state: PushState): Promise<CheckVerdict> {
  const path = `/v2/${state.repository}/tags/list`;
  const response = await session.send(path, { repository: state.repository });
  if (response.status !== 200) return fail(`GET ${path} answered HTTP ${response.status}: ${explainStatus(response, state.repository)}`);
  let tags: unknown;
  try {
    tags = (JSON.parse(new TextDecoder().decode(response.body)) as { tags?: unknown }).tags;
  } catch {
    return fail(`GET ${path} answered 200 but not JSON: ${bodySnippet(response.body)}`);
  }
  if (!Array.isArray(tags) || !tags.includes(TEST_TAG)) return fail(`GET ${path} lists ${JSON.stringify(tags)}, without the tag "${TEST_TAG}" just pushed`);
  return pass(`lists ${tags.length} tag${tags.length === 1 ? "" : "s"}, including "${TEST_TAG}"`);
}

/** DELETE manifest by digest, then the blobs. Registries that forbid deletes answer 405 UNSUPPORTED. */
async function cleanUp(session: RegistrySession, state: PushState): Promise<CheckVerdict> {
  const { repository, image } = state;
  const deleted: string[] = [];
  const targets: Array<{ what: string; path: string }> = [];
  if (state.pushed.has("manifest")) targets.push({ what: "manifest", path: `/v2/${repository}/manifests/${image.manifestDigest}` });
  for (const blob of [image.config, image.layer]) {
    if (state.pushed.has(blob.role)) targets.push({ what: `${blob.role} blob`, path: `/v2/${repository}/blobs/${blob.digest}` });
  }
  for (const target of targets) {
    const response = await session.send(target.path, { method: "DELETE", repository });
    if (response.status === 202 || response.status === 200 || response.status === 204) {
      deleted.push(target.what);
      continue;
    }
    const unsupported = response.status === 405 || /UNSUPPORTED/.test(bodySnippet(response.body));
    const left = `${repository}${state.pushed.has("manifest") ? `:${TEST_TAG}` : ""}`;
    if (unsupported) {
      const done = deleted.length > 0 ? ` after deleting the ${deleted.join(", ")}` : "";
      return skip(`the registry does not allow deletes (HTTP ${response.status} for the ${target.what}${done}); the scratch image ${left} stays: delete it by hand if it matters`);
    }
    return fail(`DELETE of the ${target.what} answered HTTP ${response.status}: ${explainStatus(response, repository)}; the scratch image ${left} may stay`);
  }
  if (state.pushed.has("manifest")) {
    const after = await session.send(`/v2/${repository}/manifests/${image.manifestDigest}`, { method: "HEAD", repository, headers: { Accept: MANIFEST_ACCEPT } });
    if (after.status !== 404) return fail(`the registry accepted DELETE of the manifest but still serves it (HEAD answered ${after.status})`);
  }
  return pass(`deleted the ${deleted.join(", ")} of ${repository}`);
}

/** What a failed status means for a registry user. */
function explainStatus(response: HttpResponse, repository: string): string {
  const body = bodySnippet(response.body);
  switch (response.status) {
    case 401:
    case 403:
      return `the account may not push to ${repository}${body ? ` (${body})` : ""}`;
    case 404:
      return `no such route or repository; OpenRegistry accepts only <username>/<image> names, so pass --username${body ? ` (${body})` : ""}`;
    case 413:
      return "the request body is too large for a proxy in front of the registry (Akash ingress: http_options.max_body_size, 1 MiB by default, 100 MiB at most)";
    default:
      return body || "(empty body)";
  }
}

function shortDigest(digest: string): string {
  return digest.slice(0, "sha256:".length + 12);
}

/** Upload and gateway URLs carry state tokens in their queries; messages need only where. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
