/**
 * Deployment group specs: what `MsgCreateDeployment` asks the chain for, one group per placement.
 * Built by `builder.ts` together with the manifest (Go builds both in one pass, and the provider
 * checks one against the other); this module holds the types and their JSON form.
 */
import { buildDeployment } from "./builder.js";
import type { JsonValue } from "./go-json.js";
import type { Sdl } from "./model.js";
import { attributeToJson, resourcesToJson, type ResourceAttribute, type UnitResources } from "./resources.js";

/** `cosmos.base.v1beta1.DecCoin`: the price per block of one replica. */
export interface DecCoin {
  denom: string;
  /** Canonical 18-decimal amount, e.g. "1000.000000000000000000". */
  amount: string;
}

/** `akash.deployment.v1beta4.ResourceUnit`. */
export interface ResourceUnit {
  resources: UnitResources;
  /** Replicas. */
  count: number;
  price: DecCoin;
}

/** `akash.base.attributes.v1.PlacementRequirements`. */
export interface PlacementRequirements {
  /** null for a list the SDL did not write (Go nil); [] for one written empty. */
  signedBy: { allOf: string[] | null; anyOf: string[] | null };
  /** Sorted by key; null when there are none (Go nil). */
  attributes: ResourceAttribute[] | null;
}

/** `akash.deployment.v1beta4.GroupSpec`. */
export interface GroupSpec {
  /** The placement name. */
  name: string;
  requirements: PlacementRequirements;
  resources: ResourceUnit[];
}

/**
 * The group specs Go's `sdl.DeploymentGroups()` returns, sorted by placement name. Meant for SDLs
 * without go-parser errors; on others it still returns what it can, filling what Go would have
 * rejected with Go's zero values (no price: empty denom and a zero amount).
 */
export function buildGroups(sdl: Sdl): GroupSpec[] {
  return buildDeployment(sdl).groups;
}

/** The JSON Go's `json.Marshal` writes for the group specs (Go's `group-specs.json` fixtures). */
export function groupSpecsToJSON(groups: readonly GroupSpec[]): JsonValue {
  return groups.map((g) => ({
    name: g.name,
    requirements: {
      signed_by: { all_of: listOrNull(g.requirements.signedBy.allOf), any_of: listOrNull(g.requirements.signedBy.anyOf) },
      attributes: g.requirements.attributes === null ? null : g.requirements.attributes.map(attributeToJson),
    },
    resources: g.resources.map((unit) => ({
      resource: resourcesToJson(unit.resources),
      count: unit.count,
      price: decCoinToJson(unit.price),
    })),
  }));
}

function listOrNull(list: string[] | null): JsonValue {
  return list === null ? null : [...list];
}

/** `DecCoin`'s denom is omitempty; the amount is always written. */
function decCoinToJson(price: DecCoin): JsonValue {
  return price.denom === "" ? { amount: price.amount } : { denom: price.denom, amount: price.amount };
}
