/**
 * The provider's cross-validation of a manifest against the lease's on-chain group (chain-sdk
 * `go/manifest/v2beta3` `Group.checkAgainstGSpec`): every service of the group must point at one
 * of the group's resource units, ask for exactly its CPU, GPU, memory and storage, stay within
 * its replica count, and the services' endpoints must use up the group's endpoints.
 */
import type { GroupSpec } from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
import type { ManifestGroup, ManifestService } from "../sdl/manifest.js";
import type { ResourceAttribute, UnitResources } from "../sdl/resources.js";
import { resourceValue } from "./group-validation.js";

const KIND_NAMES = ["SHARED_HTTP", "RANDOM_PORT", "LEASED_IP"] as const;

type ProtoResources = NonNullable<GroupSpec["resources"][number]["resource"]>;

function sameAttributes(a: readonly ResourceAttribute[], b: ReadonlyArray<{ key: string; value: string }>): boolean {
  return a.length === b.length && a.every((x, i) => x.key === b[i]!.key && x.value === b[i]!.value);
}

function sameUnits(
  manifest: { units: bigint; attributes: ResourceAttribute[] } | undefined,
  chain: { units?: { val: Uint8Array } | undefined; attributes: Array<{ key: string; value: string }> } | undefined,
): boolean {
  if (!manifest || !chain) return !manifest && !chain;
  return manifest.units === resourceValue(chain.units) && sameAttributes(manifest.attributes, chain.attributes);
}

function sameMemory(manifest: UnitResources["memory"], chain: ProtoResources["memory"]): boolean {
  if (!manifest || !chain) return !manifest && !chain;
  return manifest.size === resourceValue(chain.quantity) && sameAttributes(manifest.attributes, chain.attributes);
}

function sameStorage(manifest: UnitResources["storage"], chain: ProtoResources["storage"]): boolean {
  return (
    manifest.length === chain.length &&
    manifest.every((v, i) => {
      const c = chain[i]!;
      return v.name === c.name && v.size === resourceValue(c.quantity) && sameAttributes(v.attributes ?? [], c.attributes);
    })
  );
}

function checkService(svc: ManifestService, spec: GroupSpec, remaining: Map<number, number>): string | undefined {
  const unit = spec.resources.find((u) => u.resource?.id === svc.resources.id);
  if (!unit?.resource) return `service "${svc.name}": not found deployment group resources with ID = ${svc.resources.id}`;
  const left = remaining.get(svc.resources.id) ?? unit.count;
  if (svc.count > left) return `service "${svc.name}": over-utilized replicas (${svc.count}) > group spec resources count (${left})`;
  const res = unit.resource;
  if (!sameUnits(svc.resources.cpu, res.cpu)) return `service "${svc.name}": CPU resources mismatch for ID ${svc.resources.id}`;
  if (!sameUnits(svc.resources.gpu, res.gpu)) return `service "${svc.name}": GPU resources mismatch for ID ${svc.resources.id}`;
  if (!sameMemory(svc.resources.memory, res.memory)) return `service "${svc.name}": Memory resources mismatch for ID ${svc.resources.id}`;
  if (!sameStorage(svc.resources.storage, res.storage)) return `service "${svc.name}": Storage resources mismatch for ID ${svc.resources.id}`;
  remaining.set(svc.resources.id, left - svc.count);
  return undefined;
}

/** `manifest.Validate` essentials the provider runs before cross-validation. */
function validateGroup(group: ManifestGroup): string | undefined {
  if (group.services.length === 0) return `invalid manifest: group "${group.name}" contains no services`;
  for (const svc of group.services) {
    if (svc.name === "") return "invalid manifest: service name is empty";
    if (svc.image === "") return `invalid manifest: service "${svc.name}" has empty image name`;
  }
  return undefined;
}

/** Undefined when the manifest fits the lease's group; else the provider's 422 message. */
export function checkManifestAgainstGroup(manifest: readonly ManifestGroup[], spec: GroupSpec): string | undefined {
  const group = manifest.find((g) => g.name === spec.name);
  if (!group) return `manifest cross-validation error: group "${spec.name}" of the lease is not in the manifest (it has ${manifest.map((g) => JSON.stringify(g.name)).join(", ") || "no groups"})`;
  const invalid = validateGroup(group);
  if (invalid) return invalid;
  const remaining = new Map<number, number>();
  for (const svc of group.services) {
    const err = checkService(svc, spec, remaining);
    if (err) return `manifest cross-validation error: group "${group.name}": ${err}`;
  }
  const expected = [0, 0, 0];
  const used = [0, 0, 0];
  for (const unit of spec.resources) for (const e of unit.resource?.endpoints ?? []) expected[e.kind] = (expected[e.kind] ?? 0) + 1;
  for (const svc of group.services) for (const e of svc.resources.endpoints) used[e.kind] = (used[e.kind] ?? 0) + 1;
  for (let kind = 0; kind < KIND_NAMES.length; kind++) {
    const diff = expected[kind]! - used[kind]!;
    if (diff > 0) return `manifest cross-validation error: group "${group.name}": under-utilized (${diff}) ${KIND_NAMES[kind]} endpoints`;
    if (diff < 0) return `manifest cross-validation error: group "${group.name}": over-utilized (${-diff}) ${KIND_NAMES[kind]} endpoints`;
  }
  return undefined;
}
