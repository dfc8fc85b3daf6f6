/**
 * What a devnet provider offers and how it decides to bid: its attributes (region, storage
 * classes, IP-lease support, GPUs), whether an auditor signed them, and its price list. Matching
 * follows chain-sdk `GroupSpec.MatchRequirements` / `MatchResourcesRequirements` (attribute keys
 * are globs, storage and GPU attributes must fit one capability group) plus the provider's own
 * inventory checks (leased IPs, GPUs). A provider whose price is above the order's does not bid.
 */
import type { GroupSpec } from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
import type { ResourceOffer } from "@akashnetwork/chain-sdk/private-types/akash.v1beta5";
import type { ResourceUnit } from "../sdl/groups.js";
import { expectedUactPerBlock, PROVIDER_PRICE_DEFAULTS } from "../sdl/prices.js";
import type { EndpointKindValue, UnitResources } from "../sdl/resources.js";
import { DENOM_ACT } from "./constants.js";
import { DEC_ONE, type DecAmount } from "./decimal.js";
import { resourceValue } from "./group-validation.js";
import type { Attribute, AuditRecord } from "./state.js";

export interface ProviderProfile {
  /** 1-based, as in the provider's name. */
  number: number;
  region: string;
  attributes: Attribute[];
  /** Whether the devnet auditor signs this provider's attributes. */
  audited: boolean;
  /** The attributes the auditor signs. */
  auditedAttributes: Attribute[];
  supportsLeasedIps: boolean;
  /** Multiplier on the bid script's default prices, in percent (100 = the helm chart's defaults). */
  pricePercent: bigint;
  /** Blocks to wait after an order opens before bidding. */
  bidDelayBlocks: number;
  /** Public hostname the provider reports for ingress and forwarded ports. */
  hostname: string;
}

interface ProfileTemplate {
  region: string;
  storage: Array<{ class: string; persistent: boolean }>;
  ipLeaseKey: string | undefined;
  gpus: string[];
  audited: boolean;
  pricePercent: bigint;
}

/**
 * Three templates cycled over the providers. They disagree on purpose, as mainnet providers do:
 * two announce leased-IP support under the two keys in use ("feat-endpoint-ip", "ip-lease"), only
 * one has GPUs, only two are audited, and prices differ a little above and below the helm chart's
 * defaults, as providers who tune their `price_target_*` values do.
 */
const TEMPLATES: readonly ProfileTemplate[] = [
  { region: "us-west", storage: [{ class: "beta2", persistent: true }, { class: "ram", persistent: false }], ipLeaseKey: "feat-endpoint-ip", gpus: [], audited: true, pricePercent: 90n },
  { region: "eu-central", storage: [{ class: "beta3", persistent: true }, { class: "ram", persistent: false }], ipLeaseKey: "ip-lease", gpus: ["vendor/nvidia/model/rtx4090"], audited: true, pricePercent: 110n },
  { region: "ap-south", storage: [{ class: "ram", persistent: false }], ipLeaseKey: undefined, gpus: [], audited: false, pricePercent: 125n },
];

export function providerProfile(index: number): ProviderProfile {
  const template = TEMPLATES[index % TEMPLATES.length]!;
  const number = index + 1;
  const hostname = `provider-${number}.devnet.local`;
  const attributes: Attribute[] = [
    { key: "host", value: "akash" },
    { key: "organization", value: `devnet-provider-${number}` },
    { key: "region", value: template.region },
    { key: "tier", value: "community" },
  ];
  template.storage.forEach((s, i) => {
    attributes.push({ key: `capabilities/storage/${i + 1}/class`, value: s.class });
    attributes.push({ key: `capabilities/storage/${i + 1}/persistent`, value: String(s.persistent) });
  });
  if (template.storage.some((s) => s.persistent)) attributes.push({ key: "feat-persistent-storage", value: "true" });
  if (template.ipLeaseKey) attributes.push({ key: template.ipLeaseKey, value: "true" });
  for (const gpu of template.gpus) attributes.push({ key: `capabilities/gpu/${gpu}`, value: "true" });
  attributes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    number,
    region: template.region,
    attributes,
    audited: template.audited,
    auditedAttributes: attributes.filter((a) => a.key === "host" || a.key === "tier" || a.key === "region" || a.key === "organization"),
    supportsLeasedIps: template.ipLeaseKey !== undefined,
    pricePercent: template.pricePercent,
    bidDelayBlocks: number,
    hostname,
  };
}

/** Go's `filepath.Match` for attribute keys: `*` matches within a path segment, `?` one character. */
function globMatch(pattern: string, key: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
  return new RegExp(`^${regex}$`).test(key);
}

function subsetOf(required: readonly Attribute[], have: readonly Attribute[]): boolean {
  return required.every((r) => have.some((h) => globMatch(r.key, h.key) && r.value === h.value));
}

/** `GetCapabilitiesGroup(prefix)`: "capabilities/storage/1/class" → group "1", key "class". */
function capabilityGroups(attributes: readonly Attribute[], prefix: string): Attribute[][] {
  const groups = new Map<string, Attribute[]>();
  for (const a of attributes) {
    if (!a.key.startsWith(`capabilities/${prefix}/`)) continue;
    const [, , group, key, ...rest] = a.key.split("/");
    if (!group || !key || rest.length > 0) continue;
    groups.set(group, [...(groups.get(group) ?? []), { key, value: a.value }]);
  }
  return [...groups.values()];
}

/** `GetCapabilitiesMap("gpu")`: keys after "capabilities/gpu/". */
function capabilityMap(attributes: readonly Attribute[], prefix: string): Attribute[] {
  return attributes.filter((a) => a.key.startsWith(`capabilities/${prefix}/`)).map((a) => ({ key: a.key.slice(`capabilities/${prefix}/`.length), value: a.value }));
}

export type Match = { ok: true } | { ok: false; reason: string };

/** Whether `provider` can and may bid on `spec`. */
export function canSatisfy(spec: GroupSpec, provider: { attributes: readonly Attribute[]; supportsLeasedIps: boolean }, audits: readonly AuditRecord[]): Match {
  const requirements = spec.requirements;
  const required = requirements?.attributes ?? [];
  const allOf = requirements?.signedBy?.allOf ?? [];
  const anyOf = requirements?.signedBy?.anyOf ?? [];
  if (allOf.length > 0 || anyOf.length > 0) {
    const signed = (auditor: string): boolean => audits.some((a) => a.auditor === auditor && subsetOf(required, a.attributes));
    if (allOf.length > 0 && !allOf.every(signed)) return { ok: false, reason: "attributes not signed by every auditor in signedBy.allOf" };
    if (anyOf.length > 0 && !anyOf.some(signed)) return { ok: false, reason: "attributes not signed by any auditor in signedBy.anyOf" };
  } else if (!subsetOf(required, provider.attributes)) {
    return { ok: false, reason: "placement attributes do not match" };
  }

  const storageGroups = capabilityGroups(provider.attributes, "storage");
  const gpuCapabilities = capabilityMap(provider.attributes, "gpu");
  for (const unit of spec.resources) {
    const res = unit.resource;
    for (const volume of res?.storage ?? []) {
      if (volume.attributes.length === 0) continue;
      if (!storageGroups.some((group) => subsetOf(volume.attributes, group))) return { ok: false, reason: `no storage class for volume ${volume.name}` };
    }
    const gpus = resourceValue(res?.gpu?.units) ?? 0n;
    if (gpus > 0n) {
      if (gpuCapabilities.length === 0) return { ok: false, reason: "no GPUs" };
      const wanted = res?.gpu?.attributes ?? [];
      if (wanted.length > 0 && !wanted.some((w) => gpuCapabilities.some((c) => globMatch(w.key, c.key) && w.value === c.value))) {
        return { ok: false, reason: "no GPU of the requested model" };
      }
    }
    if ((res?.endpoints ?? []).some((e) => e.kind === 2) && !provider.supportsLeasedIps) return { ok: false, reason: "no leased IPs" };
  }
  return { ok: true };
}

/**
 * The group as the price script sees it: every unit's resources and count, in the SDL engine's
 * shape (resource values decoded from the chain's decimal strings).
 */
function pricedUnits(spec: GroupSpec): Array<Pick<ResourceUnit, "resources" | "count">> {
  return spec.resources.map((unit) => {
    const res = unit.resource;
    const resources: UnitResources = {
      id: res?.id ?? 0,
      cpu: { units: resourceValue(res?.cpu?.units) ?? 0n, attributes: [] },
      memory: { size: resourceValue(res?.memory?.quantity) ?? 0n, attributes: [] },
      storage: (res?.storage ?? []).map((volume) => ({ name: volume.name, size: resourceValue(volume.quantity) ?? 0n, attributes: volume.attributes })),
      gpu: { units: resourceValue(res?.gpu?.units) ?? 0n, attributes: res?.gpu?.attributes ?? [] },
      endpoints: (res?.endpoints ?? []).map((e) => ({ kind: e.kind as EndpointKindValue, sequenceNumber: e.sequenceNumber })),
    };
    return { resources, count: unit.count };
  });
}

/**
 * This provider's price for the whole group per block: the helm chart bid script's formula at its
 * default targets (src/sdl/prices.ts), scaled by the provider's multiplier.
 */
export function bidPrice(spec: GroupSpec, profile: ProviderProfile): DecAmount {
  const atomics = expectedUactPerBlock(pricedUnits(spec), PROVIDER_PRICE_DEFAULTS, Number(profile.pricePercent) / 100);
  // the chain rejects a zero price; round tiny groups up to one micro-unit
  return { denom: DENOM_ACT, atomics: atomics > 0n ? atomics : DEC_ONE / 1_000_000n };
}

/** The resources the bid offers: the group's units as they are. */
export function resourcesOffer(spec: GroupSpec): ResourceOffer[] {
  return spec.resources.map((unit) => ({ resources: unit.resource, count: unit.count, prices: undefined }) as ResourceOffer);
}
