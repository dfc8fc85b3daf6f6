/**
 * The chain's validation of deployment groups, run on the decoded `GroupSpec`s of a
 * `MsgCreateDeployment` (chain-sdk `go/node/deployment/v1beta4`: `GroupSpec.ValidateBasic`,
 * `ResourceUnits.Validate`, `ValidateDeploymentGroups`). The limits are the SDL engine's
 * (`src/sdl/rules/chain.ts`), which lints the same rules before a transaction is ever built;
 * the messages are the chain's, quirks included (the maximum printed twice, "denonimation").
 */
import type { GroupSpec } from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
import { GROUP_LIMITS, UNIT_LIMITS } from "../sdl/rules/chain.js";
import { DEC_ONE, formatDecimal } from "./decimal.js";
import { ChainError, DeploymentErrors, unregistered } from "./errors.js";

/** cosmos-sdk `ValidateDenom`. */
const COSMOS_DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;

/** A `ResourceValue` (decimal digits as bytes) as a number; undefined when it is not one. */
export function resourceValue(value: { val: Uint8Array } | undefined): bigint | undefined {
  if (!value) return undefined;
  const text = new TextDecoder().decode(value.val);
  if (text === "") return 0n;
  return /^\d+$/.test(text) ? BigInt(text) : undefined;
}

/** A price amount from chain-sdk's decoder ("1000", "0.5") as decimal atomics. */
function priceAtomics(amount: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d{1,18}))?$/.exec(amount);
  if (!match) return undefined;
  return BigInt(match[1]!) * DEC_ONE + BigInt((match[2] ?? "").padEnd(18, "0") || "0");
}

/** `GroupSpec.ValidateBasic`: unit limits, group totals and pricing. Errors are unregistered (code 1). */
export function validateGroupSpecBasic(group: GroupSpec): ChainError | undefined {
  if (group.name === "") return unregistered("empty group spec name denomination");
  const limits = validateResourceUnits(group);
  if (limits) return unregistered(limits);
  const pricing = validatePricing(group);
  if (pricing) return unregistered(pricing);
  return undefined;
}

function validateResourceUnits(group: GroupSpec): string | undefined {
  let cpuTotal = 0n;
  let gpuTotal = 0n;
  let memoryTotal = 0n;
  for (const unit of group.resources) {
    const res = unit.resource;
    if (!res?.cpu) return "error: invalid unit CPU, cannot be nil";
    const cpu = resourceValue(res.cpu.units) ?? 0n;
    if (cpu < BigInt(UNIT_LIMITS.cpuMin) || cpu > BigInt(UNIT_LIMITS.cpuMax)) {
      return `error: invalid unit CPU (${UNIT_LIMITS.cpuMax} > ${cpu} > ${UNIT_LIMITS.cpuMax} fails)`;
    }
    const gpu = resourceValue(res.gpu?.units) ?? 0n;
    if (gpu > BigInt(UNIT_LIMITS.gpuMax)) return `error: invalid unit GPU (${UNIT_LIMITS.gpuMax} > ${gpu} > ${UNIT_LIMITS.gpuMax} fails)`;
    if (gpu === 0n && (res.gpu?.attributes.length ?? 0) > 0) return "error: invalid GPU state. attributes cannot be present if units == 0";
    if (!res.memory) return "error: invalid unit memory, cannot be nil";
    const memory = resourceValue(res.memory.quantity) ?? 0n;
    if (memory < UNIT_LIMITS.memoryMin || memory > UNIT_LIMITS.memoryMax) {
      return `error: invalid unit memory (${UNIT_LIMITS.memoryMax} > ${memory} > ${UNIT_LIMITS.memoryMax} fails)`;
    }
    if (res.storage.length === 0) return "error: invalid unit storage, cannot be nil";
    for (const volume of res.storage) {
      const size = resourceValue(volume.quantity) ?? 0n;
      if (size < UNIT_LIMITS.storageMin || size > UNIT_LIMITS.storageMax) {
        return `error: invalid unit storage (${UNIT_LIMITS.storageMax} > ${size} > ${UNIT_LIMITS.storageMin} fails)`;
      }
    }
    const count = BigInt(unit.count);
    cpuTotal += cpu * count;
    gpuTotal += gpu * count;
    memoryTotal += memory * count;
  }
  if (cpuTotal <= 0n || cpuTotal > GROUP_LIMITS.cpu) return `invalid total CPU (${GROUP_LIMITS.cpu} > ${cpuTotal} > 0 fails)`;
  if (gpuTotal > GROUP_LIMITS.gpu) return `invalid total GPU (${GROUP_LIMITS.gpu} > ${gpuTotal} > 0 fails)`;
  if (memoryTotal <= 0n || memoryTotal > GROUP_LIMITS.memory) return `invalid total memory (${GROUP_LIMITS.memory} > ${memoryTotal} > 0 fails)`;
  return undefined;
}

function validatePricing(group: GroupSpec): string | undefined {
  let denom: string | undefined;
  for (const unit of group.resources) {
    const price = unit.price;
    const atomics = price ? priceAtomics(price.amount) : undefined;
    if (!price || !COSMOS_DENOM.test(price.denom) || atomics === undefined) return `group ${group.name}: error: invalid price object`;
    // Go prints the LegacyDec with its 18 decimals
    if (atomics > UNIT_LIMITS.priceMax * DEC_ONE) return `group ${group.name}: error: invalid unit price (${UNIT_LIMITS.priceMax} > ${formatDecimal(atomics)} fails)`;
    if (denom === undefined) denom = price.denom;
    else if (price.denom !== denom) return `multi-denonimation group: (${price.denom} == ${denom} fails)`;
  }
  return undefined;
}

/** `GroupSpec.Price().Denom`: the first unit's denom ("" for a group without units). */
export function groupDenom(group: GroupSpec): string {
  return group.resources[0]?.price?.denom ?? "";
}

/** `ValidateDeploymentGroups` (run by the handler), wrapped as the handler wraps it. */
export function validateDeploymentGroups(groups: readonly GroupSpec[]): ChainError | undefined {
  if (groups.length === 0) return DeploymentErrors.invalidGroups;
  const names = new Set<string>();
  const denom = groupDenom(groups[0]!);
  for (const group of groups) {
    if (groupDenom(group) !== denom) {
      return DeploymentErrors.invalidGroups.withDetail(`inconsistent group denomination: ${denom} != ${groupDenom(group)}: invalid price`);
    }
    const basic = validateGroupSpecBasic(group);
    if (basic) return DeploymentErrors.invalidGroups.withDetail(basic.message);
    if (names.has(group.name)) return DeploymentErrors.invalidGroups.withDetail(`duplicate deployment group name ${group.name}: duplicate deployment group name`);
    names.add(group.name);
  }
  if (denom === "") return DeploymentErrors.invalidGroups.withDetail("unsupported denomination : invalid price");
  return undefined;
}
