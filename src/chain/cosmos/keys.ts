/**
 * One key derivation (BIP-39 seed → SLIP-10 m/44'/118'/0'/0/0) for both signers the deployer
 * needs: a direct signer for transactions and an amino signer for provider JWTs (ES256KADR36
 * signs an ADR-36 amino document, which `DirectSecp256k1HdWallet` cannot do; pitfall 14).
 * Deriving once keeps startup fast; the seed and private key stay in this closure.
 */
import type { OfflineAminoSigner } from "@cosmjs/amino";
import type { OfflineDirectSigner } from "@cosmjs/proto-signing";
import { WalletError } from "../errors.js";
import type { Mnemonic } from "../wallet.js";
import { Bip39, DirectSecp256k1Wallet, EnglishMnemonic, Secp256k1Wallet, secp256k1, Slip10, Slip10Curve, stringToPath } from "./vendor-entry.js";

export const AKASH_PREFIX = "akash";
const HD_PATH = "m/44'/118'/0'/0/0";

export interface AkashKeys {
  address: string;
  directSigner: OfflineDirectSigner;
  aminoSigner: OfflineAminoSigner;
  /** The compressed secp256k1 public key (33 bytes). */
  publicKey: Uint8Array;
}

/**
 * noble's secp256k1 multiplies by the generator with a table it precomputes on first use: by
 * default 8-bit windows, 4,096 points, about 80 ms of CPU before the first key or signature. A
 * command here derives one key and signs a handful of times, so 4-bit windows (512 points, about
 * 15 ms; each multiplication then takes twice the additions, still well under a millisecond) are
 * the better trade. Set once, before the first multiplication.
 */
let generatorTableSet = false;
function smallGeneratorTable(): void {
  if (generatorTableSet) return;
  generatorTableSet = true;
  secp256k1.utils.precompute(4);
}

export async function deriveKeys(mnemonic: Mnemonic): Promise<AkashKeys> {
  smallGeneratorTable();
  let english: EnglishMnemonic;
  try {
    english = new EnglishMnemonic(mnemonic.reveal());
  } catch (err) {
    // cosmjs' messages name the problem, never the words.
    throw new WalletError(`the mnemonic is not valid BIP-39: ${(err as Error).message}`);
  }
  const seed = await Bip39.mnemonicToSeed(english);
  const { privkey } = Slip10.derivePath(Slip10Curve.Secp256k1, seed, stringToPath(HD_PATH));
  const directSigner = await DirectSecp256k1Wallet.fromKey(privkey, AKASH_PREFIX);
  const aminoSigner = await Secp256k1Wallet.fromKey(privkey, AKASH_PREFIX);
  const [account] = await directSigner.getAccounts();
  if (!account) throw new WalletError("the key produced no account");
  return { address: account.address, directSigner, aminoSigner, publicKey: account.pubkey };
}
