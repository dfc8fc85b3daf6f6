/**
 * What changes between the deployment on chain and the one the stack wants, and therefore how it
 * can be applied (reference §2, Step 7): the chain only swaps the manifest hash
 * (`MsgUpdateDeployment`), and the provider re-checks the new manifest against the on-chain
 * groups. So a hash-only change (image, env, command, args, accept hosts, http options) is an
 * update in place; anything in the group specs (resources, count, price, placement, endpoints,
 * the groups themselves) needs a new deployment.
 */
import { toDec18 } from "../chain/cosmos/convert.js";
import type { GroupSpec, ResourceUnit } from "../sdl/groups.js";
import type { UnitResources } from "../sdl/resources.js";

export type PlanAction = "create" | "update" | "replace" | "nothing";

export type ReplaceCause = "groups" | "resources" | "count" | "price" | "placement" | "endpoints";

export interface GroupDifference {
  cause: ReplaceCause;
  /** "group akash, resource unit 2: cpu 1000m → 2000m". */
  description: string;
}

export interface ChangeDecision {
  action: PlanAction;
  /** Why, one line each. */
  reasons: string[];
  differences: GroupDifference[];
  /** False when the real hash could not be computed (secrets without values) and placeholders were compared. */
  hashKnown: boolean;
}

export interface DesiredShape {
  groups: readonly GroupSpec[];
  /** With secret values; undefined when unknown. */
  hash: string | undefined;
  templateHash: string;
}

export interface CurrentShape {
  groups: readonly GroupSpec[];
  /** On chain. */
  hash: string;
  /** From the state file, when the deployment was made by akash-stack. */
  templateHash: string | undefined;
}

export function decideChange(desired: DesiredShape, current: CurrentShape | undefined): ChangeDecision {
  if (!current) return { action: "create", reasons: ["no active deployment for this stack on this network"], differences: [], hashKnown: desired.hash !== undefined };
  const differences = compareGroups(desired.groups, current.groups);
  if (differences.length > 0) {
    return {
      action: "replace",
      reasons: [`the groups changed (${[...new Set(differences.map((d) => d.cause))].join(", ")}), which the chain cannot update in place`, ...differences.map((d) => d.description)],
      differences,
      hashKnown: desired.hash !== undefined,
    };
  }
  if (desired.hash !== undefined) {
    return desired.hash === current.hash
      ? { action: "nothing", reasons: ["the manifest hash on chain matches the stack"], differences, hashKnown: true }
      : { action: "update", reasons: [`the manifest changed (hash ${short(current.hash)} → ${short(desired.hash)}): image, env, command, args or hosts; updated in place`], differences, hashKnown: true };
  }
  if (current.templateHash === undefined) {
    return { action: "update", reasons: ["secret values are not available here, and the state file has no template hash to compare; a deploy will compare the real hashes"], differences, hashKnown: false };
  }
  return desired.templateHash === current.templateHash
    ? { action: "nothing", reasons: ["the stack matches the deployed one (secret values were not compared: they are not available here)"], differences, hashKnown: false }
    : { action: "update", reasons: ["the manifest changed (image, env, command, args or hosts); updated in place"], differences, hashKnown: false };
}

/** Every group-spec difference, in group then unit order. */
export function compareGroups(wanted: readonly GroupSpec[], onChain: readonly GroupSpec[]): GroupDifference[] {
  const out: GroupDifference[] = [];
  const chainByName = new Map(onChain.map((g) => [g.name, g]));
  const wantedNames = new Set(wanted.map((g) => g.name));
  for (const g of onChain) if (!wantedNames.has(g.name)) out.push({ cause: "groups", description: `group ${g.name} is no longer in the stack` });
  for (const want of wanted) {
    const have = chainByName.get(want.name);
    if (!have) {
      out.push({ cause: "groups", description: `group ${want.name} is new` });
      continue;
    }
    const at = `group ${want.name}`;
    if (!sameRequirements(want, have)) out.push({ cause: "placement", description: `${at}: placement requirements (attributes or signedBy) changed` });
    if (want.resources.length !== have.resources.length) {
      out.push({ cause: "resources", description: `${at}: ${have.resources.length} resource unit(s) → ${want.resources.length}` });
      continue;
    }
    want.resources.forEach((unit, i) => out.push(...compareUnits(`${at}, resource unit ${unit.resources.id || i + 1}`, unit, have.resources[i]!)));
  }
  return out;
}

function compareUnits(at: string, want: ResourceUnit, have: ResourceUnit): GroupDifference[] {
  const out: GroupDifference[] = [];
  const w = want.resources;
  const h = have.resources;
  const cpu = (r: UnitResources) => (r.cpu ? `${r.cpu.units}m` : "none");
  const bytes = (n: bigint | undefined) => (n === undefined ? "none" : formatBytes(n));
  if (cpu(w) !== cpu(h) || !sameAttributes(w.cpu?.attributes, h.cpu?.attributes)) out.push({ cause: "resources", description: `${at}: cpu ${cpu(h)} → ${cpu(w)}` });
  if (w.memory?.size !== h.memory?.size || !sameAttributes(w.memory?.attributes, h.memory?.attributes)) {
    out.push({ cause: "resources", description: `${at}: memory ${bytes(h.memory?.size)} → ${bytes(w.memory?.size)}` });
  }
  if (!sameStorage(w, h)) out.push({ cause: "resources", description: `${at}: storage ${storageText(h)} → ${storageText(w)}` });
  if ((w.gpu?.units ?? 0n) !== (h.gpu?.units ?? 0n) || !sameAttributes(w.gpu?.attributes, h.gpu?.attributes)) {
    out.push({ cause: "resources", description: `${at}: gpu ${h.gpu?.units ?? 0n} → ${w.gpu?.units ?? 0n}` });
  }
  if (w.id !== h.id) out.push({ cause: "resources", description: `${at}: resource id ${h.id} → ${w.id}` });
  if (endpointsText(w) !== endpointsText(h)) out.push({ cause: "endpoints", description: `${at}: endpoints ${endpointsText(h) || "none"} → ${endpointsText(w) || "none"}` });
  if (want.count !== have.count) out.push({ cause: "count", description: `${at}: count ${have.count} → ${want.count}` });
  if (want.price.denom !== have.price.denom || toDec18(want.price.amount) !== toDec18(have.price.amount)) {
    out.push({ cause: "price", description: `${at}: price ${trimDec(have.price.amount)}${have.price.denom} → ${trimDec(want.price.amount)}${want.price.denom} per block` });
  }
  return out;
}

function sameRequirements(a: GroupSpec, b: GroupSpec): boolean {
  const list = (l: readonly string[] | null) => [...(l ?? [])].sort().join("\n");
  return (
    list(a.requirements.signedBy.allOf) === list(b.requirements.signedBy.allOf) &&
    list(a.requirements.signedBy.anyOf) === list(b.requirements.signedBy.anyOf) &&
    sameAttributes(a.requirements.attributes ?? [], b.requirements.attributes ?? [])
  );
}

function sameAttributes(a: ReadonlyArray<{ key: string; value: string }> | null | undefined, b: ReadonlyArray<{ key: string; value: string }> | null | undefined): boolean {
  const text = (l: ReadonlyArray<{ key: string; value: string }> | null | undefined) =>
    (l ?? [])
      .map((x) => `${x.key}=${x.value}`)
      .sort()
      .join("\n");
  return text(a) === text(b);
}

function sameStorage(a: UnitResources, b: UnitResources): boolean {
  if (a.storage.length !== b.storage.length) return false;
  return a.storage.every((v, i) => {
    const o = b.storage[i]!;
    return v.name === o.name && v.size === o.size && sameAttributes(v.attributes, o.attributes);
  });
}

function storageText(r: UnitResources): string {
  return r.storage.map((v) => `${v.name}=${formatBytes(v.size)}`).join(",") || "none";
}

function endpointsText(r: UnitResources): string {
  const kinds = ["http", "port", "ip"];
  return r.endpoints
    .map((e) => `${kinds[e.kind] ?? e.kind}${e.kind === 2 ? `#${e.sequenceNumber}` : ""}`)
    .sort()
    .join(",");
}

export function formatBytes(n: bigint): string {
  const units: Array<[bigint, string]> = [
    [1024n ** 4n, "Ti"],
    [1024n ** 3n, "Gi"],
    [1024n ** 2n, "Mi"],
    [1024n, "Ki"],
  ];
  for (const [size, suffix] of units) if (n >= size && n % size === 0n) return `${n / size}${suffix}`;
  return `${n}B`;
}

/** "10000.000000000000000000" → "10000"; "0.500000000000000000" → "0.5". */
export function trimDec(amount: string): string {
  return amount.includes(".") ? amount.replace(/0+$/, "").replace(/\.$/, "") : amount;
}

function short(hash: string): string {
  return hash.slice(0, 12);
}
