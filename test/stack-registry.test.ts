/**
 * The registry and backend stacks, judged on the SDL they synthesize (never on their TypeScript):
 * snapshots, zero linter and chain-sdk errors, and each property issue #3 asks of the registry.
 */
import { validateSDL } from "@akashnetwork/chain-sdk";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildDeployment } from "../src/sdl/builder.js";
import { lintText } from "../src/sdl/lint.js";
import { expectedUactPerBlock } from "../src/sdl/prices.js";
import { synth } from "../src/stack/index.js";
import backend from "../stacks/backend.js";
import registry from "../stacks/registry.js";
import { PROJECT_ROOT } from "./support/corpus.js";

interface Expose {
  port: number;
  as?: number;
  proto?: string;
  accept?: string[];
  http_options?: Record<string, unknown>;
  to?: Array<{ service?: string; global?: boolean; ip?: string }>;
}
interface Service {
  image: string;
  command?: string[];
  args?: string[];
  env?: string[];
  expose?: Expose[];
  params?: { storage?: Record<string, { mount?: string; readOnly?: boolean }> };
  credentials?: { host: string; username: string; password: string };
}
interface Volume {
  name?: string;
  size: string;
  attributes?: { persistent: boolean; class: string };
}
interface Sdl {
  version: string;
  services: Record<string, Service>;
  profiles: { compute: Record<string, { resources: { cpu: { units: string }; memory: { size: string }; storage: Volume[] } }> };
  deployment: Record<string, Record<string, { profile: string; count: number }>>;
  endpoints?: Record<string, { kind: string }>;
}

const DOMAIN = String(registry.params.domain);
const result = synth(registry);
const sdl = parse(result.sdl) as Sdl;
/** The same stack with the OpenRegistry engine (PostgreSQL, layers in Kubo). */
const openRegistryResult = synth(registry, { engine: "openregistry" });
const openRegistrySdl = parse(openRegistryResult.sdl) as Sdl;

function service(name: string, of: Sdl = sdl): Service {
  const s = of.services[name];
  if (!s) throw new Error(`the registry SDL has no service ${name}`);
  return s;
}

function env(name: string, of: Sdl = sdl): Map<string, string> {
  return new Map((service(name, of).env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] as [string, string]));
}

function exposesOf(name: string, port: number, proto = "tcp", of: Sdl = sdl): Expose[] {
  return (service(name, of).expose ?? []).filter((e) => e.port === port && (e.proto ?? "tcp").toLowerCase() === proto);
}

/** Which services can reach each exposed port of the whole SDL, and whether the internet can. */
function reachersOf(name: string, port: number, proto = "tcp", of: Sdl = sdl): Array<{ service?: string; global?: boolean; ip?: string }> {
  return exposesOf(name, port, proto, of).flatMap((e) => e.to ?? []);
}

function volumeMountedAt(name: string, mount: string, of: Sdl = sdl): Volume {
  const storage = service(name, of).params?.storage ?? {};
  const volumeName = Object.keys(storage).find((v) => storage[v]!.mount === mount);
  if (!volumeName) throw new Error(`service ${name} mounts nothing at ${mount}`);
  const volume = of.profiles.compute[name]!.resources.storage.find((v) => v.name === volumeName);
  if (!volume) throw new Error(`service ${name} mounts volume ${volumeName}, which its profile does not define`);
  return volume;
}

function bytes(size: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(size);
  if (!m) throw new Error(`size ${size} is not <int>Mi|Gi`);
  return Number(m[1]) * (m[2] === "Gi" ? 1024 ** 3 : 1024 ** 2);
}

/** A reference is pinned when it has a digest, or a tag other than latest. */
function isPinned(image: string): boolean {
  if (image.includes("@sha256:")) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== "latest";
}

describe("synthesized SDL snapshots", () => {
  it("registry", async () => {
    await expect(result.sdl).toMatchFileSnapshot("./__snapshots__/stack-registry.sdl.yaml");
  });

  it("registry with the OpenRegistry engine", async () => {
    await expect(openRegistryResult.sdl).toMatchFileSnapshot("./__snapshots__/stack-registry-openregistry.sdl.yaml");
  });

  it("backend", async () => {
    await expect(synth(backend).sdl).toMatchFileSnapshot("./__snapshots__/stack-backend.sdl.yaml");
  });

  it("the committed out/*.sdl.yaml files are what synth produces (CI runs synth --check)", () => {
    for (const [name, text] of Object.entries(synthesized())) {
      expect(readFileSync(join(PROJECT_ROOT, "out", `${name}.sdl.yaml`), "utf8"), name).toBe(text);
    }
  });
});

function synthesized(): Record<string, string> {
  return { registry: result.sdl, backend: synth(backend).sdl };
}

/** Every SDL the validators must accept: both engines of the registry, and the backend. */
function everyVariant(): Record<string, string> {
  return { ...synthesized(), "registry (openregistry)": openRegistryResult.sdl };
}

describe("validators", () => {
  it("zero errors from our linter", () => {
    for (const [name, text] of Object.entries(everyVariant())) {
      expect(lintText(text).findings.filter((f) => f.severity === "error"), name).toEqual([]);
    }
  });

  it("zero errors from chain-sdk's validateSDL", () => {
    for (const [name, text] of Object.entries(everyVariant())) expect(validateSDL(parse(text), "mainnet"), name).toBeUndefined();
  });
});

describe("issue #3, point 3: the registry stack", () => {
  it("pins every image to a version tag", () => {
    for (const [name, s] of Object.entries(sdl.services)) expect(isPinned(s.image), `${name}: ${s.image}`).toBe(true);
  });

  describe("PostgreSQL (OpenRegistry engine)", () => {
    it("runs PostgreSQL 15", () => {
      expect(service("postgres", openRegistrySdl).image).toMatch(/^postgres:15\.\d+(-alpine)?$/);
    });

    it("keeps its data on a persistent beta3 volume mounted at /var/lib/postgresql/data", () => {
      expect(volumeMountedAt("postgres", "/var/lib/postgresql/data", openRegistrySdl).attributes).toEqual({ persistent: true, class: "beta3" });
    });

    it("puts PGDATA in a subfolder of the mount (the mount root holds lost+found)", () => {
      expect(env("postgres", openRegistrySdl).get("PGDATA")).toBe("/var/lib/postgresql/data/pgdata");
    });

    it("lets only the registry reach 5432", () => {
      expect(reachersOf("postgres", 5432, "tcp", openRegistrySdl)).toEqual([{ service: "registry" }]);
    });

    it("takes its password from a generated secret", () => {
      expect(env("postgres", openRegistrySdl).get("POSTGRES_PASSWORD")).toBe("<secret:POSTGRES_PASSWORD>");
      expect(openRegistryResult.secrets).toContainEqual({ name: "POSTGRES_PASSWORD", generated: "password" });
    });
  });

  describe("Kubo", () => {
    const script = () => service("ipfs").args?.join("\n") ?? "";

    it("runs a pinned Kubo with the server profile on a persistent volume", () => {
      expect(service("ipfs").image).toMatch(/^ipfs\/kubo:v\d+\.\d+\.\d+$/);
      expect(env("ipfs").get("IPFS_PROFILE")).toBe("server");
      expect(volumeMountedAt("ipfs", "/data/ipfs").attributes?.persistent).toBe(true);
    });

    it("exposes the swarm on the leased IP, TCP and UDP on different port numbers (the provider keys ports by number)", () => {
      const ip = Object.keys(sdl.endpoints ?? {})[0];
      expect(reachersOf("ipfs", 4001, "tcp")).toEqual([{ global: true, ip }]);
      expect(reachersOf("ipfs", 4002, "udp")).toEqual([{ global: true, ip }]);
      const ports = (service("ipfs").expose ?? []).map((e) => e.as ?? e.port);
      expect(new Set(ports).size, "one expose per port number").toBe(ports.length);
      const swarm = JSON.parse(/Addresses\.Swarm '([^']+)'/.exec(script())?.[1] ?? "[]") as string[];
      expect(swarm).toContain("/ip4/0.0.0.0/tcp/4001");
      expect(swarm).toContain("/ip4/0.0.0.0/udp/4002/quic-v1");
      expect(swarm.filter((a) => a.includes("/udp/4001"))).toEqual([]);
    });

    it("lets nobody reach the RPC on 5001 with the distribution engine, and only the registry with OpenRegistry", () => {
      expect(reachersOf("ipfs", 5001)).toEqual([]);
      expect(reachersOf("ipfs", 5001, "tcp", openRegistrySdl)).toEqual([{ service: "registry" }]);
    });

    it("migrates the repo before any config command, so an upgraded image does not crash-loop", () => {
      const lines = script().split("\n");
      const migrate = lines.findIndex((l) => /start_ipfs repo migrate$/.test(l));
      const firstConfig = lines.findIndex((l) => l.includes("start_ipfs config"));
      expect(migrate).toBeGreaterThan(-1);
      expect(migrate).toBeLessThan(firstConfig);
    });

    it("caps the resource manager at half its memory, under GOMEMLIMIT, and runs GC so StorageMax means something", () => {
      const max = Number(/Swarm\.ResourceMgr\.MaxMemory (\d+)MiB/.exec(script())?.[1]);
      const limit = Number(/^(\d+)MiB$/.exec(env("ipfs").get("GOMEMLIMIT") ?? "")?.[1]);
      expect(max).toBe(3072);
      expect(max).toBeLessThan(limit);
      expect(script()).toMatch(/Datastore\.StorageMax \d+MiB/);
      expect(script().split("\n").at(-1)).toMatch(/ --enable-gc$/);
    });

    it("lets only the edge reach the gateway on 8080", () => {
      expect(reachersOf("ipfs", 8080)).toEqual([{ service: "edge" }]);
    });

    it("sets Gateway.PublicGateways for ipfs.<domain> and Gateway.NoFetch in its command, then starts the daemon", () => {
      expect(service("ipfs").command).toEqual(["sh", "-c"]);
      const text = script();
      const gateways = /start_ipfs config --json Gateway\.PublicGateways '([^']+)'/.exec(text)?.[1];
      expect(gateways, "a start_ipfs config --json Gateway.PublicGateways '<json>' line").toBeDefined();
      expect(JSON.parse(gateways!)).toEqual({ [`ipfs.${DOMAIN}`]: { UseSubdomains: false, Paths: ["/ipfs"], NoDNSLink: true } });
      expect(text).toMatch(/start_ipfs config --json Gateway\.NoFetch true/);
      const lines = text.split("\n");
      expect(lines.at(-1)).toBe("exec /sbin/tini -- /usr/local/bin/start_ipfs daemon --migrate=true --enable-gc");
      expect(lines.findIndex((l) => l.includes("Gateway.NoFetch"))).toBeLessThan(lines.length - 1);
    });

    it("sizes GOMEMLIMIT to about 85% of its memory, with at least 6Gi and 2 CPUs", () => {
      const resources = sdl.profiles.compute.ipfs!.resources;
      const memory = bytes(resources.memory.size);
      expect(memory).toBeGreaterThanOrEqual(6 * 1024 ** 3);
      expect(Number(resources.cpu.units.replace(/m$/, ""))).toBeGreaterThanOrEqual(2000);
      const limit = /^(\d+)MiB$/.exec(env("ipfs").get("GOMEMLIMIT") ?? "");
      expect(limit, "GOMEMLIMIT in MiB").not.toBeNull();
      const share = (Number(limit![1]) * 1024 ** 2) / memory;
      expect(share).toBeGreaterThan(0.8);
      expect(share).toBeLessThan(0.9);
    });

    it("keeps GOMEMLIMIT in step when the memory parameter changes", () => {
      const bigger = parse(synth(registry, { kuboMemoryGi: 12 }).sdl) as Sdl;
      const limit = Number(/^(\d+)MiB$/.exec(bigger.services.ipfs!.env!.find((e) => e.startsWith("GOMEMLIMIT="))!.slice(11))![1]);
      expect(bigger.profiles.compute.ipfs!.resources.memory.size).toBe("12Gi");
      expect(limit / (12 * 1024)).toBeCloseTo(0.85, 2);
    });
  });

  describe("CNCF Distribution (the default engine)", () => {
    it("runs the pinned registry:3 image, once, with its layers on a persistent volume", () => {
      expect(service("registry").image).toBe(registry.params.distributionImage);
      expect(service("registry").image).toMatch(/^registry:3\.\d+\.\d+$/);
      expect(Object.values(sdl.deployment.registry!).map((d) => d.count)).toEqual([1]);
      expect(env("registry").get("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY")).toBe("/var/lib/registry");
      expect(volumeMountedAt("registry", "/var/lib/registry").attributes).toEqual({ persistent: true, class: "beta3" });
    });

    it("refuses anonymous access with an htpasswd admin account whose hash, never the password, is in the SDL", () => {
      const e = env("registry");
      expect(e.get("REGISTRY_AUTH")).toBe("htpasswd");
      expect(e.get("REGISTRY_AUTH_HTPASSWD_PATH")).toBe("/auth/htpasswd");
      expect(e.get("REGISTRY_HTPASSWD")).toBe("<secret:REGISTRY_HTPASSWD>");
      expect(result.secrets).toContainEqual({ name: "REGISTRY_HTPASSWD", generated: "htpasswd", htpasswd: { username: "admin", password: "REGISTRY_ADMIN_PASSWORD" } });
      expect(result.sdl).not.toContain("REGISTRY_ADMIN_PASSWORD>");
      expect(result.logins).toEqual([{ host: `registry.${DOMAIN}`, username: "admin", password: "REGISTRY_ADMIN_PASSWORD" }]);
      expect(service("registry").args!.join("\n")).toMatch(/> \/auth\/htpasswd\n/);
    });

    it("keeps upload state valid across restarts with a generated HTTP secret", () => {
      expect(env("registry").get("REGISTRY_HTTP_SECRET")).toBe("<secret:REGISTRY_HTTP_SECRET>");
    });

    it("lets only the edge reach 5000", () => {
      expect(reachersOf("registry", 5000)).toEqual([{ service: "edge" }]);
    });

    it("has no PostgreSQL: Distribution keeps its metadata with the layers", () => {
      expect(Object.keys(sdl.services)).not.toContain("postgres");
    });
  });

  describe("OpenRegistry (engine openregistry)", () => {
    it("runs the image parameter's pinned default, once", () => {
      expect(service("registry", openRegistrySdl).image).toBe(registry.params.openregistryImage);
      expect(service("registry", openRegistrySdl).image).toMatch(/^ghcr\.io\/alternatefutures\/openregistry:/);
      expect(Object.values(openRegistrySdl.deployment.registry!).map((d) => d.count)).toEqual([1]);
    });

    it("gets the env its entrypoint turns into config.yaml", () => {
      const e = env("registry", openRegistrySdl);
      expect(e.get("OPENREGISTRY_DNS_ADDRESS")).toBe(`registry.${DOMAIN}`);
      expect(e.get("OPENREGISTRY_DB_HOST")).toBe("postgres");
      expect(e.get("OPENREGISTRY_DB_USER")).toBe("open_registry_user");
      expect(e.get("OPENREGISTRY_DB_PASSWORD")).toMatch(/^<secret:[A-Z_]+>$/);
      expect(e.get("OPENREGISTRY_DB_ADMIN_PASSWORD")).toBe(env("postgres", openRegistrySdl).get("POSTGRES_PASSWORD"));
      expect(e.get("OPENREGISTRY_IPFS_RPC_MULTI_ADDR")).toBe("/dns4/ipfs/tcp/5001");
      expect(e.get("OPENREGISTRY_IPFS_GATEWAY_ENDPOINT")).toBe(`https://ipfs.${DOMAIN}`);
    });

    it("signs tokens with an RSA key that is a generated secret", () => {
      const placeholder = env("registry", openRegistrySdl).get("OPENREGISTRY_AUTH_KEY_PEM_BASE64");
      const name = /^<secret:([A-Z_]+)>$/.exec(placeholder ?? "")?.[1];
      expect(openRegistryResult.secrets).toContainEqual({ name, generated: "rsa-private-key-pem-base64" });
    });

    it("sets every variable the image's entrypoint requires", () => {
      const script = readFileSync(join(PROJECT_ROOT, "images", "openregistry", "entrypoint.sh"), "utf8");
      const loop = /for name in ([^;]+); do/.exec(script)?.[1];
      const required = (loop ?? "").split(/[\s\\]+/).filter((n) => n !== "");
      expect(required.length).toBeGreaterThan(3);
      for (const name of required) expect(env("registry", openRegistrySdl).get(name), name).toBeTruthy();
    });

    it("lets only the edge reach 5000", () => {
      expect(reachersOf("registry", 5000, "tcp", openRegistrySdl)).toEqual([{ service: "edge" }]);
    });
  });

  describe("the edge", () => {
    const endpointName = () => Object.keys(sdl.endpoints ?? {})[0]!;

    it("runs a pinned Caddy", () => {
      expect(service("edge").image).toMatch(/^caddy:\d+\.\d+\.\d+/);
    });

    it("serves 80 and 443 on a leased IP endpoint", () => {
      expect(Object.values(sdl.endpoints ?? {})).toEqual([{ kind: "ip" }]);
      for (const port of [80, 443]) expect(reachersOf("edge", port)).toEqual([{ global: true, ip: endpointName() }]);
    });

    it("writes a Caddyfile with automatic HTTPS for both hosts, no admin API and no body limit", () => {
      const text = service("edge").args!.join("\n");
      const e = env("edge");
      const hostVariable = (host: string) => [...e].find(([, v]) => v === host)?.[0];
      const registryVar = hostVariable(`registry.${DOMAIN}`);
      const gatewayVar = hostVariable(`ipfs.${DOMAIN}`);
      expect(registryVar && gatewayVar).toBeTruthy();
      // A site block per host name (Caddy gets certificates for site addresses by itself).
      expect(text).toMatch(new RegExp(`\\$\\{${registryVar}\\} \\{\\s*reverse_proxy registry:5000\\s*\\}`));
      expect(text).toMatch(new RegExp(`\\$\\{${gatewayVar}\\} \\{\\s*reverse_proxy ipfs:8080\\s*\\}`));
      expect(text).toMatch(/^\s*admin off$/m);
      expect(text).not.toMatch(/request_body|max_size/);
      expect(text).toMatch(/^exec caddy run /m);
      // Not through the provider's ingress either, whose body limit tops out at 100 MiB.
      for (const e of service("edge").expose ?? []) expect(e.http_options).toBeUndefined();
    });

    it("keeps certificates on a persistent volume at /data", () => {
      expect(volumeMountedAt("edge", "/data").attributes?.persistent).toBe(true);
    });
  });

  it("caps each service's price at about 3× what providers at the default prices bid for it, for both engines", () => {
    for (const variant of [result, openRegistryResult]) {
      const parsed = lintText(variant.sdl);
      const { groups } = buildDeployment(parsed.sdl!);
      for (const group of groups) {
        for (const unit of group.resources) {
          const expected = Number(expectedUactPerBlock([{ resources: unit.resources, count: 1 }])) / 1e18;
          const ceiling = Number(unit.price.amount);
          // Headroom for providers priced above the defaults, never the 10,000 uact (≈4,300 USD a month) of old.
          expect(ceiling / expected).toBeGreaterThanOrEqual(2.5);
          expect(ceiling / expected).toBeLessThanOrEqual(3.5);
          expect(ceiling).toBeLessThan(500);
        }
      }
    }
  });

  it("declares A records registry and ipfs to the leased IP", () => {
    expect(result.dns.map((r) => [r.type, r.fqdn, r.endpoint])).toEqual([
      ["A", `registry.${DOMAIN}`, Object.keys(sdl.endpoints!)[0]],
      ["A", `ipfs.${DOMAIN}`, Object.keys(sdl.endpoints!)[0]],
    ]);
  });

  it("exposes no admin port to the internet", () => {
    for (const [name, s] of Object.entries(sdl.services)) {
      for (const e of s.expose ?? []) {
        if ([2375, 5001, 5432, 6379].includes(e.port)) expect(e.to?.some((t) => t.global), `${name}:${e.port}`).toBeFalsy();
      }
    }
  });

  it("follows the domain parameter everywhere", () => {
    const other = synth(registry, { domain: "example.net" });
    expect(other.sdl).not.toContain(DOMAIN);
    expect(other.dns.map((r) => r.fqdn)).toEqual(["registry.example.net", "ipfs.example.net"]);
    expect(lintText(other.sdl).findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});

describe("the backend stack", () => {
  const backendResult = synth(backend);
  const doc = parse(backendResult.sdl) as Sdl;
  const api = doc.services.api!;

  it("pulls its image from registry.<domain> with credentials from secrets", () => {
    expect(api.image).toMatch(new RegExp(`^registry\\.${DOMAIN.replace(/\./g, "\\.")}/alternatefutures/backend:[^:]+$`));
    expect(isPinned(api.image)).toBe(true);
    expect(api.credentials).toEqual({ host: `registry.${DOMAIN}`, username: "<secret:REGISTRY_USERNAME>", password: "<secret:REGISTRY_PASSWORD>" });
  });

  it("sets IPFS_API_URL and IPFS_GATEWAY_URL from parameters", () => {
    const withApi = parse(synth(backend, { ipfsApiUrl: "https://ipfs-rpc.example.net" }).sdl) as Sdl;
    expect(withApi.services.api!.env).toContain("IPFS_API_URL=https://ipfs-rpc.example.net");
    expect(api.env).toContain(`IPFS_GATEWAY_URL=https://ipfs.${DOMAIN}`);
  });
});
