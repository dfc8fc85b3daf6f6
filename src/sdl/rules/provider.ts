/**
 * Rules only providers apply (akash-network/provider): neither the CLI nor the chain sees them, so
 * they surface after the deployment is created: as a rejected manifest on strict providers, or as
 * an order nobody bids on. Both depend on provider settings, hence warnings.
 */
import type { RuleInfo } from "../findings.js";
import type { Expose } from "../model.js";
import { entry } from "../yaml.js";
import { deployedProfiles, deployedUnits, manifestServices } from "./deployed.js";
import type { RuleContext } from "./types.js";

export const PROVIDER_RULES: RuleInfo[] = [
  { id: "ingress-without-host", layer: "provider", severity: "warning", summary: "A global HTTP expose (port 80 over TCP) should list accept hosts: strict providers reject it otherwise." },
  { id: "too-many-volumes", layer: "provider", severity: "warning", summary: "Providers do not bid on replicas with more than 4 volumes." },
];

/** provider `bidengine/order.go`: the default `MaxGroupVolumes`. */
export const MAX_VOLUMES_PER_UNIT = 4;

/** Go `ServiceExpose.IsIngress`: global, TCP, and external port (as, else port) 80. */
function isIngress(expose: Expose): boolean {
  const proto = expose.proto === "" ? "TCP" : expose.proto.toUpperCase();
  const external = expose.as !== 0 ? expose.as : expose.port;
  return proto === "TCP" && external === 80 && expose.to.some((t) => t.global);
}

export function checkProvider({ sdl, report }: RuleContext): void {
  for (const { service } of manifestServices(sdl)) {
    for (const expose of service.expose) {
      if (!isIngress(expose) || expose.accept.length > 0) continue;
      report.add(
        "ingress-without-host",
        expose.portNode ?? expose.node,
        `service "${service.name}" is exposed globally on 80:TCP without a hostname: providers that require hosts for HTTP services ` +
          `(HTTPServicesRequireAtLeastOneHost) reject the manifest after the lease is created ("manifest rejected"). Add accept: [your.domain.example] to this expose`,
      );
    }
  }
  for (const profile of deployedProfiles(deployedUnits(sdl))) {
    const volumes = profile.resources?.storage ?? [];
    if (volumes.length <= MAX_VOLUMES_PER_UNIT) continue;
    report.add(
      "too-many-volumes",
      entry(profile.resources!.node, "storage") ?? profile.entry,
      `unable to fulfill: group volumes count exceeds (${volumes.length} > ${MAX_VOLUMES_PER_UNIT}): providers (default MaxGroupVolumes) do not bid on a replica ` +
        `of profile ${profile.name} with ${volumes.length} volumes. Use at most ${MAX_VOLUMES_PER_UNIT} volumes, keeping related data under one mount`,
    );
  }
}
