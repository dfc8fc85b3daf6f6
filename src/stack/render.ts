/**
 * Renders a stack's model as an SDL document (plain data, canonical forms) and remembers which
 * construct produced each part, by JSON pointer, so a linter finding at
 * `/services/ipfs/expose/1/to/0` can be reported at the `expose()` call that made it.
 *
 * Canonical forms (sdl-rules.md §9): version "2.0"; CPU as "<int>m"; sizes as <int>Mi|Gi; price
 * amounts as strings; `persistent` and `class` always together; `as` and `proto` always written (Go
 * and chain-sdk key IP-port collisions on them differently when they are left out); one compute profile per
 * service, named after it; keys in a fixed order, services in declaration order.
 */
import { pointer } from "../sdl/findings.js";
import type { SourceLocation } from "./location.js";
import type { ExposeModel, GpuModel, HttpOptionsModel, ServiceModel, StackModel, VolumeModel } from "./model.js";
import { formatSize } from "./size.js";

export const SDL_VERSION = "2.0";

export interface RenderedSdl {
  document: Record<string, unknown>;
  /** JSON pointer → the construct that produced that part of the document. */
  origins: Map<string, SourceLocation>;
}

export function renderSdl(model: StackModel, stackLocation: SourceLocation): RenderedSdl {
  const origins = new Map<string, SourceLocation>([["", stackLocation]]);
  const at = (location: SourceLocation, ...segments: Array<string | number>) => origins.set(pointer(...segments), location);

  const services: Record<string, unknown> = {};
  const compute: Record<string, unknown> = {};
  const deployment: Record<string, unknown> = {};
  for (const service of model.services) {
    at(service.location, "services", service.name);
    services[service.name] = renderService(service, at);
    at(service.location, "profiles", "compute", service.name);
    compute[service.name] = { resources: renderResources(service) };
    at(service.location, "deployment", service.name);
    deployment[service.name] = { [service.placement.name]: { profile: service.name, count: service.count } };
  }

  const placement: Record<string, unknown> = {};
  for (const p of model.placements) {
    const deployed = model.services.filter((s) => s.placement === p);
    if (deployed.length === 0) continue; // an unused placement is reported as a warning, not rendered
    at(p.location, "profiles", "placement", p.name);
    const pricing: Record<string, unknown> = {};
    for (const s of deployed) {
      at(s.location, "profiles", "placement", p.name, "pricing", s.name);
      pricing[s.name] = { denom: s.priceDenom, amount: s.priceAmount };
    }
    placement[p.name] = {
      ...(Object.keys(p.attributes).length > 0 ? { attributes: { ...p.attributes } } : {}),
      ...(p.signedBy ? { signedBy: renderSignedBy(p.signedBy) } : {}),
      pricing,
    };
  }

  const document: Record<string, unknown> = { version: SDL_VERSION, services, profiles: { compute, placement }, deployment };
  if (model.endpoints.length > 0) {
    const endpoints: Record<string, unknown> = {};
    for (const e of model.endpoints) {
      at(e.location, "endpoints", e.name);
      endpoints[e.name] = { kind: "ip" };
    }
    document.endpoints = endpoints;
  }
  return { document, origins };
}

type Mark = (location: SourceLocation, ...segments: Array<string | number>) => void;

function renderService(s: ServiceModel, at: Mark): Record<string, unknown> {
  const out: Record<string, unknown> = { image: s.image };
  if (s.command) out.command = [...s.command];
  if (s.args) out.args = [...s.args];
  if (s.env.length > 0) out.env = s.env.map(([k, v]) => `${k}=${v}`);
  const exposes = groupExposes(s.exposes);
  if (exposes.length > 0) {
    out.expose = exposes.map((group, i) => {
      at(group[0]!.location, "services", s.name, "expose", i);
      return renderExpose(group, (j, location) => at(location, "services", s.name, "expose", i, "to", j));
    });
  }
  const mounted = s.volumes.filter((v) => v.mount !== undefined);
  if (mounted.length > 0 || s.permissions) {
    out.params = {
      ...(mounted.length > 0
        ? { storage: Object.fromEntries(mounted.map((v) => [v.name, { mount: v.mount, ...(v.readOnly !== undefined ? { readOnly: v.readOnly } : {}) }])) }
        : {}),
      ...(s.permissions ? { permissions: { read: [...s.permissions] } } : {}),
    };
  }
  if (s.credentials) {
    const { host, username, password, email } = s.credentials;
    out.credentials = { host, username, password, ...(email !== undefined ? { email } : {}) };
  }
  return out;
}

/** Calls for the same port, external port and protocol become one SDL expose entry, in first-call order. */
function groupExposes(exposes: readonly ExposeModel[]): ExposeModel[][] {
  const groups = new Map<string, ExposeModel[]>();
  for (const e of exposes) {
    const key = `${e.port}/${e.as ?? e.port}/${e.proto}`;
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  return [...groups.values()];
}

function renderExpose(group: readonly ExposeModel[], markTo: (index: number, location: SourceLocation) => void): Record<string, unknown> {
  const first = group[0]!;
  // `as` always written: Go keys leased-IP ports on `as`, which is 0 when omitted, so two
  // exposes on one IP without it collide ("already in use").
  const out: Record<string, unknown> = { port: first.port, as: first.as ?? first.port, proto: first.proto };
  const accept = [...new Set(group.flatMap((e) => e.accept))];
  if (accept.length > 0) out.accept = accept;
  const http = group.find((e) => e.httpOptions)?.httpOptions;
  if (http) out.http_options = renderHttpOptions(http);
  const to: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  for (const e of group) {
    const item: Record<string, unknown> = e.client ? { service: e.client.name } : { global: true, ...(e.ip ? { ip: e.ip.name } : {}) };
    const key = JSON.stringify(item);
    if (seen.has(key)) continue;
    seen.add(key);
    markTo(to.length, e.location);
    to.push(item);
  }
  out.to = to;
  return out;
}

function renderHttpOptions(o: HttpOptionsModel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (o.maxBodySize) out.max_body_size = o.maxBodySize.mebibytes * 1024 * 1024;
  if (o.readTimeoutMs !== undefined) out.read_timeout = o.readTimeoutMs;
  if (o.sendTimeoutMs !== undefined) out.send_timeout = o.sendTimeoutMs;
  if (o.nextTries !== undefined) out.next_tries = o.nextTries;
  if (o.nextTimeoutMs !== undefined) out.next_timeout = o.nextTimeoutMs;
  if (o.nextCases !== undefined) out.next_cases = [...o.nextCases];
  return out;
}

function renderResources(s: ServiceModel): Record<string, unknown> {
  return {
    cpu: { units: `${s.cpuMillis}m` },
    memory: { size: formatSize(s.memory) },
    storage: [{ size: formatSize(s.rootStorage) }, ...s.volumes.map(renderVolume)],
    ...(s.gpu ? { gpu: renderGpu(s.gpu) } : {}),
  };
}

/** `vendor: {nvidia: null}` (written `nvidia:`) asks for any GPU of the vendor, as Go reads it. */
function renderGpu(gpu: GpuModel): Record<string, unknown> {
  const models = gpu.models.map((m) => ({
    model: m.model,
    ...(m.memory !== undefined ? { ram: m.memory } : {}),
    ...(m.interface !== undefined ? { interface: m.interface } : {}),
  }));
  return { units: gpu.units, attributes: { vendor: { [gpu.vendor]: models.length > 0 ? models : null } } };
}

function renderVolume(v: VolumeModel): Record<string, unknown> {
  const out: Record<string, unknown> = { name: v.name, size: formatSize(v.size) };
  // Always both keys (chain-sdk's schema requires the pair; Go defaults them differently).
  if (v.class !== undefined) out.attributes = { persistent: v.class !== "ram", class: v.class };
  return out;
}

function renderSignedBy(signedBy: { allOf: readonly string[]; anyOf: readonly string[] }): Record<string, unknown> {
  return {
    ...(signedBy.allOf.length > 0 ? { allOf: [...signedBy.allOf] } : {}),
    ...(signedBy.anyOf.length > 0 ? { anyOf: [...signedBy.anyOf] } : {}),
  };
}
