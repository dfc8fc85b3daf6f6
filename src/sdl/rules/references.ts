/**
 * The Go parser's `validate()` pass: what each deployment entry refers to (service, compute
 * profile, placement, pricing), storage params against the deployed profile's volumes, IP
 * endpoints, credentials, TEE, and reclamation.
 */
import type { RuleInfo } from "../findings.js";
import type { ComputeProfile, Service, Volume } from "../model.js";
import type { RuleContext } from "./types.js";
import { didYouMean } from "../suggest.js";
import { goQuote, parseGoDuration } from "../units.js";

/** An hour in nanoseconds, time.ParseDuration's unit. */
const HOUR = 3_600_000_000_000n;

export const REFERENCE_RULES: RuleInfo[] = [
  { id: "deployment-missing", layer: "chain", severity: "error", summary: "The SDL must deploy at least one service (the chain rejects a deployment without groups)." },
  { id: "deployment-service-missing", layer: "go-parser", severity: "error", summary: "Each service under deployment must be defined under services." },
  { id: "compute-profile-missing", layer: "go-parser", severity: "error", summary: "Each deployment must name a compute profile that exists." },
  { id: "placement-missing", layer: "go-parser", severity: "error", summary: "Each deployment placement must exist under profiles.placement." },
  { id: "pricing-missing", layer: "go-parser", severity: "error", summary: "The placement must price the compute profile deployed in it." },
  { id: "service-not-deployed", layer: "schema-only", severity: "warning", summary: "A service that no deployment entry deploys is ignored by Go and rejected by chain-sdk's validateSDL." },
  { id: "storage-volume-missing", layer: "go-parser", severity: "error", summary: "params.storage must name a volume of the service's deployed compute profile." },
  { id: "storage-mount-invalid", layer: "go-parser", severity: "error", summary: "Mounts must be absolute paths." },
  { id: "storage-mount-duplicate", layer: "go-parser", severity: "error", summary: "Two volumes of a service cannot share a mount point." },
  { id: "storage-persistent-mount-missing", layer: "go-parser", severity: "error", summary: "SDL 2.0: a persistent volume needs a mount in the service's params.storage." },
  { id: "storage-persistent-unmounted", layer: "advice", severity: "warning", summary: "SDL 2.1: a persistent volume that no service mounts keeps no data." },
  { id: "storage-ram-readonly", layer: "go-parser", severity: "error", summary: "SDL 2.1: class ram volumes cannot be mounted readOnly." },
  { id: "endpoint-name-invalid", layer: "go-parser", severity: "error", summary: "Endpoint names are lowercase letters, digits, '-' and '_', at least two characters, starting with a letter." },
  { id: "endpoint-kind-invalid", layer: "go-parser", severity: "error", summary: "Endpoints need kind: ip." },
  { id: "ip-requires-global", layer: "go-parser", severity: "error", summary: "An expose that names an IP endpoint must be global." },
  { id: "ip-endpoint-missing", layer: "go-parser", severity: "error", summary: "to.ip must name an endpoint declared under endpoints." },
  { id: "ip-endpoint-port-conflict", layer: "go-parser", severity: "error", summary: "Two exposes cannot use the same IP endpoint, port and protocol." },
  { id: "endpoint-unused", layer: "go-parser", severity: "error", summary: "Every declared endpoint must be used by an expose." },
  { id: "credentials-missing-field", layer: "go-parser", severity: "error", summary: "Registry credentials need host, username and password." },
  { id: "tee-requires-gpu", layer: "go-parser", severity: "error", summary: "tee: cpu-gpu needs GPU resources." },
  { id: "tee-conflict", layer: "go-parser", severity: "error", summary: "Services in one placement cannot ask for different TEE types." },
  { id: "reclamation-invalid", layer: "go-parser", severity: "error", summary: "reclamation.min_window must be a positive Go duration." },
  { id: "reclamation-out-of-bounds", layer: "chain", severity: "error", summary: "reclamation.min_window must lie within the market's bounds (1h to 720h by default)." },
  { id: "expose-to-service-unknown", layer: "advice", severity: "warning", summary: "to.service names a service that does not exist (nobody validates it)." },
];

/** Go: `^[[:lower:]]+[[:lower:]-_\d]+$`. */
const ENDPOINT_NAME = /^[a-z]+[a-z\-_\d]+$/;

export function checkReferences({ sdl, report }: RuleContext): void {
  if (sdl.deployments.size === 0) {
    const at = sdl.root.entries.find((e) => e.key.text === "deployment") ?? sdl.root;
    report.add("deployment-missing", at, `Invalid groups: nothing is deployed. Add a deployment section: deployment: {<service>: {<placement>: {profile: <compute profile>, count: 1}}}`);
  }
  for (const [name, endpoint] of sdl.endpoints) {
    if (!ENDPOINT_NAME.test(name)) report.add("endpoint-name-invalid", endpoint.entry, `SDL invalid: endpoint named "${name}" is not a valid name: use lowercase letters, digits, "-" and "_" (at least 2 characters, starting with a letter)`);
    if (endpoint.kind === "") report.add("endpoint-kind-invalid", endpoint.entry, `SDL invalid: endpoint named "${name}" has no kind: add kind: ip`);
    else if (endpoint.kind !== "ip") report.add("endpoint-kind-invalid", (endpoint.entry.value.kind === "map" && endpoint.entry.value.entries.find((e) => e.key.text === "kind")?.value) || endpoint.entry, `SDL invalid: endpoint named "${name}", unknown kind "${endpoint.kind}": the only kind is ip`);
  }

  const endpointsUsed = new Set<string>();
  const portsUsed = new Map<string, string>();
  const teeByPlacement = new Map<string, { type: string; service: string }>();
  // Go walks services and placements in sorted order; so do we, so "already in use by" and TEE
  // conflicts name the same side Go names.
  for (const svcName of [...sdl.deployments.keys()].sort()) {
    const deployment = sdl.deployments.get(svcName)!;
    for (const placementName of [...deployment.placements.keys()].sort()) {
      const placement = deployment.placements.get(placementName)!;
      const where = `${svcName}.${placementName}`;
      const compute = sdl.compute.get(placement.profile);
      if (!compute) report.add("compute-profile-missing", placement.profileNode ?? placement.entry, `SDL invalid: ${where}: no compute profile named ${placement.profile || "(empty)"}${didYouMean(placement.profile, sdl.compute.keys())}: define it under profiles.compute or fix the name`);
      const infra = sdl.placements.get(placementName);
      if (!infra) report.add("placement-missing", placement.entry, `SDL invalid: ${where}: no placement profile named ${placementName}${didYouMean(placementName, sdl.placements.keys())}: define it under profiles.placement or fix the name`);
      else if (compute && !infra.pricing.has(placement.profile)) report.add("pricing-missing", placement.profileNode ?? placement.entry, `SDL invalid: ${where}: no pricing for profile ${placement.profile}: add profiles.placement.${placementName}.pricing.${placement.profile} with denom uact and an amount`);
      const svc = sdl.services.get(svcName);
      if (!svc && sdl.undecodedServices.has(svcName)) continue; // its decode error is already reported
      if (!svc) {
        report.add("deployment-service-missing", deployment.entry, `SDL invalid: ${where}: no service profile named ${svcName}${didYouMean(svcName, sdl.services.keys())}: define it under services or fix the name`);
        continue;
      }
      if (compute) checkStorageParams(ctxOf(report, sdl.version), svc, compute);
      checkCredentials(report, svc, where);
      for (const expose of svc.expose) {
        for (const to of expose.to) {
          if (to.ip === "") continue;
          if (!to.global) report.add("ip-requires-global", to.ipNode ?? to.node, `SDL invalid: error on "${svcName}" if an IP is declared the directive must be declared as global: add global: true next to ip: ${to.ip}`);
          if (!sdl.endpoints.has(to.ip)) report.add("ip-endpoint-missing", to.ipNode ?? to.node, `SDL invalid: error on service "${svcName}" no endpoint named "${to.ip}" exists: declare it under endpoints as ${to.ip}: {kind: ip}`);
          endpointsUsed.add(to.ip);
          const key = `${to.ip}-${expose.as}-${expose.proto}`;
          const other = portsUsed.get(key);
          if (other !== undefined) report.add("ip-endpoint-port-conflict", to.ipNode ?? to.node, `SDL invalid: IP endpoint "${to.ip}" port: ${expose.port ?? 0} protocol: ${expose.proto} specified by service "${svcName}" already in use by "${other}": use another port or endpoint`);
          else portsUsed.set(key, svcName);
        }
      }
      const tee = svc.params?.tee;
      if (tee && (tee.type === "cpu" || tee.type === "cpu-gpu")) {
        if (tee.type === "cpu-gpu" && compute && !((compute.resources?.gpu?.units ?? 0) > 0)) {
          report.add("tee-requires-gpu", tee.node, `sdl: tee type requires gpu resources: "cpu-gpu" specified but no gpu resources defined in profile ${compute.name}: add gpu units or use tee: cpu`);
        }
        const seen = teeByPlacement.get(placementName);
        if (seen && seen.type !== tee.type) report.add("tee-conflict", tee.node, `sdl: conflicting tee types in the same placement group: group "${placementName}" has "${seen.type}" and "${tee.type}": use one TEE type per placement`);
        else if (!seen) teeByPlacement.set(placementName, { type: tee.type, service: svcName });
      }
    }
  }
  for (const [name, endpoint] of sdl.endpoints) {
    if (!endpointsUsed.has(name)) report.add("endpoint-unused", endpoint.entry, `SDL invalid: endpoint "${name}" declared but never used: reference it with to: [{global: true, ip: ${name}}] or remove it`);
  }
  for (const [name, svc] of sdl.services) {
    if (!sdl.deployments.has(name)) report.add("service-not-deployed", svc.entry, `service "${name}" is not deployed: Go ignores it, chain-sdk's validateSDL (Akash Console) rejects it. Deploy it under deployment or remove it`);
    for (const expose of svc.expose) {
      for (const to of expose.to) {
        if (to.service !== "" && !sdl.services.has(to.service)) report.add("expose-to-service-unknown", to.node, `to.service "${to.service}" is not a service of this SDL: nothing checks this, and the port is exposed to no one`);
      }
    }
  }
  if (sdl.reclamation) checkReclamation(report, sdl.reclamation);
}

interface StorageCtx {
  report: RuleContext["report"];
  version: RuleContext["sdl"]["version"];
}

function ctxOf(report: RuleContext["report"], version: RuleContext["sdl"]["version"]): StorageCtx {
  return { report, version };
}

function checkStorageParams({ report, version }: StorageCtx, svc: Service, compute: ComputeProfile): void {
  const volumes = new Map<string, Volume>();
  for (const v of compute.resources?.storage ?? []) volumes.set(v.name, v);
  const mounts = new Map<string, string>();
  for (const [name, param] of svc.params?.storage ?? []) {
    const volume = volumes.get(name);
    if (!volume) {
      const single = (compute.resources?.storage ?? []).find((v) => v.single);
      const hint = single && name !== "default" ? ` (a volume written as a single mapping is always named "default", whatever its name: says; write storage as a list to name it)` : "";
      report.add("storage-volume-missing", param.entry, `SDL invalid: service "${svc.name}" references to no-existing compute volume named "${name}"${hint}: use a volume name of profile ${compute.name}`);
      continue;
    }
    if (!param.mount.startsWith("/")) {
      report.add("storage-mount-invalid", param.mountNode ?? param.entry, `SDL invalid: invalid value for "service.${svc.name}.params.${name}.mount" parameter. expected absolute path: write a path starting with /`);
      continue;
    }
    // Go compares mounts as written (no path.Clean): "/data" and "/data/" are two mounts to it
    const mount = param.mount;
    const other = mounts.get(mount);
    if (other !== undefined) report.add("storage-mount-duplicate", param.mountNode ?? param.entry, `sdl: duplicated mount point: mount "${mount}" already in use by volume "${other}": give each volume its own mount`);
    else mounts.set(mount, name);
    if (version === "2.1" && volume.storageClass === "ram" && param.readOnly) {
      report.add("storage-ram-readonly", param.entry, `SDL invalid: services.${svc.name}.params.storage.${name} has readOnly=true which is not allowed for storage class "ram": remove readOnly`);
    }
  }
  for (const volume of volumes.values()) {
    if (!volume.persistent) continue;
    if (version === "2.0") {
      // Go 2.0 shares one attribute map across the volume loop: any mount of the service satisfies it.
      // A written but invalid mount is reported once, as storage-mount-invalid, not echoed here.
      if ((svc.params?.storage.size ?? 0) === 0) report.add("storage-persistent-mount-missing", volume.node, `SDL invalid: compute.storage.${volume.name} has persistent=true which requires service.${svc.name}.params.storage.${volume.name} to have mount: add params.storage.${volume.name}.mount to service ${svc.name}`);
    } else if (!svc.params?.storage.has(volume.name)) {
      report.add("storage-persistent-unmounted", volume.node, `persistent volume "${volume.name}" of profile ${compute.name} is not mounted by service ${svc.name}: its data is kept nowhere. Add params.storage.${volume.name}.mount`);
    }
  }
}

function checkCredentials(report: RuleContext["report"], svc: Service, where: string): void {
  const c = svc.credentials;
  if (!c) return;
  const missing = (["host", "username", "password"] as const).filter((k) => c[k].trim() === "");
  for (const field of missing) {
    const label = field[0]!.toUpperCase() + field.slice(1);
    report.add("credentials-missing-field", c.node, `SDL invalid: ${where}: service Credentials missing ${label}: add credentials.${field}`);
  }
}

function checkReclamation(report: RuleContext["report"], reclamation: NonNullable<RuleContext["sdl"]["reclamation"]>): void {
  const where = reclamation.minWindowNode ?? reclamation.node;
  const window = parseGoDuration(reclamation.minWindow);
  if (!window.ok) {
    report.add("reclamation-invalid", where, `SDL invalid: invalid reclamation min_window ${goQuote(reclamation.minWindow)}: ${window.error}: write a duration such as 24h or 90m`);
    return;
  }
  if (window.value <= 0n) {
    report.add("reclamation-invalid", where, `SDL invalid: reclamation min_window must be > 0: write a duration such as 24h`);
  } else if (window.value < HOUR) {
    report.add("reclamation-out-of-bounds", where, `invalid reclamation configuration: min_window below governance minimum (1h by default): use at least 1h`);
  } else if (window.value > 720n * HOUR) {
    report.add("reclamation-out-of-bounds", where, `invalid reclamation configuration: min_window above governance maximum (720h by default): use at most 720h`);
  }
}
