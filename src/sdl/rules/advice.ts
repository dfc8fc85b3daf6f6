/**
 * Advice: nothing rejects these SDLs, but they tend to end badly: no bids, a deployment that
 * changes under you when an image tag moves, an admin port open to the internet, a service that
 * never runs. All warnings.
 */
import { GPU_MODELS, isKnownGpuModel } from "../data/gpu-models.js";
import type { RuleInfo } from "../findings.js";
import type { Service } from "../model.js";
import type { Reporter } from "../report.js";
import { deployedProfiles, deployedUnits, manifestServices, unitsByPlacement } from "./deployed.js";
import type { RuleContext } from "./types.js";

export const ADVICE_RULES: RuleInfo[] = [
  { id: "gpu-model-unknown", layer: "advice", severity: "warning", summary: "GPU models should be ones providers advertise (provider-configs gpus.json), or no provider bids." },
  { id: "image-unpinned", layer: "advice", severity: "warning", summary: "Images should be pinned to a version tag or a digest, not :latest or no tag." },
  { id: "admin-port-exposed", layer: "advice", severity: "warning", summary: "Admin ports (IPFS API, PostgreSQL, Docker, Redis) should not be exposed globally." },
  { id: "count-above-50", layer: "advice", severity: "warning", summary: "The docs limit count to 50 replicas per deployment entry." },
  { id: "count-zero-idle", layer: "advice", severity: "warning", summary: "A count of 0 next to other services in the placement runs no replicas of the service." },
];

/** Ports whose services give control of the machine or its data to whoever reaches them. */
const ADMIN_PORTS: ReadonlyMap<number, string> = new Map([
  [2375, "the Docker daemon API (unauthenticated: anyone can run containers)"],
  [5001, "the IPFS API (anyone can pin, read and change your node's data)"],
  [5432, "PostgreSQL"],
  [6379, "Redis (no password by default)"],
]);

/** The docs' "Max 50 replicas"; chain-sdk defines maxUnitCount = 50 but does not check it today. */
export const MAX_DOCUMENTED_COUNT = 50;

export function checkAdvice({ sdl, report }: RuleContext): void {
  const units = deployedUnits(sdl);
  checkGpuModels(units, report);
  for (const { service } of manifestServices(sdl)) {
    checkImagePinned(service, report);
    checkAdminPorts(service, report);
  }
  for (const [placementName, groupUnits] of unitsByPlacement(units)) {
    const counts = groupUnits.map((u) => u.deployment.count);
    const someRun = counts.some((c) => c !== undefined && c > 0);
    for (const unit of groupUnits) {
      const { count, countNode, entry } = unit.deployment;
      if (count === undefined) continue;
      if (count > MAX_DOCUMENTED_COUNT) {
        report.add(
          "count-above-50",
          countNode ?? entry,
          `count ${count} for service ${unit.service.name} in placement ${placementName} is above the documented maximum of ${MAX_DOCUMENTED_COUNT} replicas: ` +
            `the chain does not enforce it today, but few providers can host that many and the limit may return. Split the service over several placements`,
        );
      }
      // When every count in the placement is 0 the chain rejects the group (rule count-zero).
      if (count === 0 && someRun) {
        report.add(
          "count-zero-idle",
          countNode ?? entry,
          `count is 0: service ${unit.service.name} is part of the order for placement ${placementName} but runs no replicas. Set count: 1 or more, or remove the entry`,
        );
      }
    }
  }
}

function checkGpuModels(units: ReturnType<typeof deployedUnits>, report: Reporter): void {
  for (const profile of deployedProfiles(units)) {
    const gpu = profile.resources?.gpu;
    if (!gpu || !(gpu.units !== undefined && gpu.units > 0)) continue;
    for (const { vendor, model, node } of gpu.models) {
      if (isKnownGpuModel(vendor, model)) continue;
      report.add("gpu-model-unknown", node, `GPU model "${model}" (${vendor}) is not one providers advertise, so expect no bids: ${modelHint(vendor, model)}`);
    }
  }
}

function modelHint(vendor: string, model: string): string {
  const known = Object.hasOwn(GPU_MODELS, vendor) ? [...GPU_MODELS[vendor]!] : [];
  const lower = model.toLowerCase().replace(/\s+/g, "");
  if (lower !== model && isKnownGpuModel(vendor, lower)) return `providers use lowercase names: write model: ${lower}`;
  const similar = known
    .filter((k) => lower.startsWith(k) || k.startsWith(lower))
    .sort((a, b) => Math.abs(a.length - lower.length) - Math.abs(b.length - lower.length))
    .slice(0, 3);
  const ramHint = /\d+gb?$/.test(lower) ? " (put memory in ram: 80Gi, not in the model name)" : "";
  if (similar.length > 0) return `similar advertised models: ${similar.join(", ")}${ramHint}`;
  return `use a model listed in akash-network/provider-configs devices/pcie/gpus.json (e.g. ${known.slice(0, 4).join(", ")}), or omit the model to accept any`;
}

/** Splits a container image reference into its tag and whether it is pinned by digest. */
export function imagePin(image: string): { digest: boolean; tag: string | undefined } {
  if (image.includes("@")) return { digest: true, tag: undefined };
  const lastSlash = image.lastIndexOf("/");
  const lastColon = image.lastIndexOf(":");
  // a colon before the last slash belongs to a registry port (registry:5000/app), not a tag
  return { digest: false, tag: lastColon > lastSlash ? image.slice(lastColon + 1) : undefined };
}

function checkImagePinned(service: Service, report: Reporter): void {
  if (!service.image || !service.imageNode) return;
  const { digest, tag } = imagePin(service.image);
  if (digest || (tag !== undefined && tag !== "latest")) return;
  const what = tag === undefined ? "has no tag, so it means :latest" : "uses :latest";
  report.add(
    "image-unpinned",
    service.imageNode,
    `image "${service.image}" of service ${service.name} ${what}: each provider pulls whatever the tag points to at that moment, so replicas and redeploys can run different code. ` +
      `Pin a version tag (e.g. ${tag === undefined ? service.image : service.image.slice(0, -":latest".length)}:1.2.3) or a digest (@sha256:...)`,
  );
}

function checkAdminPorts(service: Service, report: Reporter): void {
  for (const expose of service.expose) {
    const what = expose.port === undefined ? undefined : ADMIN_PORTS.get(expose.port);
    if (!what || !expose.to.some((t) => t.global)) continue;
    report.add(
      "admin-port-exposed",
      expose.portNode ?? expose.node,
      `port ${expose.port} of service ${service.name} is ${what}, and global: true opens it to the whole internet. ` +
        `Remove global: true (other services of the deployment still reach it) or put an authenticating proxy in front`,
    );
  }
}
