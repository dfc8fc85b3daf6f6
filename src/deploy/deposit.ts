/**
 * `deposit`: tops up the deployment's escrow (`MsgAccountDeposit`) so its leases keep running.
 * Amounts are ACT by default (`5`, `5ACT`, `5000000uact`). AKT is refused: in a uact-priced
 * escrow it pays out only when minting is halted (reference §1.3, pitfall 8).
 */
import type { ChainClient, Coin, TxResult } from "../chain/types.js";
import { MICRO, parseDec } from "./amounts.js";
import { recordStep, recordTx, saveState, type StackState } from "./state.js";

export class AmountError extends Error {
  override readonly name = "AmountError";
}

/** "5" / "5ACT" / "0.5 act" / "5000000uact" → uact. */
export function parseAmount(text: string, denom = "uact"): Coin {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) throw new AmountError(`--amount ${JSON.stringify(text)} is not an amount: write it like 5 (ACT), 2.5ACT or 500000uact`);
  const unit = (m[2] || "ACT").toLowerCase();
  if (unit === "akt" || unit === "uakt") {
    throw new AmountError(`--amount ${text}: deposits are in ACT; AKT in an ACT escrow is not spent while minting works. Mint ACT and deposit that`);
  }
  let micro: bigint;
  if (unit === "act") {
    const fixed = parseDec(m[1]!) * MICRO;
    if (fixed % 10n ** 18n !== 0n) throw new AmountError(`--amount ${text}: ACT has 6 decimals at most`);
    micro = fixed / 10n ** 18n;
  } else if (unit === "uact") {
    if (m[1]!.includes(".")) throw new AmountError(`--amount ${text}: uact is a whole number`);
    micro = BigInt(m[1]!);
  } else {
    throw new AmountError(`--amount ${text}: unknown unit ${m[2]}; use ACT or uact`);
  }
  if (micro <= 0n) throw new AmountError(`--amount ${text}: must be more than zero`);
  return { denom, amount: micro.toString() };
}

export async function depositToStack(state: StackState, chain: Pick<ChainClient, "deployment" | "signAndBroadcast">, home: string, amount: Coin): Promise<TxResult> {
  const record = state.current;
  if (!record) throw new AmountError(`${state.stack} has no deployment on ${state.network}: deploy it first`);
  const info = await chain.deployment(state.owner, record.dseq);
  if (!info || info.state !== "active") throw new AmountError(`deployment ${record.dseq} is not active on chain; there is nothing to top up (deploy again)`);
  const what = `deposit ${amount.amount}${amount.denom} into deployment ${record.dseq}`;
  const tx = await chain.signAndBroadcast([{ type: "deposit", dseq: record.dseq, amount }], {
    onSigned: async (hash) => {
      recordTx(state, { hash, what, dseq: record.dseq });
      await saveState(home, state);
    },
  });
  recordTx(state, { hash: tx.hash, what, dseq: record.dseq, height: tx.height });
  recordStep(state, "deposit", "done", record.dseq, `${amount.amount}${amount.denom}`);
  await saveState(home, state);
  return tx;
}
