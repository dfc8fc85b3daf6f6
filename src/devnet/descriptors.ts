/**
 * chain-sdk's generated service descriptors (`{typeName, methods: {name, httpPath, httpMethod,
 * input, output}}`), the single source for the gRPC method paths, the grpc-gateway REST routes
 * and each method's protobuf codecs, found in chain-sdk's build by `descriptor-chunks.ts`. Only the
 * services the devnet serves are kept.
 */
import type { ProtoCodec } from "./codec.js";
import { descriptorChunks } from "./descriptor-chunks.js";

export interface MethodDescriptor {
  name: string;
  httpPath?: string;
  httpMethod?: string;
  input: ProtoCodec;
  output: ProtoCodec;
  parent: ServiceDescriptor;
}

export interface ServiceDescriptor {
  typeName: string;
  methods: Record<string, MethodDescriptor>;
}

/** The query services the devnet answers (over gRPC, abci_query and REST). */
export const SERVED_SERVICES = [
  "akash.deployment.v1beta4.Query",
  "akash.market.v1beta5.Query",
  "akash.escrow.v1.Query",
  "akash.provider.v1beta4.Query",
  "akash.cert.v1.Query",
  "akash.audit.v1.Query",
  "akash.bme.v1.Query",
  "akash.oracle.v1.Query",
  "cosmos.bank.v1beta1.Query",
  "cosmos.auth.v1beta1.Query",
  "cosmos.tx.v1beta1.Service",
] as const;
export type ServedService = (typeof SERVED_SERVICES)[number];

function isServiceDescriptor(value: unknown): value is ServiceDescriptor {
  if (!value || typeof value !== "object") return false;
  const v = value as Partial<ServiceDescriptor>;
  return typeof v.typeName === "string" && typeof v.methods === "object" && v.methods !== null;
}

let loaded: Promise<Map<string, ServiceDescriptor>> | undefined;

/** Loads (once) the descriptors of `SERVED_SERVICES`, keyed by type name. */
export function loadServiceDescriptors(): Promise<Map<string, ServiceDescriptor>> {
  loaded ??= (async () => {
    const wanted = new Set<string>(SERVED_SERVICES);
    const found = new Map<string, ServiceDescriptor>();
    for (const module of await descriptorChunks(SERVED_SERVICES)) {
      for (const value of Object.values(module)) {
        if (isServiceDescriptor(value) && wanted.has(value.typeName)) found.set(value.typeName, value);
      }
    }
    const missing = SERVED_SERVICES.filter((s) => !found.has(s));
    if (missing.length > 0) {
      throw new Error(`chain-sdk's build has no descriptor for ${missing.join(", ")}; the devnet expects @akashnetwork/chain-sdk 1.0.0-alpha.25`);
    }
    return found;
  })();
  return loaded;
}

/** "/akash.market.v1beta5.Query/Bids": the gRPC path (also the abci_query path). */
export function grpcPath(method: MethodDescriptor): string {
  return `/${method.parent.typeName}/${method.name}`;
}
