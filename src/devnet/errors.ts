/**
 * Chain errors with the codespace, ABCI code and message text akashnet-2 answers with. Clients
 * (cosmjs, chain-sdk, the deployer) branch on `code`, and users search for the text, so both are
 * copied from the Cosmos SDK and the Akash modules rather than invented.
 *
 * Wrapping follows `cosmossdk.io/errors`: `wrap(err, "context")` prints "context: <err>" and keeps
 * the code of the innermost registered error.
 */

/** gRPC status codes (what a query error carries on the gRPC and REST interfaces). */
export const GrpcCode = {
  OK: 0,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCodeValue = (typeof GrpcCode)[keyof typeof GrpcCode];

export class ChainError extends Error {
  constructor(
    readonly codespace: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "ChainError";
  }

  /** "context: message", keeping the code: `errorsmod.Wrap`. */
  wrap(context: string): ChainError {
    return new ChainError(this.codespace, this.code, `${context}: ${this.message}`);
  }

  /** "message: detail", keeping the code: `fmt.Errorf("%w: %s", err, detail)`. */
  withDetail(detail: string): ChainError {
    return new ChainError(this.codespace, this.code, `${this.message}: ${detail}`);
  }
}

/** A registered error: a constructor for its bare form plus its identity. */
function registered(codespace: string, code: number, message: string): ChainError {
  return new ChainError(codespace, code, message);
}

/** An error no module registered: Go gives it codespace "undefined" and code 1. */
export function unregistered(message: string): ChainError {
  return new ChainError("undefined", 1, message);
}

/** Cosmos SDK `types/errors` (codespace "sdk"). */
export const SdkErrors = {
  txDecode: registered("sdk", 2, "tx parse error"),
  unauthorized: registered("sdk", 4, "unauthorized"),
  insufficientFunds: registered("sdk", 5, "insufficient funds"),
  unknownRequest: registered("sdk", 6, "unknown request"),
  invalidAddress: registered("sdk", 7, "invalid address"),
  invalidPubKey: registered("sdk", 8, "invalid pubkey"),
  unknownAddress: registered("sdk", 9, "unknown address"),
  invalidCoins: registered("sdk", 10, "invalid coins"),
  outOfGas: registered("sdk", 11, "out of gas"),
  memoTooLarge: registered("sdk", 12, "memo too large"),
  insufficientFee: registered("sdk", 13, "insufficient fee"),
  tooManySignatures: registered("sdk", 14, "maximum number of signatures exceeded"),
  noSignatures: registered("sdk", 15, "no signatures supplied"),
  invalidRequest: registered("sdk", 18, "invalid request"),
  txInMempoolCache: registered("sdk", 19, "tx already in mempool"),
  txTooLarge: registered("sdk", 21, "tx too large"),
  keyNotFound: registered("sdk", 22, "key not found"),
  wrongSequence: registered("sdk", 32, "incorrect account sequence"),
  invalidType: registered("sdk", 29, "invalid type"),
  txTimeoutHeight: registered("sdk", 30, "tx timeout height"),
} as const;

/** `x/bank` (codespace "bank"). */
export const BankErrors = {
  sendDisabled: registered("bank", 5, "send transactions are disabled"),
} as const;

/** chain-sdk `go/node/deployment/v1/errors.go` (codespace "deployment"). */
export const DeploymentErrors = {
  deploymentExists: registered("deployment", 3, "Deployment exists"),
  deploymentNotFound: registered("deployment", 4, "Deployment not found"),
  deploymentClosed: registered("deployment", 5, "Deployment closed"),
  invalidGroups: registered("deployment", 7, "Invalid groups"),
  invalidDeploymentId: registered("deployment", 8, "Invalid: deployment id"),
  emptyHash: registered("deployment", 9, "Invalid: empty hash"),
  invalidHash: registered("deployment", 10, "Invalid: deployment hash"),
  groupNotFound: registered("deployment", 14, "Group not found"),
  groupClosed: registered("deployment", 15, "Group already closed"),
  invalidDeposit: registered("deployment", 20, "Deposit invalid"),
  invalidPrice: registered("deployment", 24, "invalid price"),
  duplicateGroupName: registered("deployment", 25, "duplicate deployment group name"),
} as const;

/** chain-sdk `go/node/market/v1/errors.go` (codespace "market"). */
export const MarketErrors = {
  bidOverOrder: registered("market", 4, "bid price above max order price"),
  attributeMismatch: registered("market", 5, "attribute mismatch"),
  bidNotActive: registered("market", 11, "bid not active"),
  bidNotOpen: registered("market", 12, "bid not open"),
  orderNotOpen: registered("market", 13, "bid: order not open"),
  orderNotFound: registered("market", 15, "invalid order: order not found"),
  groupNotFound: registered("market", 16, "group not found"),
  groupNotOpen: registered("market", 17, "group not open"),
  bidNotFound: registered("market", 18, "invalid bid: bid not found"),
  leaseNotFound: registered("market", 20, "invalid lease: lease not found"),
  bidExists: registered("market", 21, "invalid bid: bid exists from provider"),
  orderClosed: registered("market", 24, "order closed"),
  invalidBid: registered("market", 31, "invalid bid"),
  capabilitiesMismatch: registered("market", 32, "capabilities mismatch"),
} as const;

/** chain-sdk `go/node/escrow/module/error.go` (codespace "escrow"). */
export const EscrowErrors = {
  accountClosed: registered("escrow", 2, "account closed"),
  accountNotFound: registered("escrow", 3, "account not found"),
  accountOverdrawn: registered("escrow", 4, "account overdrawn"),
  invalidDenomination: registered("escrow", 5, "invalid denomination"),
  invalidId: registered("escrow", 12, "invalid ID"),
  invalidDeposit: registered("escrow", 16, "invalid deposit"),
} as const;

/** chain-sdk `go/node/types/deposit/v1/errors.go`: registered under the attributes module name, "akash". */
export const DepositErrors = {
  invalidDepositSource: registered("akash", 4, "invalid deposit source"),
} as const;

/** `x/bme` (codespace "bme"). */
export const BmeErrors = {
  invalidRequest: registered("bme", 2, "invalid request"),
  invalidDenom: registered("bme", 3, "invalid denom"),
} as const;

/** `x/cert` (codespace "cert"). */
export const CertErrors = {
  certificateExists: registered("cert", 2, "certificate exists"),
  certificateNotFound: registered("cert", 3, "certificate not found"),
  invalidCertificate: registered("cert", 5, "invalid certificate"),
} as const;

/**
 * A query failure as a gRPC status. The same failure reaches abci_query callers as an SDK error
 * (baseapp's `gRPCErrorToSDKError`), which is what cosmjs's "rpc error: code = NotFound" check
 * reads.
 */
export class QueryError extends Error {
  constructor(
    readonly grpcCode: GrpcCodeValue,
    message: string,
  ) {
    super(message);
    this.name = "QueryError";
  }
}

export const GRPC_CODE_NAMES: Record<number, string> = {
  0: "OK",
  2: "Unknown",
  3: "InvalidArgument",
  5: "NotFound",
  6: "AlreadyExists",
  9: "FailedPrecondition",
  12: "Unimplemented",
  13: "Internal",
  14: "Unavailable",
  16: "Unauthenticated",
};

/** baseapp `gRPCErrorToSDKError`: how a query's gRPC status becomes an ABCI query result. */
export function queryErrorToAbci(err: QueryError): ChainError {
  const log = `rpc error: code = ${GRPC_CODE_NAMES[err.grpcCode] ?? "Unknown"} desc = ${err.message}`;
  switch (err.grpcCode) {
    case GrpcCode.NOT_FOUND:
      return SdkErrors.keyNotFound.wrap(log);
    case GrpcCode.INVALID_ARGUMENT:
    case GrpcCode.FAILED_PRECONDITION:
      return SdkErrors.invalidRequest.wrap(log);
    case GrpcCode.UNAUTHENTICATED:
      return SdkErrors.unauthorized.wrap(log);
    default:
      return SdkErrors.unknownRequest.wrap(log);
  }
}

/** HTTP status grpc-gateway answers for a gRPC code (`runtime.HTTPStatusFromCode`). */
export function httpStatusOf(code: GrpcCodeValue): number {
  switch (code) {
    case GrpcCode.OK:
      return 200;
    case GrpcCode.INVALID_ARGUMENT:
    case GrpcCode.FAILED_PRECONDITION:
      return 400;
    case GrpcCode.NOT_FOUND:
      return 404;
    case GrpcCode.ALREADY_EXISTS:
      return 409;
    case GrpcCode.UNIMPLEMENTED:
      return 501;
    case GrpcCode.UNAVAILABLE:
      return 503;
    case GrpcCode.UNAUTHENTICATED:
      return 401;
    default:
      return 500;
  }
}
