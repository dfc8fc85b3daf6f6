/**
 * What actually reaches the chain and the provider: Go's group builder turns each deployment entry
 * whose service, compute profile, placement and pricing all exist into one resource unit (chain)
 * and one manifest service (provider). Entries with a broken reference are reported by
 * `references.ts`; `deployedUnits` leaves them out, because Go never gets as far as building them.
 * `manifestServices` keeps any deployed service that exists, so its manifest problems show up in
 * the same run as a broken profile or pricing reference.
 */
import type { ComputeProfile, PlacementDeployment, PlacementProfile, Price, Sdl, Service } from "../model.js";
import type { Reporter } from "../report.js";
import { closestName } from "../suggest.js";

export interface DeployedUnit {
  service: Service;
  placementName: string;
  deployment: PlacementDeployment;
  compute: ComputeProfile;
  placement: PlacementProfile;
  price: Price;
}

/** Go's `sort.Strings` order (byte order, which equals code-unit order for the ASCII names SDLs use). */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const unitsOf = new WeakMap<Sdl, DeployedUnit[]>();
const servicesOf = new WeakMap<Sdl, Array<{ service: Service; placements: string[] }>>();

/** Every deployed unit, in Go's order: by service name, then by placement name. */
export function deployedUnits(sdl: Sdl): DeployedUnit[] {
  // Several rule families ask for the same SDL's units; the decoded SDL never changes, so the
  // first answer serves them all (callers only read the list).
  const known = unitsOf.get(sdl);
  if (known) return known;
  const units: DeployedUnit[] = [];
  unitsOf.set(sdl, units);
  for (const svcName of [...sdl.deployments.keys()].sort(byName)) {
    const service = intended(sdl.services, svcName)?.[1];
    if (!service) continue;
    const placements = sdl.deployments.get(svcName)!.placements;
    for (const writtenPlacement of [...placements.keys()].sort(byName)) {
      const deployment = placements.get(writtenPlacement)!;
      const compute = intended(sdl.compute, deployment.profile);
      const placement = intended(sdl.placements, writtenPlacement);
      const price = compute && placement?.[1].pricing.get(compute[0]);
      if (!compute || !placement || !price) continue;
      units.push({ service, placementName: placement[0], deployment, compute: compute[1], placement: placement[1], price });
    }
  }
  return units;
}

/**
 * The entry named `name`, or, when the name is a typo of exactly one defined name (`dcx` for `dc`;
 * references.ts reports the typo with "did you mean"), that entry: the chain and manifest rules
 * then still judge what the author meant, so one misspelt name does not hide the file's other
 * findings. Undefined when nothing is close.
 */
export function intended<T>(defined: ReadonlyMap<string, T>, name: string): [string, T] | undefined {
  const exact = defined.get(name);
  if (exact !== undefined) return [name, exact];
  const closest = closestName(name, defined.keys());
  return closest === undefined ? undefined : [closest, defined.get(closest)!];
}

/** Units grouped by placement (one deployment group per placement), placements in Go's order. */
export function unitsByPlacement(units: readonly DeployedUnit[]): Map<string, DeployedUnit[]> {
  const groups = new Map<string, DeployedUnit[]>();
  for (const unit of [...units].sort((a, b) => byName(a.placementName, b.placementName))) {
    const list = groups.get(unit.placementName) ?? [];
    list.push(unit);
    groups.set(unit.placementName, list);
  }
  return groups;
}

/** The distinct services that are deployed somewhere, in Go's order. */
export function deployedServices(units: readonly DeployedUnit[]): Service[] {
  return [...new Set(units.map((u) => u.service))];
}

/** The distinct compute profiles that are deployed somewhere, in the order first used. */
export function deployedProfiles(units: readonly DeployedUnit[]): ComputeProfile[] {
  return [...new Set(units.map((u) => u.compute))];
}

/** Every pointer at or above an error finding's path, overall and per rule, built incrementally. */
interface ErrorIndex {
  seen: number;
  any: Set<string>;
  byRule: Map<string, Set<string>>;
}

const errorIndexes = new WeakMap<Reporter, ErrorIndex>();

function errorIndex(report: Reporter): ErrorIndex {
  let index = errorIndexes.get(report);
  if (!index) {
    index = { seen: 0, any: new Set(), byRule: new Map() };
    errorIndexes.set(report, index);
  }
  // findings only grow, so each one is indexed once however often rules ask
  for (; index.seen < report.findings.length; index.seen++) {
    const finding = report.findings[index.seen]!;
    if (finding.severity !== "error") continue;
    let ofRule = index.byRule.get(finding.ruleId);
    if (!ofRule) index.byRule.set(finding.ruleId, (ofRule = new Set()));
    // "/a/b" is at or below "", "/a" and "/a/b" (segments never contain an unescaped "/")
    const segments = finding.path.split("/");
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join("/");
      index.any.add(prefix);
      ofRule.add(prefix);
    }
  }
  return index;
}

/**
 * True when an error (of rule `ruleId`, if given) has already been reported at `pointer` or below
 * it. Rules use it to stay quiet about a value whose decoding failed, so one mistake gives one
 * finding.
 */
export function hasErrorAt(report: Reporter, pointer: string, ruleId?: string): boolean {
  const index = errorIndex(report);
  const paths = ruleId === undefined ? index.any : index.byRule.get(ruleId);
  return paths !== undefined && paths.has(pointer);
}

/**
 * The services that reach the manifest: those named under `deployment` and defined under
 * `services`, in Go's order, each with the placements it is deployed in (Go's order too).
 * Unlike `deployedUnits`, a broken compute-profile or pricing reference does not drop a service
 * here, so its manifest problems are reported in the same run as the broken reference.
 */
export function manifestServices(sdl: Sdl): Array<{ service: Service; placements: string[] }> {
  const known = servicesOf.get(sdl);
  if (known) return known;
  const out: Array<{ service: Service; placements: string[] }> = [];
  servicesOf.set(sdl, out);
  for (const name of [...sdl.deployments.keys()].sort(byName)) {
    const service = intended(sdl.services, name)?.[1];
    if (!service) continue;
    out.push({ service, placements: [...sdl.deployments.get(name)!.placements.keys()].sort(byName) });
  }
  return out;
}
