/**
 * The whole deploy flow against the devnet, as a deployer runs it: mint ACT, create a deployment
 * from an SDL (group specs, manifest and hash from the project's SDL engine), see bids from
 * several providers, lease the cheapest, send the manifest over HTTPS with a chain-sdk JWT,
 * watch the lease come up, update it, top it up, close it and get the refund. Only chain-sdk
 * clients and plain HTTPS are used.
 */
import { Bip39, EnglishMnemonic, Secp256k1, sha256, Slip10, Slip10Curve } from "@cosmjs/crypto";
import { toBase64 } from "@cosmjs/encoding";
import { makeCosmoshubPath } from "@cosmjs/proto-signing";
import { JwtTokenManager } from "@akashnetwork/chain-sdk";
import { createChainNodeWebSDK } from "@akashnetwork/chain-sdk/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVNET_TEST_MNEMONIC, startDevnet, type Devnet } from "../src/devnet/index.js";
import { clientFor, deploymentFromSdl, https, jwtFor, pemFingerprint, randomMnemonic, waitFor, webSdl, type Client, type DeploymentMaterial } from "./support/devnet.js";

/** An HTTP port with an accept host and a forwarded SSH port, so the lease shows both. */
const SDL = (image: string) =>
  webSdl({
    image,
    ports: [
      { port: 80, as: 80, accept: ["www.example.com"] },
      { port: 22, as: 2222 },
    ],
  });

const FEE = { amount: [{ denom: "uakt", amount: "12500" }], gas: "500000" };
const DEPOSIT = 5_000_000n;

let devnet: Devnet;
let tenant: Client;
let v1: DeploymentMaterial;
let v2: DeploymentMaterial;
const dseq = String(Date.now());
let provider = "";
let hostUri = "";
let leaseId: { owner: string; dseq: string; gseq: number; oseq: number; provider: string; bseq: number };
let token = "";

async function balanceOf(address: string, denom: string): Promise<bigint> {
  return BigInt((await tenant.sdk.cosmos.bank.v1beta1.getBalance({ address, denom })).balance?.amount ?? "0");
}

/** Parses chain-sdk's decoded decimal ("205", "0.5") into atomics (× 10^18). */
function atomics(decimal: string): bigint {
  const [whole, fraction = ""] = decimal.split(".");
  return BigInt(whole!) * 10n ** 18n + BigInt(fraction.padEnd(18, "0"));
}

/** The tenant's own private key, for an ES256K token (signed over the raw signing string). */
async function tenantKey(): Promise<{ privkey: Uint8Array; pubkey: Uint8Array }> {
  const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(DEVNET_TEST_MNEMONIC));
  const { privkey } = Slip10.derivePath(Slip10Curve.Secp256k1, seed, makeCosmoshubPath(0));
  const { pubkey } = await Secp256k1.makeKeypair(privkey);
  return { privkey, pubkey: Secp256k1.compressPubkey(pubkey) };
}

/** An ES256K token for `iss`, signed with `privkey` (which may not be iss's key). */
async function es256kToken(iss: string, privkey: Uint8Array, pubkey: Uint8Array): Promise<string> {
  const manager = new JwtTokenManager({
    algorithm: "ES256K",
    async signArbitrary(_signer, data) {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      const signature = await Secp256k1.createSignature(sha256(bytes), privkey);
      return { pub_key: { type: "tendermint/PubKeySecp256k1", value: toBase64(pubkey) }, signature: toBase64(signature.toFixedLength().slice(0, 64)) };
    },
  });
  return manager.generateToken({ version: "v1", iss, leases: { access: "full" } });
}

beforeAll(async () => {
  devnet = await startDevnet({ blockTime: 150, writeDevnetJson: false, mintEpochBlocks: 3, providerTimings: { rolloutBlocks: 4 } });
  tenant = await clientFor(devnet, DEVNET_TEST_MNEMONIC);
  v1 = deploymentFromSdl(SDL("nginx:1.27"));
  v2 = deploymentFromSdl(SDL("nginx:1.28"));
});

afterAll(async () => {
  await devnet?.stop();
});

describe("devnet flow", () => {
  it("mints ACT with MsgMintACT", async () => {
    await tenant.sdk.akash.bme.v1.mintACT({ owner: tenant.address, to: tenant.address, coinsToBurn: { denom: "uakt", amount: "100000000" } });
    const uact = await waitFor("minted ACT", async () => {
      const b = await balanceOf(tenant.address, "uact");
      return b > 0n ? b : undefined;
    });
    expect(uact).toBeGreaterThan(DEPOSIT);
  });

  it("creates a deployment from an SDL's group specs and manifest hash", async () => {
    await tenant.sdk.akash.deployment.v1beta4.createDeployment({
      id: { owner: tenant.address, dseq },
      groups: v1.groups,
      hash: v1.hash,
      deposit: { amount: { denom: "uact", amount: DEPOSIT.toString() }, sources: [1] },
    });
    const info = await tenant.sdk.akash.deployment.v1beta4.getDeployment({ id: { owner: tenant.address, dseq } });
    expect(info.deployment?.state).toBe(1);
    expect(info.escrowAccount?.state?.funds.map((f) => [f.denom, atomics(f.amount)])).toEqual([["uact", DEPOSIT * 10n ** 18n]]);
  });

  it("gets open bids from several providers, each at its own price within the order's", async () => {
    const bids = await waitFor("bids from three providers", async () => {
      const res = await tenant.sdk.akash.market.v1beta5.getBids({ filters: { owner: tenant.address, dseq, state: "open" } });
      return res.bids.length >= 3 ? res.bids : undefined;
    });
    const providers = new Set(bids.map((b) => b.bid?.id?.provider));
    expect(providers.size).toBe(3);
    const prices = bids.map((b) => atomics(b.bid!.price!.amount));
    expect(new Set(prices).size).toBe(3);
    for (const price of prices) expect(price).toBeLessThanOrEqual(1000n * 10n ** 18n);
    const cheapest = bids.reduce((a, b) => (atomics(a.bid!.price!.amount) <= atomics(b.bid!.price!.amount) ? a : b));
    provider = cheapest.bid!.id!.provider;
    const id = cheapest.bid!.id!;
    leaseId = { owner: id.owner, dseq: id.dseq.toString(), gseq: id.gseq, oseq: id.oseq, provider: id.provider, bseq: id.bseq };
  });

  it("lists the same bids over REST, through chain-sdk's web SDK and as the chain's JSON", async () => {
    const web = createChainNodeWebSDK({ query: { baseUrl: devnet.api } });
    const viaWeb = await web.akash.market.v1beta5.getBids({ filters: { owner: tenant.address, dseq, state: "open" } });
    expect(viaWeb.bids.map((b) => b.bid?.id?.provider).sort()).toEqual(devnet.providers.map((p) => p.address).sort());
    const raw = (await (await fetch(`${devnet.api}/akash/market/v1beta5/bids/list?filters.owner=${tenant.address}&filters.dseq=${dseq}&filters.provider=${provider}`)).json()) as {
      bids: Array<{ bid: { id: { dseq: unknown; bseq: unknown }; state: string; price: { denom: string; amount: string }; created_at: unknown }; escrow_account: { state: { state: string } } }>;
      pagination: { next_key: unknown; total: string };
    };
    expect(raw.bids).toHaveLength(1);
    const bid = raw.bids[0]!;
    expect(bid.bid.id.dseq).toBe(dseq);
    expect(bid.bid.id.bseq).toBe(0);
    expect(bid.bid.state).toBe("open");
    expect(bid.bid.price.denom).toBe("uact");
    expect(bid.bid.price.amount).toMatch(/^\d+\.\d{18}$/);
    expect(typeof bid.bid.created_at).toBe("string");
    expect(bid.escrow_account.state.state).toBe("open");
    expect(raw.pagination).toEqual({ next_key: null, total: "0" });
  });

  it("leases the cheapest bid; the others lose, and leasing it again fails with 'bid not open'", async () => {
    await tenant.sdk.akash.market.v1beta5.createLease({ bidId: leaseId });
    const lease = await tenant.sdk.akash.market.v1beta5.getLease({ id: leaseId });
    expect(lease.lease?.state).toBe(1);
    expect(lease.escrowPayment?.state?.rate?.amount).toBeDefined();
    const lost = await tenant.sdk.akash.market.v1beta5.getBids({ filters: { owner: tenant.address, dseq, state: "lost" } });
    expect(lost.bids).toHaveLength(2);
    const error = await tenant.sdk.akash.market.v1beta5.createLease({ bidId: leaseId }, { fee: FEE }).catch((e: { txResponse?: { code: number; rawLog: string } }) => e.txResponse);
    expect(error).toMatchObject({ code: 12, rawLog: "failed to execute message; message index: 0: bid not open" });
  });

  it("reaches the provider over HTTPS with the certificate it published on chain", async () => {
    const info = await tenant.sdk.akash.provider.v1beta4.getProvider({ owner: provider });
    hostUri = info.provider!.hostUri;
    expect(hostUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const certs = await tenant.sdk.akash.cert.v1.getCertificates({ filter: { owner: provider, serial: "", state: "valid" } });
    expect(certs.certificates).toHaveLength(1);
    const onChain = pemFingerprint(new TextDecoder().decode(certs.certificates[0]!.certificate!.cert));
    const status = await https(`${hostUri}/status`);
    expect(status.status).toBe(200);
    expect(status.fingerprint).toBe(onChain);
    expect(JSON.parse(status.body)).toMatchObject({ address: provider });
    expect((await https(`${hostUri}/version`)).status).toBe(200);
  });

  it("answers 404 for the lease status until the manifest arrives", async () => {
    token = await jwtFor(DEVNET_TEST_MNEMONIC, { leases: { access: "granular", permissions: [{ provider, access: "scoped", scope: ["send-manifest", "status"] }] } });
    const res = await https(`${hostUri}/lease/${dseq}/${leaseId.gseq}/${leaseId.oseq}/status`, { token });
    expect(res.status).toBe(404);
    expect(res.body).toBe("");
  });

  it("accepts the manifest with a chain-sdk JWT once the provider has seen the lease", async () => {
    const accepted = await waitFor("the provider to accept the manifest", async () => {
      const res = await https(`${hostUri}/deployment/${dseq}/manifest`, { method: "PUT", token, body: v1.manifest });
      if (res.status === 404) {
        expect(res.body).toBe("no lease for deployment\n");
        return undefined;
      }
      return res;
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toBe("");
  });

  it("reports the services rolling out to available == total, with ingress hosts and forwarded ports", async () => {
    const path = `${hostUri}/lease/${dseq}/${leaseId.gseq}/${leaseId.oseq}/status`;
    const first = JSON.parse((await https(path, { token })).body) as { services: Record<string, { available: number; total: number }> };
    expect(first.services.web).toMatchObject({ available: 0, total: 1 });
    const ready = await waitFor("the service to be available", async () => {
      const res = JSON.parse((await https(path, { token })).body) as {
        services: Record<string, { name: string; available: number; total: number; uris: string[]; ready_replicas: number }>;
        forwarded_ports: Record<string, Array<{ host: string; port: number; externalPort: number; proto: string; name: string }>> | null;
        ips: unknown;
      };
      return res.services.web!.available === res.services.web!.total ? res : undefined;
    });
    const web = ready.services.web!;
    expect(web.ready_replicas).toBe(1);
    expect(web.uris).toContain("www.example.com");
    expect(web.uris.some((u) => /^[a-z0-9]+\.ingress\.provider-\d\.devnet\.local$/.test(u))).toBe(true);
    expect(ready.forwarded_ports?.web).toEqual([{ host: expect.stringMatching(/devnet\.local$/), port: 22, externalPort: expect.any(Number), proto: "TCP", name: "web" }]);
    expect(ready.forwarded_ports!.web![0]!.externalPort).toBeGreaterThanOrEqual(30000);
    expect(ready.ips).toBeNull();
  });

  it("pays the provider from escrow every block at the bid price", async () => {
    const rate = atomics((await tenant.sdk.akash.market.v1beta5.getLease({ id: leaseId })).escrowPayment!.state!.rate!.amount);
    const fundsAt = async () => {
      const info = await tenant.sdk.akash.deployment.v1beta4.getDeployment({ id: { owner: tenant.address, dseq } });
      return atomics(info.escrowAccount!.state!.funds[0]!.amount);
    };
    const before = await fundsAt();
    await waitFor("a few blocks", async () => ((await fundsAt()) <= before - 3n * rate ? true : undefined));
    const spent = before - (await fundsAt());
    expect(spent % rate).toBe(0n);
  });

  it("refuses a manifest whose hash differs from the chain's with 422, but not a re-formatted one", async () => {
    const edited = v1.manifest.replace('"args":null', '"args":[]');
    expect(edited).not.toBe(v1.manifest);
    const mismatch = await https(`${hostUri}/deployment/${dseq}/manifest`, { method: "PUT", token, body: edited });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toBe("manifest version validation failed\n");
    // the provider hashes what it decodes: whitespace and key order do not matter
    const pretty = JSON.stringify(JSON.parse(v1.manifest), null, 2);
    expect((await https(`${hostUri}/deployment/${dseq}/manifest`, { method: "PUT", token, body: pretty })).status).toBe(200);
  });

  it("answers 401 to a JWT signed by another account, to a missing scope and to no token", async () => {
    const strangerKey = sha256(new TextEncoder().encode("not the tenant's key"));
    const strangerPub = Secp256k1.compressPubkey((await Secp256k1.makeKeypair(strangerKey)).pubkey);
    const forged = await es256kToken(tenant.address, strangerKey, strangerPub);
    const put = await https(`${hostUri}/deployment/${dseq}/manifest`, { method: "PUT", token: forged, body: v1.manifest });
    expect(put.status).toBe(401);
    expect(put.body).toBe(`JWT invalid: token signature is invalid: it was not signed by the key of ${tenant.address} (ES256K)\n`);

    const statusOnly = await jwtFor(DEVNET_TEST_MNEMONIC, { leases: { access: "scoped", scope: ["status"] } });
    const scoped = await https(`${hostUri}/deployment/${dseq}/manifest`, { method: "PUT", token: statusOnly, body: v1.manifest });
    expect(scoped.status).toBe(401);
    expect(scoped.body).toContain('does not grant "send-manifest"');

    const none = await https(`${hostUri}/lease/${dseq}/${leaseId.gseq}/${leaseId.oseq}/status`);
    expect(none.status).toBe(401);
  });

  it("answers 401 to an account with no public key on chain, and 404 to another account's own valid token", async () => {
    const mnemonic = await randomMnemonic();
    const other = await clientFor(devnet, mnemonic);
    const fresh = await https(`${hostUri}/lease/${dseq}/${leaseId.gseq}/${leaseId.oseq}/status`, { token: await jwtFor(mnemonic) });
    expect(fresh.status).toBe(401);
    expect(fresh.body).toContain("has no public key on chain");
    // once the account has signed a transaction its token verifies, but it owns no lease here
    await tenant.sdk.cosmos.bank.v1beta1.send({ fromAddress: tenant.address, toAddress: other.address, amount: [{ denom: "uakt", amount: "1000000" }] });
    await other.sdk.cosmos.bank.v1beta1.send({ fromAddress: other.address, toAddress: tenant.address, amount: [{ denom: "uakt", amount: "1" }] });
    const res = await https(`${hostUri}/deployment/${dseq}/manifest`, { method: "PUT", token: await jwtFor(mnemonic), body: v1.manifest });
    expect(res.status).toBe(404);
    expect(res.body).toBe("no lease for deployment\n");
  });

  it("accepts an ES256K token signed with the tenant's key", async () => {
    const { privkey, pubkey } = await tenantKey();
    const es256k = await es256kToken(tenant.address, privkey, pubkey);
    const res = await https(`${hostUri}/lease/${dseq}/${leaseId.gseq}/${leaseId.oseq}/status`, { token: es256k });
    expect(res.status).toBe(200);
  });

  it("updates the deployment's hash, then takes only the new manifest", async () => {
    const same = await tenant.sdk.akash.deployment.v1beta4.updateDeployment({ id: { owner: tenant.address, dseq }, hash: v1.hash }, { fee: FEE }).catch((e: { txResponse?: { code: number; rawLog: string } }) => e.txResponse);
    expect(same).toMatchObject({ code: 10, rawLog: "failed to execute message; message index: 0: Invalid: deployment hash" });
    await tenant.sdk.akash.deployment.v1beta4.updateDeployment({ id: { owner: tenant.address, dseq }, hash: v2.hash });
    const old = await https(`${hostUri}/deployment/${dseq}/manifest`, { method: "PUT", token, body: v1.manifest });
    expect(old.status).toBe(422);
    const updated = await https(`${hostUri}/deployment/${dseq}/manifest`, { method: "PUT", token, body: v2.manifest });
    expect(updated.status).toBe(200);
    const status = JSON.parse((await https(`${hostUri}/lease/${dseq}/${leaseId.gseq}/${leaseId.oseq}/status`, { token })).body) as { services: Record<string, { observed_generation: number }> };
    expect(status.services.web!.observed_generation).toBe(2);
  });

  it("tops up the escrow with MsgAccountDeposit", async () => {
    const fundsOf = async () => {
      const info = await tenant.sdk.akash.deployment.v1beta4.getDeployment({ id: { owner: tenant.address, dseq } });
      return info.escrowAccount!.state!.deposits.length;
    };
    const deposits = await fundsOf();
    await tenant.sdk.akash.escrow.v1.accountDeposit({
      signer: tenant.address,
      id: { scope: 1, xid: `${tenant.address}/${dseq}` },
      deposit: { amount: { denom: "uact", amount: "1000000" }, sources: [1] },
    });
    expect(await fundsOf()).toBe(deposits + 1);
  });

  it("closes the deployment: the lease closes, the provider is paid and the rest is refunded", async () => {
    const before = await balanceOf(tenant.address, "uact");
    await tenant.sdk.akash.deployment.v1beta4.closeDeployment({ id: { owner: tenant.address, dseq } });
    const after = await balanceOf(tenant.address, "uact");
    const info = await tenant.sdk.akash.deployment.v1beta4.getDeployment({ id: { owner: tenant.address, dseq } });
    expect(info.deployment?.state).toBe(2);
    expect(info.escrowAccount?.state?.state).toBe(2);
    const paid = atomics(info.escrowAccount!.state!.transferred.find((t) => t.denom === "uact")!.amount);
    const deposited = (DEPOSIT + 1_000_000n) * 10n ** 18n;
    // everything not paid to the provider comes back, in whole uact
    expect(after - before).toBe((deposited - paid) / 10n ** 18n);
    const lease = await tenant.sdk.akash.market.v1beta5.getLease({ id: leaseId });
    expect(lease.lease?.state).toBe(3);
    expect(await balanceOf(provider, "uact")).toBe(paid / 10n ** 18n);
    const status = await https(`${hostUri}/lease/${dseq}/${leaseId.gseq}/${leaseId.oseq}/status`, { token });
    expect(status.status).toBe(404);
  });
});
