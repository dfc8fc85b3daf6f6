/**
 * What the user reads when the chain refuses a transaction or cannot be reached: the chain's own
 * words, quoted and kept short, plus what to do for each kind of failure.
 */
import { describe, expect, it } from "vitest";
import { ChainTxError, ChainUnavailableError, TxTimeoutError, WalletError, type TxFailureKind } from "../src/chain/errors.js";

describe("ChainTxError", () => {
  it("keeps what the chain said, and names itself", () => {
    const err = new ChainTxError("rejected", 5, "deployment", "deployment exists", "ABC123", "create deployment 42");
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("ChainTxError");
    expect([err.kind, err.code, err.codespace, err.log, err.hash, err.what]).toEqual(["rejected", 5, "deployment", "deployment exists", "ABC123", "create deployment 42"]);
    expect(err.message).toBe('create deployment 42 was rejected (code 5 in deployment): "deployment exists"');
  });

  it("leaves out an empty codespace and an empty log", () => {
    expect(new ChainTxError("rejected", 1, "", "", undefined, "close deployment 7").message).toBe("close deployment 7 was rejected (code 1)");
  });

  it("puts the log on one line and cuts it at 400 characters", () => {
    const log = `  first line\n\tsecond   line  ${"x".repeat(500)}`;
    const message = new ChainTxError("rejected", 2, "sdk", log, undefined, "send").message;
    const quoted = /: "(.*)"$/.exec(message)?.[1] ?? "";
    expect(quoted.startsWith("first line second line xxx")).toBe(true);
    expect(quoted).toHaveLength(401);
    expect(quoted.endsWith("x…")).toBe(true);
    // Exactly 400 characters stay as they are.
    const edge = "y".repeat(400);
    expect(new ChainTxError("rejected", 2, "sdk", edge, undefined, "send").message).toBe(`send was rejected (code 2 in sdk): "${edge}"`);
  });

  const advice: Array<[TxFailureKind, string]> = [
    ["unauthorized", ". The signature did not verify: the key, chain id or account number does not match this network. Check --network and the mnemonic"],
    ["insufficient-funds", ". The account does not hold enough: gas is paid in AKT (uakt) and deposits in ACT (uact). Fund the account, or mint ACT, then run again"],
    ["out-of-gas", ". The transaction ran out of gas even after retrying with more; run again, and report it if it keeps happening"],
    ["insufficient-fee", ". The fee is below the node's minimum gas price; use a node with min-gas-prices ≤ 0.025uakt or raise the gas price"],
    [
      "sequence-mismatch",
      ". Another transaction from this account was sent at the same time (account sequence mismatch) and retries did not resolve it; wait a block and run again",
    ],
    ["already-known", ". The node already has this transaction; it is being included"],
    ["rejected", ""],
  ];
  it.each(advice)("tells what to do about %s", (kind, tail) => {
    expect(new ChainTxError(kind, 13, "sdk", "the log", "H", "create lease").message).toBe(`create lease was rejected (code 13 in sdk): "the log"${tail}`);
  });
});

describe("the other chain errors", () => {
  it("ChainUnavailableError names the endpoint, the operation and the reason", () => {
    const err = new ChainUnavailableError("http://127.0.0.1:26657", "query balances", "ECONNREFUSED");
    expect(err.name).toBe("ChainUnavailableError");
    expect([err.endpoint, err.operation, err.reason]).toEqual(["http://127.0.0.1:26657", "query balances", "ECONNREFUSED"]);
    expect(err.message).toBe(
      "query balances: the chain at http://127.0.0.1:26657 did not answer (ECONNREFUSED); check the endpoint and your connection, then run the command again (it resumes)",
    );
  });

  it("TxTimeoutError says how long it waited, in whole seconds", () => {
    const err = new TxTimeoutError("FEED", 61_600, "create lease");
    expect(err.name).toBe("TxTimeoutError");
    expect([err.hash, err.waitedMs, err.what]).toEqual(["FEED", 61_600, "create lease"]);
    expect(err.message).toBe(
      "create lease: transaction FEED was not included within 62 s; it may still be included. Run the same command again: it looks the transaction up by hash before sending anything new",
    );
  });

  it("WalletError is an Error of its own name", () => {
    const err = new WalletError("no mnemonic");
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("WalletError");
    expect(err.message).toBe("no mnemonic");
  });
});
