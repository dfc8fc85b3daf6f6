/**
 * Transaction processing as baseapp runs it: decode `TxRaw`, run the ante handler (memo, size gas,
 * minimum fee at CheckTx, fee deduction, public key, sequence, signature, sequence increment),
 * then the messages in a branch that is dropped if any message fails, while the ante effects (fee,
 * sequence) stay. Three modes: `check` (broadcast_tx_sync), `deliver` (in a block) and `simulate`
 * (gas estimation: no signature check, unlimited gas, no state change).
 */
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";
import { PubKey } from "@akashnetwork/chain-sdk/private-types/cosmos.secp256k1";
import { AuthInfo, SignDoc, TxBody, TxMsgData, TxRaw } from "@akashnetwork/chain-sdk/private-types/cosmos.v1beta1";
import { AUTH_PARAMS, MIN_GAS_PRICE } from "./constants.js";
import { coinString } from "./decimal.js";
import { ChainError, SdkErrors } from "./errors.js";
import { MESSAGES, type MsgDefinition } from "./handlers.js";
import { chargeRead, chargeWrite, emit, GasMeter, OutOfGas, outOfGasError, sendCoins, type ChainEvent, type ExecContext } from "./keeper.js";
import { addressOfPubkey, MODULE_ADDRESSES } from "./keys.js";
import { snapshot, type ChainData } from "./state.js";

export type TxMode = "check" | "deliver" | "simulate";

export interface TxResult {
  code: number;
  codespace: string;
  log: string;
  gasWanted: number;
  gasUsed: number;
  events: ChainEvent[];
  /** `TxMsgData` bytes (what cosmjs decodes into `msgResponses`). */
  data: Uint8Array;
}

export interface TxOutcome {
  result: TxResult;
  /** The state after the transaction (unchanged object identity is not guaranteed). */
  state: ChainData;
}

const SIGN_MODE_DIRECT = 1;
const SIGN_MODE_NAMES: Record<number, string> = { 0: "SIGN_MODE_UNSPECIFIED", 1: "SIGN_MODE_DIRECT", 2: "SIGN_MODE_TEXTUAL", 3: "SIGN_MODE_DIRECT_AUX", 127: "SIGN_MODE_LEGACY_AMINO_JSON", 191: "SIGN_MODE_EIP_191" };
const SECP256K1_PUBKEY_TYPE = "/cosmos.crypto.secp256k1.PubKey";
/** How much longer a signed tx is than the one `simulate` sees (a 64-byte signature and its framing). */
const SIMULATED_SIGNATURE_BYTES = 66;

export interface DecodedMsg {
  typeUrl: string;
  definition: MsgDefinition<unknown>;
  value: unknown;
}

export interface DecodedTx {
  raw: TxRaw;
  body: TxBody;
  authInfo: AuthInfo;
  msgs: DecodedMsg[];
}

/** Decodes a `TxRaw` and its messages; a failure is code 2, "tx parse error". */
export function decodeTx(bytes: Uint8Array): DecodedTx {
  let raw: TxRaw;
  let body: TxBody;
  let authInfo: AuthInfo;
  try {
    raw = TxRaw.decode(bytes);
    body = TxBody.decode(raw.bodyBytes);
    authInfo = AuthInfo.decode(raw.authInfoBytes);
  } catch (err) {
    throw SdkErrors.txDecode.wrap((err as Error).message);
  }
  const msgs = body.messages.map((any) => {
    const definition = MESSAGES.get(any.typeUrl) as MsgDefinition<unknown> | undefined;
    if (!definition) throw SdkErrors.txDecode.wrap(`unable to resolve type URL ${any.typeUrl}`);
    try {
      return { typeUrl: any.typeUrl, definition, value: definition.codec.decode(any.value) };
    } catch (err) {
      throw SdkErrors.txDecode.wrap(`${any.typeUrl}: ${(err as Error).message}`);
    }
  });
  if (msgs.length === 0) throw SdkErrors.invalidRequest.wrap("must contain at least one message");
  return { raw, body, authInfo, msgs };
}

export function txHash(bytes: Uint8Array): string {
  return toHex(sha256(bytes)).toUpperCase();
}

export interface RunTxOptions {
  chainId: string;
  /** Hashes of unordered txs already seen (replay protection). */
  seenUnordered?: Set<string>;
  /** Signature checks done ahead by `verifySignatures` (cosmjs verifies asynchronously). */
  verified?: VerifiedSignatures;
}

/** Signature validity by "accountNumber|pubkey hex|signer index". */
export type VerifiedSignatures = Map<string, boolean>;

function verificationKey(accountNumber: number, pubKey: Uint8Array, index: number): string {
  return `${accountNumber}|${toHex(pubKey)}|${index}`;
}

/**
 * Verifies every signature of `bytes` against the accounts in `state`, ahead of `runTx` (which is
 * synchronous so a transaction runs atomically). Undecodable transactions verify nothing; `runTx`
 * reports them.
 */
export async function verifySignatures(state: ChainData, bytes: Uint8Array, chainId: string): Promise<VerifiedSignatures> {
  const verified: VerifiedSignatures = new Map();
  let tx: DecodedTx;
  try {
    tx = decodeTx(bytes);
  } catch {
    return verified;
  }
  const signers: string[] = [];
  for (const msg of tx.msgs) {
    try {
      const signer = msg.definition.signer(msg.value as never);
      if (!signers.includes(signer)) signers.push(signer);
    } catch {
      return verified;
    }
  }
  await Promise.all(
    signers.map(async (signer, i) => {
      const account = state.accounts.get(signer);
      const info = tx.authInfo.signerInfos[i];
      const signature = tx.raw.signatures[i];
      if (!account || !info || !signature) return;
      let pubKey = account.pubKey;
      if (!pubKey && info.publicKey?.typeUrl === SECP256K1_PUBKEY_TYPE) {
        try {
          pubKey = PubKey.decode(info.publicKey.value).key;
        } catch {
          return;
        }
      }
      if (!pubKey) return;
      const signBytes = SignDoc.encode(
        SignDoc.fromPartial({ bodyBytes: tx.raw.bodyBytes, authInfoBytes: tx.raw.authInfoBytes, chainId, accountNumber: String(account.accountNumber) }),
      ).finish();
      verified.set(verificationKey(account.accountNumber, pubKey, i), await verifySecp256k1(signature, signBytes, pubKey));
    }),
  );
  return verified;
}

/**
 * Runs one transaction against `state` in `mode`. Never throws: every failure becomes a result
 * with the chain's code and log.
 */
export function runTx(state: ChainData, bytes: Uint8Array, mode: TxMode, options: RunTxOptions): TxOutcome {
  let decoded: DecodedTx;
  try {
    decoded = decodeTx(bytes);
  } catch (err) {
    return { result: failure(asChainError(err), 0, 0), state };
  }
  const gasLimit = Number(decoded.authInfo.fee?.gasLimit.toString() ?? "0");
  const meter = new GasMeter(mode === "simulate" ? Number.POSITIVE_INFINITY : gasLimit);
  const gasWanted = gasLimit;

  // ante handler on a branch: its effects are kept only if it succeeds
  const anteState = snapshot(state);
  const anteCtx: ExecContext = { data: anteState, gas: meter, events: [] };
  try {
    runAnte(anteCtx, decoded, bytes, mode, options);
  } catch (err) {
    return { result: failure(asGasAwareError(err, meter), gasWanted, meter.consumed), state };
  }
  if (mode === "check") {
    return { result: success(anteCtx.events, gasWanted, meter.consumed, new Uint8Array()), state: anteState };
  }

  const msgState = snapshot(anteState);
  const msgCtx: ExecContext = { data: msgState, gas: meter, events: [...anteCtx.events] };
  const responses: Array<{ typeUrl: string; value: Uint8Array }> = [];
  try {
    decoded.msgs.forEach((msg, index) => {
      const signer = msg.definition.signer(msg.value as never);
      emit(msgCtx, "message", { action: msg.typeUrl, sender: signer, module: msg.definition.module, msg_index: String(index) });
      let response: unknown;
      try {
        response = msg.definition.execute(msgCtx, msg.value as never);
      } catch (err) {
        if (err instanceof OutOfGas) throw err;
        throw asChainError(err).wrap(`failed to execute message; message index: ${index}`);
      }
      const codec = msg.definition.response;
      responses.push({ typeUrl: `/${codec.$type}`, value: codec.encode(codec.fromPartial(response)).finish() });
    });
  } catch (err) {
    return { result: failure(asGasAwareError(err, meter), gasWanted, meter.consumed), state: mode === "simulate" ? state : anteState };
  }
  const data = TxMsgData.encode(TxMsgData.fromPartial({ msgResponses: responses })).finish();
  return { result: success(msgCtx.events, gasWanted, meter.consumed, data), state: mode === "simulate" ? state : msgState };
}

function runAnte(ctx: ExecContext, tx: DecodedTx, bytes: Uint8Array, mode: TxMode, options: RunTxOptions): void {
  const { body, authInfo, raw } = tx;

  // ValidateBasic of every message, then of the tx (baseapp validateBasicTxMsgs + ValidateBasicDecorator)
  for (const msg of tx.msgs) msg.definition.validateBasic(msg.value as never);
  const signers: string[] = [];
  for (const msg of tx.msgs) {
    const signer = msg.definition.signer(msg.value as never);
    if (!signers.includes(signer)) signers.push(signer);
  }
  if (raw.signatures.length === 0) throw SdkErrors.noSignatures;
  if (raw.signatures.length !== signers.length || authInfo.signerInfos.length !== signers.length) {
    throw SdkErrors.unauthorized.wrap(`wrong number of signers; expected ${signers.length}, got ${authInfo.signerInfos.length}`);
  }
  if (signers.length > AUTH_PARAMS.txSigLimit) throw SdkErrors.tooManySignatures.wrap(`signatures: ${signers.length}, limit: ${AUTH_PARAMS.txSigLimit}`);

  // TxTimeoutHeightDecorator, unordered txs
  const timeoutHeight = Number(body.timeoutHeight.toString());
  if (timeoutHeight > 0 && ctx.data.height + 1 > timeoutHeight) {
    throw SdkErrors.txTimeoutHeight.wrap(`block height: ${ctx.data.height + 1}, timeout height: ${timeoutHeight}`);
  }
  if (body.unordered) {
    if (!body.timeoutTimestamp) throw SdkErrors.invalidRequest.wrap("unordered transaction must have timeout_timestamp set");
    if (body.timeoutTimestamp.getTime() <= ctx.data.blockTime) throw SdkErrors.txTimeoutHeight.wrap("unordered transaction has a timeout_timestamp that has already passed");
    if (body.timeoutTimestamp.getTime() > ctx.data.blockTime + 10 * 60_000) throw SdkErrors.invalidRequest.wrap("unordered tx ttl exceeds 10m0s");
    if (options.seenUnordered?.has(txHash(bytes))) throw SdkErrors.txInMempoolCache.wrap(`tx ${txHash(bytes)} is duplicated`);
  }

  // ValidateMemoDecorator, ConsumeGasForTxSizeDecorator (each reads the auth params)
  chargeRead(ctx, "params");
  if ([...body.memo].length > AUTH_PARAMS.maxMemoCharacters) {
    throw SdkErrors.memoTooLarge.wrap(`maximum number of characters is ${AUTH_PARAMS.maxMemoCharacters} but received ${[...body.memo].length} characters`);
  }
  chargeRead(ctx, "params");
  const sizeForGas = bytes.length + (mode === "simulate" ? SIMULATED_SIGNATURE_BYTES * signers.length : 0);
  ctx.gas.consume(AUTH_PARAMS.txSizeCostPerByte * sizeForGas, "txSize");

  // DeductFeeDecorator: the minimum gas price is a CheckTx rule (mempool admission)
  const fee = authInfo.fee;
  const gasLimit = BigInt(fee?.gasLimit.toString() ?? "0");
  const feeCoins = (fee?.amount ?? []).map((c) => {
    if (!/^\d+$/.test(c.amount)) throw SdkErrors.invalidCoins.wrap(`invalid fee amount ${JSON.stringify(c.amount)}`);
    return { denom: c.denom, amount: BigInt(c.amount) };
  });
  if (mode === "check") {
    const required = (gasLimit * MIN_GAS_PRICE.numerator + MIN_GAS_PRICE.denominator - 1n) / MIN_GAS_PRICE.denominator;
    const paid = feeCoins.find((c) => c.denom === MIN_GAS_PRICE.denom)?.amount ?? 0n;
    if (required > 0n && paid < required) {
      const got = feeCoins.length === 0 ? "" : feeCoins.map((c) => coinString(c.amount, c.denom)).join(",");
      throw SdkErrors.insufficientFee.wrap(`insufficient fees; got: ${got} required: ${coinString(required, MIN_GAS_PRICE.denom)}`);
    }
  }
  const feePayer = fee?.payer && fee.payer !== "" ? fee.payer : signers[0]!;
  chargeRead(ctx, "account");
  if (feeCoins.some((c) => c.amount > 0n)) {
    if (!ctx.data.accounts.has(feePayer)) throw SdkErrors.unknownAddress.wrap(`fee payer address: ${feePayer} does not exist`);
    for (const coin of feeCoins) {
      try {
        sendCoins(ctx, feePayer, MODULE_ADDRESSES.fee_collector, coin.denom, coin.amount);
      } catch (err) {
        if (err instanceof ChainError) throw SdkErrors.insufficientFunds.wrap(err.message);
        throw err;
      }
    }
  }
  emit(ctx, "tx", { fee: feeCoins.map((c) => coinString(c.amount, c.denom)).join(","), fee_payer: feePayer });

  // SetPubKeyDecorator, SigGasConsumeDecorator, SigVerificationDecorator, IncrementSequenceDecorator
  signers.forEach((signer, i) => {
    const info = authInfo.signerInfos[i]!;
    // SetPubKey, ValidateSigCount, SigGasConsume, SigVerification and IncrementSequence each load the account
    for (let read = 0; read < 5; read++) chargeRead(ctx, "account");
    chargeRead(ctx, "params");
    const account = ctx.data.accounts.get(signer);
    if (!account) throw SdkErrors.unknownAddress.wrap(`account ${signer} does not exist`);
    let pubKey = account.pubKey;
    if (info.publicKey) {
      if (info.publicKey.typeUrl !== SECP256K1_PUBKEY_TYPE) {
        throw SdkErrors.invalidPubKey.wrap(`unsupported public key type ${info.publicKey.typeUrl}; the devnet verifies ${SECP256K1_PUBKEY_TYPE} keys`);
      }
      const key = PubKey.decode(info.publicKey.value).key;
      if (addressOfPubkey(key) !== signer) throw SdkErrors.invalidPubKey.wrap(`pubKey does not match signer address ${signer} with signer index: ${i}`);
      if (!pubKey) {
        pubKey = key;
        account.pubKey = key;
        chargeWrite(ctx, "account");
      }
    }
    if (!pubKey) throw SdkErrors.invalidPubKey.wrap(`pubkey on account is not set`);
    ctx.gas.consume(AUTH_PARAMS.sigVerifyCostSecp256k1, "ante verify: secp256k1");

    const sequence = Number(info.sequence.toString());
    if (!body.unordered && sequence !== account.sequence) {
      throw SdkErrors.wrongSequence.wrap(`account sequence mismatch, expected ${account.sequence}, got ${sequence}`);
    }
    if (mode !== "simulate") {
      const signMode = info.modeInfo?.single?.mode ?? 0;
      if (signMode !== SIGN_MODE_DIRECT) {
        throw SdkErrors.unauthorized.wrap(
          `signature verification failed; the devnet verifies ${SIGN_MODE_NAMES[SIGN_MODE_DIRECT]} signatures only, got ${SIGN_MODE_NAMES[signMode] ?? signMode}: sign with a direct signer (DirectSecp256k1HdWallet)`,
        );
      }
      if (options.verified?.get(verificationKey(account.accountNumber, pubKey, i)) !== true) {
        throw SdkErrors.unauthorized.wrap(
          `signature verification failed; please verify account number (${account.accountNumber}), sequence (${account.sequence}) and chain-id (${options.chainId})`,
        );
      }
    }
    emit(ctx, "tx", { acc_seq: `${signer}/${sequence}` });
    if (!body.unordered) {
      account.sequence += 1;
      chargeWrite(ctx, "account");
    }
  });
  if (body.unordered && mode === "deliver") options.seenUnordered?.add(txHash(bytes));
}

async function verifySecp256k1(signature: Uint8Array, signBytes: Uint8Array, pubKey: Uint8Array): Promise<boolean> {
  if (signature.length !== 64) return false;
  try {
    return await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(signature), sha256(signBytes), pubKey);
  } catch {
    return false;
  }
}

function asChainError(err: unknown): ChainError {
  if (err instanceof ChainError) return err;
  // a handler bug must still answer like a node: an internal error, not a crashed devnet
  return new ChainError("undefined", 1, `internal: ${err instanceof Error ? err.message : String(err)}`);
}

function asGasAwareError(err: unknown, meter: GasMeter): ChainError {
  if (err instanceof OutOfGas) return outOfGasError(err.descriptor, meter);
  return asChainError(err);
}

function failure(err: ChainError, gasWanted: number, gasUsed: number): TxResult {
  return { code: err.code, codespace: err.codespace, log: err.message, gasWanted, gasUsed, events: [], data: new Uint8Array() };
}

function success(events: ChainEvent[], gasWanted: number, gasUsed: number, data: Uint8Array): TxResult {
  return { code: 0, codespace: "", log: "", gasWanted, gasUsed, events, data };
}
