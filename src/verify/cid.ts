/**
 * Recomputing an IPFS CID from bytes, to prove a gateway served what a CID names. The UnixFS DAG
 * is built by `ipfs-unixfs-importer` (the importer Helia and js-ipfs use) with the parameters
 * Kubo's `ipfs add` uses, so the result matches Kubo byte for byte: CIDv0 → 256 KiB chunks, dag-pb
 * leaves, balanced layout of 174 links (registry-stack.md §2 test vectors). A CIDv1 may come from
 * `ipfs add --cid-version=1` (raw leaves, same chunking) or from the newer unixfs-v1-2025 profile
 * (1 MiB chunks), so both are tried.
 */
import { importer, type ImporterOptions, type WritableStorage } from "ipfs-unixfs-importer";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import { equals } from "multiformats/bytes";

const DAG_PB = 0x70;
const RAW = 0x55;
const SHA2_256 = 0x12;

/** Built into every Kubo node; `diag healthy` probes it. Its block is `0a 02 08 01`. */
export const EMPTY_DIRECTORY_CID = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn";

interface ImportProfile {
  label: string;
  options: ImporterOptions;
}

const KUBO_CIDV0: ImportProfile = { label: "Kubo defaults (CIDv0, 256 KiB chunks)", options: { cidVersion: 0, rawLeaves: false } };
const KUBO_CIDV1: ImportProfile = { label: "Kubo --cid-version=1 (raw leaves, 256 KiB chunks)", options: { cidVersion: 1, rawLeaves: true } };
const UNIXFS_V1_2025: ImportProfile = { label: "unixfs-v1-2025 profile (1 MiB chunks)", options: { profile: "unixfs-v1-2025" } };

/** Blocks are hashed, not kept: only the root CID matters here. */
const discardBlocks: WritableStorage = { put: async (cid) => cid };

export class CidError extends Error {
  override readonly name = "CidError";
}

export function parseCid(text: string): CID {
  try {
    return CID.parse(text.trim());
  } catch (err) {
    throw new CidError(`${JSON.stringify(text)} is not a CID (${err instanceof Error ? err.message : String(err)}): expected something like Qm… or bafy…`);
  }
}

export interface CidMatch {
  matches: boolean;
  /** The CIDs computed from the bytes, one per import profile tried. */
  computed: Array<{ cid: string; profile: string }>;
}

/** Do `bytes`, imported as a file the way Kubo would, give `cidText`? */
export async function fileMatchesCid(bytes: Uint8Array, cidText: string): Promise<CidMatch> {
  const cid = parseCid(cidText);
  requireSha256(cid);
  if (cid.code === RAW) {
    const digest = await sha256.digest(bytes);
    const computed = CID.createV1(RAW, digest);
    return { matches: computed.equals(cid), computed: [{ cid: computed.toString(), profile: "raw block (sha2-256 of the bytes)" }] };
  }
  if (cid.code !== DAG_PB) throw new CidError(`${cidText} uses codec 0x${cid.code.toString(16)}, not dag-pb or raw: it does not name a UnixFS file`);
  const profiles = cid.version === 0 ? [KUBO_CIDV0] : [KUBO_CIDV1, UNIXFS_V1_2025];
  const computed: CidMatch["computed"] = [];
  for (const profile of profiles) {
    const root = await importFileCid(bytes, profile.options);
    computed.push({ cid: root.toString(), profile: profile.label });
    if (root.equals(cid)) return { matches: true, computed };
  }
  return { matches: false, computed };
}

/** Does one block (a `?format=raw` answer) hash to the CID's multihash? */
export async function blockMatchesCid(block: Uint8Array, cidText: string): Promise<boolean> {
  const cid = parseCid(cidText);
  requireSha256(cid);
  const digest = await sha256.digest(block);
  return equals(digest.bytes, cid.multihash.bytes);
}

/** The CID Kubo's `ipfs add` gives these bytes by default. */
export async function kuboCid(bytes: Uint8Array): Promise<string> {
  return (await importFileCid(bytes, KUBO_CIDV0.options)).toString();
}

async function importFileCid(bytes: Uint8Array, options: ImporterOptions): Promise<CID> {
  let root: CID | undefined;
  for await (const entry of importer([{ content: bytes }], discardBlocks, options)) root = entry.cid;
  if (!root) throw new CidError("the importer produced no CID (bug)");
  return root;
}

function requireSha256(cid: CID): void {
  if (cid.multihash.code !== SHA2_256) {
    throw new CidError(`${cid.toString()} uses hash function 0x${cid.multihash.code.toString(16)}; only sha2-256 CIDs (what Kubo makes by default) can be checked`);
  }
}
