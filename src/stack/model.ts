/**
 * What a stack's `build` records: the construct tree that synthesis walks. Internal to
 * `src/stack`; stack files see only the handles and props in `stack.ts`.
 */
import type { SourceLocation } from "./location.js";
import type { GeneratedSecretKind } from "./secrets.js";
import type { SizeLike } from "./size.js";

export type Proto = "tcp" | "udp";

export type StorageClass = "default" | "beta1" | "beta2" | "beta3" | "ram";

export interface VolumeModel {
  name: string;
  size: SizeLike;
  class: StorageClass | undefined;
  mount: string | undefined;
  readOnly: boolean | undefined;
}

export interface GpuModel {
  units: number;
  vendor: "nvidia";
  /** Any one of these; empty for any GPU of the vendor. Memory as written in the SDL (`80Gi`). */
  models: ReadonlyArray<{ model: string; memory: string | undefined; interface: string | undefined }>;
}

export interface HttpOptionsModel {
  maxBodySize?: SizeLike;
  readTimeoutMs?: number;
  sendTimeoutMs?: number;
  nextTries?: number;
  nextTimeoutMs?: number;
  nextCases?: readonly string[];
}

/** One `expose()` or `allow()` call. Calls with the same port, as and proto share one SDL expose entry. */
export interface ExposeModel {
  port: number;
  as: number | undefined;
  proto: Proto;
  /** `expose({global: true})`. */
  global: boolean;
  ip: EndpointModel | undefined;
  /** `allow(client)`: the service that may reach this port. */
  client: ServiceModel | undefined;
  accept: readonly string[];
  httpOptions: HttpOptionsModel | undefined;
  location: SourceLocation;
}

export interface CredentialsModel {
  host: string;
  username: string;
  password: string;
  email: string | undefined;
}

export interface ServiceModel {
  name: string;
  image: string;
  command: readonly string[] | undefined;
  args: readonly string[] | undefined;
  /** Rendered values: secrets already turned into placeholders. */
  env: ReadonlyArray<readonly [string, string]>;
  cpuMillis: number;
  /** The cpu as written, for messages. */
  cpuCores: number;
  memory: SizeLike;
  rootStorage: SizeLike;
  volumes: VolumeModel[];
  gpu: GpuModel | undefined;
  count: number;
  priceAmount: string;
  priceDenom: string;
  placement: PlacementModel;
  credentials: CredentialsModel | undefined;
  /** `params.permissions.read`. */
  permissions: readonly string[] | undefined;
  exposes: ExposeModel[];
  location: SourceLocation;
}

export interface PlacementModel {
  name: string;
  attributes: Readonly<Record<string, string>>;
  signedBy: { allOf: readonly string[]; anyOf: readonly string[] } | undefined;
  location: SourceLocation;
}

export interface EndpointModel {
  name: string;
  location: SourceLocation;
}

export interface DnsRecordModel {
  type: "A";
  zone: string;
  name: string;
  endpoint: EndpointModel;
  ttl: number;
  location: SourceLocation;
}

export interface SecretModel {
  name: string;
  generated: GeneratedSecretKind | undefined;
  /** For kind "htpasswd": the user name and the secret whose value is hashed. */
  htpasswd?: HtpasswdSource;
  location: SourceLocation;
}

/** What an htpasswd secret is made from: `<username>:<bcrypt of the password secret's value>`. */
export interface HtpasswdSource {
  username: string;
  /** The name of the secret that holds the plain password. */
  password: string;
}

/** A login the stack's users have, e.g. the registry's admin account (`Stack.login`). */
export interface LoginModel {
  /** The host clients log in to: `registry.example.com`. */
  host: string;
  username: string;
  /** The name of the secret that holds the password. */
  password: string;
  location: SourceLocation;
}

/** A mistake found while building or checking a stack, at the construct that caused it. */
export interface StackProblem {
  location: SourceLocation;
  message: string;
  /** Set for findings of the SDL linter. */
  ruleId?: string;
}

export interface StackModel {
  services: ServiceModel[];
  placements: PlacementModel[];
  endpoints: EndpointModel[];
  dnsRecords: DnsRecordModel[];
  secrets: SecretModel[];
  logins: LoginModel[];
  /** Mistakes the builder saw while `build` ran (bad names, duplicates, values of the wrong kind). */
  problems: StackProblem[];
}
