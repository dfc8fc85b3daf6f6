/**
 * `close`: closes the stack's deployment (and one left over from an interrupted replacement) and
 * reports the refund: the escrow's unspent deposit returns to the owner. Idempotent: a deployment
 * already closed, or a stack never deployed, is reported and is not an error.
 */
import { ChainTxError } from "../chain/errors.js";
import type { ChainClient } from "../chain/types.js";
import { balanceOf, microToWhole } from "./amounts.js";
import { unitName } from "./deploy.js";
import { markerMemo } from "./marker.js";
import { recordStep, recordTx, saveState, type DeploymentRecord, type StackState } from "./state.js";

export interface ClosedResult {
  dseq: string;
  /** "closed" now, or "already closed" / "not on chain" before we got there. */
  outcome: "closed" | "already closed" | "not on chain";
  tx?: string;
  /** Refund in micro-units of `denom`, when measurable. */
  refund?: string;
  denom: string;
}

export async function closeStack(state: StackState, chain: Pick<ChainClient, "deployment" | "balances" | "signAndBroadcast">, home: string): Promise<ClosedResult[]> {
  const results: ClosedResult[] = [];
  for (const slot of ["previous", "current"] as const) {
    const record = state[slot];
    if (!record) continue;
    results.push(await closeOne(state, slot, record, chain, home));
  }
  return results;
}

async function closeOne(
  state: StackState,
  slot: "current" | "previous",
  record: DeploymentRecord,
  chain: Pick<ChainClient, "deployment" | "balances" | "signAndBroadcast">,
  home: string,
): Promise<ClosedResult> {
  const denom = record.deposit.denom;
  const info = await chain.deployment(state.owner, record.dseq);
  let result: ClosedResult;
  if (!info || info.state !== "active") {
    result = { dseq: record.dseq, outcome: info ? "already closed" : "not on chain", denom };
  } else {
    const before = balanceOf(await chain.balances(state.owner), denom);
    let hash: string | undefined;
    try {
      const tx = await chain.signAndBroadcast([{ type: "close-deployment", dseq: record.dseq }], {
        memo: markerMemo(state.stack, record.dseq),
        onSigned: async (h) => {
          hash = h;
          recordTx(state, { hash: h, what: `close deployment ${record.dseq}`, dseq: record.dseq });
          await saveState(home, state);
        },
      });
      recordTx(state, { hash: tx.hash, what: `close deployment ${record.dseq}`, dseq: record.dseq, height: tx.height });
      hash = tx.hash;
    } catch (err) {
      // Closed meanwhile (by another run, or the chain on an empty escrow): that is what we wanted.
      const after = await chain.deployment(state.owner, record.dseq);
      if (!(err instanceof ChainTxError) || after?.state === "active") throw err;
    }
    const after = balanceOf(await chain.balances(state.owner), denom);
    result = { dseq: record.dseq, outcome: "closed", ...(hash ? { tx: hash } : {}), ...(after > before ? { refund: (after - before).toString() } : {}), denom };
  }
  state.closed.push({ dseq: record.dseq, closedAt: new Date().toISOString(), reason: `akash-stack close (${result.outcome})`, ...(result.tx ? { tx: result.tx } : {}) });
  state[slot] = undefined;
  // With the current deployment gone, its endpoints are gone too: verify and dns must not probe them.
  if (slot === "current") state.verify = undefined;
  recordStep(state, "close", "done", record.dseq, result.outcome);
  await saveState(home, state);
  return result;
}

export function formatClosed(results: readonly ClosedResult[], stack: string, network: string): string {
  if (results.length === 0) return `${stack} has no deployment on ${network}; nothing to close\n`;
  return (
    results
      .map((r) => {
        if (r.outcome !== "closed") return `deployment ${r.dseq}: ${r.outcome}; nothing to do`;
        const refund = r.refund ? `; refunded ${microToWhole(BigInt(r.refund))} ${unitName(r.denom)}` : "";
        return `deployment ${r.dseq}: closed${r.tx ? ` (tx ${r.tx})` : ""}${refund}`;
      })
      .join("\n") + "\n"
  );
}
