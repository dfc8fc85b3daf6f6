/**
 * Where the key comes from, and that the mnemonic cannot leak through strings, JSON, inspection or
 * error messages. Networks: defaults, overrides and the local devnet file.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deriveKeys } from "../src/chain/cosmos/keys.js";
import { WalletError } from "../src/chain/errors.js";
import { resolveNetwork } from "../src/chain/networks.js";
import { loadMnemonic, Mnemonic } from "../src/chain/wallet.js";

const WORDS = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const OTHER = "legal winner thank year wave sausage worth useful legal winner thank yellow";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "akash-stack-wallet-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function keyFile(mode: number, text = WORDS): string {
  const file = join(dir, "key");
  writeFileSync(file, `${text}\n`);
  chmodSync(file, mode);
  return file;
}

describe("mnemonic sources", () => {
  it("refuses a --mnemonic-file readable by others and says chmod 600", async () => {
    const file = keyFile(0o644);
    const error = await loadMnemonic({ env: {}, mnemonicFile: file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalletError);
    expect((error as Error).message).toContain(`chmod 600 ${file}`);
    expect((error as Error).message).toContain("mode 644");
    expect((error as Error).message).not.toContain("abandon");
  });

  it("refuses group-readable files too, and accepts 0600 and 0400", async () => {
    await expect(loadMnemonic({ env: {}, mnemonicFile: keyFile(0o640) })).rejects.toThrow(/chmod 600/);
    for (const mode of [0o600, 0o400]) {
      const source = await loadMnemonic({ env: {}, mnemonicFile: keyFile(mode) });
      expect(source.mnemonic.reveal()).toBe(WORDS);
      expect(source.origin).toContain("--mnemonic-file");
    }
  });

  it("prefers --mnemonic-file over AKASH_MNEMONIC over the devnet's test key", async () => {
    expect((await loadMnemonic({ env: { AKASH_MNEMONIC: OTHER }, mnemonicFile: keyFile(0o600), devnetMnemonic: OTHER })).mnemonic.reveal()).toBe(WORDS);
    expect((await loadMnemonic({ env: { AKASH_MNEMONIC: ` ${OTHER}\n` }, devnetMnemonic: WORDS })).mnemonic.reveal()).toBe(OTHER);
    const devnet = await loadMnemonic({ env: {}, devnetMnemonic: WORDS });
    expect(devnet.origin).toBe("the devnet's test account");
  });

  it("says what to do when there is no key at all", async () => {
    await expect(loadMnemonic({ env: {} })).rejects.toThrow(/set AKASH_MNEMONIC, or pass --mnemonic-file/);
  });

  it("rejects a wrong word count without echoing the words", async () => {
    const error = await loadMnemonic({ env: { AKASH_MNEMONIC: "abandon abandon abandon" } }).catch((e: unknown) => e);
    expect((error as Error).message).toContain("has 3 words");
    expect((error as Error).message).not.toContain("abandon");
  });

  it("an invalid checksum is reported without the words", async () => {
    const bad = new Mnemonic(WORDS.replace(/about$/, "abandon"));
    const error = await deriveKeys(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalletError);
    expect((error as Error).message).not.toMatch(/abandon abandon/);
  });

  it("never shows the words when printed, serialised or inspected", () => {
    const m = new Mnemonic(WORDS);
    const views = [String(m), `${m}`, JSON.stringify({ m }), inspect(m), inspect({ nested: { m } })];
    for (const view of views) expect(view).not.toContain("abandon");
    expect(m.reveal()).toBe(WORDS);
  });

  it("derives the akash address of the standard test vector (m/44'/118'/0'/0/0)", async () => {
    // The cosmos-hub address for this mnemonic is cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4: same key, akash prefix.
    expect((await deriveKeys(new Mnemonic(WORDS))).address).toBe("akash19rl4cm2hmr8afy4kldpxz3fka4jguq0a3mq6x0");
  });
});

describe("networks", () => {
  it("mainnet and sandbox have public defaults", async () => {
    const mainnet = await resolveNetwork("mainnet", { home: dir });
    expect(mainnet).toMatchObject({ chainId: "akashnet-2", rpc: "https://rpc.akashnet.net:443", grpc: "https://grpc.akashnet.net:443", depositDenom: "uact" });
    expect((await resolveNetwork("sandbox", { home: dir })).chainId).toBe("sandbox-2");
  });

  it("endpoints are overridden by flags, then by AKASH_RPC/AKASH_GRPC/AKASH_API", async () => {
    const env = { AKASH_RPC: "http://env-rpc:26657/", AKASH_GRPC: "http://env-grpc:9090", AKASH_API: "http://env-api:1317" };
    const fromEnv = await resolveNetwork("mainnet", { home: dir, env });
    expect(fromEnv).toMatchObject({ rpc: "http://env-rpc:26657", grpc: "http://env-grpc:9090", api: "http://env-api:1317" });
    const fromFlags = await resolveNetwork("mainnet", { home: dir, env, overrides: { rpc: "http://flag-rpc:1" } });
    expect(fromFlags.rpc).toBe("http://flag-rpc:1");
    expect(fromFlags.grpc).toBe("http://env-grpc:9090");
  });

  it("local reads devnet.json, and says how to start a devnet when there is none", async () => {
    await expect(resolveNetwork("local", { home: dir })).rejects.toThrow(/start one with `akash-stack devnet`/);
    writeFileSync(
      join(dir, "devnet.json"),
      JSON.stringify({ chainId: "akash-local", rpc: "http://127.0.0.1:1", grpc: "http://127.0.0.1:2", api: "http://127.0.0.1:3", mnemonic: WORDS, blockTimeMs: 200, providers: [] }),
    );
    const local = await resolveNetwork("local", { home: dir });
    expect(local).toMatchObject({ name: "local", chainId: "akash-local", rpc: "http://127.0.0.1:1", grpc: "http://127.0.0.1:2", blockSeconds: 0.2, devnetMnemonic: WORDS });
  });

  it("rejects unknown network names", async () => {
    await expect(resolveNetwork("testnet", { home: dir })).rejects.toThrow(/use one of mainnet, sandbox, local/);
  });
});
