/**
 * Reads a manifest the way a provider does: Go's `json.Unmarshal` into `akash.manifest.v2beta3`
 * structs (field names matched case-insensitively, unknown fields ignored, missing fields left at
 * their zero value, wrong JSON types rejected). Re-marshalling the result with the SDL engine's
 * `manifestToSortedJSON` then gives exactly the bytes the provider hashes, so a tenant who hashed
 * different bytes (`[]` for `null`, a missing key, `quantity` for `size`) is refused as on mainnet.
 */
import type { ManifestHttpOptions, ServiceExpose } from "../sdl/expose.js";
import type { ImageCredentials, ManifestGroup, ManifestService, ServiceParams, StorageParams } from "../sdl/manifest.js";
import type { ResourceAttribute, ResourceEndpoint, StorageVolume, UnitResources } from "../sdl/resources.js";

export class ManifestDecodeError extends Error {}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function jsonType(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") return "object";
  return typeof value === "boolean" ? "bool" : typeof value;
}

function typeError(value: Json, where: string, goType: string): ManifestDecodeError {
  return new ManifestDecodeError(`json: cannot unmarshal ${jsonType(value)} into Go struct field ${where} of type ${goType}`);
}

/** Go's field lookup: the exact key, else the first key equal under case folding. */
function field(obj: JsonObject, name: string): Json | undefined {
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}

function object(value: Json | undefined, where: string, goType: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw typeError(value, where, goType);
  return value;
}

function string(value: Json | undefined, where: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw typeError(value, where, "string");
  return value;
}

function bool(value: Json | undefined, where: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw typeError(value, where, "bool");
  return value;
}

function uint32(value: Json | undefined, where: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number") throw typeError(value, where, "uint32");
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new ManifestDecodeError(`json: cannot unmarshal number ${value} into Go struct field ${where} of type uint32`);
  }
  return value;
}

/** nil for null/missing (Go leaves the slice nil), else the decoded items. */
function list<T>(value: Json | undefined, where: string, goType: string, item: (v: Json, i: number) => T): T[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw typeError(value, where, goType);
  return value.map(item);
}

function strings(value: Json | undefined, where: string): string[] | null {
  return list(value, where, "[]string", (v) => string(v, where));
}

/** `math.Int` inside `ResourceValue`: a JSON string of digits. */
function resourceValue(value: Json | undefined, where: string): bigint {
  const obj = object(value, where, "v1beta4.ResourceValue");
  if (!obj) return 0n;
  const val = field(obj, "val");
  if (val === undefined || val === null) return 0n;
  if (typeof val !== "string") throw new ManifestDecodeError(`json: cannot unmarshal ${jsonType(val)} into Go value of type string`);
  if (!/^-?\d+$/.test(val)) throw new ManifestDecodeError(`math/big: cannot unmarshal ${JSON.stringify(val)} into a *big.Int`);
  return BigInt(val);
}

function attributes(value: Json | undefined, where: string): ResourceAttribute[] {
  return (
    list(value, where, "v1.Attributes", (v) => {
      const obj = object(v, where, "v1.Attribute") ?? {};
      return { key: string(field(obj, "key"), `${where}.key`), value: string(field(obj, "value"), `${where}.value`) };
    }) ?? []
  );
}

function resources(value: Json | undefined, where: string): UnitResources {
  const obj = object(value, where, "v1beta4.Resources") ?? {};
  const cpu = object(field(obj, "cpu"), `${where}.cpu`, "v1beta4.CPU");
  const memory = object(field(obj, "memory"), `${where}.memory`, "v1beta4.Memory");
  const gpu = object(field(obj, "gpu"), `${where}.gpu`, "v1beta4.GPU");
  const storage: StorageVolume[] =
    list(field(obj, "storage"), `${where}.storage`, "v1beta4.Volumes", (v) => {
      const s = object(v, `${where}.storage`, "v1beta4.Storage") ?? {};
      const attrs = attributes(field(s, "attributes"), `${where}.storage.attributes`);
      return { name: string(field(s, "name"), `${where}.storage.name`), size: resourceValue(field(s, "size"), `${where}.storage.size`), attributes: attrs.length > 0 ? attrs : null };
    }) ?? [];
  const endpoints: ResourceEndpoint[] =
    list(field(obj, "endpoints"), `${where}.endpoints`, "v1beta4.Endpoints", (v) => {
      const e = object(v, `${where}.endpoints`, "v1beta4.Endpoint") ?? {};
      const kind = uint32(field(e, "kind"), `${where}.endpoints.kind`);
      if (kind > 2) throw new ManifestDecodeError(`unknown endpoint kind ${kind}`);
      return { kind: kind as ResourceEndpoint["kind"], sequenceNumber: uint32(field(e, "sequence_number"), `${where}.endpoints.sequence_number`) };
    }) ?? [];
  return {
    id: uint32(field(obj, "id"), `${where}.id`),
    cpu: cpu ? { units: resourceValue(field(cpu, "units"), `${where}.cpu.units`), attributes: attributes(field(cpu, "attributes"), `${where}.cpu.attributes`) } : undefined,
    memory: memory ? { size: resourceValue(field(memory, "size"), `${where}.memory.size`), attributes: attributes(field(memory, "attributes"), `${where}.memory.attributes`) } : undefined,
    storage,
    gpu: gpu ? { units: resourceValue(field(gpu, "units"), `${where}.gpu.units`), attributes: attributes(field(gpu, "attributes"), `${where}.gpu.attributes`) } : undefined,
    endpoints,
  };
}

function httpOptions(value: Json | undefined, where: string): ManifestHttpOptions {
  const obj = object(value, where, "v2beta3.ServiceExposeHTTPOptions") ?? {};
  return {
    maxBodySize: uint32(field(obj, "maxBodySize"), `${where}.maxBodySize`),
    readTimeout: uint32(field(obj, "readTimeout"), `${where}.readTimeout`),
    sendTimeout: uint32(field(obj, "sendTimeout"), `${where}.sendTimeout`),
    nextTries: uint32(field(obj, "nextTries"), `${where}.nextTries`),
    nextTimeout: uint32(field(obj, "nextTimeout"), `${where}.nextTimeout`),
    // Go marshals a nil slice as null; the SDL engine's model has no nil here, so [] stands in
    nextCases: strings(field(obj, "nextCases"), `${where}.nextCases`) ?? [],
    proxyBufferSize: uint32(field(obj, "proxyBufferSize"), `${where}.proxyBufferSize`),
  };
}

function expose(value: Json, where: string): ServiceExpose {
  const obj = object(value, where, "v2beta3.ServiceExpose") ?? {};
  return {
    port: uint32(field(obj, "port"), `${where}.port`),
    externalPort: uint32(field(obj, "externalPort"), `${where}.externalPort`),
    proto: string(field(obj, "proto"), `${where}.proto`),
    service: string(field(obj, "service"), `${where}.service`),
    global: bool(field(obj, "global"), `${where}.global`),
    hosts: strings(field(obj, "hosts"), `${where}.hosts`),
    httpOptions: httpOptions(field(obj, "httpOptions"), `${where}.httpOptions`),
    ip: string(field(obj, "ip"), `${where}.ip`),
    endpointSequenceNumber: uint32(field(obj, "endpointSequenceNumber"), `${where}.endpointSequenceNumber`),
  };
}

function params(value: Json | undefined, where: string): ServiceParams | undefined {
  const obj = object(value, where, "v2beta3.ServiceParams");
  if (!obj) return undefined;
  const storage = list(field(obj, "storage"), `${where}.storage`, "[]v2beta3.StorageParams", (v): StorageParams => {
    const s = object(v, `${where}.storage`, "v2beta3.StorageParams") ?? {};
    return { name: string(field(s, "name"), `${where}.storage.name`), mount: string(field(s, "mount"), `${where}.storage.mount`), readOnly: bool(field(s, "readOnly"), `${where}.storage.readOnly`) };
  });
  const permissions = object(field(obj, "permissions"), `${where}.permissions`, "v2beta3.ServicePermissions");
  const tee = object(field(obj, "tee"), `${where}.tee`, "v2beta3.ServiceTee");
  return {
    storage,
    permissions: permissions ? { read: strings(field(permissions, "read"), `${where}.permissions.read`) ?? [] } : undefined,
    tee: tee ? { type: string(field(tee, "type"), `${where}.tee.type`), attestation: bool(field(tee, "attestation"), `${where}.tee.attestation`) } : undefined,
  };
}

function credentials(value: Json | undefined, where: string): ImageCredentials | null {
  const obj = object(value, where, "v2beta3.ImageCredentials");
  if (!obj) return null;
  return {
    host: string(field(obj, "host"), `${where}.host`),
    email: string(field(obj, "email"), `${where}.email`),
    username: string(field(obj, "username"), `${where}.username`),
    password: string(field(obj, "password"), `${where}.password`),
  };
}

function service(value: Json, where: string): ManifestService {
  const obj = object(value, where, "v2beta3.Service") ?? {};
  return {
    name: string(field(obj, "name"), `${where}.name`),
    image: string(field(obj, "image"), `${where}.image`),
    command: strings(field(obj, "command"), `${where}.command`),
    args: strings(field(obj, "args"), `${where}.args`),
    env: strings(field(obj, "env"), `${where}.env`),
    resources: resources(field(obj, "resources"), `${where}.resources`),
    count: uint32(field(obj, "count"), `${where}.count`),
    expose: list(field(obj, "expose"), `${where}.expose`, "v2beta3.ServiceExposes", (v) => expose(v, `${where}.expose`)) ?? [],
    params: params(field(obj, "params"), `${where}.params`),
    credentials: credentials(field(obj, "credentials"), `${where}.credentials`),
  };
}

/** Decodes a manifest request body (a JSON array of groups). Throws ManifestDecodeError. */
export function decodeManifest(body: string): ManifestGroup[] {
  let parsed: Json;
  try {
    parsed = JSON.parse(body) as Json;
  } catch (err) {
    throw new ManifestDecodeError(`invalid character in manifest JSON: ${(err as Error).message}`);
  }
  const groups = list(parsed, "Manifest", "v2beta3.Manifest", (v) => {
    const obj = object(v, "Group", "v2beta3.Group") ?? {};
    return {
      name: string(field(obj, "name"), "Group.name"),
      services: list(field(obj, "services"), "Group.services", "v2beta3.Services", (s) => service(s, "Service")) ?? [],
    };
  });
  if (groups === null) throw new ManifestDecodeError("manifest is null: send the JSON array of manifest groups");
  return groups;
}
