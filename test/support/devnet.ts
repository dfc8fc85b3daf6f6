/**
 * Helpers for the devnet tests. They talk to the devnet only the way a deployer would: through
 * chain-sdk's clients (`createChainNodeSDK`, `createStargateClient`, `createChainNodeWebSDK`) and
 * plain HTTPS to the providers. SDLs are turned into group specs, manifest and hash by the
 * project's own SDL engine (`src/sdl`).
 */
import { request } from "node:https";
import { createHash, X509Certificate } from "node:crypto";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { toUtf8 } from "@cosmjs/encoding";
import { createChainNodeSDK, createStargateClient, JwtTokenManager, type ChainNodeSDK } from "@akashnetwork/chain-sdk";
import { MsgMintACT, MsgAccountDeposit } from "@akashnetwork/chain-sdk/private-types/akash.v1";
import { MsgCloseDeployment, MsgCreateDeployment, MsgUpdateDeployment } from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
import { MsgCreateLease } from "@akashnetwork/chain-sdk/private-types/akash.v1beta5";
import { MsgSend } from "@akashnetwork/chain-sdk/private-types/cosmos.v1beta1";
import { decodeSdl } from "../../src/sdl/decode.js";
import { buildGroups, type GroupSpec } from "../../src/sdl/groups.js";
import { buildManifest, manifestHash, manifestToSortedJSON } from "../../src/sdl/manifest.js";
import { Reporter } from "../../src/sdl/report.js";
import type { UnitResources } from "../../src/sdl/resources.js";
import { parseYaml } from "../../src/sdl/yaml.js";

/** One port the `web` service exposes to the world. */
export interface WebPort {
  port: number;
  as?: number;
  accept?: readonly string[];
}

export interface WebSdlOptions {
  image?: string;
  /** Denomination of the group price (the chain accepts only uact). */
  denom?: string;
  cpuUnits?: number;
  memory?: string;
  storage?: string;
  ports?: readonly WebPort[];
}

/**
 * The devnet tests' SDL: one global `web` service in placement `akash`, priced at 1000. The tests
 * differ only in what they vary here (image and denom to change the hash or provoke the chain,
 * ports for ingress and forwarded ports, smaller resources for many deployments).
 */
export function webSdl({
  image = "nginx:1.27",
  denom = "uact",
  cpuUnits = 0.5,
  memory = "512Mi",
  storage = "1Gi",
  ports = [{ port: 80, as: 80 }],
}: WebSdlOptions = {}): string {
  const expose = ports.map(({ port, as, accept }) =>
    [
      `      - port: ${port}`,
      ...(as === undefined ? [] : [`        as: ${as}`]),
      ...(accept === undefined ? [] : ["        accept:", ...accept.map((host) => `          - ${host}`)]),
      "        to:",
      "          - global: true",
    ].join("\n"),
  );
  return `version: "2.0"
services:
  web:
    image: ${image}
    expose:
${expose.join("\n")}
profiles:
  compute:
    web:
      resources:
        cpu: {units: ${cpuUnits}}
        memory: {size: ${memory}}
        storage: [{size: ${storage}}]
  placement:
    akash:
      pricing:
        web: {denom: ${denom}, amount: 1000}
deployment:
  web:
    akash: {profile: web, count: 1}
`;
}

/** Deployment material for an SDL, as the deployer would build it. */
export interface DeploymentMaterial {
  /** `MsgCreateDeployment.groups`, as a chain-sdk partial. */
  groups: ReturnType<typeof groupsForChain>;
  /** The sorted-JSON manifest: exactly the bytes to PUT and the bytes that were hashed. */
  manifest: string;
  hash: Uint8Array;
}

export function deploymentFromSdl(text: string): DeploymentMaterial {
  const root = parseYaml(text).root;
  if (!root || root.kind !== "map") throw new Error("the test SDL is not a YAML mapping");
  const report = new Reporter();
  const sdl = decodeSdl(root, report);
  const errors = report.findings.filter((f) => f.severity === "error");
  if (!sdl || errors.length > 0) throw new Error(`the test SDL does not decode: ${errors.map((e) => e.message).join("; ")}`);
  const manifest = manifestToSortedJSON(buildManifest(sdl));
  return { groups: groupsForChain(buildGroups(sdl)), manifest, hash: Uint8Array.from(Buffer.from(manifestHash(manifest), "hex")) };
}

function value(v: bigint): { val: Uint8Array } {
  return { val: toUtf8(v.toString()) };
}

function resources(r: UnitResources) {
  return {
    id: r.id,
    cpu: r.cpu ? { units: value(r.cpu.units), attributes: r.cpu.attributes } : undefined,
    memory: r.memory ? { quantity: value(r.memory.size), attributes: r.memory.attributes } : undefined,
    storage: r.storage.map((s) => ({ name: s.name, quantity: value(s.size), attributes: s.attributes ?? [] })),
    gpu: r.gpu ? { units: value(r.gpu.units), attributes: r.gpu.attributes } : undefined,
    endpoints: r.endpoints.map((e) => ({ kind: e.kind, sequenceNumber: e.sequenceNumber })),
  };
}

/** The SDL engine's group specs as `akash.deployment.v1beta4.GroupSpec` partials. */
export function groupsForChain(groups: readonly GroupSpec[]) {
  return groups.map((g) => ({
    name: g.name,
    requirements: {
      signedBy: { allOf: g.requirements.signedBy.allOf ?? [], anyOf: g.requirements.signedBy.anyOf ?? [] },
      attributes: g.requirements.attributes ?? [],
    },
    resources: g.resources.map((u) => ({ resource: resources(u.resources), count: u.count, price: { denom: u.price.denom, amount: u.price.amount } })),
  }));
}

/** Message types a test signs directly (outside the SDK's generated methods). */
export const BUILT_IN_TYPES = [MsgCreateDeployment, MsgUpdateDeployment, MsgCloseDeployment, MsgCreateLease, MsgMintACT, MsgAccountDeposit, MsgSend].map((codec) => ({
  ...codec,
  typeUrl: `/${codec.$type}`,
}));

export interface Client {
  address: string;
  sdk: ChainNodeSDK;
  signer: ReturnType<typeof createStargateClient>;
}

export async function clientFor(endpoints: { rpc: string; grpc: string }, mnemonic: string): Promise<Client> {
  const signer = createStargateClient({
    baseUrl: endpoints.rpc,
    signerMnemonic: mnemonic,
    builtInTypes: BUILT_IN_TYPES as never,
    stargateOptions: { broadcastPollIntervalMs: 100, broadcastTimeoutMs: 20_000 },
  });
  const sdk = createChainNodeSDK({ query: { baseUrl: endpoints.grpc }, tx: { signer } });
  const account = await signer.getAccount();
  return { address: account.address, sdk, signer };
}

/** A JWT signed the way Console signs one (ES256KADR36 with an amino wallet). */
export async function jwtFor(mnemonic: string, options: { leases?: unknown; iss?: string } = {}): Promise<string> {
  const wallet = await Secp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "akash" });
  const [account] = await wallet.getAccounts();
  const manager = new JwtTokenManager(wallet);
  return manager.generateToken({ version: "v1", iss: options.iss ?? account!.address, leases: (options.leases ?? { access: "full" }) as never });
}

export interface HttpsResult {
  status: number;
  body: string;
  /** SHA-256 fingerprint of the certificate the server presented. */
  fingerprint: string;
}

/** Plain HTTPS to a provider: self-signed certificates are accepted here and pinned by the caller. */
export function https(url: string, options: { method?: string; token?: string; body?: string; timeoutMs?: number } = {}): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? "GET",
        rejectUnauthorized: false,
        // a connection per request: each one shows the certificate, and a provider taken offline refuses it
        agent: false,
        headers: {
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
          ...(options.body !== undefined ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(options.body) } : {}),
        },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const raw = (res.socket as import("node:tls").TLSSocket).getPeerCertificate?.()?.raw;
        const fingerprint = raw ? createHash("sha256").update(raw).digest("hex") : "";
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), fingerprint }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** SHA-256 fingerprint of a PEM certificate (what `https` reports for the presented one). */
export function pemFingerprint(pem: string): string {
  return createHash("sha256").update(new X509Certificate(pem).raw).digest("hex");
}

/** Polls `check` until it returns a value, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== undefined) return result;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A fresh mnemonic for a second account (the devnet funds only its test account). */
export async function randomMnemonic(): Promise<string> {
  const wallet = await Secp256k1HdWallet.generate(12, { prefix: "akash" });
  return wallet.mnemonic;
}
