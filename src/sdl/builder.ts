/**
 * One pass over `deployment` that yields both the group specs and the manifest, re-expressing Go's
 * `groupBuilder_v2.go` and `groupBuilder_v2_1.go`:
 *
 * - services in name order, each service's placements in name order; one group per placement;
 * - v2.0: every (service, placement) gets its own resource unit, ids 1, 2, 3… per group;
 * - v2.1: services of one placement that use the same compute profile share one unit: counts are
 *   added, the endpoints appended and re-sorted, and each manifest service points at the shared id
 *   (its own `resources.endpoints` stay its own);
 * - a service's `params.tee` adds the placement attribute `tee/type`.
 *
 * Go runs this before validation, on whatever decoded; a missing profile, placement or price gives
 * Go's zero values. We do the same, so the builder never throws.
 */
import { endpointSequenceNumbers, servicesEndpoints, sortedNames, toManifestExposes } from "./expose.js";
import { goSort, goStringLess } from "./go-sort.js";
import type { GroupSpec, ResourceUnit, DecCoin } from "./groups.js";
import type { ImageCredentials, ManifestGroup, ManifestService, ServiceParams } from "./manifest.js";
import type { PlacementProfile, Sdl, Service } from "./model.js";
import { sortEndpoints, sortedAttributes, toResources } from "./resources.js";
import { child } from "./yaml.js";

export interface Deployment {
  groups: GroupSpec[];
  manifest: ManifestGroup[];
}

/** Go's zero `DecCoin` (what a missing price becomes); a valid SDL never gets it. */
const ZERO_PRICE: DecCoin = { denom: "", amount: "0.000000000000000000" };

interface GroupBuilder {
  spec: GroupSpec;
  services: ManifestService[];
  /** v2.1: compute profile → index of its unit in `spec.resources`. */
  boundComputes: Map<string, number>;
  teeType: string;
}

export function buildDeployment(sdl: Sdl): Deployment {
  const sequenceNumbers = endpointSequenceNumbers(sdl);
  const builders = new Map<string, GroupBuilder>();
  const sharesUnits = sdl.version === "2.1";

  for (const svcName of sortedNames(sdl.deployments.keys())) {
    const deployment = sdl.deployments.get(svcName)!;
    const svc = sdl.services.get(svcName);
    for (const placementName of sortedNames(deployment.placements.keys())) {
      const placed = deployment.placements.get(placementName)!;
      const compute = sdl.compute.get(placed.profile);
      const placement = sdl.placements.get(placementName);
      const price = placement?.pricing.get(placed.profile);
      const count = placed.count ?? 0;

      let group = builders.get(placementName);
      if (!group) {
        group = newGroup(placementName, placement);
        builders.set(placementName, group);
      }
      projectTee(group, svc);

      const expose = toManifestExposes(svc, sequenceNumbers);
      const resources = toResources(compute);
      resources.endpoints = servicesEndpoints(expose);

      const location = sharesUnits ? group.boundComputes.get(placed.profile) : undefined;
      if (location === undefined) {
        const unitResources = toResources(compute);
        unitResources.endpoints = servicesEndpoints(expose);
        unitResources.id = group.spec.resources.length + 1;
        resources.id = unitResources.id;
        const unit: ResourceUnit = {
          resources: unitResources,
          count,
          price: price?.amount !== undefined ? { denom: price.denom, amount: price.amount } : { ...ZERO_PRICE },
        };
        group.spec.resources.push(unit);
        group.boundComputes.set(placed.profile, group.spec.resources.length - 1);
      } else {
        const unit = group.spec.resources[location]!;
        resources.id = unit.resources.id;
        unit.count = (unit.count + count) >>> 0; // uint32, as Go adds it
        unit.resources.endpoints.push(...servicesEndpoints(expose));
        sortEndpoints(unit.resources.endpoints);
      }

      group.services.push({
        name: svcName,
        image: svc?.image ?? "",
        command: svc?.command ? [...svc.command] : null,
        args: svc?.args ? [...svc.args] : null,
        env: svc?.env ? svc.env.map((e) => e.text) : null,
        resources,
        count,
        expose,
        params: manifestParams(svc),
        credentials: manifestCredentials(svc, sdl.version),
      });
    }
  }

  const groups: GroupSpec[] = [];
  const manifest: ManifestGroup[] = [];
  for (const name of sortedNames(builders.keys())) {
    const group = builders.get(name)!;
    groups.push(group.spec);
    manifest.push({ name, services: goSort(group.services, (a, b) => goStringLess(a.name, b.name)) });
  }
  return { groups, manifest };
}

function newGroup(name: string, placement: PlacementProfile | undefined): GroupBuilder {
  const attributes = sortedAttributes(placement?.attributes ?? []);
  const signedByNode = child(placement?.entry.value, "signedBy");
  // Go decodes signedBy lists into slices: an unwritten list stays nil (JSON null), `[]` stays empty
  const list = (key: "allOf" | "anyOf"): string[] | null =>
    child(signedByNode, key)?.kind === "seq" ? [...(placement?.signedBy[key] ?? [])] : null;
  return {
    spec: {
      name,
      requirements: { signedBy: { allOf: list("allOf"), anyOf: list("anyOf") }, attributes: attributes.length > 0 ? attributes : null },
      resources: [],
    },
    services: [],
    boundComputes: new Map(),
    teeType: "",
  };
}

/**
 * The first TEE type in a group becomes the requirement `tee/type`. A second, different type is
 * an error in Go (`sdl: conflicting tee types`), reported by the rules; here it is left out.
 */
function projectTee(group: GroupBuilder, svc: Service | undefined): void {
  const tee = svc?.params?.tee;
  if (!tee || group.teeType !== "") return;
  group.teeType = tee.type;
  const attributes = group.spec.requirements.attributes ?? [];
  attributes.push({ key: "tee/type", value: tee.type });
  group.spec.requirements.attributes = goSort(attributes, (a, b) => goStringLess(a.key, b.key));
}

function manifestParams(svc: Service | undefined): ServiceParams | undefined {
  const params = svc?.params;
  if (!params) return undefined;
  const storage =
    params.storage.size > 0
      ? sortedNames(params.storage.keys()).map((name) => {
          const p = params.storage.get(name)!;
          return { name, mount: p.mount, readOnly: p.readOnly };
        })
      : null;
  return {
    storage,
    permissions: params.permissions ? { read: [...params.permissions.read] } : undefined,
    // attestation defaults to on; the SDL has no way to turn it off in the parser this mirrors
    tee: params.tee ? { type: params.tee.type, attestation: true } : undefined,
  };
}

/** v2.0 copies host, username and password (no email); v2.1 keeps all four (trimmed at decode). */
function manifestCredentials(svc: Service | undefined, version: Sdl["version"]): ImageCredentials | null {
  const c = svc?.credentials;
  if (!c) return null;
  return { host: c.host, email: version === "2.1" ? c.email : "", username: c.username, password: c.password };
}
