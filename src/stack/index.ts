/**
 * The public API for writing stacks (`defineStack`, `Size`, the handles and props) and for the
 * tools that synthesize and deploy them (`synth`, `resolveSecrets`).
 */
export { Size } from "./size.js";
export {
  defineStack,
  isStackDefinition,
  DEFAULT_PLACEMENT,
  type AllowProps,
  type ComputeProps,
  type CredentialsProps,
  type DnsZone,
  type EnvValue,
  type ExposeProps,
  type GpuInterface,
  type GpuModelProps,
  type GpuProps,
  type HttpOptions,
  type IpEndpoint,
  type NvidiaGpuModel,
  type Placement,
  type PlacementProps,
  type PriceProps,
  type Proto,
  type ServiceHandle,
  type ServicePermission,
  type ServiceProps,
  type Stack,
  type StackDefinition,
  type StackProps,
  type StorageClass,
  type VolumeProps,
} from "./stack.js";
export { ParamError, parseSetFlags, resolveParams, type ParamDefaults, type ParamValue, type ParamValues } from "./params.js";
export {
  describeMissingSecrets,
  placeholder,
  resolveSecrets,
  stackHome,
  type GeneratedSecretKind,
  type ResolvedSecrets,
  type ResolveSecretsOptions,
  type Secret,
} from "./secrets.js";
export { formatProblem, synth, SynthError, type DnsRecord, type SecretDeclaration, type StackProblem, type SynthResult } from "./synth.js";
export { formatLocation, type SourceLocation } from "./location.js";
export { priceCeiling, type CeilingResources } from "./price-ceiling.js";
