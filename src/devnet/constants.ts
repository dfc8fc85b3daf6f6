/**
 * The devnet's fixed facts: chain id, denoms, genesis funds and the chain parameters it enforces.
 * Parameter values are akashnet-2's (node v2.1.0) unless a comment says why the devnet differs.
 */

export const DEVNET_CHAIN_ID = "akash-local";

/**
 * The funded test account's mnemonic: BIP-39's all-"abandon" test vector, published in the BIP and
 * in every wallet test suite. It holds devnet tokens only; never send anything of value to it.
 * Account 0 (m/44'/118'/0'/0/0) is the funded tenant; providers and the auditor use later indexes.
 */
export const DEVNET_TEST_MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

export const BECH32_PREFIX = "akash";
export const DENOM_AKT = "uakt";
export const DENOM_ACT = "uact";

/** HD path indexes under m/44'/118'/0'/0/… */
export const KEY_INDEX = {
  tenant: 0,
  /** Provider i uses index firstProvider + i. */
  firstProvider: 1,
  auditor: 99,
} as const;

/** 1,000,000 AKT: enough gas and mint material for any test session. */
export const GENESIS_TENANT_UAKT = 1_000_000_000_000n;
/** Providers pay bid collateral (0.5 AKT per bid) from this. */
export const GENESIS_PROVIDER_UAKT = 10_000_000_000n;

/** Minimum gas price: 0.025uakt per unit of gas (the community floor, chain-sdk's default). */
export const MIN_GAS_PRICE = { numerator: 25n, denominator: 1000n, denom: DENOM_AKT } as const;

/** x/deployment params: `MinDeposits = [500000uact, 500000uakt]` since v2.0.0. */
export const DEPLOYMENT_MIN_DEPOSITS: ReadonlyArray<{ denom: string; amount: bigint }> = [
  { denom: DENOM_ACT, amount: 500_000n },
  { denom: DENOM_AKT, amount: 500_000n },
];

/** x/market params. */
export const MARKET_PARAMS = {
  bidMinDeposit: { denom: DENOM_AKT, amount: 500_000n },
  bidMinDeposits: [
    { denom: DENOM_ACT, amount: 500_000n },
    { denom: DENOM_AKT, amount: 500_000n },
  ],
  orderMaxBids: 20,
} as const;

/** x/bme params (chain-sdk `go/node/bme/v1/params.go`) and the devnet's oracle price. */
export const BME_PARAMS = {
  /** A mint whose burn is worth less than this (before the spread) is accepted, then cancelled at the epoch (10 ACT). */
  minMintUact: 10_000_000n,
  /** 25 basis points kept by the mint. */
  mintSpreadBps: 25n,
  settleSpreadBps: 0n,
  circuitBreakerWarnThreshold: 9500,
  circuitBreakerHaltThreshold: 9000,
  maxEndblockerRecords: 100,
} as const;

/**
 * Blocks between mint epochs. Mainnet's MinEpochBlocks is 10 at ~6 s blocks (about a minute); the
 * devnet's default of 5 keeps the same "a few blocks later" shape with its faster blocks.
 */
export const DEFAULT_MINT_EPOCH_BLOCKS = 5;

/**
 * The AKT price the devnet's oracle reports, in USD per AKT (ACT is pegged at 1 USD). Fixed so
 * mints are reproducible; 0.5 means burning 20 AKT is worth 10 ACT, which meets the 10 ACT minimum
 * (compared before the spread, as the node does) and mints 9.975 ACT.
 */
export const DEFAULT_AKT_PRICE_USD = "0.5";

/** Cosmos SDK auth params (`x/auth` defaults, which akashnet-2 keeps). */
export const AUTH_PARAMS = {
  maxMemoCharacters: 256,
  txSigLimit: 7,
  txSizeCostPerByte: 10,
  sigVerifyCostEd25519: 590,
  sigVerifyCostSecp256k1: 1000,
} as const;

/** Store gas costs (`storetypes.KVGasConfig`). */
export const KV_GAS = {
  hasCost: 1000,
  deleteCost: 1000,
  readCostFlat: 1000,
  readCostPerByte: 3,
  writeCostFlat: 2000,
  writeCostPerByte: 30,
  iterNextCostFlat: 30,
} as const;

/** Versions the node reports. CometBFT 0.38 makes cosmjs's `connectComet` pick its Comet38 client. */
export const COMET_VERSION = "0.38.17";
export const APP_VERSION = "v2.1.0";
export const APP_NAME = "akash";

/** Providers withdraw their lease earnings into their bank balance this often (mainnet: every 24 h). */
export const PROVIDER_WITHDRAW_EVERY_BLOCKS = 10;

/** Escrow module account names (their addresses are derived like the SDK's module addresses). */
export const MODULE_NAMES = ["escrow", "bme", "fee_collector"] as const;
export type ModuleName = (typeof MODULE_NAMES)[number];
