/**
 * Which leases run a stack's services, for `logs`, `events` and `shell`: the stack's deployment
 * (state file, or found on chain), its active leases on chain, and the services each lease's
 * provider reports. Read-only.
 */
import type { ChainClient } from "../chain/types.js";
import type { ProviderClient } from "../provider/client.js";
import type { LeaseId } from "../provider/lease-streams.js";
import type { StackState } from "./state.js";

export interface LeaseTarget {
  lease: LeaseId;
  provider: string;
  client: ProviderClient;
  /** The services this lease runs (from the provider's lease status). */
  services: string[];
}

export class NoDeploymentError extends Error {
  override readonly name = "NoDeploymentError";
}

export async function leaseTargets(
  state: StackState,
  chain: Pick<ChainClient, "leases">,
  providers: { client(address: string): Promise<ProviderClient> },
): Promise<LeaseTarget[]> {
  const current = state.current;
  if (!current) throw new NoDeploymentError(`${state.stack} has no deployment on ${state.network}`);
  const leases = (await chain.leases(state.owner, current.dseq)).filter((l) => l.state === "active").sort((a, b) => a.gseq - b.gseq);
  if (leases.length === 0) throw new NoDeploymentError(`deployment ${current.dseq} of ${state.stack} on ${state.network} has no active lease; run \`akash-stack deploy ${state.stack} --network ${state.network}\``);
  return Promise.all(
    leases.map(async (l) => {
      const client = await providers.client(l.provider);
      const lease = { dseq: l.dseq, gseq: l.gseq, oseq: l.oseq };
      const status = await client.leaseStatus(l.dseq, l.gseq, l.oseq, 15_000);
      return { lease, provider: l.provider, client, services: Object.keys(status?.services ?? {}).sort() };
    }),
  );
}

/** The targets that run `service`; an error naming the services there are when none does. */
export function targetsFor(targets: readonly LeaseTarget[], service: string | undefined, stack: string): LeaseTarget[] {
  if (service === undefined) return [...targets];
  const matching = targets.filter((t) => t.services.includes(service));
  if (matching.length === 0) {
    const all = [...new Set(targets.flatMap((t) => t.services))].sort();
    throw new NoDeploymentError(`${stack} has no service ${JSON.stringify(service)} on its leases; its services are ${all.join(", ") || "not reported by the provider yet"}`);
  }
  return matching;
}
