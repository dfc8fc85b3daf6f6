/**
 * The devnet's provider and chain rules in isolation: reading a manifest as Go does, the
 * provider's cross-check against the lease's group, the lease-status JSON, JWT scopes, the bid
 * engine's matching and pricing, and the chain's group validation messages.
 */
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { JwtTokenManager } from "@akashnetwork/chain-sdk";
import { GroupSpec } from "@akashnetwork/chain-sdk/private-types/akash.v1beta4";
import { describe, expect, it } from "vitest";
import { bidPrice, canSatisfy, providerProfile } from "../src/devnet/bid-engine.js";
import { validateDeploymentGroups, validateGroupSpecBasic } from "../src/devnet/group-validation.js";
import { verifyJwt } from "../src/devnet/jwt.js";
import { leaseStatus } from "../src/devnet/lease-status.js";
import { checkManifestAgainstGroup } from "../src/devnet/manifest-check.js";
import { decodeManifest, ManifestDecodeError } from "../src/devnet/manifest-decode.js";
import { paginate } from "../src/devnet/queries.js";
import { manifestHash, manifestToSortedJSON } from "../src/sdl/manifest.js";
import { deploymentFromSdl } from "./support/devnet.js";
import { DEVNET_TEST_MNEMONIC } from "../src/devnet/index.js";

const sdl = (options: { storage?: string; expose?: string; gpu?: string; price?: string; count?: number } = {}) => `version: "2.0"
services:
  web:
    image: nginx:1.27
    expose:
${
  options.expose ??
  `      - port: 80
        accept: [shop.example.com]
        to:
          - global: true`
}
profiles:
  compute:
    web:
      resources:
        cpu: {units: 1}
        memory: {size: 1Gi}
        storage:
${options.storage ?? "          - size: 1Gi"}
${options.gpu ?? ""}
  placement:
    akash:
      pricing:
        web: {denom: uact, amount: ${options.price ?? "10000"}}
deployment:
  web:
    akash: {profile: web, count: ${options.count ?? 1}}
`;

function spec(text: string): GroupSpec {
  return GroupSpec.fromPartial(deploymentFromSdl(text).groups[0]!);
}

describe("manifest decoding (Go json.Unmarshal semantics)", () => {
  it("re-marshals a manifest to the exact bytes it was hashed from", () => {
    const { manifest, hash } = deploymentFromSdl(sdl());
    expect(manifestToSortedJSON(decodeManifest(manifest))).toBe(manifest);
    expect(manifestHash(manifestToSortedJSON(decodeManifest(manifest)))).toBe(Buffer.from(hash).toString("hex"));
  });

  it("matches field names case-insensitively and ignores unknown fields, as Go does", () => {
    const { manifest } = deploymentFromSdl(sdl());
    const edited = manifest.replace('"image":', '"Image":').replace('"name":"web"', '"name":"web","extra":{"anything":1}');
    expect(manifestToSortedJSON(decodeManifest(edited))).toBe(manifest);
  });

  it("keeps [] apart from null, so a tenant who hashed one and sent the other is caught", () => {
    const { manifest } = deploymentFromSdl(sdl());
    expect(manifestToSortedJSON(decodeManifest(manifest.replace('"env":null', '"env":[]')))).not.toBe(manifest);
  });

  it("rejects a wrong JSON type with Go's message", () => {
    const { manifest } = deploymentFromSdl(sdl());
    const broken = manifest.replace('"count":1', '"count":"1"');
    expect(() => decodeManifest(broken)).toThrow(ManifestDecodeError);
    expect(() => decodeManifest(broken)).toThrow("json: cannot unmarshal string into Go struct field Service.count of type uint32");
    expect(() => decodeManifest("null")).toThrow(/manifest is null/);
  });
});

describe("manifest cross-validation against the lease's group", () => {
  it("accepts the manifest built with the group", () => {
    const { manifest } = deploymentFromSdl(sdl());
    expect(checkManifestAgainstGroup(decodeManifest(manifest), spec(sdl()))).toBeUndefined();
  });

  it("names the service and resource that differ", () => {
    const manifest = decodeManifest(deploymentFromSdl(sdl()).manifest);
    const bigger = spec(sdl().replace("cpu: {units: 1}", "cpu: {units: 2}"));
    expect(checkManifestAgainstGroup(manifest, bigger)).toBe('manifest cross-validation error: group "akash": service "web": CPU resources mismatch for ID 1');
    const fewer = spec(sdl({ count: 1 }));
    const more = decodeManifest(deploymentFromSdl(sdl({ count: 3 })).manifest);
    expect(checkManifestAgainstGroup(more, fewer)).toBe('manifest cross-validation error: group "akash": service "web": over-utilized replicas (3) > group spec resources count (1)');
  });

  it("reports endpoints the manifest leaves unused", () => {
    const manifest = decodeManifest(deploymentFromSdl(sdl()).manifest);
    const twoPorts = spec(
      sdl({
        expose: `      - port: 80
        to:
          - global: true
      - port: 22
        as: 2222
        to:
          - global: true`,
      }),
    );
    expect(checkManifestAgainstGroup(manifest, twoPorts)).toBe('manifest cross-validation error: group "akash": under-utilized (1) RANDOM_PORT endpoints');
  });
});

describe("lease status JSON", () => {
  it("writes leased IPs with Go's capitalised keys, forwarded ports in camelCase, and null for empty maps", () => {
    const ipSdl = sdl({
      expose: `      - port: 80
        to:
          - global: true
            ip: edge
      - port: 5432
        to:
          - global: true`,
    }).replace("deployment:", "endpoints:\n  edge:\n    kind: ip\ndeployment:");
    const group = decodeManifest(deploymentFromSdl(ipSdl).manifest)[0]!;
    const status = leaseStatus({ group, ready: true, generation: 1, hostname: "provider-1.devnet.local", leaseKey: "k" });
    expect(status.ips?.web).toEqual([{ Port: 80, ExternalPort: 80, Protocol: "TCP", IP: expect.stringMatching(/^203\.0\.113\.\d+$/) }]);
    expect(status.forwarded_ports?.web).toEqual([{ host: "provider-1.devnet.local", port: 5432, externalPort: expect.any(Number), proto: "TCP", name: "web" }]);
    const plain = leaseStatus({ group: decodeManifest(deploymentFromSdl(sdl()).manifest)[0]!, ready: false, generation: 1, hostname: "h", leaseKey: "k" });
    expect(plain.ips).toBeNull();
    expect(plain.forwarded_ports).toBeNull();
    expect(plain.services.web).toMatchObject({ available: 0, total: 1, ready_replicas: 0 });
    expect(plain.services.web!.uris).toEqual([expect.stringMatching(/\.ingress\.h$/), "shop.example.com"]);
  });
});

describe("provider JWT checks", () => {
  const provider = "akash1jrkmdcwgq94uaamx6zax2luewlhf7u4k3rtk0c";

  async function token(leases: unknown, options: { exp?: number } = {}) {
    const wallet = await Secp256k1HdWallet.fromMnemonic(DEVNET_TEST_MNEMONIC, { prefix: "akash" });
    const [account] = await wallet.getAccounts();
    const jwt = await new JwtTokenManager(wallet).generateToken({ version: "v1", iss: account!.address, leases: leases as never, ...options });
    return { jwt, address: account!.address, pubkey: account!.pubkey };
  }

  it("enforces granular permissions per provider and deployment", async () => {
    const { jwt, address, pubkey } = await token({ access: "granular", permissions: [{ provider, access: "granular", deployments: [{ dseq: 42, gseq: 1, oseq: 1, services: ["web"], scope: ["status"] }] }] });
    const keys = (a: string) => (a === address ? pubkey : undefined);
    const now = Math.floor(Date.now() / 1000);
    expect(await verifyJwt(jwt, keys, { provider, scope: "status", dseq: 42n, now })).toEqual({ ok: true, owner: address });
    expect((await verifyJwt(jwt, keys, { provider, scope: "status", dseq: 43n, now })).ok).toBe(false);
    expect((await verifyJwt(jwt, keys, { provider, scope: "send-manifest", dseq: 42n, now })).ok).toBe(false);
    expect((await verifyJwt(jwt, keys, { provider: "akash1other", scope: "status", dseq: 42n, now })).ok).toBe(false);
  });

  it("refuses an expired token and an unknown algorithm", async () => {
    const { jwt, address, pubkey } = await token({ access: "full" });
    const keys = (a: string) => (a === address ? pubkey : undefined);
    const later = Math.floor(Date.now() / 1000) + 7200;
    expect(await verifyJwt(jwt, keys, { provider, scope: "status", dseq: 1n, now: later })).toEqual({ ok: false, reason: "JWT invalid: token has invalid claims: token is expired" });
    const [, payload, signature] = jwt.split(".");
    const hs256 = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url")}.${payload}.${signature}`;
    expect((await verifyJwt(hs256, keys, { provider, scope: "status", dseq: 1n, now: later - 7200 })) as { reason: string }).toMatchObject({ reason: expect.stringContaining("signing method HS256 is invalid") });
  });
});

describe("bid engine", () => {
  const audits: never[] = [];
  const [p1, p2, p3] = [0, 1, 2].map(providerProfile);

  it("bids on persistent storage only where the storage class is offered", () => {
    const beta3 = spec(sdl({ storage: "          - size: 1Gi\n          - name: data\n            size: 5Gi\n            attributes: {persistent: true, class: beta3}" }).replace("image: nginx:1.27", "image: nginx:1.27\n    params:\n      storage:\n        data: {mount: /data}"));
    expect([p1, p2, p3].map((p) => canSatisfy(beta3, p!, audits).ok)).toEqual([false, true, false]);
  });

  it("bids on GPUs and leased IPs only where the provider has them", () => {
    const gpu = spec(sdl({ gpu: "        gpu:\n          units: 1\n          attributes:\n            vendor:\n              nvidia:\n                - model: rtx4090" }));
    expect([p1, p2, p3].map((p) => canSatisfy(gpu, p!, audits).ok)).toEqual([false, true, false]);
    const ip = spec(
      sdl({
        expose: `      - port: 80
        to:
          - global: true
            ip: edge`,
      }).replace("deployment:", "endpoints:\n  edge:\n    kind: ip\ndeployment:"),
    );
    expect([p1, p2, p3].map((p) => canSatisfy(ip, p!, audits).ok)).toEqual([true, true, false]);
  });

  it("prices the same group differently per provider, and stays under the order price", () => {
    const group = spec(sdl());
    const prices = [p1, p2, p3].map((p) => bidPrice(group, p!).atomics);
    expect(prices[0]! < prices[1]! && prices[1]! < prices[2]!).toBe(true);
    expect(prices[2]!).toBeLessThanOrEqual(10_000n * 10n ** 18n);
  });
});

describe("chain group validation", () => {
  it("prints the chain's messages for unit limits and pricing", () => {
    const tiny = spec(sdl().replace("memory: {size: 1Gi}", "memory: {size: 512Ki}"));
    expect(validateGroupSpecBasic(tiny)?.message).toBe("error: invalid unit memory (2199023255552 > 524288 > 2199023255552 fails)");
    const small = spec(sdl({ storage: "          - size: 1Mi" }));
    expect(validateGroupSpecBasic(small)?.message).toBe("error: invalid unit storage (35184372088832 > 1048576 > 5242880 fails)");
    const dear = spec(sdl({ price: "10000001" }));
    expect(validateGroupSpecBasic(dear)?.message).toBe("group akash: error: invalid unit price (10000000 > 10000001.000000000000000000 fails)");
  });

  it("rejects duplicate group names as the handler does", () => {
    const group = spec(sdl());
    expect(validateDeploymentGroups([group, group])?.message).toBe("Invalid groups: duplicate deployment group name akash: duplicate deployment group name");
  });
});

describe("pagination", () => {
  it("pages by key and by offset, and counts only when asked", () => {
    const items = [1, 2, 3, 4, 5];
    const first = paginate(items, { limit: 2, countTotal: true });
    expect(first.items).toEqual([1, 2]);
    expect(first.pagination.total).toBe("5");
    const second = paginate(items, { limit: 2, key: first.pagination.nextKey });
    expect(second.items).toEqual([3, 4]);
    expect(second.pagination.total).toBe("0");
    expect(paginate(items, { offset: 4, limit: 2 }).pagination.nextKey).toHaveLength(0);
  });
});
