/**
 * `akash-stack/devnet`: a local Akash network for your own tests. `startDevnet()` starts a chain
 * and providers on loopback that speak akashnet-2's protocols, so a deployer tested against it
 * uses the same client code as on mainnet. No containers run; providers report services ready.
 *
 * What this entry hands out is deliberately narrower than the devnet's internals: endpoints,
 * accounts, providers, faults and `stop()`.
 *
 * @module akash-stack/devnet
 */
import { startDevnet as startFullDevnet } from "./index.js";
import type { DevnetInfo, DevnetOptions, FaultSpec, FaultState } from "./options.js";

export { DEVNET_CHAIN_ID, DEVNET_TEST_MNEMONIC } from "./constants.js";
export type { DevnetInfo, DevnetOptions, DevnetProviderInfo, FaultSpec, FaultState, ProviderFaultKind, ProviderTimings } from "./options.js";

/** Faults on demand: the same JSON as the admin endpoint's `POST /faults`. */
export interface DevnetFaults {
  /** Turns faults on (or off, for the boolean ones) and returns what is now in force. */
  apply(spec: FaultSpec): Promise<FaultState>;
  /** Clears every fault. */
  reset(): Promise<FaultState>;
  /** What is in force now. */
  state(): FaultState;
}

/** A running devnet. */
export interface Devnet extends DevnetInfo {
  faults: DevnetFaults;
  /** Path of devnet.json (what `--network local` reads), when written. */
  file: string | undefined;
  /** Stops every server and removes devnet.json. */
  stop(): Promise<void>;
}

/**
 * Starts a devnet: every server on 127.0.0.1 on a free port (unless `ports` says otherwise), a
 * funded test account, and `providers` providers (default 3). Call `stop()` when done.
 */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  return startFullDevnet(options);
}
