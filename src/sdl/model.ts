/**
 * The SDL as the Go parser (`pkg.akt.dev/go/sdl` v2/v2_1 structs) holds it after YAML decoding and
 * before validation. Every part keeps the YAML node it came from, so rules can point at it.
 * A field that failed to decode is `undefined`: its decode finding has been reported already, and
 * rules skip it instead of piling further findings on the same mistake.
 */
import type { YEntry, YMap, YNode, YScalar } from "./yaml.js";

export type SdlVersion = "2.0" | "2.1";

export interface Sdl {
  version: SdlVersion;
  /** `version` as written; undefined when missing. */
  versionNode: YScalar | undefined;
  root: YMap;
  services: Map<string, Service>;
  /** Services whose definition failed to decode (reported already); rules must not call them missing. */
  undecodedServices: Set<string>;
  compute: Map<string, ComputeProfile>;
  placements: Map<string, PlacementProfile>;
  /** deployment.<service>.<placement>, in file order. */
  deployments: Map<string, ServiceDeployment>;
  endpoints: Map<string, Endpoint>;
  reclamation: Reclamation | undefined;
}

export interface Named {
  name: string;
  /** The mapping entry whose key is the name. */
  entry: YEntry;
}

export interface Service extends Named {
  image: string | undefined;
  imageNode: YNode | undefined;
  /** null when absent or YAML null; [] when written as an empty list (Go keeps the difference in JSON). */
  command: string[] | null;
  args: string[] | null;
  env: EnvVar[] | null;
  expose: Expose[];
  params: ServiceParams | undefined;
  credentials: Credentials | undefined;
}

export interface EnvVar {
  text: string;
  node: YNode;
}

export interface Expose {
  node: YNode;
  /** undefined when missing or undecodable; 0 when written as 0. */
  port: number | undefined;
  portNode: YNode | undefined;
  /** 0 = same as port. */
  as: number;
  asNode: YNode | undefined;
  /** As written ("" when absent = TCP). */
  proto: string;
  protoNode: YNode | undefined;
  accept: Array<{ host: string; node: YNode }>;
  to: ExposeTo[];
  httpOptions: HttpOptions;
  httpOptionsNode: YNode | undefined;
}

export interface ExposeTo {
  node: YNode;
  service: string;
  global: boolean;
  ip: string;
  ipNode: YNode | undefined;
}

export interface HttpOptions {
  maxBodySize: number;
  readTimeout: number;
  sendTimeout: number;
  nextTries: number;
  nextTimeout: number;
  nextCases: string[];
  /** 0 = unset; deliberately not defaulted so old manifests keep their hash. */
  proxyBufferSize: number;
  /** Nodes of the options that were written, for pointing at them. */
  nodes: Partial<Record<keyof Omit<HttpOptions, "nodes">, YNode>>;
}

export interface ServiceParams {
  node: YNode;
  storage: Map<string, StorageParam>;
  permissions: { read: string[]; node: YNode } | undefined;
  tee: { type: string; node: YNode } | undefined;
}

export interface StorageParam extends Named {
  mount: string;
  mountNode: YNode | undefined;
  readOnly: boolean;
}

export interface Credentials {
  node: YNode;
  host: string;
  username: string;
  password: string;
  email: string;
}

export interface ComputeProfile extends Named {
  /** undefined when `resources` is missing. */
  resources: Resources | undefined;
}

export interface Resources {
  node: YNode;
  cpu: { millis: number | undefined; node: YNode; unitsNode: YNode | undefined; attributes: Attribute[] } | undefined;
  memory: { bytes: bigint | undefined; node: YNode; sizeNode: YNode | undefined } | undefined;
  /** undefined when `storage` is missing. */
  storage: Volume[] | undefined;
  storageNode: YNode | undefined;
  gpu: Gpu | undefined;
}

export interface Attribute {
  key: string;
  value: string;
  node: YNode;
}

export interface Volume {
  node: YNode;
  name: string;
  /** True when the volume was written as a single mapping (Go then forces the name "default"). */
  single: boolean;
  bytes: bigint | undefined;
  sizeNode: YNode | undefined;
  persistent: boolean;
  /** undefined when not given. */
  storageClass: string | undefined;
  attributesNode: YNode | undefined;
}

export interface Gpu {
  node: YNode;
  units: number | undefined;
  unitsNode: YNode | undefined;
  /** Attribute keys in Go's form (`vendor/nvidia/model/a100/ram/80Gi`), value "true". */
  attributes: Attribute[];
  /** The models asked for, for advice about bids. */
  models: Array<{ vendor: string; model: string; node: YNode }>;
  attributesNode: YNode | undefined;
}

export interface PlacementProfile extends Named {
  attributes: Attribute[];
  signedBy: { allOf: string[]; anyOf: string[] };
  pricing: Map<string, Price>;
  pricingNode: YNode | undefined;
}

export interface Price extends Named {
  denom: string;
  denomNode: YNode | undefined;
  /** Canonical 18-decimal amount, undefined when it does not parse. */
  amount: string | undefined;
  amountText: string;
  amountNode: YNode | undefined;
}

export interface ServiceDeployment extends Named {
  placements: Map<string, PlacementDeployment>;
}

export interface PlacementDeployment extends Named {
  profile: string;
  profileNode: YNode | undefined;
  count: number | undefined;
  countNode: YNode | undefined;
}

export interface Endpoint extends Named {
  kind: string;
}

export interface Reclamation {
  node: YNode;
  minWindow: string;
  minWindowNode: YNode | undefined;
}
