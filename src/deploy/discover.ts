/**
 * Finding a stack's deployment on chain, with or without a state file: the chain lists every
 * deployment of an owner, so the state file is only a cache.
 *
 * An active deployment is the stack's when its manifest hash is the stack's (the hash covers every
 * service, image and setting), or when a transaction carrying the stack's marker (marker.ts)
 * named its dseq. One with the stack's groups and resources but no marker is only a look-alike:
 * it may belong to something else, so it is reported (adopt it with `import`), never taken.
 */
import type { ChainClient, DeploymentInfo, SignedMemo } from "../chain/types.js";
import type { GroupSpec } from "../sdl/groups.js";
import { compareGroups } from "./compare.js";
import { parseMarker } from "./marker.js";
import { newState, type DeploymentRecord, type StackState } from "./state.js";

/** How many of the owner's recent transactions are read for markers. */
export const MARKER_SEARCH_LIMIT = 1000;

export interface Discovery {
  /** The deployment the stack runs on (the newest one when several match). */
  match?: { info: DeploymentInfo; by: "hash" | "marker" };
  /** Other active deployments that are the stack's too (an interrupted replacement, or a duplicate). */
  others: DeploymentInfo[];
  /** Active deployments with the stack's groups and resources but no marker for it. */
  lookalikes: DeploymentInfo[];
  /** False when the node keeps no transaction index, so markers could not be read. */
  markersRead: boolean;
}

export interface StackIdentity {
  stack: string;
  groups: readonly GroupSpec[];
  /** The manifest hash with secret values; undefined when they are not available here. */
  hash: string | undefined;
}

/** Pure: which of `active` are the stack's, given the memos of the owner's transactions. */
export function matchDeployments(wanted: StackIdentity, active: readonly DeploymentInfo[], memos: readonly SignedMemo[] | undefined): Discovery {
  const markedForStack = new Set<string>();
  const markedForOthers = new Set<string>();
  for (const { memo } of memos ?? []) {
    const marker = parseMarker(memo);
    if (!marker?.dseq) continue;
    (marker.stack === wanted.stack ? markedForStack : markedForOthers).add(marker.dseq);
  }
  const newestFirst = [...active].filter((d) => d.state === "active").sort((a, b) => (BigInt(b.dseq) > BigInt(a.dseq) ? 1 : -1));
  const byHash = wanted.hash ? newestFirst.filter((d) => d.hash === wanted.hash) : [];
  const byMarker = newestFirst.filter((d) => markedForStack.has(d.dseq) && !byHash.includes(d));
  const ours = [...byHash, ...byMarker];
  const first = ours[0];
  const match = first ? { info: first, by: byHash.includes(first) ? ("hash" as const) : ("marker" as const) } : undefined;
  const lookalikes = newestFirst.filter(
    (d) => !ours.includes(d) && !markedForOthers.has(d.dseq) && compareGroups(wanted.groups, d.groups.map((g) => g.spec)).length === 0,
  );
  return { ...(match ? { match } : {}), others: ours.slice(1), lookalikes, markersRead: memos !== undefined };
}

export async function discoverOnChain(chain: Pick<ChainClient, "deployments" | "memosOf">, owner: string, wanted: StackIdentity): Promise<Discovery> {
  const [active, memos] = await Promise.all([chain.deployments(owner, "active"), chain.memosOf(owner, MARKER_SEARCH_LIMIT)]);
  return matchDeployments(wanted, active, memos);
}

/** What the state file records for a deployment found on chain (or imported): the chain is the truth. */
export function recordFromChain(info: DeploymentInfo, templateHash: string | undefined, depositDenom: string): DeploymentRecord {
  const groups = [...info.groups].sort((a, b) => a.gseq - b.gseq);
  return {
    dseq: info.dseq,
    hash: info.hash,
    // Empty when unknown: the stack's template hash is compared only when it was recorded here.
    templateHash: templateHash ?? "",
    groups: groups.map((g) => g.spec.name),
    deposit: { denom: info.escrow?.funds[0]?.denom ?? depositDenom, amount: "0" },
    phase: "created",
    leases: [],
    endpoints: {},
    createdAt: new Date().toISOString(),
  };
}

/** One line per finding, for plan notes and deploy's log. */
export function describeDiscovery(stack: string, network: string, found: Discovery): string[] {
  const lines: string[] = [];
  if (found.match) {
    const how = found.match.by === "hash" ? "its manifest hash is the stack's" : `a transaction marked "akash-stack stack=${stack}" names it`;
    lines.push(`found deployment ${found.match.info.dseq} on chain (${how}); using it`);
  }
  for (const other of found.others) {
    lines.push(`deployment ${other.dseq} is also ${stack}'s and still active (an interrupted replacement or a duplicate); close it if it is not needed (in Akash Console, or with \`provider-services tx deployment close --dseq ${other.dseq}\`)`);
  }
  if (!found.match) {
    for (const look of found.lookalikes) {
      lines.push(`deployment ${look.dseq} has ${stack}'s groups and resources but no akash-stack marker; if it is this stack's, adopt it with \`akash-stack import ${stack} --network ${network} --dseq ${look.dseq}\``);
    }
  }
  if (!found.markersRead) lines.push("the node keeps no transaction index, so akash-stack markers could not be read: only a deployment with the same manifest hash is recognised");
  return lines;
}

/**
 * For commands that know the stack only by name (status, close): when the state file knows no
 * deployment, the one akash-stack marked as the stack's on chain is put in its place (in memory;
 * the caller decides whether to save). Returns the state to use and what was found, to tell.
 */
export async function withDeploymentFromChain(
  state: StackState | undefined,
  chain: Pick<ChainClient, "chainId" | "address" | "deployments" | "memosOf">,
  stack: string,
  network: { name: string; depositDenom: string },
): Promise<{ state: StackState | undefined; notes: string[] }> {
  if (state?.current || state?.previous) return { state, notes: [] };
  const found = await discoverOnChain(chain, chain.address, { stack, groups: [], hash: undefined });
  const notes = describeDiscovery(stack, network.name, found);
  if (!found.match) return { state, notes };
  const adopted = state ?? newState(stack, network.name, chain.chainId, chain.address);
  adopted.current = recordFromChain(found.match.info, undefined, network.depositDenom);
  const other = found.others[0];
  if (other) adopted.previous = recordFromChain(other, undefined, network.depositDenom);
  return { state: adopted, notes };
}
