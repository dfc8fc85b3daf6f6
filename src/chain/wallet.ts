/**
 * Where the signing key comes from: `--mnemonic-file` (mode 0600 or stricter, else refused),
 * then `AKASH_MNEMONIC`, then, on the local devnet only, the devnet's well-known test mnemonic.
 *
 * The mnemonic travels inside `Mnemonic`, whose string, JSON and inspect forms are a placeholder:
 * a stray `console.log(wallet)`, an error message or a state file can never contain the words.
 * Only the chain implementation calls `reveal()`, to derive the key.
 */
import { readFile, stat } from "node:fs/promises";
import { inspect } from "node:util";
import { WalletError } from "./errors.js";

const REDACTED = "[mnemonic redacted]";

export class Mnemonic {
  readonly #words: string;

  constructor(words: string) {
    this.#words = words.trim().split(/\s+/).join(" ");
  }

  /** The words, for key derivation only. Never log, print or store the result. */
  reveal(): string {
    return this.#words;
  }

  get wordCount(): number {
    return this.#words === "" ? 0 : this.#words.split(" ").length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export interface MnemonicSource {
  mnemonic: Mnemonic;
  /** Where it came from, for messages: "--mnemonic-file ~/.akash/key", "AKASH_MNEMONIC", "the devnet's test account". */
  origin: string;
}

export interface LoadMnemonicOptions {
  env: Readonly<Record<string, string | undefined>>;
  mnemonicFile?: string;
  /** The local devnet's test mnemonic, used when nothing else is given. */
  devnetMnemonic?: string;
}

const VALID_WORD_COUNTS = [12, 15, 18, 21, 24];
const GROUP_OR_OTHER_BITS = 0o077;

export async function loadMnemonic(options: LoadMnemonicOptions): Promise<MnemonicSource> {
  if (options.mnemonicFile !== undefined) {
    const file = options.mnemonicFile;
    let mode: number;
    try {
      mode = (await stat(file)).mode;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new WalletError(`--mnemonic-file ${file}: ${code === "ENOENT" ? "no such file" : `cannot be read (${code ?? "error"})`}`);
    }
    if ((mode & GROUP_OR_OTHER_BITS) !== 0) {
      throw new WalletError(
        `--mnemonic-file ${file} is readable by other users (mode ${(mode & 0o777).toString(8).padStart(3, "0")}); ` +
          `refusing to use it. Run \`chmod 600 ${file}\` and try again`,
      );
    }
    const text = await readFile(file, "utf8");
    return { mnemonic: checked(new Mnemonic(text), `--mnemonic-file ${file}`), origin: `--mnemonic-file ${file}` };
  }
  const fromEnv = options.env.AKASH_MNEMONIC;
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    return { mnemonic: checked(new Mnemonic(fromEnv), "AKASH_MNEMONIC"), origin: "AKASH_MNEMONIC" };
  }
  if (options.devnetMnemonic) {
    return { mnemonic: new Mnemonic(options.devnetMnemonic), origin: "the devnet's test account" };
  }
  throw new WalletError(
    "no key to sign with: set AKASH_MNEMONIC, or pass --mnemonic-file FILE (a file with the mnemonic, mode 600). " +
      "The mnemonic is never printed or stored",
  );
}

function checked(mnemonic: Mnemonic, origin: string): Mnemonic {
  if (!VALID_WORD_COUNTS.includes(mnemonic.wordCount)) {
    throw new WalletError(`${origin} does not hold a BIP-39 mnemonic: it has ${mnemonic.wordCount} words, expected 12, 15, 18, 21 or 24`);
  }
  return mnemonic;
}
