/**
 * `import`: adopts a deployment made elsewhere (Akash Console, akt, provider-services, another
 * machine) as a stack's. Nothing is sent: the chain already holds the deployment; the state file
 * only learns which one is the stack's, with its leases and their providers.
 */
import type { ChainClient } from "../chain/types.js";
import { recordFromChain } from "./discover.js";
import { DeployError } from "./deploy.js";
import { newState, recordStep, saveState, type StackState } from "./state.js";

export interface ImportRequest {
  stack: string;
  network: string;
  depositDenom: string;
  dseq: string;
  home: string;
  state: StackState | undefined;
}

export async function importDeployment(request: ImportRequest, chain: Pick<ChainClient, "chainId" | "address" | "deployment" | "leases" | "provider">): Promise<StackState> {
  const { stack, network, dseq } = request;
  if (!/^\d+$/.test(dseq) || dseq === "0") throw new DeployError(`--dseq ${JSON.stringify(dseq)} is not a deployment sequence number (a positive integer, as Console and akt show it)`);
  const owner = chain.address;
  const info = await chain.deployment(owner, dseq);
  if (!info) throw new DeployError(`${owner} has no deployment ${dseq} on ${network}: check the dseq, and that the key given owns it (only the owner can adopt a deployment)`);
  if (info.state !== "active") throw new DeployError(`deployment ${dseq} on ${network} is ${info.state}; only an active deployment can be adopted`);
  const state = request.state ?? newState(stack, network, chain.chainId, owner);
  if (state.owner !== owner) throw new DeployError(`the state file for ${stack} on ${network} belongs to ${state.owner}, not to the key given (${owner}); use the same key, or move the state file away`);
  const current = state.current;
  if (current && current.dseq !== dseq) {
    const live = await chain.deployment(owner, current.dseq);
    if (live?.state === "active") {
      throw new DeployError(`${stack} already runs on deployment ${current.dseq} on ${network}; close it first (akash-stack close ${stack} --network ${network}) so that the stack has one deployment`);
    }
  }
  const record = recordFromChain(info, undefined, request.depositDenom);
  const leases = (await chain.leases(owner, dseq)).filter((l) => l.state === "active").sort((a, b) => a.gseq - b.gseq);
  for (const lease of leases) {
    const provider = await chain.provider(lease.provider);
    // The provider runs the lease, so it holds the manifest whose hash is on chain.
    record.leases.push({ gseq: lease.gseq, oseq: lease.oseq, provider: lease.provider, bseq: lease.bseq, price: lease.price, manifestHash: info.hash, ...(provider?.hostUri ? { hostUri: provider.hostUri } : {}) });
  }
  if (leases.length > 0) record.phase = "leased";
  state.current = record;
  recordStep(state, "import", "done", dseq, `${leases.length} active lease${leases.length === 1 ? "" : "s"}`);
  await saveState(request.home, state);
  return state;
}
