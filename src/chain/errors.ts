/**
 * Errors a chain client throws, classified so the deployer can react without knowing the chain:
 * a wrong sequence is retried, out of gas is retried with more gas, the rest is explained.
 */

export type TxFailureKind =
  /** Signature, chain id or account number did not verify. */
  | "unauthorized"
  /** Not enough tokens for the fee or the amounts moved. */
  | "insufficient-funds"
  /** The gas limit was too low. */
  | "out-of-gas"
  /** The fee is below the node's minimum gas price. */
  | "insufficient-fee"
  /** Another transaction used the account's sequence first. */
  | "sequence-mismatch"
  /** The same transaction is already in the node's mempool or cache. */
  | "already-known"
  /** Any other rejection by the chain's logic (its message says why). */
  | "rejected";

/** A transaction the chain refused, at check time or when executed in a block. */
export class ChainTxError extends Error {
  override readonly name = "ChainTxError";

  constructor(
    readonly kind: TxFailureKind,
    /** The chain's numeric code (Cosmos SDK codes for the Cosmos client). */
    readonly code: number,
    /** The module the code belongs to (`sdk`, `deployment`, `market`…). */
    readonly codespace: string,
    /** The chain's own message, quoted in `message`. */
    readonly log: string,
    /** The transaction's hash, when it was signed. */
    readonly hash: string | undefined,
    /** What was being sent, for the message: "create deployment 123". */
    readonly what: string,
  ) {
    super(explain(kind, code, codespace, log, what));
  }
}

/** The chain (node, RPC, gRPC) could not be reached or answered garbage, after retries. */
export class ChainUnavailableError extends Error {
  override readonly name = "ChainUnavailableError";

  constructor(
    readonly endpoint: string,
    readonly operation: string,
    readonly reason: string,
  ) {
    super(`${operation}: the chain at ${endpoint} did not answer (${reason}); check the endpoint and your connection, then run the command again (it resumes)`);
  }
}

/** A transaction was sent but not seen in a block in time; it may still land. */
export class TxTimeoutError extends Error {
  override readonly name = "TxTimeoutError";

  constructor(
    readonly hash: string,
    readonly waitedMs: number,
    readonly what: string,
  ) {
    super(
      `${what}: transaction ${hash} was not included within ${Math.round(waitedMs / 1000)} s; it may still be included. ` +
        `Run the same command again: it looks the transaction up by hash before sending anything new`,
    );
  }
}

/** The wallet cannot be loaded (no mnemonic, unsafe file mode, invalid words). Never contains the mnemonic. */
export class WalletError extends Error {
  override readonly name = "WalletError";
}

function explain(kind: TxFailureKind, code: number, codespace: string, log: string, what: string): string {
  const quoted = log ? `: "${truncate(log)}"` : "";
  const where = `${what} was rejected (code ${code}${codespace ? ` in ${codespace}` : ""})${quoted}`;
  switch (kind) {
    case "unauthorized":
      return `${where}. The signature did not verify: the key, chain id or account number does not match this network. Check --network and the mnemonic`;
    case "insufficient-funds":
      return `${where}. The account does not hold enough: gas is paid in AKT (uakt) and deposits in ACT (uact). Fund the account, or mint ACT, then run again`;
    case "out-of-gas":
      return `${where}. The transaction ran out of gas even after retrying with more; run again, and report it if it keeps happening`;
    case "insufficient-fee":
      return `${where}. The fee is below the node's minimum gas price; use a node with min-gas-prices ≤ 0.025uakt or raise the gas price`;
    case "sequence-mismatch":
      return `${where}. Another transaction from this account was sent at the same time (account sequence mismatch) and retries did not resolve it; wait a block and run again`;
    case "already-known":
      return `${where}. The node already has this transaction; it is being included`;
    case "rejected":
      return where;
  }
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 400 ? `${oneLine.slice(0, 400)}…` : oneLine;
}
