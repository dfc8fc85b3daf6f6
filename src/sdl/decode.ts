/**
 * Decodes a YAML tree into the Go parser's view of an SDL (`model.ts`), reporting what Go's yaml.v3
 * decoding and the `UnmarshalYAML` hooks of `pkg.akt.dev/go/sdl` reject: unknown top-level keys,
 * version, type mismatches, units, storage/GPU/CPU attribute rules, accept hosts, protocols,
 * http_options. Cross-references (profiles, pricing, endpoints, mounts) are checked later by the
 * rules, over the decoded model. Go stops at its first error; we keep going and report all.
 */
import {
  decodeBool,
  decodeMap,
  decodeString,
  decodeStringList,
  decodeUint,
  scalarText,
} from "./decode-primitives.js";
import type {
  Attribute,
  ComputeProfile,
  Credentials,
  Endpoint,
  Expose,
  ExposeTo,
  Gpu,
  HttpOptions,
  PlacementDeployment,
  PlacementProfile,
  Price,
  Reclamation,
  Resources,
  Sdl,
  SdlVersion,
  Service,
  ServiceDeployment,
  ServiceParams,
  StorageParam,
  Volume,
} from "./model.js";
import type { Reporter } from "./report.js";
import { parseByteQuantity, parseCpuUnits, parseDecAmount, parseGoUint, parseGpuRam } from "./units.js";
import { child, entry, isNull, type YEntry, type YMap, type YNode } from "./yaml.js";

const TOP_LEVEL_KEYS = new Set(["version", "include", "services", "profiles", "deployment", "endpoints", "reclamation"]);

/** Decodes the root mapping. Returns undefined only when the version makes the rest meaningless. */
export function decodeSdl(root: YMap, report: Reporter): Sdl | undefined {
  for (const e of root.entries) {
    if (!TOP_LEVEL_KEYS.has(e.key.text)) {
      report.add("unknown-top-level-key", e, `sdl: unexpected field ${e.key.text}: the Go parser rejects unknown top-level keys; allowed are ${[...TOP_LEVEL_KEYS].join(", ")}`);
    }
  }
  const versionEntry = entry(root, "version");
  const version = decodeVersion(versionEntry, root, report);
  if (!version) return undefined;

  const sdl: Sdl = {
    version,
    versionNode: versionEntry?.value.kind === "scalar" ? versionEntry.value : undefined,
    root,
    services: new Map(),
    undecodedServices: new Set(),
    compute: new Map(),
    placements: new Map(),
    deployments: new Map(),
    endpoints: new Map(),
    reclamation: undefined,
  };
  const include = child(root, "include");
  if (include) decodeStringList(report, include, "include");

  for (const e of mapEntries(report, child(root, "services"), "map[string]v2Service", "services")) {
    const svc = decodeService(e, version, report);
    if (svc) sdl.services.set(svc.name, svc);
    else sdl.undecodedServices.add(e.key.text);
  }
  const profiles = decodeMap(report, child(root, "profiles"), "v2profiles", "profiles");
  if (profiles) {
    for (const e of mapEntries(report, child(profiles, "compute"), "map[string]v2ComputeProfile", "profiles.compute")) {
      sdl.compute.set(e.key.text, decodeComputeProfile(e, report));
    }
    for (const e of mapEntries(report, child(profiles, "placement"), "map[string]v2PlacementProfile", "profiles.placement")) {
      sdl.placements.set(e.key.text, decodePlacement(e, report));
    }
  }
  for (const e of mapEntries(report, child(root, "deployment"), "v2Deployments", "deployment")) {
    const d = decodeServiceDeployment(e, report);
    sdl.deployments.set(d.name, d);
  }
  for (const e of mapEntries(report, child(root, "endpoints"), "map[string]v2Endpoint", "endpoints")) {
    const kindNode = child(e.value, "kind");
    const endpoint: Endpoint = { name: e.key.text, entry: e, kind: decodeString(report, kindNode, "endpoint kind") ?? "" };
    if (!isNull(e.value) && e.value.kind !== "map") decodeMap(report, e.value, "v2Endpoint", `endpoints.${e.key.text}`);
    sdl.endpoints.set(endpoint.name, endpoint);
  }
  const reclamation = child(root, "reclamation");
  if (reclamation && !isNull(reclamation)) sdl.reclamation = decodeReclamation(reclamation, report);
  return sdl;
}

/** Entries of a mapping-valued field (null or missing: none). */
function mapEntries(report: Reporter, node: YNode | undefined, goType: string, what: string): YEntry[] {
  const map = decodeMap(report, node, goType, what);
  return map && map.kind === "map" ? map.entries : [];
}

/**
 * `semver.ParseTolerant`: trims spaces, drops a leading "v", pads a missing minor/patch with zeros.
 * Anything from 2.1.0 up is read as 2.1; below 2.0.0 is unsupported.
 */
function decodeVersion(versionEntry: YEntry | undefined, root: YMap, report: Reporter): SdlVersion | undefined {
  if (!versionEntry || isNull(versionEntry.value)) {
    report.add("version-missing", versionEntry ?? root, `SDL invalid: no version found: add \`version: "2.0"\` (or "2.1") as the first line`);
    return undefined;
  }
  const node = versionEntry.value;
  if (node.kind !== "scalar") {
    report.add("version-invalid", node, `version must be a single value such as "2.0" or "2.1"`);
    return undefined;
  }
  const parsed = parseTolerantSemver(node.text);
  if (!parsed) {
    report.add("version-invalid", node, `version "${node.text}" is not a version number: write "2.0" or "2.1"`);
    return undefined;
  }
  const [major, minor] = parsed;
  if (major < 2) {
    report.add("version-invalid", node, `SDL invalid: config: unsupported version "${node.text}": write "2.0" or "2.1"`);
    return undefined;
  }
  return major > 2 || minor >= 1 ? "2.1" : "2.0";
}

function parseTolerantSemver(text: string): [number, number, number] | undefined {
  let s = text.trim();
  if (s.startsWith("v")) s = s.slice(1);
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.exec(s);
  if (!m) return undefined;
  const parts = [m[1], m[2] ?? "0", m[3] ?? "0"].map((p) => p!);
  // semver forbids leading zeros in numeric parts
  if (parts.some((p) => p.length > 1 && p.startsWith("0"))) return undefined;
  return [Number(parts[0]), Number(parts[1]), Number(parts[2])];
}

function decodeService(e: YEntry, version: SdlVersion, report: Reporter): Service | undefined {
  const node = decodeMap(report, e.value, "v2Service", `services.${e.key.text}`);
  if (node === undefined) return undefined;
  const map = node ?? undefined;
  const imageNode = child(map, "image");
  const env = decodeStringList(report, child(map, "env"), "env");
  const svc: Service = {
    name: e.key.text,
    entry: e,
    image: imageNode ? decodeString(report, imageNode, "image") : undefined,
    imageNode,
    command: toTexts(decodeStringList(report, child(map, "command"), "command")),
    args: toTexts(decodeStringList(report, child(map, "args"), "args")),
    env: env ? env.map((v) => ({ text: v.text, node: v.node })) : null,
    expose: [],
    params: undefined,
    credentials: undefined,
  };
  const expose = child(map, "expose");
  if (expose && !isNull(expose)) {
    if (expose.kind !== "seq") report.add("yaml-type", expose, `cannot unmarshal ${expose.kind === "map" ? "!!map" : "a single value"} into v2Exposes: expose must be a YAML list of ports`);
    else for (const item of expose.items) {
      const x = decodeExpose(item, report);
      if (x) svc.expose.push(x);
    }
  }
  const params = child(map, "params");
  if (params && !isNull(params)) svc.params = decodeParams(params, report);
  const credentials = child(map, "credentials");
  if (credentials && !isNull(credentials)) svc.credentials = decodeCredentials(credentials, version, report);
  return svc;
}

function toTexts(list: Array<{ text: string }> | null | undefined): string[] | null {
  return list ? list.map((x) => x.text) : null;
}

const PROTOCOLS = new Set(["TCP", "UDP"]);

function decodeExpose(node: YNode, report: Reporter): Expose | undefined {
  const map = decodeMap(report, node, "v2Expose", "each expose entry");
  if (map === undefined) return undefined;
  const m = map ?? undefined;
  const portNode = child(m, "port");
  const asNode = child(m, "as");
  const protoNode = child(m, "proto");
  const proto = decodeString(report, protoNode, "proto") ?? "";
  if (proto !== "" && !PROTOCOLS.has(proto.toUpperCase())) {
    report.add("proto-unsupported", protoNode!, `unsupported service protocol "${proto}": use tcp or udp`);
  }
  const accept: Expose["accept"] = [];
  const acceptNode = child(m, "accept");
  for (const item of decodeStringList(report, acceptNode, "accept") ?? []) {
    const problem = acceptHostProblem(item.text);
    if (problem) report.add("accept-host-unparseable", item.node, `${problem}: accept takes bare host names such as "registry.example.com"`);
    accept.push({ host: item.text, node: item.node });
  }
  const to: ExposeTo[] = [];
  const toNode = child(m, "to");
  if (toNode && !isNull(toNode)) {
    if (toNode.kind !== "seq") report.add("yaml-type", toNode, `cannot unmarshal into []v2ExposeTo: "to" must be a YAML list such as "- global: true"`);
    else for (const item of toNode.items) {
      const t = decodeMap(report, item, "v2ExposeTo", "each \"to\" entry");
      if (t === undefined) continue;
      const tm = t ?? undefined;
      const ipNode = child(tm, "ip");
      to.push({
        node: item,
        service: decodeString(report, child(tm, "service"), "to.service") ?? "",
        global: decodeBool(report, child(tm, "global"), "to.global") ?? false,
        ip: decodeString(report, ipNode, "to.ip") ?? "",
        ipNode,
      });
    }
  }
  const httpNode = child(m, "http_options");
  return {
    node,
    port: portNode ? decodeUint(report, portNode, 32, "port") : undefined,
    portNode,
    as: decodeUint(report, asNode, 32, "as") ?? 0,
    asNode,
    proto,
    protoNode,
    accept,
    to,
    httpOptions: decodeHttpOptions(httpNode, report),
    httpOptionsNode: httpNode,
  };
}

/**
 * Go checks `url.ParseRequestURI("http://" + host)`: a space, a control character or a bad
 * percent-escape in the host fails it. DNS-1123 form is checked later by the manifest rules.
 */
function acceptHostProblem(host: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(host)) return `parse "http://${host}": net/url: invalid control character in URL`;
  if (host.includes(" ")) return `parse "http://${host}": invalid character " " in host name`;
  if (/%(?![0-9A-Fa-f]{2})/.test(host)) return `parse "http://${host}": invalid URL escape`;
  return undefined;
}

export const HTTP_DEFAULTS = {
  maxBodySize: 1_048_576,
  readTimeout: 60_000,
  sendTimeout: 60_000,
  nextTries: 3,
  nextTimeout: 0,
  nextCases: ["error", "timeout"],
  proxyBufferSize: 0,
} as const;

const HTTP_KEYS: Record<string, keyof Omit<HttpOptions, "nodes" | "nextCases">> = {
  max_body_size: "maxBodySize",
  read_timeout: "readTimeout",
  send_timeout: "sendTimeout",
  next_tries: "nextTries",
  next_timeout: "nextTimeout",
  proxy_buffer_size: "proxyBufferSize",
};

function decodeHttpOptions(node: YNode | undefined, report: Reporter): HttpOptions {
  const options: HttpOptions = { ...HTTP_DEFAULTS, nextCases: [...HTTP_DEFAULTS.nextCases], nodes: {} };
  const map = decodeMap(report, node, "v2HTTPOptions", "http_options");
  if (!map || map.kind !== "map") return options;
  for (const e of map.entries) {
    const field = HTTP_KEYS[e.key.text];
    if (field) {
      const value = decodeUint(report, e.value, 32, e.key.text);
      // Go keeps the default when a field is zero (omitted or written as 0)
      if (value !== undefined && value !== 0) options[field] = value;
      options.nodes[field] = e.value;
    } else if (e.key.text === "next_cases") {
      const cases = decodeStringList(report, e.value, "next_cases");
      if (cases && cases.length > 0) options.nextCases = cases.map((c) => c.text);
      options.nodes.nextCases = e.value;
    }
  }
  return options;
}

function decodeParams(node: YNode, report: Reporter): ServiceParams | undefined {
  const map = decodeMap(report, node, "v2ServiceParams", "params");
  if (!map || map.kind !== "map") return undefined;
  const params: ServiceParams = { node, storage: new Map(), permissions: undefined, tee: undefined };
  for (const e of mapEntries(report, child(map, "storage"), "map[string]v2ServiceStorageParams", "params.storage")) {
    const p = decodeMap(report, e.value, "v2ServiceStorageParams", `params.storage.${e.key.text}`);
    if (p === undefined) continue;
    const pm = p ?? undefined;
    const mountNode = child(pm, "mount");
    const param: StorageParam = {
      name: e.key.text,
      entry: e,
      mount: decodeString(report, mountNode, "mount") ?? "",
      mountNode,
      readOnly: decodeBool(report, child(pm, "readOnly"), "readOnly") ?? false,
    };
    params.storage.set(param.name, param);
  }
  const permissions = child(map, "permissions");
  if (permissions && !isNull(permissions)) {
    const read = decodeStringList(report, child(permissions, "read"), "permissions.read");
    params.permissions = { read: toTexts(read) ?? [], node: permissions };
  }
  const tee = child(map, "tee");
  if (tee && !isNull(tee)) {
    const type = decodeString(report, tee, "tee") ?? "";
    params.tee = { type, node: tee };
    if (type !== "cpu" && type !== "cpu-gpu") report.add("tee-type-unsupported", tee, `sdl: unsupported tee type: "${type}" (allowed: cpu, cpu-gpu)`);
  }
  return params;
}

function decodeCredentials(node: YNode, version: SdlVersion, report: Reporter): Credentials | undefined {
  const map = decodeMap(report, node, "v2ServiceCredentials", "credentials");
  if (!map || map.kind !== "map") return undefined;
  // v2.1 trims all four fields; v2.0 copies them as written
  const read = (key: string): string => {
    const text = decodeString(report, child(map, key), `credentials.${key}`) ?? "";
    return version === "2.1" ? text.trim() : text;
  };
  return { node, host: read("host"), username: read("username"), password: read("password"), email: read("email") };
}

function decodeComputeProfile(e: YEntry, report: Reporter): ComputeProfile {
  const profile: ComputeProfile = { name: e.key.text, entry: e, resources: undefined };
  const map = decodeMap(report, e.value, "v2ComputeProfile", `profiles.compute.${e.key.text}`);
  if (!map || map.kind !== "map") return profile;
  const resNode = child(map, "resources");
  const res = decodeMap(report, resNode, "v2ComputeResources", "resources");
  if (!res || res.kind !== "map") return profile;
  const resources: Resources = { node: res, cpu: undefined, memory: undefined, storage: undefined, storageNode: undefined, gpu: undefined };

  const cpuNode = child(res, "cpu");
  const cpu = decodeMap(report, cpuNode, "v2ResourceCPU", "cpu");
  if (cpu && cpu.kind === "map") {
    const unitsNode = child(cpu, "units");
    let millis: number | undefined;
    if (unitsNode) {
      const s = scalarText(report, unitsNode, "cpuQuantity", "cpu.units");
      if (s && s.tag !== "null") {
        const parsed = parseCpuUnits(s.text);
        if (parsed.ok) millis = parsed.value;
        else report.add("cpu-units-invalid", unitsNode, `${parsed.error}: write CPU as a number of cores (0.5) or millicores ("500m")`);
      } else if (s) millis = 0;
    }
    resources.cpu = { millis, node: cpu, unitsNode, attributes: decodeCpuAttributes(child(cpu, "attributes"), report) };
  }

  const memNode = child(res, "memory");
  const mem = decodeMap(report, memNode, "v2ResourceMemory", "memory");
  if (mem && mem.kind === "map") {
    const sizeNode = child(mem, "size");
    resources.memory = { bytes: sizeNode ? byteSize(sizeNode, "memory.size", report) : undefined, node: mem, sizeNode };
  }

  const storageNode = child(res, "storage");
  resources.storageNode = storageNode;
  if (storageNode && !isNull(storageNode)) resources.storage = decodeStorage(storageNode, report);

  const gpuNode = child(res, "gpu");
  if (gpuNode && !isNull(gpuNode)) resources.gpu = decodeGpu(gpuNode, report);
  profile.resources = resources;
  return profile;
}

function byteSize(node: YNode, what: string, report: Reporter): bigint | undefined {
  const s = scalarText(report, node, "byteQuantity", what);
  if (!s) return undefined;
  if (s.tag === "null") return 0n;
  const parsed = parseByteQuantity(s.text);
  if (parsed.ok) return parsed.value;
  report.add("size-invalid", node, `${parsed.error}: ${what} takes a number with a case-sensitive suffix (k, Ki, M, Mi, G, Gi, T, Ti), e.g. 512Mi or 1Gi`);
  return undefined;
}

function decodeCpuAttributes(node: YNode | undefined, report: Reporter): Attribute[] {
  const out: Attribute[] = [];
  for (const e of mapEntries(report, node, "v2CPUAttributes", "cpu.attributes")) {
    if (e.key.text !== "arch") {
      report.add("cpu-attribute-unsupported", e, `unsupported cpu attribute "${e.key.text}": the only CPU attribute is "arch"`);
      continue;
    }
    out.push({ key: e.key.text, value: decodeString(report, e.value, "arch") ?? "", node: e.value });
  }
  return out;
}

const STORAGE_CLASSES = new Set(["default", "beta1", "beta2", "beta3", "ram"]);
const BOOLISH: Record<string, boolean> = { true: true, false: false, on: true, off: false, yes: true, no: false };

function decodeStorage(node: YNode, report: Reporter): Volume[] | undefined {
  const single = node.kind !== "seq";
  const items = node.kind === "seq" ? node.items : [node];
  const volumes: Volume[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const map = decodeMap(report, item, "v2ResourceStorage", "storage");
    if (map === undefined) return undefined;
    const m = map ?? undefined;
    // Go forces the name of a single-mapping volume to "default", whatever `name:` says
    const written = decodeString(report, child(m, "name"), "storage name") ?? "";
    const name = single ? "default" : written || "default";
    if (!single && seen.has(name)) report.add("volume-name-duplicate", child(m, "name") ?? item, `sdl: duplicated volume name "${name}": give each volume of a profile its own name`);
    seen.add(name);
    const sizeNode = child(m, "size");
    const volume: Volume = {
      node: item,
      name,
      single,
      bytes: sizeNode ? byteSize(sizeNode, "storage.size", report) : undefined,
      sizeNode,
      persistent: false,
      storageClass: undefined,
      attributesNode: child(m, "attributes"),
    };
    decodeStorageAttributes(volume, report);
    volumes.push(volume);
  }
  return volumes;
}

function decodeStorageAttributes(volume: Volume, report: Reporter): void {
  const attrs = mapEntries(report, volume.attributesNode, "v2StorageAttributes", "storage.attributes");
  let persistentEntry: YEntry | undefined;
  let classEntry: YEntry | undefined;
  for (const e of attrs) {
    if (e.key.text === "persistent") persistentEntry = e;
    else if (e.key.text === "class") classEntry = e;
    else report.add("storage-attribute-unsupported", e, `sdl: unsupported storage attribute: ${e.key.text}: volumes take only "persistent" and "class"`);
  }
  if (persistentEntry) {
    const text = decodeString(report, persistentEntry.value, "persistent");
    if (text !== undefined) {
      const value = BOOLISH[text];
      if (value === undefined) report.add("storage-persistent-invalid", persistentEntry.value, `sdl: invalid value for attribute "persistent". expected bool: write true or false`);
      else volume.persistent = value;
    }
  }
  if (classEntry) {
    const cls = decodeString(report, classEntry.value, "class");
    if (cls !== undefined) {
      if (!STORAGE_CLASSES.has(cls)) report.add("storage-class-invalid", classEntry.value, `sdl: invalid value for attribute class "${cls}": use one of default, beta1, beta2, beta3, ram`);
      volume.storageClass = cls;
    }
  }
  if (volume.persistent && volume.storageClass === undefined) volume.storageClass = "default";
  if (volume.storageClass === "ram" && volume.persistent) {
    report.add("storage-ram-persistent", classEntry ?? volume.node, `sdl: ram storage class cannot be persistent: set persistent: false for class ram`);
  } else if (volume.storageClass !== undefined && volume.storageClass !== "ram" && !volume.persistent) {
    report.add("storage-class-ephemeral", classEntry ?? volume.node, `sdl: ephemeral storage should not set attribute class: add persistent: true, or remove class "${volume.storageClass}"`);
  }
}

const GPU_INTERFACES = new Set(["pcie", "sxm"]);
/** go/sdl gpu.go: the attribute key must match this (no spaces, no "+"). */
const GPU_KEY = /^([a-zA-Z][\w/.-]{1,126}[\w*]?)$/;

function decodeGpu(node: YNode, report: Reporter): Gpu | undefined {
  const map = decodeMap(report, node, "v2ResourceGPU", "gpu");
  if (!map || map.kind !== "map") return undefined;
  const gpu: Gpu = { node, units: 0, unitsNode: child(map, "units"), attributes: [], models: [], attributesNode: child(map, "attributes") };
  for (const e of map.entries) {
    if (e.key.text !== "units" && e.key.text !== "attributes") report.add("gpu-field-unsupported", e, `sdl: unsupported field (${e.key.text}) for GPU resource: GPUs take "units" and "attributes"`);
  }
  if (gpu.unitsNode && !isNull(gpu.unitsNode)) {
    const s = scalarText(report, gpu.unitsNode, "gpuQuantity", "gpu.units");
    if (s) {
      const parsed = parseGoUint(s.text, 64); // gpuQuantity is a uint64 in Go
      if (parsed.ok) gpu.units = Number(parsed.value);
      else {
        gpu.units = undefined;
        report.add("gpu-units-invalid", gpu.unitsNode, `${parsed.error}: gpu.units is a whole number of GPUs`);
      }
    }
  }
  const attrs = decodeMap(report, gpu.attributesNode, "v2GPUAttributes", "gpu.attributes");
  if (attrs && attrs.kind === "map") {
    for (const e of attrs.entries) {
      if (e.key.text !== "vendor") report.add("gpu-attribute-unsupported", e, `sdl: unsupported attribute (${e.key.text}) for GPU resource: use attributes.vendor.nvidia`);
    }
    const vendorNode = child(attrs, "vendor");
    const vendors = decodeMap(report, vendorNode, "map[string]gpuVendor", "gpu.attributes.vendor");
    if (vendors === null) {
      report.add("gpu-vendor-missing", entry(attrs, "vendor") ?? attrs, `sdl: invalid GPU attributes. at least one vendor must be set: add vendor: {nvidia: [{model: a100}]} or vendor: {nvidia: }`);
    } else if (vendors && vendors.kind === "map") {
      decodeGpuVendors(vendors, gpu, report);
    }
  }
  if (gpu.units !== undefined && gpu.units > 0 && (!gpu.attributesNode || isNull(gpu.attributesNode))) {
    report.add("gpu-attributes-missing", gpu.unitsNode ?? node, `sdl: GPU attributes must be present if units > 0: add attributes.vendor.nvidia (optionally with models)`);
  }
  return gpu;
}

function decodeGpuVendors(vendors: YMap, gpu: Gpu, report: Reporter): void {
  const keys = new Set<string>();
  const addKey = (key: string, node: YNode): void => {
    if (!GPU_KEY.test(key)) {
      report.add("gpu-attribute-key-invalid", node, `sdl: invalid GPU attributes: attribute key "${key}" does not match regexp: model names take letters, digits, "-", "_" and "."`);
    } else if (keys.has(key)) {
      report.add("gpu-attribute-key-invalid", node, `sdl: invalid GPU attributes: attributes cannot have duplicate keys ("${key}")`);
    }
    keys.add(key);
    gpu.attributes.push({ key, value: "true", node });
  };
  for (const v of vendors.entries) {
    if (v.key.text !== "nvidia") {
      // Go decodes only nvidia: any other vendor is dropped, and the request becomes "any NVIDIA"
      report.add("gpu-vendor-unsupported", v, `GPU vendor "${v.key.text}" is not understood by the Go parser: it is dropped and the order asks for any NVIDIA GPU. Only nvidia is supported`);
      continue;
    }
    const models = v.value;
    if (isNull(models)) {
      addKey("vendor/nvidia/model/*", v.value);
      continue;
    }
    if (models.kind !== "seq") {
      report.add("yaml-type", models, `cannot unmarshal into []gpuModel: vendor.nvidia takes a list such as "- model: a100", or nothing for any model`);
      continue;
    }
    for (const item of models.items) {
      const m = decodeMap(report, item, "gpuModel", "GPU model");
      if (!m || m.kind !== "map") continue;
      const modelNode = child(m, "model");
      const model = decodeString(report, modelNode, "model") ?? "";
      let key = `vendor/nvidia/model/${model}`;
      const ramNode = child(m, "ram");
      const ramText = ramNode ? decodeString(report, ramNode, "ram") : "";
      // null ram means "any"; a written but empty ram ("") is parsed by Go and fails
      if (ramNode && ramText !== undefined && !isNull(ramNode)) {
        const ram = parseGpuRam(ramText);
        if (ram.ok) key += `/ram/${ram.value / (1024n * 1024n * 1024n)}Gi`;
        else report.add("gpu-ram-invalid", ramNode, `${ram.error}: GPU ram takes a binary suffix, e.g. 80Gi`);
      }
      const ifaceNode = child(m, "interface");
      const iface = ifaceNode ? decodeString(report, ifaceNode, "interface") ?? "" : "";
      if (iface) {
        if (!GPU_INTERFACES.has(iface)) report.add("gpu-interface-invalid", ifaceNode!, `sdl: invalid GPU interface ${iface}. expected "pcie|sxm"`);
        else key += `/interface/${iface}`;
      }
      if (model) gpu.models.push({ vendor: "nvidia", model, node: modelNode ?? item });
      // Go builds the key from whatever is there: no model gives "vendor/nvidia/model/" + suffixes
      addKey(key, modelNode ?? item);
    }
  }
  // A vendor map that yields no nvidia model (empty, amd only, an empty list) means "any NVIDIA" to Go
  if (gpu.attributes.length === 0) gpu.attributes.push({ key: "vendor/nvidia/model/*", value: "true", node: vendors });
}

function decodePlacement(e: YEntry, report: Reporter): PlacementProfile {
  const profile: PlacementProfile = { name: e.key.text, entry: e, attributes: [], signedBy: { allOf: [], anyOf: [] }, pricing: new Map(), pricingNode: undefined };
  const map = decodeMap(report, e.value, "v2PlacementProfile", `profiles.placement.${e.key.text}`);
  if (!map || map.kind !== "map") return profile;
  for (const a of mapEntries(report, child(map, "attributes"), "map[string]string", "placement attributes")) {
    profile.attributes.push({ key: a.key.text, value: decodeString(report, a.value, `attribute ${a.key.text}`) ?? "", node: a.value });
  }
  const signedBy = decodeMap(report, child(map, "signedBy"), "SignedBy", "signedBy");
  if (signedBy && signedBy.kind === "map") {
    profile.signedBy.allOf = toTexts(decodeStringList(report, child(signedBy, "allOf"), "signedBy.allOf")) ?? [];
    profile.signedBy.anyOf = toTexts(decodeStringList(report, child(signedBy, "anyOf"), "signedBy.anyOf")) ?? [];
  }
  profile.pricingNode = child(map, "pricing");
  for (const p of mapEntries(report, profile.pricingNode, "map[string]v2Coin", "pricing")) {
    const coin = decodeMap(report, p.value, "v2Coin", `pricing.${p.key.text}`);
    const cm = coin && coin.kind === "map" ? coin : undefined;
    const denomNode = child(cm, "denom");
    const amountNode = child(cm, "amount");
    const price: Price = { name: p.key.text, entry: p, denom: decodeString(report, denomNode, "denom") ?? "", denomNode, amount: undefined, amountText: "", amountNode };
    if (amountNode) {
      const s = scalarText(report, amountNode, "sdk.DecCoin", "amount");
      if (s) {
        price.amountText = s.text;
        const parsed = parseDecAmount(s.text);
        if (!parsed.ok) report.add("price-amount-invalid", amountNode, `${parsed.error}: write the price per block as a plain decimal, e.g. 1000 or 0.5`);
        else if (parsed.value.negative) report.add("price-amount-invalid", amountNode, `invalid: negative value not allowed: amount "${parsed.value.canonical}" is negative: set a price above zero`);
        else if (parsed.value.zero) report.add("price-amount-invalid", amountNode, `invalid coin amount: amount is zero: set a price above zero`);
        else price.amount = parsed.value.canonical;
      }
    }
    profile.pricing.set(price.name, price);
  }
  return profile;
}

function decodeServiceDeployment(e: YEntry, report: Reporter): ServiceDeployment {
  const d: ServiceDeployment = { name: e.key.text, entry: e, placements: new Map() };
  for (const p of mapEntries(report, e.value, "v2Deployment", `deployment.${e.key.text}`)) {
    const pm = decodeMap(report, p.value, "v2DeploymentProfile", `deployment.${e.key.text}.${p.key.text}`);
    const m = pm && pm.kind === "map" ? pm : undefined;
    const profileNode = child(m, "profile");
    const countNode = child(m, "count");
    const placement: PlacementDeployment = {
      name: p.key.text,
      entry: p,
      profile: decodeString(report, profileNode, "profile") ?? "",
      profileNode,
      count: decodeUint(report, countNode, 32, "count"),
      countNode,
    };
    d.placements.set(placement.name, placement);
  }
  return d;
}

function decodeReclamation(node: YNode, report: Reporter): Reclamation | undefined {
  const map = decodeMap(report, node, "v2Reclamation", "reclamation");
  if (!map || map.kind !== "map") return undefined;
  const minWindowNode = child(map, "min_window");
  return { node, minWindow: decodeString(report, minWindowNode, "min_window") ?? "", minWindowNode };
}
