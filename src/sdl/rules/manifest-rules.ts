/**
 * Manifest validation (chain-sdk `go/manifest/v2beta3`: service names, images, env names, ports,
 * hostnames, at least one global service) and the HTTP options the Go parser checks while it
 * builds the manifest (`v2HTTPOptions.asManifest`). The CLI runs these before it broadcasts, and
 * the provider runs them again when it receives the manifest, which is after the lease is paid.
 *
 * Only deployed services reach the manifest, so only they are checked: a service that no
 * deployment entry names is ignored by Go (and reported by `service-not-deployed`).
 */
import type { RuleInfo } from "../findings.js";
import type { Expose, HttpOptions, Sdl, Service } from "../model.js";
import type { Reporter } from "../report.js";
import { entry, type YNode } from "../yaml.js";
import { hasErrorAt, manifestServices } from "./deployed.js";
import type { RuleContext } from "./types.js";

export const MANIFEST_RULES: RuleInfo[] = [
  { id: "service-name-invalid", layer: "manifest", severity: "error", summary: "Service names are lowercase letters, digits and '-', start with a letter and do not end with '-'." },
  { id: "service-name-too-long", layer: "provider", severity: "error", summary: "Service names are at most 63 characters (they become Kubernetes names)." },
  { id: "image-missing", layer: "manifest", severity: "error", summary: "Every deployed service needs a non-empty image." },
  { id: "env-name-invalid", layer: "manifest", severity: "error", summary: "Environment variable names are letters, digits, '_', '-' and '.', not starting with a digit." },
  { id: "zero-global-services", layer: "manifest", severity: "error", summary: "At least one deployed service must expose a port with global: true." },
  { id: "port-out-of-range", layer: "manifest", severity: "error", summary: "expose.port is 1 to 65535." },
  { id: "expose-as-out-of-range", layer: "provider", severity: "error", summary: "expose.as is at most 65535." },
  { id: "accept-host-invalid", layer: "manifest", severity: "error", summary: "accept hosts are lowercase DNS names (no '*', no port), at most 253 characters." },
  { id: "accept-host-duplicate", layer: "manifest", severity: "error", summary: "Each accept host appears once across all services and placements." },
  { id: "http-option-out-of-range", layer: "go-parser", severity: "error", summary: "http_options: max_body_size ≤ 104857600, proxy_buffer_size ≤ 1048576, read_timeout and send_timeout ≤ 60000." },
  { id: "next-case-unknown", layer: "go-parser", severity: "error", summary: "http_options.next_cases takes error, timeout, 500, 502, 503, 504, 403, 404, 429 or off." },
  { id: "next-case-off-not-alone", layer: "go-parser", severity: "error", summary: "http_options.next_cases: off cannot be combined with other cases." },
];

/** chain-sdk manifest.go. */
const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes object names (Deployment, Service) are DNS-1123 labels: at most 63 characters. */
const MAX_SERVICE_NAME = 63;
/** k8s `IsEnvVarName`. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** k8s `IsDNS1123Subdomain`. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_SUBDOMAIN_MAX = 253;
const MAX_PORT = 65_535;

export function checkManifest({ sdl, report }: RuleContext): void {
  const services = manifestServices(sdl);
  checkZeroGlobal(sdl, services, report);
  for (const { service } of services) {
    checkServiceName(service, report);
    checkImage(service, report);
    checkEnv(service, report);
    for (const expose of service.expose) {
      checkPorts(service, expose, report);
      checkHttpOptions(expose, report);
    }
  }
  checkHosts(services, report);
}

function checkZeroGlobal(sdl: Sdl, services: ReturnType<typeof manifestServices>, report: Reporter): void {
  if (services.length === 0) return; // nothing deployed: deployment-missing / references say so
  // An expose list that did not decode may hide a global expose: say nothing rather than guess.
  if (services.some(({ service }) => hasErrorAt(report, `${service.entry.key.pointer}/expose`, "yaml-type"))) return;
  const global = services.some(({ service }) => service.expose.some((x) => x.to.some((t) => t.global)));
  if (global) return;
  const names = services.map(({ service }) => service.name).join(", ");
  report.add(
    "zero-global-services",
    entry(sdl.root, "services") ?? sdl.root,
    `invalid manifest: zero global services: no deployed service (${names}) exposes a port to the internet. ` +
      `The chain accepts this, but the provider rejects the manifest after the lease is created and paid for. ` +
      `Add "to: [{global: true}]" to an expose of the service that should be reachable`,
  );
}

function checkServiceName(service: Service, report: Reporter): void {
  const name = service.name;
  if (!SERVICE_NAME.test(name)) {
    const hint = name.toLowerCase() !== name ? "use lowercase letters" : /_/.test(name) ? 'use "-" instead of "_"' : 'use lowercase letters, digits and "-", starting with a letter and not ending with "-"';
    report.add("service-name-invalid", service.entry, `invalid manifest: service "${name}" name is invalid: ${hint} (rename it under services and deployment)`);
  } else if (name.length > MAX_SERVICE_NAME) {
    report.add(
      "service-name-too-long",
      service.entry,
      `service name "${name}" is ${name.length} characters long: the provider names Kubernetes objects after it, and Kubernetes rejects names over 63 characters after the lease is created. Use a shorter name`,
    );
  }
}

function checkImage(service: Service, report: Reporter): void {
  if (service.image !== undefined && service.image !== "") return;
  if (service.imageNode && hasErrorAt(report, service.imageNode.pointer)) return;
  report.add(
    "image-missing",
    service.imageNode ?? service.entry,
    `invalid manifest: service "${service.name}" has empty image name: set image to a container image with a pinned tag, e.g. nginx:1.27.3`,
  );
}

/** k8s `IsEnvVarName`: the pattern, and no "." / ".." / "..x" names (they would be path escapes). */
function envNameProblem(name: string): boolean {
  return !ENV_NAME.test(name) || name === "." || name.startsWith("..");
}

function checkEnv(service: Service, report: Reporter): void {
  for (const variable of service.env ?? []) {
    const name = variable.text.split("=", 1)[0] ?? "";
    if (!envNameProblem(name)) continue;
    report.add(
      "env-name-invalid",
      variable.node,
      `invalid manifest: service "${service.name}" defines an env. var. with an invalid name "${name}": names use letters, digits, "_", "-" and ".", and do not start with a digit; write NAME=value`,
    );
  }
}

function checkPorts(service: Service, expose: Expose, report: Reporter): void {
  // A port that did not decode (port undefined, node present) was reported by the decoder.
  const missing = expose.portNode === undefined;
  const outOfRange = expose.port !== undefined && (expose.port === 0 || expose.port > MAX_PORT);
  if (missing || outOfRange) {
    const got = expose.port === undefined ? "port is missing" : `port is ${expose.port}`;
    report.add(
      "port-out-of-range",
      expose.portNode ?? expose.node,
      `invalid manifest: service "${service.name}": port value must be 0 < value <= 65535 (${got}): set port to the port the container listens on`,
    );
  }
  if (expose.as > MAX_PORT) {
    report.add(
      "expose-as-out-of-range",
      expose.asNode ?? expose.node,
      `expose.as ${expose.as} of service "${service.name}" is above 65535: Go accepts it, but the provider's Kubernetes service rejects the port after the lease is created. Use 1 to 65535`,
    );
  }
}

const HTTP_LIMITS: ReadonlyArray<{ field: keyof Omit<HttpOptions, "nodes" | "nextCases">; key: string; max: number; what: string }> = [
  { field: "maxBodySize", key: "max_body_size", max: 104_857_600, what: "body size cannot be greater than 104857600 bytes" },
  { field: "proxyBufferSize", key: "proxy_buffer_size", max: 1_048_576, what: "proxy buffer size cannot be greater than 1048576 bytes" },
  { field: "readTimeout", key: "read_timeout", max: 60_000, what: "read timeout cannot be greater than 60000 ms" },
  { field: "sendTimeout", key: "send_timeout", max: 60_000, what: "send timeout cannot be greater than 60000 ms" },
];

const NEXT_CASES = new Set(["error", "timeout", "500", "502", "503", "504", "403", "404", "429", "off"]);

function checkHttpOptions(expose: Expose, report: Reporter): void {
  const options = expose.httpOptions;
  for (const limit of HTTP_LIMITS) {
    const node = options.nodes[limit.field];
    if (!node || options[limit.field] <= limit.max) continue;
    report.add("http-option-out-of-range", node, `http option not allowed: ${limit.what}: lower http_options.${limit.key} to at most ${limit.max}`);
  }
  const casesNode = options.nodes.nextCases;
  if (!casesNode || casesNode.kind !== "seq") return;
  const cases = options.nextCases;
  casesNode.items.forEach((item: YNode, i: number) => {
    const value = cases[i];
    if (value === undefined) return;
    if (value === "off") {
      if (cases.length !== 1) {
        report.add("next-case-off-not-alone", item, `if 'off' is specified, no other cases may be specified: write next_cases: [off] alone, or drop off`);
      }
    } else if (!NEXT_CASES.has(value)) {
      report.add("next-case-unknown", item, `next case is unknown: "${value}": use error, timeout, 500, 502, 503, 504, 403, 404, 429 or off`);
    }
  });
}

/** Why a host fails k8s `IsDNS1123Subdomain`, in words a user can act on. */
function hostProblem(host: string): string | undefined {
  if (host.length > DNS1123_SUBDOMAIN_MAX) return `it is ${host.length} characters long; the limit is 253`;
  if (DNS1123_SUBDOMAIN.test(host)) return undefined;
  if (host.includes("*")) return "wildcards are not allowed; list each host name";
  if (host.includes(":")) return "write the host without a port or scheme";
  if (host !== host.toLowerCase() && DNS1123_SUBDOMAIN.test(host.toLowerCase())) return `write it in lowercase ("${host.toLowerCase()}")`;
  return 'use lowercase letters, digits, "-" and ".", with each part starting and ending with a letter or digit';
}

interface HostUse {
  node: YNode;
  service: string;
  placement: string;
  expose: Expose;
}

/**
 * Go copies an expose's accept list into every manifest expose built from it: one per `to`
 * entry, and one per placement the service is deployed in. The manifest then refuses any host
 * seen twice, so a host can be "duplicated" by a single accept entry.
 */
function checkHosts(services: ReturnType<typeof manifestServices>, report: Reporter): void {
  const firstUse = new Map<string, HostUse>();
  const reported = new Set<string>();
  const invalid = new Set<YNode>();
  for (const { service, placements } of services) {
    for (const placement of placements) {
      for (const expose of service.expose) {
        const copies = Math.max(1, expose.to.length);
        for (let copy = 0; copy < copies; copy++) {
          for (const { host, node } of expose.accept) {
            if (invalid.has(node) || hasErrorAt(report, node.pointer, "accept-host-unparseable")) continue;
            const problem = hostProblem(host);
            if (problem) {
              invalid.add(node);
              report.add("accept-host-invalid", node, `invalid manifest: service "${service.name}": has invalid hostname "${host}": ${problem}`);
              continue;
            }
            const first = firstUse.get(host);
            if (!first) {
              firstUse.set(host, { node, service: service.name, placement, expose });
              continue;
            }
            const key = `${node.line}:${node.column}:${host}`;
            if (reported.has(key)) continue;
            reported.add(key);
            report.add("accept-host-duplicate", node, `invalid manifest: service "${service.name}": hostname "${host}" is duplicated, this is not allowed: ${duplicateReason(first, { node, service: service.name, placement, expose })}`);
          }
        }
      }
    }
  }
}

function duplicateReason(first: HostUse, again: HostUse): string {
  if (first.node !== again.node) {
    if (first.expose === again.expose) return `the host is listed twice in this accept list (line ${first.node.line}); list it once`;
    return `it is also accepted by service "${first.service}" (line ${first.node.line}); give each host to one expose only`;
  }
  if (first.placement !== again.placement) {
    return `service "${again.service}" is deployed in placements ${first.placement} and ${again.placement}, and each copy carries the same accept hosts; deploy a service with accept hosts in one placement only`;
  }
  return `this expose has ${again.expose.to.length} "to" entries and each one carries the accept hosts; move the hosts to an expose with a single global "to" entry`;
}
