/**
 * The chain libraries as the built CLI loads them: `chain-vendor.cjs` with a V8 code cache
 * (scripts/build-cached-bundles.mjs), which scripts/build.mjs puts in place of
 * src/chain/cosmos/vendor-entry.ts. The bundle must export what the source module exports, V8 must
 * accept its cache (else every deploy compiles 2 MB of library code again), and it must compute
 * the same keys, messages and signatures as the packages from node_modules.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fromSource from "../src/chain/cosmos/vendor-entry.js";
import { runCachedBundle } from "../src/sdl/cached-script.js";
import { PROJECT_ROOT } from "./support/corpus.js";

type Vendor = typeof fromSource;
const MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

let folder: string;
let names: string[];
let bundled: Vendor;
let cacheAccepted: boolean;

beforeAll(async () => {
  // Built into a folder of our own, so this test never races the CLI build of other test files.
  folder = mkdtempSync(join(tmpdir(), "akash-stack-chain-vendor-"));
  const script = pathToFileURL(join(PROJECT_ROOT, "scripts", "build-cached-bundles.mjs")).href;
  const { buildChainVendor } = (await import(script)) as { buildChainVendor(folder: string, root: string): Promise<string[]> };
  names = await buildChainVendor(folder, PROJECT_ROOT);
  const loaded = runCachedBundle(join(folder, "chain-vendor.cjs"));
  bundled = loaded.exports as Vendor;
  cacheAccepted = loaded.cacheAccepted;
}, 120_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function keysOf(v: Vendor) {
  const seed = await v.Bip39.mnemonicToSeed(new v.EnglishMnemonic(MNEMONIC));
  const { privkey } = v.Slip10.derivePath(v.Slip10Curve.Secp256k1, seed, v.stringToPath("m/44'/118'/0'/0/0"));
  const amino = await v.Secp256k1Wallet.fromKey(privkey, "akash");
  const [account] = await (await v.DirectSecp256k1Wallet.fromKey(privkey, "akash")).getAccounts();
  return { amino, address: account!.address, pubkey: Buffer.from(account!.pubkey).toString("hex") };
}

describe("the chain libraries' bundle (chain-vendor.cjs)", () => {
  it("exports exactly the names of src/chain/cosmos/vendor-entry.ts (the CLI re-exports these)", () => {
    expect([...names].sort()).toEqual(Object.keys(fromSource).sort());
    for (const name of names) expect(typeof (bundled as unknown as Record<string, unknown>)[name], name).toBe(typeof (fromSource as Record<string, unknown>)[name]);
  });

  it("comes with a V8 code cache that V8 accepts", () => {
    expect(cacheAccepted).toBe(true);
  });

  it("derives the same account and encodes the same message bytes as the packages", async () => {
    const [a, b] = await Promise.all([keysOf(bundled), keysOf(fromSource)]);
    expect(a.address).toBe("akash19rl4cm2hmr8afy4kldpxz3fka4jguq0a3mq6x0");
    expect({ address: a.address, pubkey: a.pubkey }).toEqual({ address: b.address, pubkey: b.pubkey });

    const message = (v: Vendor) =>
      Buffer.from(v.MsgCreateLease.encode(v.MsgCreateLease.fromPartial({ bidId: { owner: a.address, dseq: "42", gseq: 1, oseq: 1, provider: a.address, bseq: 0 } })).finish()).toString("hex");
    expect(message(bundled)).toBe(message(fromSource));

    // RFC 6979 signatures are deterministic: the same document signs to the same bytes.
    const doc = { chain_id: "x", account_number: "0", sequence: "0", fee: { amount: [], gas: "0" }, msgs: [], memo: "" };
    const sign = async (v: Vendor) => (await (await keysOf(v)).amino.signAmino(a.address, doc)).signature.signature;
    expect(await sign(bundled)).toBe(await sign(fromSource));
  });
});
