/**
 * The provider client against a real HTTPS server on loopback whose self-signed certificate (made
 * by chain-sdk's CertificateManager, CN = the provider's address) plays the provider's on-chain
 * certificate. JWTs are checked the way a provider checks them: schema with chain-sdk's validator,
 * signature with the tenant's public key over the ADR-36 sign document.
 */
import { createHash, X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { certificateManager, JwtValidator } from "@akashnetwork/chain-sdk";
import { makeSignDoc, serializeSignDoc } from "@cosmjs/amino";
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deriveKeys, type AkashKeys } from "../src/chain/cosmos/keys.js";
import { Mnemonic } from "../src/chain/wallet.js";
import { ProviderClient, ProviderConnectError, ProviderHttpError, ProviderTlsError, ProviderUnavailableError, parseLeaseStatus } from "../src/provider/client.js";
import { ProviderJwts } from "../src/provider/jwt.js";
import { clearPinnedCertificates, type OnChainCertificate } from "../src/provider/tls.js";

const TENANT_MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const PROVIDER_MNEMONIC = "legal winner thank year wave sausage worth useful legal winner thank yellow";

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: Buffer;
}

/** `hang`: never answer; `drop`: close the connection without an answer. */
type Handler = (req: Seen) => { status: number; body?: string; hang?: boolean; drop?: boolean };

let tenant: AkashKeys;
let providerAddress: string;
let providerPem: { cert: string; privateKey: string };
let otherPem: { cert: string; privateKey: string };
let server: Server;
let port: number;
let seen: Seen[];
let handler: Handler;
/** TLS connections the provider accepted, ever. */
let connections = 0;

beforeAll(async () => {
  tenant = await deriveKeys(new Mnemonic(TENANT_MNEMONIC));
  providerAddress = (await deriveKeys(new Mnemonic(PROVIDER_MNEMONIC))).address;
  providerPem = await certificateManager.generatePEM(providerAddress);
  otherPem = await certificateManager.generatePEM(providerAddress);
  server = createServer({ key: providerPem.privateKey, cert: providerPem.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request: Seen = { method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body: Buffer.concat(chunks) };
      seen.push(request);
      const answer = handler(request);
      if (answer.hang) return; // never answers: the client must time out
      if (answer.drop) return req.socket.destroy();
      res.writeHead(answer.status, { "Content-Type": "application/json" });
      res.end(answer.body ?? "");
    });
  });
  server.on("secureConnection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
  handler = () => ({ status: 200 });
  clearPinnedCertificates();
});
afterEach(() => clearPinnedCertificates());

function serialOf(pem: string): string {
  return BigInt(`0x${new X509Certificate(pem).serialNumber}`).toString(10);
}

function client(
  onChain: OnChainCertificate[] | ((serial: string) => OnChainCertificate[]),
  extra: { requestTimeoutMs?: number; initialRetryDelayMs?: number; maxRetryDelayMs?: number } = {},
): ProviderClient {
  return new ProviderClient({
    provider: providerAddress,
    hostUri: `https://127.0.0.1:${port}`,
    tokens: new ProviderJwts(tenant.aminoSigner, tenant.address),
    trust: {
      provider: providerAddress,
      certificates: async (owner, serial) => {
        expect(owner).toBe(providerAddress);
        return typeof onChain === "function" ? onChain(serial) : onChain.filter((c) => c.serial === serial);
      },
    },
    initialRetryDelayMs: 20,
    maxRetryDelayMs: 50,
    ...extra,
  });
}

const published = (): OnChainCertificate[] => [{ serial: serialOf(providerPem.cert), state: "valid", certPem: providerPem.cert }];

/** What a provider does with the bearer token: schema check, then the ES256KADR36 signature with the tenant's key. */
function verifyJwt(authorization: string | undefined): Record<string, unknown> {
  expect(authorization).toMatch(/^Bearer /);
  const token = authorization!.slice("Bearer ".length);
  const validation = new JwtValidator().validateToken(token);
  expect(validation.errors).toEqual([]);
  expect(validation.isValid).toBe(true);
  const [header, payload, signature] = token.split(".") as [string, string, string];
  expect(JSON.parse(Buffer.from(header, "base64url").toString())).toMatchObject({ alg: "ES256KADR36", typ: "JWT" });
  const signingString = `${header}.${payload}`;
  const doc = makeSignDoc(
    [{ type: "sign/MsgSignData", value: { signer: tenant.address, data: Buffer.from(signingString).toString("base64") } }],
    { gas: "0", amount: [] },
    "",
    "",
    0,
    0,
  );
  const digest = sha256(serializeSignDoc(doc));
  const sig = Secp256k1Signature.fromFixedLength(Buffer.from(signature, "base64url"));
  return { claims: JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>, verify: () => Secp256k1.verifySignature(sig, digest, tenant.publicKey) };
}

describe("provider client: TLS", () => {
  it("talks to a self-signed provider whose certificate matches the one on chain", async () => {
    handler = () => ({ status: 200, body: JSON.stringify({ cluster: { leases: 0 } }) });
    await expect(client(published()).status()).resolves.toEqual({ cluster: { leases: 0 } });
    expect(seen.map((s) => s.url)).toEqual(["/status"]);
  });

  it("refuses a certificate that differs from the on-chain one and sends nothing, not even the JWT", async () => {
    const forged: OnChainCertificate[] = [{ serial: serialOf(providerPem.cert), state: "valid", certPem: otherPem.cert }];
    const error = await client(forged)
      .sendManifest("1", "[]", 2000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderTlsError);
    expect((error as Error).message).toContain("differs from the one the provider published on chain");
    expect(seen).toEqual([]);
  });

  it("refuses when the provider has no certificate on chain, or only a revoked one", async () => {
    await expect(client([]).status()).rejects.toThrow(/has no certificate with serial \d+ on chain/);
    const revoked: OnChainCertificate[] = [{ ...published()[0]!, state: "revoked" }];
    await expect(client(revoked).status()).rejects.toThrow(/revoked/);
    expect(seen).toEqual([]);
  });

  it("refuses a self-signed certificate whose CN is another address", async () => {
    const impostor = new ProviderClient({
      provider: tenant.address,
      hostUri: `https://127.0.0.1:${port}`,
      tokens: new ProviderJwts(tenant.aminoSigner, tenant.address),
      trust: { provider: tenant.address, certificates: async () => published() },
    });
    await expect(impostor.status()).rejects.toThrow(new RegExp(`CN "${providerAddress}" is not the provider's address ${tenant.address}`));
    expect(seen).toEqual([]);
  });
});

describe("provider client: connections", () => {
  it("keeps one verified connection for consecutive requests, and the certificate is checked once", async () => {
    handler = () => ({ status: 200, body: "{}" });
    let lookups = 0;
    const c = client(() => {
      lookups++;
      return published();
    });
    const before = connections;
    for (let i = 0; i < 4; i++) await c.status();
    await c.leaseStatus("7", 1, 1);
    expect(seen).toHaveLength(5);
    expect(connections - before).toBe(1);
    expect(lookups).toBe(1);
  });

  it("replaces at once a kept connection the provider closed without answering", async () => {
    let calls = 0;
    handler = () => (++calls === 2 ? { status: 0, drop: true } : { status: 200, body: "{}" });
    const c = client(published());
    const before = connections;
    await c.status();
    // status() has no retry of its own: only the stale-connection replacement can make this pass.
    await expect(c.status()).resolves.toEqual({});
    expect(calls).toBe(3);
    expect(connections - before).toBe(2);
  });

  it("a connection the provider drops on a fresh connection is an error, not retried by status()", async () => {
    handler = () => ({ status: 0, drop: true });
    const error = await client(published())
      .status()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderConnectError);
  });
});

describe("provider client: manifest", () => {
  it("PUTs exactly the given bytes with a short-lived JWT scoped to send-manifest at this provider", async () => {
    const manifest = '[{"name":"akash","services":[{"env":["A=<&>"],"name":"web"}]}]';
    await client(published()).sendManifest("4242", manifest);
    expect(seen).toHaveLength(1);
    const [put] = seen;
    expect(put!.method).toBe("PUT");
    expect(put!.url).toBe("/deployment/4242/manifest");
    expect(createHash("sha256").update(put!.body).digest("hex")).toBe(createHash("sha256").update(manifest, "utf8").digest("hex"));
    const jwt = verifyJwt(put!.authorization) as { claims: Record<string, number | string | object>; verify(): Promise<boolean> };
    expect(await jwt.verify()).toBe(true);
    expect(jwt.claims.iss).toBe(tenant.address);
    expect(jwt.claims.leases).toEqual({ access: "granular", permissions: [{ provider: providerAddress, access: "scoped", scope: ["send-manifest"] }] });
    const lifetime = (jwt.claims.exp as number) - (jwt.claims.iat as number);
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(120);
  });

  it("a signature from another key does not verify (the check above can fail)", async () => {
    await client(published()).sendManifest("1", "[]");
    const jwt = verifyJwt(seen[0]!.authorization) as { claims: Record<string, unknown> };
    const other = await deriveKeys(new Mnemonic(PROVIDER_MNEMONIC));
    const token = seen[0]!.authorization!.slice(7);
    const [h, p, s] = token.split(".") as [string, string, string];
    const doc = makeSignDoc([{ type: "sign/MsgSignData", value: { signer: tenant.address, data: Buffer.from(`${h}.${p}`).toString("base64") } }], { gas: "0", amount: [] }, "", "", 0, 0);
    const ok = await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(Buffer.from(s, "base64url")), sha256(serializeSignDoc(doc)), other.publicKey);
    expect(ok).toBe(false);
    expect(jwt.claims.iss).toBe(tenant.address);
  });

  it("retries 404 'no lease for deployment' until the provider has seen the lease", async () => {
    let calls = 0;
    handler = () => (++calls <= 2 ? { status: 404, body: "no lease for deployment" } : { status: 200 });
    await client(published()).sendManifest("7", "[]");
    expect(seen.map((s) => s.method)).toEqual(["PUT", "PUT", "PUT"]);
  });

  it("retries a 404 as soon as the chain has a new block, without waiting out the backoff, and stops watching blocks after", async () => {
    let calls = 0;
    handler = () => (++calls <= 2 ? { status: 404, body: "no lease for deployment" } : { status: 200 });
    const blockWaits: AbortSignal[] = [];
    const started = Date.now();
    // A backoff of 10 s: only the block can have triggered the retries within this test's time.
    await client(published(), { initialRetryDelayMs: 10_000, maxRetryDelayMs: 10_000 }).sendManifest("7", "[]", 60_000, {
      nextBlock: async (signal) => {
        blockWaits.push(signal);
        await new Promise((r) => setTimeout(r, 30));
      },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(seen.map((s) => s.method)).toEqual(["PUT", "PUT", "PUT"]);
    expect(blockWaits).toHaveLength(2);
    expect(blockWaits.every((signal) => signal.aborted)).toBe(true);
  });

  it("a failing block watch falls back to the backoff; 5xx is retried on the backoff alone", async () => {
    let calls = 0;
    handler = () => (++calls === 1 ? { status: 404, body: "no lease for deployment" } : calls === 2 ? { status: 503, body: "busy" } : { status: 200 });
    let watched = 0;
    await client(published()).sendManifest("7", "[]", 60_000, {
      nextBlock: async () => {
        watched++;
        throw new Error("chain RPC unavailable");
      },
    });
    expect(calls).toBe(3);
    expect(watched).toBe(1);
  });

  it("retries 5xx and a request that times out", async () => {
    let calls = 0;
    handler = () => {
      calls++;
      if (calls === 1) return { status: 503, body: "cluster busy" };
      if (calls === 2) return { status: 0, hang: true };
      return { status: 200 };
    };
    await client(published(), { requestTimeoutMs: 300 }).sendManifest("7", "[]");
    expect(calls).toBe(3);
  });

  it("stops at the deadline with the last problem", async () => {
    handler = () => ({ status: 404, body: "no lease for deployment" });
    const error = await client(published())
      .sendManifest("7", "[]", 300)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toContain('HTTP 404 "no lease for deployment"');
    expect(seen.length).toBeGreaterThan(1);
  });

  it("does not retry 401 and quotes the provider", async () => {
    handler = () => ({ status: 401, body: "unauthorized access: JWT invalid" });
    const error = await client(published())
      .sendManifest("7", "[]")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderHttpError);
    expect((error as ProviderHttpError).status).toBe(401);
    expect((error as Error).message).toContain('"unauthorized access: JWT invalid"');
    expect((error as Error).message).toContain("on-chain public key");
    expect(seen).toHaveLength(1);
  });

  it("does not retry 422 and quotes the provider", async () => {
    handler = () => ({ status: 422, body: "manifest version validation failed" });
    const error = await client(published())
      .sendManifest("7", "[]")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderHttpError);
    expect((error as Error).message).toContain('answered 422: "manifest version validation failed"');
    expect(seen).toHaveLength(1);
  });
});

describe("provider client: lease status", () => {
  it("is undefined while the provider has no manifest (404)", async () => {
    handler = () => ({ status: 404, body: "" });
    await expect(client(published()).leaseStatus("7", 1, 1)).resolves.toBeUndefined();
    verifyJwt(seen[0]!.authorization);
    expect(seen[0]!.url).toBe("/lease/7/1/1/status");
  });

  it("reads services, forwarded ports and leased IPs with the provider's field-name quirks", async () => {
    const body = {
      services: {
        web: { name: "web", available: 1, total: 2, uris: ["abc.ingress.example.com", "www.example.com"], replicas: 2, ready_replicas: 1 },
        ipfs: { name: "ipfs", available: 1, total: 1, uris: null },
      },
      forwarded_ports: { ipfs: [{ host: "provider.example.com", port: 4001, externalPort: 31234, proto: "TCP", name: "ipfs" }] },
      ips: { web: [{ Port: 443, ExternalPort: 443, Protocol: "TCP", IP: "203.0.113.7" }] },
    };
    handler = () => ({ status: 200, body: JSON.stringify(body) });
    const status = await client(published()).leaseStatus("7", 1, 1);
    expect(status?.services.web).toMatchObject({ available: 1, total: 2, uris: ["abc.ingress.example.com", "www.example.com"], readyReplicas: 1, replicas: 2 });
    expect(status?.services.ipfs?.uris).toEqual([]);
    expect(status?.forwardedPorts.ipfs).toEqual([{ host: "provider.example.com", port: 4001, externalPort: 31234, proto: "TCP", name: "ipfs" }]);
    expect(status?.ips.web).toEqual([{ ip: "203.0.113.7", port: 443, externalPort: 443, protocol: "TCP" }]);
  });

  it("parses nulls where the provider writes them", () => {
    expect(parseLeaseStatus('{"services":null,"forwarded_ports":null,"ips":null}')).toEqual({ services: {}, forwardedPorts: {}, ips: {}, errors: [] });
  });
});
