/**
 * The marker akash-stack leaves on chain so it can find a stack's deployment with no state file:
 * every transaction it sends for a stack carries the memo `akash-stack stack=NAME dseq=N`.
 *
 * Why the memo: a deployment on chain holds only its owner, dseq, groups and manifest hash. Group
 * names are the SDL's placement names ("akash" by default) and the hash changes with every image,
 * so neither names the stack; requirements or attributes would change which providers bid. The
 * memo is part of the signed transaction, kept in every block for good, and found through the
 * node's transaction index (`message.sender='OWNER'`).
 */
export const MARKER_PREFIX = "akash-stack";

export interface Marker {
  stack: string;
  dseq?: string;
}

export function markerMemo(stack: string, dseq?: string): string {
  return `${MARKER_PREFIX} stack=${stack}${dseq ? ` dseq=${dseq}` : ""}`;
}

export function parseMarker(memo: string): Marker | undefined {
  const match = /^akash-stack stack=([a-z0-9][-a-z0-9_]*)(?: dseq=(\d+))?$/.exec(memo.trim());
  if (!match) return undefined;
  return { stack: match[1]!, ...(match[2] ? { dseq: match[2] } : {}) };
}
