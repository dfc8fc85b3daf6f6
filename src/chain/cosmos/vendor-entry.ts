/**
 * Every value the chain commands take from chain-sdk, cosmjs and noble, in one module.
 *
 * Why one module: the built CLI replaces it (scripts/build.mjs) with a loader of
 * `chain-vendor.cjs`, a CommonJS bundle of exactly these exports that the build writes together
 * with a V8 code cache (scripts/build-cached-bundles.mjs, src/sdl/cached-script.ts). As ES modules
 * these libraries are ~2 MB of code that Node 20 parses and compiles on every run (it has no
 * compile cache for ES modules), about 0.3 s of a deploy's start-up; with the cache, V8 takes the
 * bytecode the build's warm-up compiled. From source (tests, tsx) this module is what it says.
 *
 * Import chain libraries' values from here, not from the packages, in code the chain commands run
 * (types can come from anywhere). The devnet is not such code: it keeps its own imports.
 */
export { createChainNodeSDK, JwtTokenManager } from "@akashnetwork/chain-sdk";
export { TxBody, TxRaw } from "@akashnetwork/chain-sdk/private-types/cosmos.v1beta1";
export { MsgCreateDeployment, MsgUpdateDeployment, MsgCloseDeployment, GroupSpec } from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
export { MsgCreateLease } from "@akashnetwork/chain-sdk/private-types/akash.v1beta5";
export { MsgAccountDeposit, MsgMintACT, Scope, Source } from "@akashnetwork/chain-sdk/private-types/akash.v1";
export { Secp256k1Wallet } from "@cosmjs/amino";
export { Bip39, EnglishMnemonic, Slip10, Slip10Curve, stringToPath } from "@cosmjs/crypto";
export { DirectSecp256k1Wallet, Registry } from "@cosmjs/proto-signing";
export { SigningStargateClient } from "@cosmjs/stargate";
export { Comet38Client, Tendermint34Client, Tendermint37Client } from "@cosmjs/tendermint-rpc";
// The curve cosmjs signs with (the build makes sure the bundle holds one copy): keys.ts tunes it.
export { secp256k1 } from "@noble/curves/secp256k1";
