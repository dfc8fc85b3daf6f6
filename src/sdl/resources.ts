/**
 * The resources of one resource unit (`akash.base.resources.v1beta4.Resources`), built from a
 * compute profile as Go's `v2ComputeResources.toResources` builds them, plus their JSON form.
 * The same structure sits in the group spec (sent to the chain) and in each manifest service (sent
 * to the provider); the provider compares the two, so both come from here.
 */
import type { JsonValue } from "./go-json.js";
import { goSort, goSortStable, goStringLess } from "./go-sort.js";
import type { ComputeProfile, Volume } from "./model.js";

export interface ResourceAttribute {
  key: string;
  value: string;
}

/** `akash.base.resources.v1beta4.Endpoint.Kind`. */
export const EndpointKind = {
  /** Shared ingress (global TCP on external port 80). */
  SHARED_HTTP: 0,
  /** A random node port (any other global expose). */
  RANDOM_PORT: 1,
  /** A leased IP (a global expose with `ip:`). */
  LEASED_IP: 2,
} as const;
export type EndpointKindValue = (typeof EndpointKind)[keyof typeof EndpointKind];

export interface ResourceEndpoint {
  kind: EndpointKindValue;
  /** The leased-IP endpoint's sequence number; 0 for the other kinds. */
  sequenceNumber: number;
}

export interface StorageVolume {
  name: string;
  /** Bytes. */
  size: bigint;
  /** null when the volume has no `attributes` (Go leaves them nil and the JSON omits them). */
  attributes: ResourceAttribute[] | null;
}

/**
 * One resource unit's resources. Resource values are whole numbers (cpu in millicores, memory and
 * storage in bytes, gpu in units); the chain encodes them as decimal strings (`ResourceValue.val`).
 */
export interface UnitResources {
  id: number;
  /** undefined when the compute profile has no `cpu` (Go: nil, omitted from JSON). */
  cpu: { units: bigint; attributes: ResourceAttribute[] } | undefined;
  /** undefined when the compute profile has no `memory`. */
  memory: { size: bigint; attributes: ResourceAttribute[] } | undefined;
  /** Ordered as Go orders them (size, then persistence, then name). */
  storage: StorageVolume[];
  /** Always present (0 units when the profile has no `gpu`), except when the profile itself is missing. */
  gpu: { units: bigint; attributes: ResourceAttribute[] } | undefined;
  endpoints: ResourceEndpoint[];
}

/** Go `toResources`: a fresh copy every call (Go builds the group's and the manifest's separately). */
export function toResources(profile: ComputeProfile | undefined): UnitResources {
  const res = profile?.resources;
  if (!res) {
    // Go calls the method on a nil pointer and gets an empty Resources (no gpu either)
    return { id: 0, cpu: undefined, memory: undefined, storage: [], gpu: undefined, endpoints: [] };
  }
  return {
    id: 0,
    cpu: res.cpu ? { units: BigInt(res.cpu.millis ?? 0), attributes: sortedAttributes(res.cpu.attributes) } : undefined,
    memory: res.memory ? { size: res.memory.bytes ?? 0n, attributes: [] } : undefined,
    storage: sortVolumes((res.storage ?? []).map(toStorageVolume)),
    gpu: res.gpu
      ? { units: BigInt(res.gpu.units ?? 0), attributes: sortedAttributes(res.gpu.attributes) }
      : { units: 0n, attributes: [] },
    endpoints: [],
  };
}

/** Attributes by key (`sort.Sort(types.Attributes)`), as `{key, value}` copies. */
export function sortedAttributes(attributes: ReadonlyArray<{ key: string; value: string }>): ResourceAttribute[] {
  return goSort(
    attributes.map((a) => ({ key: a.key, value: a.value })),
    (a, b) => goStringLess(a.key, b.key),
  );
}

/**
 * Go decodes `attributes` into a map, so a volume that has them always carries `persistent`
 * (default "false") and, when persistent without a class, `class: default`; keys sorted.
 */
function toStorageVolume(volume: Volume): StorageVolume {
  const written = volume.attributesNode !== undefined && volume.attributesNode.kind === "map";
  let attributes: ResourceAttribute[] | null = null;
  if (written) {
    attributes = [];
    if (volume.storageClass !== undefined) attributes.push({ key: "class", value: volume.storageClass });
    attributes.push({ key: "persistent", value: volume.persistent ? "true" : "false" });
  }
  return { name: volume.name, size: volume.bytes ?? 0n, attributes };
}

/**
 * Go's `v2ResourceStorageArray.sort`: by size; then a volume without attributes first; then by the
 * `persistent` value as text; then non-persistent first; then by name. The comparator is not a
 * strict order (two non-persistent volumes of one size are each "less" than the other), so the
 * result is whatever Go's SliceStable steps make of it, which `goSortStable` reproduces.
 */
function sortVolumes(volumes: StorageVolume[]): StorageVolume[] {
  const persistentOf = (v: StorageVolume): string | undefined => v.attributes?.find((a) => a.key === "persistent")?.value;
  return goSortStable(volumes, (i, j) => {
    if (i.size < j.size) return true;
    if (i.size > j.size) return false;
    const iValue = persistentOf(i);
    const jValue = persistentOf(j);
    if ((iValue === undefined && jValue !== undefined) || (iValue !== undefined && jValue !== undefined && goStringLess(iValue, jValue))) return true;
    if (iValue !== undefined && jValue === undefined) return false;
    if (iValue !== "true") return true;
    if (jValue !== "true") return false;
    return goStringLess(i.name, j.name);
  });
}

/** `sort.Sort(Endpoints)`: by sequence number only, with Go's unstable pdqsort for the ties. */
export function sortEndpoints(endpoints: ResourceEndpoint[]): ResourceEndpoint[] {
  return goSort(endpoints, (a, b) => a.sequenceNumber < b.sequenceNumber);
}

/** The JSON Go writes for `Resources` (field order, `omitempty` and `null` exactly as Go). */
export function resourcesToJson(res: UnitResources): JsonValue {
  const out: { [key: string]: JsonValue } = { id: res.id };
  if (res.cpu) out.cpu = withAttributes({ units: resourceValue(res.cpu.units) }, res.cpu.attributes);
  if (res.memory) out.memory = withAttributes({ size: resourceValue(res.memory.size) }, res.memory.attributes);
  if (res.storage.length > 0) {
    out.storage = res.storage.map((v) => withAttributes({ name: v.name, size: resourceValue(v.size) }, v.attributes ?? []));
  }
  if (res.gpu) out.gpu = withAttributes({ units: resourceValue(res.gpu.units) }, res.gpu.attributes);
  out.endpoints = res.endpoints.map(endpointToJson);
  return out;
}

export function endpointToJson(e: ResourceEndpoint): JsonValue {
  // `kind` is omitempty: SHARED_HTTP (0) is not written
  return e.kind === EndpointKind.SHARED_HTTP ? { sequence_number: e.sequenceNumber } : { kind: e.kind, sequence_number: e.sequenceNumber };
}

function resourceValue(value: bigint): JsonValue {
  return { val: value.toString() };
}

function withAttributes(base: { [key: string]: JsonValue }, attributes: ResourceAttribute[]): JsonValue {
  if (attributes.length > 0) base.attributes = attributes.map(attributeToJson);
  return base;
}

/** `akash.base.attributes.v1.Attribute`: gogoproto's default tags make both fields omitempty. */
export function attributeToJson(a: ResourceAttribute): JsonValue {
  const out: { [key: string]: JsonValue } = {};
  if (a.key !== "") out.key = a.key;
  if (a.value !== "") out.value = a.value;
  return out;
}
