/**
 * The provider manifest (`akash.manifest.v2beta3` groups) and its version hash. The chain stores
 * sha256(sorted JSON) at deployment creation; the provider recomputes it from the manifest it is
 * sent (`Manifest.Version`: `json.Marshal` → `sdk.SortJSON` → SHA-256) and refuses a mismatch.
 * So the JSON here must be Go's byte for byte: field names, `omitempty`, `null` against `[]`,
 * key order and string escaping.
 */
import { createHash } from "node:crypto";
import { buildDeployment } from "./builder.js";
import { exposeToJson, type ServiceExpose } from "./expose.js";
import { goSortedJson, type JsonValue } from "./go-json.js";
import type { Sdl } from "./model.js";
import { resourcesToJson, type UnitResources } from "./resources.js";

export type { ServiceExpose, ManifestHttpOptions } from "./expose.js";

/** `akash.manifest.v2beta3.Group`: the services of one placement. */
export interface ManifestGroup {
  name: string;
  /** Sorted by name. */
  services: ManifestService[];
}

/** `akash.manifest.v2beta3.Service`. */
export interface ManifestService {
  name: string;
  image: string;
  /** null when not written; [] when written empty (Go writes `null` and `[]` respectively). */
  command: string[] | null;
  args: string[] | null;
  env: string[] | null;
  /** The resource unit this service runs in (its `id` points at the group spec's unit). */
  resources: UnitResources;
  count: number;
  expose: ServiceExpose[];
  /** undefined when the service has no `params` (omitted from JSON). */
  params: ServiceParams | undefined;
  /** null when the service has no `credentials`. */
  credentials: ImageCredentials | null;
}

/** `akash.manifest.v2beta3.ServiceParams`. */
export interface ServiceParams {
  /** Sorted by volume name; null when there are none. */
  storage: StorageParams[] | null;
  permissions: { read: string[] } | undefined;
  tee: { type: string; attestation: boolean } | undefined;
}

export interface StorageParams {
  name: string;
  mount: string;
  readOnly: boolean;
}

/** `akash.manifest.v2beta3.ImageCredentials`. v2.0 SDLs never carry the email; v2.1 trims all four. */
export interface ImageCredentials {
  host: string;
  email: string;
  username: string;
  password: string;
}

/** The manifest Go's `sdl.Manifest()` returns: groups sorted by placement name. Total on any decoded SDL. */
export function buildManifest(sdl: Sdl): ManifestGroup[] {
  return buildDeployment(sdl).manifest;
}

/** The manifest as the JSON value Go's `json.Marshal` produces (Go field order; see `manifestToSortedJSON`). */
export function manifestToJSON(groups: readonly ManifestGroup[]): JsonValue {
  return groups.map((g) => ({ name: g.name, services: g.services.map(serviceToJson) }));
}

/**
 * Exactly the bytes a provider hashes and should be sent: Go `json.Marshal` then `sdk.SortJSON`
 * (keys sorted at every level, no spaces, `<` `>` `&` U+2028 U+2029 escaped).
 */
export function manifestToSortedJSON(groups: readonly ManifestGroup[]): string {
  return goSortedJson(manifestToJSON(groups));
}

/** The manifest version: hex SHA-256 of the sorted JSON's UTF-8 bytes (what `MsgCreateDeployment.hash` carries). */
export function manifestHash(sortedJson: string): string {
  return createHash("sha256").update(sortedJson, "utf8").digest("hex");
}

function serviceToJson(s: ManifestService): JsonValue {
  const out: { [key: string]: JsonValue } = {
    name: s.name,
    image: s.image,
    command: listOrNull(s.command),
    args: listOrNull(s.args),
    env: listOrNull(s.env),
    resources: resourcesToJson(s.resources),
    count: s.count,
    expose: s.expose.map(exposeToJson),
  };
  if (s.params) out.params = paramsToJson(s.params);
  out.credentials = s.credentials === null ? null : { ...s.credentials };
  return out;
}

/** `storage` is always written (null when empty); `permissions` and `tee` are omitempty, as is `read`. */
function paramsToJson(p: ServiceParams): JsonValue {
  const out: { [key: string]: JsonValue } = {
    storage: p.storage === null ? null : p.storage.map((v) => ({ name: v.name, mount: v.mount, readOnly: v.readOnly })),
  };
  if (p.permissions) out.permissions = p.permissions.read.length > 0 ? { read: [...p.permissions.read] } : {};
  if (p.tee) out.tee = { type: p.tee.type, attestation: p.tee.attestation };
  return out;
}

function listOrNull(list: string[] | null): JsonValue {
  return list === null ? null : [...list];
}
