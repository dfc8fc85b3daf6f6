/**
 * Checks an IPFS HTTP gateway (Kubo's port 8080, behind the stack's TLS edge):
 * - `empty-directory`: `GET /ipfs/<empty dir CID>/` answers. Every Kubo node has this directory
 *   built in, so it works offline and with `Gateway.NoFetch` (registry-stack.md §2, health probes).
 *   The trailing slash matters: without it Kubo answers 301.
 * - `empty-directory-block`: the same CID as a raw block (`?format=raw`, the trustless gateway
 *   API) hashes to the CID, which proves the gateway serves real IPFS content, not just "200".
 * - `cid` (with `--cid`): the bytes served for a file CID, re-imported the way Kubo adds files,
 *   give that CID again. OpenRegistry sends docker clients here for every layer, so wrong bytes
 *   here are broken pulls.
 */
import { blockMatchesCid, EMPTY_DIRECTORY_CID, fileMatchesCid } from "./cid.js";
import { bodySnippet, httpRequest } from "./http.js";
import { fail, formatBytes, notRun, pass, runCheck, skip, type CheckOutcome, type CheckVerdict, type ServiceReport } from "./report.js";

export interface GatewayVerifyOptions {
  /** The gateway's base URL: `https://ipfs.example.com`. */
  gateway: string;
  /** A file CID the gateway should serve; its bytes are re-hashed. */
  cid?: string;
  allowHttp: boolean;
  timeoutMs?: number;
  /** Refuse to download more than this for `--cid` (default 256 MiB). */
  maxBytes?: number;
  clock?: () => Date;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const RAW_BLOCK = "application/vnd.ipld.raw";

export function gatewayBaseUrl(url: string): string {
  // Path gateways serve /ipfs/ at the root; users often paste a /ipfs/… URL.
  return new URL(url).origin;
}

export async function verifyGateway(options: GatewayVerifyOptions): Promise<ServiceReport> {
  const clock = options.clock ?? (() => new Date());
  const base = gatewayBaseUrl(options.gateway);
  const get = (path: string, headers: Record<string, string> = {}) =>
    httpRequest(base + path, {
      headers,
      allowHttp: options.allowHttp,
      maxBodyBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
  const checks: CheckOutcome[] = [];

  checks.push(
    await runCheck(
      "empty-directory",
      async () => {
        const path = `/ipfs/${EMPTY_DIRECTORY_CID}/`;
        const response = await get(path);
        if (response.status === 200) return pass(`GET ${path} answered 200 (${response.headers.get("content-type") ?? "no content type"})`);
        const hint =
          response.status === 404
            ? ": every Kubo node has this directory built in, so this is not a Kubo gateway, or /ipfs/ is not routed to it"
            : response.status >= 500
              ? ": the gateway is up but its IPFS node is not answering"
              : "";
        return fail(`GET ${path} answered HTTP ${response.status}${hint} (${bodySnippet(response.body) || "empty body"})`);
      },
      clock,
    ),
  );

  checks.push(
    await runCheck(
      "empty-directory-block",
      async () => {
        const path = `/ipfs/${EMPTY_DIRECTORY_CID}?format=raw`;
        const response = await get(path, { Accept: RAW_BLOCK });
        if (response.status === 400 || response.status === 406 || response.status === 501) {
          return skip(`the gateway does not serve raw blocks (HTTP ${response.status} to ${path}); Kubo does since v0.13`);
        }
        if (response.status !== 200) return fail(`GET ${path} answered HTTP ${response.status}: ${bodySnippet(response.body) || "(empty body)"}`);
        if (await blockMatchesCid(response.body, EMPTY_DIRECTORY_CID)) return pass(`the raw block (${response.body.length} bytes) hashes to ${EMPTY_DIRECTORY_CID}`);
        return fail(
          `GET ${path} served ${response.body.length} bytes (${response.headers.get("content-type") ?? "no content type"}) that do not hash to ${EMPTY_DIRECTORY_CID}: ` +
            `the gateway serves wrong content, or something in front of it rewrites answers`,
        );
      },
      clock,
    ),
  );

  if (options.cid !== undefined) {
    const cid = options.cid;
    checks.push(await runCheck(`cid:${cid}`, () => checkFileCid(get, cid), clock));
  } else {
    checks.push(notRun("cid", "not requested: pass --cid CID to check that the bytes served hash to a file's CID", clock));
  }
  return { name: "ipfs-gateway", kind: "ipfs-gateway", target: base, checks };
}

async function checkFileCid(
  get: (path: string, headers?: Record<string, string>) => ReturnType<typeof httpRequest>,
  cid: string,
): Promise<CheckVerdict> {
  const path = `/ipfs/${cid}`;
  const response = await get(path);
  if (response.status !== 200) {
    const hint = response.status === 404 || response.status === 504 ? " (with Gateway.NoFetch the node serves only what it holds: is the CID pinned there?)" : "";
    return fail(`GET ${path} answered HTTP ${response.status}${hint}: ${bodySnippet(response.body) || "(empty body)"}`);
  }
  const match = await fileMatchesCid(response.body, cid);
  const computed = match.computed.map((c) => `${c.cid} (${c.profile})`).join(", ");
  const details = { cid, bytes: response.body.length, computed: match.computed.map((c) => c.cid).join(" ") };
  if (match.matches) return pass(`the ${formatBytes(response.body.length)} served hash to ${cid}`, details);
  return fail(
    `the ${formatBytes(response.body.length)} served for ${cid} hash to ${computed}: the gateway serves other bytes, ` +
      `or ${cid} is a directory or was added with other settings (chunker, raw leaves)`,
    details,
  );
}
