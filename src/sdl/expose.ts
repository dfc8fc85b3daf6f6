/**
 * A service's `expose` list as the manifest carries it (one entry per `to`, or one cluster-internal
 * entry when `to` is empty), and the endpoints each entry asks the chain for. Re-expresses Go's
 * `v2Exposes.toManifestExpose`, `ServiceExpose.GetEndpoints` and `computeEndpointSequenceNumbers`.
 */
import type { JsonValue } from "./go-json.js";
import { compareCodePoints, goSort, goStringLess } from "./go-sort.js";
import type { Expose, HttpOptions, Sdl, Service } from "./model.js";
import { EndpointKind, sortEndpoints, type ResourceEndpoint } from "./resources.js";
import { child } from "./yaml.js";

/**
 * `akash.manifest.v2beta3.ServiceExposeHTTPOptions`: the SDL's HTTP options without the YAML
 * nodes they came from (a `proxyBufferSize` of 0 is omitted from the JSON, so manifests without
 * it keep their hash).
 */
export type ManifestHttpOptions = Omit<HttpOptions, "nodes">;

/** `akash.manifest.v2beta3.ServiceExpose`. */
export interface ServiceExpose {
  port: number;
  /** As written in `as`: 0 means "same as port" (`externalPortOf`). */
  externalPort: number;
  /** Upper-case: "TCP" or "UDP". */
  proto: string;
  /** The service this is exposed to ("" for global or cluster-internal). */
  service: string;
  global: boolean;
  /** null when `accept` is absent; [] when written as an empty list (Go keeps the difference). */
  hosts: string[] | null;
  httpOptions: ManifestHttpOptions;
  /** The leased-IP endpoint name, "" for none. */
  ip: string;
  /** The endpoint's sequence number for a global IP expose, else 0. */
  endpointSequenceNumber: number;
}

/**
 * Go numbers the endpoint names of every deployed service's `to` entries, sorted, from 1. It also
 * collects the "" of every non-global `to` (the skip only drops global entries without an IP);
 * those numbers are never used but shift nothing, since "" sorts first. A name used twice gets the
 * number of its last occurrence.
 */
export function endpointSequenceNumbers(sdl: Sdl): Map<string, number> {
  const names: string[] = [];
  for (const svcName of sortedNames(sdl.deployments.keys())) {
    for (const expose of sdl.services.get(svcName)?.expose ?? []) {
      for (const to of expose.to) {
        if (to.global && to.ip === "") continue;
        names.push(to.ip);
      }
    }
  }
  names.sort(compareCodePoints);
  const numbers = new Map<string, number>();
  names.forEach((name, i) => numbers.set(name, i + 1));
  return numbers;
}

/** The manifest exposes of one service, sorted as Go sorts them (service, port, proto, global first). */
export function toManifestExposes(service: Service | undefined, sequenceNumbers: ReadonlyMap<string, number>): ServiceExpose[] {
  const out: ServiceExpose[] = [];
  for (const expose of service?.expose ?? []) {
    // each entry gets its own copies: the typed manifest must not share lists between exposes
    const common = (): Pick<ServiceExpose, "port" | "externalPort" | "proto" | "hosts" | "httpOptions"> => ({
      port: expose.port ?? 0,
      externalPort: expose.as,
      proto: manifestProto(expose.proto),
      hosts: hostsOf(expose),
      httpOptions: manifestHttpOptions(expose.httpOptions),
    });
    if (expose.to.length === 0) {
      out.push({ ...common(), service: "", global: false, ip: "", endpointSequenceNumber: 0 });
      continue;
    }
    for (const to of expose.to) {
      out.push({
        ...common(),
        service: to.service,
        global: to.global,
        ip: to.ip,
        endpointSequenceNumber: to.global && to.ip !== "" ? (sequenceNumbers.get(to.ip) ?? 0) : 0,
      });
    }
  }
  return goSort(out, exposeLess);
}

/** `ServiceExposes.Less`. */
function exposeLess(a: ServiceExpose, b: ServiceExpose): boolean {
  if (a.service !== b.service) return goStringLess(a.service, b.service);
  if (a.port !== b.port) return a.port < b.port;
  if (a.proto !== b.proto) return goStringLess(a.proto, b.proto);
  if (a.global !== b.global) return a.global;
  return false;
}

/** `ParseServiceProtocol`: case-insensitive, "" means TCP. */
function manifestProto(proto: string): string {
  return proto === "" ? "TCP" : proto.toUpperCase();
}

/** Go decodes `accept` into a slice: absent or null stays nil (JSON null), `[]` stays empty. */
function hostsOf(expose: Expose): string[] | null {
  return child(expose.node, "accept")?.kind === "seq" ? expose.accept.map((a) => a.host) : null;
}

function manifestHttpOptions(options: HttpOptions): ManifestHttpOptions {
  return {
    maxBodySize: options.maxBodySize,
    readTimeout: options.readTimeout,
    sendTimeout: options.sendTimeout,
    nextTries: options.nextTries,
    nextTimeout: options.nextTimeout,
    nextCases: [...options.nextCases],
    proxyBufferSize: options.proxyBufferSize,
  };
}

/** The port a client connects to: `as`, or `port` when `as` is 0. */
export function externalPortOf(expose: ServiceExpose): number {
  return expose.externalPort === 0 ? expose.port : expose.externalPort;
}

/** Global TCP on external port 80 goes through the provider's shared ingress. */
export function isIngress(expose: ServiceExpose): boolean {
  return expose.proto === "TCP" && expose.global && externalPortOf(expose) === 80;
}

/** `ServiceExpose.GetEndpoints`: nothing for non-global; else [LEASED_IP,] SHARED_HTTP|RANDOM_PORT, sorted. */
export function exposeEndpoints(expose: ServiceExpose): ResourceEndpoint[] {
  if (!expose.global) return [];
  const endpoints: ResourceEndpoint[] = [];
  if (expose.ip !== "") endpoints.push({ kind: EndpointKind.LEASED_IP, sequenceNumber: expose.endpointSequenceNumber });
  endpoints.push({ kind: isIngress(expose) ? EndpointKind.SHARED_HTTP : EndpointKind.RANDOM_PORT, sequenceNumber: 0 });
  return sortEndpoints(endpoints);
}

/** `ServiceExposes.GetEndpoints`: each expose's endpoints, in expose order. */
export function servicesEndpoints(exposes: readonly ServiceExpose[]): ResourceEndpoint[] {
  return exposes.flatMap(exposeEndpoints);
}

/** The JSON Go writes for one `ServiceExpose` (every field present; `proxyBufferSize` omitempty). */
export function exposeToJson(expose: ServiceExpose): JsonValue {
  const http: { [key: string]: JsonValue } = {
    maxBodySize: expose.httpOptions.maxBodySize,
    readTimeout: expose.httpOptions.readTimeout,
    sendTimeout: expose.httpOptions.sendTimeout,
    nextTries: expose.httpOptions.nextTries,
    nextTimeout: expose.httpOptions.nextTimeout,
    nextCases: [...expose.httpOptions.nextCases],
  };
  if (expose.httpOptions.proxyBufferSize !== 0) http.proxyBufferSize = expose.httpOptions.proxyBufferSize;
  return {
    port: expose.port,
    externalPort: expose.externalPort,
    proto: expose.proto,
    service: expose.service,
    global: expose.global,
    hosts: expose.hosts === null ? null : [...expose.hosts],
    httpOptions: http,
    ip: expose.ip,
    endpointSequenceNumber: expose.endpointSequenceNumber,
  };
}

/** Deployment keys in Go's order (`sort.Strings`). */
export function sortedNames(names: Iterable<string>): string[] {
  return [...names].sort(compareCodePoints);
}
