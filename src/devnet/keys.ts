/**
 * Addresses the devnet needs at genesis: accounts derived from the test mnemonic (tenant,
 * providers, auditor) and module accounts (derived as the Cosmos SDK derives them).
 */
import { rawSecp256k1PubkeyToRawAddress } from "@cosmjs/amino";
import { sha256 } from "@cosmjs/crypto";
import { toBech32, toUtf8 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet, makeCosmoshubPath } from "@cosmjs/proto-signing";
import { BECH32_PREFIX, KEY_INDEX, MODULE_NAMES, type ModuleName } from "./constants.js";

export interface DerivedKeys {
  tenant: string;
  providers: string[];
  auditor: string;
}

/** Derives the tenant, `providerCount` provider and the auditor addresses from `mnemonic`. */
export async function deriveKeys(mnemonic: string, providerCount: number): Promise<DerivedKeys> {
  const indexes = [KEY_INDEX.tenant, ...Array.from({ length: providerCount }, (_, i) => KEY_INDEX.firstProvider + i), KEY_INDEX.auditor];
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, {
    prefix: BECH32_PREFIX,
    hdPaths: indexes.map((i) => makeCosmoshubPath(i)),
  });
  const accounts = await wallet.getAccounts();
  return {
    tenant: accounts[0]!.address,
    providers: accounts.slice(1, 1 + providerCount).map((a) => a.address),
    auditor: accounts[accounts.length - 1]!.address,
  };
}

/** `address.Module(name)`: the first 20 bytes of sha256(name). */
export function moduleAddress(name: ModuleName): string {
  return toBech32(BECH32_PREFIX, sha256(toUtf8(name)).slice(0, 20));
}

export const MODULE_ADDRESSES: Readonly<Record<ModuleName, string>> = Object.fromEntries(
  MODULE_NAMES.map((name) => [name, moduleAddress(name)]),
) as Record<ModuleName, string>;

/** The bech32 account address of a compressed secp256k1 public key. */
export function addressOfPubkey(pubkey: Uint8Array): string {
  return toBech32(BECH32_PREFIX, rawSecp256k1PubkeyToRawAddress(pubkey));
}
