/**
 * The registry stack: an OCI registry behind a TLS edge (Caddy) on a leased IP, next to an IPFS
 * node (Kubo) whose gateway is public at ipfs.<domain>.
 *
 * Two registry engines (param `engine`):
 * - "distribution" (default): CNCF Distribution, the registry Docker Hub runs, with its
 *   filesystem storage on a persistent volume and an htpasswd admin account. Proven on this
 *   project's machines with the OCI conformance suite, skopeo and containerd (`akash-stack
 *   rehearse`, test/rehearse-registry.test.ts).
 * - "openregistry": OpenRegistry, which stores layers in IPFS and its metadata in PostgreSQL. Not
 *   the default: the Go module proxy refuses its source here, so it has never run (README, "Does it
 *   work?"), and upstream's pinned commit serves manifests that containerd rejects
 *   (../shared/reference/registry-audit.md).
 *
 * Why it looks like this (../shared/reference/registry-stack.md):
 * - Akash's ingress caps request bodies at 100 MiB and gives custom domains only self-signed
 *   certificates, so `docker push` of real images needs our own TLS proxy on a leased IP.
 * - Kubo's RPC (5001) is an admin API that only the registry may reach; its gateway is public
 *   (OpenRegistry redirects pulls there).
 * - PostgreSQL's volume root holds lost+found, which initdb refuses: PGDATA is a subfolder.
 */
import { defineStack, priceCeiling, Size, type ServiceHandle, type Stack } from "../src/stack/index.js";

/** Kubo's README: below 6 GB and 2 cores expect OOM kills and missed reprovides. */
const KUBO_MIN_MEMORY_GI = 6;
const KUBO_MIN_CPU = 2;

/** Leave Go's garbage collector 15% of the container's memory as headroom before the OOM killer. */
const GOMEMLIMIT_SHARE = 0.85;
/**
 * libp2p's resource manager defaults to half of the *host's* memory; half of the container's
 * keeps connections and streams well under GOMEMLIMIT, leaving the rest to the datastore and GC.
 */
const SWARM_MEMORY_SHARE = 0.5;
/** Kubo's StorageMax is the GC trigger (with --enable-gc); keep it under the volume so the disk never fills. */
const STORAGE_MAX_SHARE = 0.85;

/**
 * Swarm ports. The provider keys a service's ports by number, so TCP and UDP on 4001 would lose
 * UDP without a word (registry-audit.md): QUIC, WebTransport and WebRTC share UDP 4002 instead.
 */
const SWARM_TCP_PORT = 4001;
const SWARM_UDP_PORT = 4002;

const PGDATA_MOUNT = "/var/lib/postgresql/data";

/**
 * Each service's price ceiling is `priceHeadroom` times what a provider at the helm chart's default
 * prices bids for it (`priceCeiling`; registry-audit.md, "Provider prices"; test/stack-registry.test.ts
 * checks it against the bid script's full formula). Room for providers priced above the defaults and
 * for ACT below 1 USD. The deposit and runway come from the expected price, not from the ceiling.
 */

const ENGINES = ["distribution", "openregistry"] as const;
type Engine = (typeof ENGINES)[number];

export default defineStack({
  name: "registry",
  description: "An OCI registry (CNCF Distribution or OpenRegistry) and an IPFS Kubo node behind a Caddy TLS edge on a leased IP.",
  params: {
    /** The zone: the registry is registry.<domain>, the IPFS gateway ipfs.<domain>. */
    domain: "alternatefutures.ai",
    /** "distribution" (CNCF Distribution, proven here) or "openregistry" (layers in IPFS; unproven). */
    engine: "distribution" as string,
    /** The registry's admin account (its password is the generated secret REGISTRY_ADMIN_PASSWORD). */
    adminUser: "admin",
    // Images, all pinned to the versions `akash-stack rehearse` runs (tools/README.md): providers
    // cache tags, so a moving tag means replicas running different code.
    postgresImage: "postgres:15.20-alpine",
    kuboImage: "ipfs/kubo:v0.42.0",
    distributionImage: "registry:3.1.2",
    openregistryImage: "ghcr.io/alternatefutures/openregistry:ffa19b2-r1",
    caddyImage: "caddy:2.10.2-alpine",
    // Sizes.
    postgresStorageGi: 20,
    registryStorageGi: 100,
    kuboStorageGi: 100,
    kuboMemoryGi: 6,
    kuboCpu: 2,
    /** OpenRegistry buffers whole layers in memory during uploads: size it for the largest layer × concurrent pushes. */
    registryMemoryGi: 4,
    /** Each service's price ceiling, as a multiple of what providers at the default prices bid for it. */
    priceHeadroom: 3,
  },
  build(stack, p) {
    if (p.kuboMemoryGi < KUBO_MIN_MEMORY_GI || p.kuboCpu < KUBO_MIN_CPU) {
      throw new RangeError(`Kubo needs at least ${KUBO_MIN_MEMORY_GI} GiB and ${KUBO_MIN_CPU} CPUs (kuboMemoryGi=${p.kuboMemoryGi}, kuboCpu=${p.kuboCpu})`);
    }
    if (!(ENGINES as readonly string[]).includes(p.engine)) {
      throw new RangeError(`engine ${JSON.stringify(p.engine)} is not a registry engine: use ${ENGINES.map((e) => JSON.stringify(e)).join(" or ")}`);
    }
    const engine = p.engine as Engine;
    const registryHost = `registry.${p.domain}`;
    const gatewayHost = `ipfs.${p.domain}`;

    const kuboMemory = Size.gibibytes(p.kuboMemoryGi);
    const kuboStorage = Size.gibibytes(p.kuboStorageGi);
    const swarmAddresses = [
      `/ip4/0.0.0.0/tcp/${SWARM_TCP_PORT}`,
      `/ip6/::/tcp/${SWARM_TCP_PORT}`,
      `/ip4/0.0.0.0/udp/${SWARM_UDP_PORT}/quic-v1`,
      `/ip4/0.0.0.0/udp/${SWARM_UDP_PORT}/quic-v1/webtransport`,
      `/ip4/0.0.0.0/udp/${SWARM_UDP_PORT}/webrtc-direct`,
      `/ip6/::/udp/${SWARM_UDP_PORT}/quic-v1`,
      `/ip6/::/udp/${SWARM_UDP_PORT}/quic-v1/webtransport`,
      `/ip6/::/udp/${SWARM_UDP_PORT}/webrtc-direct`,
    ];
    const ipfs = stack.service("ipfs", {
      image: p.kuboImage,
      // Akash cannot mount config files, so the settings are applied with `start_ipfs config`
      // before the daemon starts (start_ipfs initialises the repo with IPFS_PROFILE on first run).
      command: ["sh", "-c"],
      args: [
        [
          "set -e",
          // After an image upgrade the repo can be older than this Kubo, and `config` on it fails
          // with ErrNeedMigration; under set -e the container would crash-loop before reaching
          // `daemon --migrate`. Migrate first (on a new or current repo it changes nothing).
          "/usr/local/bin/start_ipfs repo migrate",
          // A path gateway for our host only; the edge forwards the original Host header.
          `/usr/local/bin/start_ipfs config --json Gateway.PublicGateways '${JSON.stringify({
            [gatewayHost]: { UseSubdomains: false, Paths: ["/ipfs"], NoDNSLink: true },
          })}'`,
          // Serve only what this node holds: a public gateway must not fetch the whole network for strangers.
          "/usr/local/bin/start_ipfs config --json Gateway.NoFetch true",
          `/usr/local/bin/start_ipfs config --json Addresses.Swarm '${JSON.stringify(swarmAddresses)}'`,
          `/usr/local/bin/start_ipfs config Swarm.ResourceMgr.MaxMemory ${Math.floor(kuboMemory.mebibytes * SWARM_MEMORY_SHARE)}MiB`,
          // StorageMax only matters with --enable-gc below; pinned content (every layer) is never collected.
          `/usr/local/bin/start_ipfs config Datastore.StorageMax ${Math.floor(kuboStorage.mebibytes * STORAGE_MAX_SHARE)}MiB`,
          "exec /sbin/tini -- /usr/local/bin/start_ipfs daemon --migrate=true --enable-gc",
        ].join("\n"),
      ],
      env: {
        IPFS_PROFILE: "server",
        // Kubo v0.42 reports usage to its developers unless told not to; a registry's node should not.
        IPFS_TELEMETRY: "off",
        // Kubo sizes its caches from the host's memory, not the container's; GOMEMLIMIT keeps it inside.
        GOMEMLIMIT: `${Math.floor(kuboMemory.mebibytes * GOMEMLIMIT_SHARE)}MiB`,
      },
      compute: {
        cpu: p.kuboCpu,
        memory: kuboMemory,
        storage: { root: Size.gibibytes(1), volumes: { repo: { size: kuboStorage, class: "beta3", mount: "/data/ipfs" } } },
      },
      // Two swarm ports on the leased IP (each unit that uses the IP is charged for it).
      price: priceCeiling({ cpu: p.kuboCpu, memoryGi: p.kuboMemoryGi, ephemeralGi: 1, persistentGi: { beta3: p.kuboStorageGi }, endpoints: 4, leasedIp: true }, p.priceHeadroom),
    });

    const registry =
      engine === "distribution"
        ? distribution(stack, p, { registryHost })
        : openRegistry(stack, p, { registryHost, gatewayHost, ipfs });

    const edge = stack.service("edge", {
      image: p.caddyImage,
      command: ["sh", "-c"],
      args: [
        [
          "set -e",
          "cat > /etc/caddy/Caddyfile <<EOF",
          "{",
          // Caddy's admin API would let anyone who reaches it rewrite the config.
          "  admin off",
          "}",
          // No request_body directive: Caddy sets no body limit, so multi-GB layers go through.
          "${REGISTRY_HOST} {",
          "  reverse_proxy registry:5000",
          "}",
          "${GATEWAY_HOST} {",
          "  reverse_proxy ipfs:8080",
          "}",
          "EOF",
          "exec caddy run --config /etc/caddy/Caddyfile --adapter caddyfile",
        ].join("\n"),
      ],
      env: { REGISTRY_HOST: registryHost, GATEWAY_HOST: gatewayHost },
      compute: {
        cpu: 0.5,
        memory: Size.mebibytes(512),
        // The official image keeps certificates and ACME accounts under /data: keep them across
        // restarts, or Let's Encrypt's rate limits bite after a few redeploys.
        storage: { root: Size.mebibytes(512), volumes: { certs: { size: Size.gibibytes(1), class: "beta3", mount: "/data" } } },
      },
      // 80 and 443 on the leased IP.
      price: priceCeiling({ cpu: 0.5, memoryGi: 0.5, ephemeralGi: 0.5, persistentGi: { beta3: 1 }, endpoints: 4, leasedIp: true }, p.priceHeadroom),
    });

    ipfs.allow(edge, { port: 8080 });
    registry.allow(edge, { port: 5000 });

    const ip = stack.ipEndpoint("edge");
    // accept: the hosts also get an ingress route on the provider, which strict providers require for port 80.
    edge.expose({ port: 80, global: true, ip, accept: [registryHost, gatewayHost] });
    edge.expose({ port: 443, global: true, ip });
    // Swarm on the leased IP too: its ports keep their numbers there, so what Kubo listens on is
    // what peers dial (a provider-chosen NodePort is never announced).
    ipfs.expose({ port: SWARM_TCP_PORT, proto: "tcp", global: true, ip });
    ipfs.expose({ port: SWARM_UDP_PORT, proto: "udp", global: true, ip });

    stack.dns.zone(p.domain).a("registry", ip).a("ipfs", ip);
  },
});

/** The parameters the engine builders read. */
interface Params {
  domain: string;
  adminUser: string;
  postgresImage: string;
  distributionImage: string;
  openregistryImage: string;
  postgresStorageGi: number;
  registryStorageGi: number;
  registryMemoryGi: number;
  priceHeadroom: number;
}

/**
 * CNCF Distribution with its layers on a persistent volume. Akash cannot mount files, so the
 * htpasswd file is written from the environment at every start; it holds a bcrypt hash, never
 * the password (the generated secret REGISTRY_HTPASSWD, made from REGISTRY_ADMIN_PASSWORD).
 */
function distribution(stack: Stack, p: Params, ctx: { registryHost: string }): ServiceHandle {
  const adminPassword = stack.generatedSecret("REGISTRY_ADMIN_PASSWORD", { kind: "password" });
  stack.login({ host: ctx.registryHost, username: p.adminUser, password: adminPassword });
  const htpasswd = stack.generatedSecret("REGISTRY_HTPASSWD", { kind: "htpasswd", username: p.adminUser, password: adminPassword });
  // Signs upload state: without it each start picks a random one and in-flight uploads fail.
  const httpSecret = stack.generatedSecret("REGISTRY_HTTP_SECRET", { kind: "password" });
  return stack.service("registry", {
    image: p.distributionImage,
    command: ["sh", "-c"],
    args: [
      [
        "set -e",
        "umask 077",
        "mkdir -p /auth",
        'printf \'%s\\n\' "$REGISTRY_HTPASSWD" > /auth/htpasswd',
        "unset REGISTRY_HTPASSWD",
        "exec registry serve /etc/distribution/config.yml",
      ].join("\n"),
    ],
    env: {
      REGISTRY_HTPASSWD: htpasswd,
      // Anonymous pulls and pushes are refused: every request needs the admin account.
      REGISTRY_AUTH: "htpasswd",
      REGISTRY_AUTH_HTPASSWD_REALM: ctx.registryHost,
      REGISTRY_AUTH_HTPASSWD_PATH: "/auth/htpasswd",
      REGISTRY_HTTP_SECRET: httpSecret,
      // Upload locations relative to the request, so they stay right behind the TLS edge.
      REGISTRY_HTTP_RELATIVEURLS: "true",
      REGISTRY_STORAGE_DELETE_ENABLED: "true",
      REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY: "/var/lib/registry",
    },
    compute: {
      cpu: 1,
      memory: Size.gibibytes(1),
      storage: { root: Size.gibibytes(1), volumes: { data: { size: Size.gibibytes(p.registryStorageGi), class: "beta3", mount: "/var/lib/registry" } } },
    },
    count: 1,
    price: priceCeiling({ cpu: 1, memoryGi: 1, ephemeralGi: 1, persistentGi: { beta3: p.registryStorageGi } }, p.priceHeadroom),
  });
}

/** OpenRegistry with its metadata in PostgreSQL and its layers in the stack's Kubo node. */
function openRegistry(stack: Stack, p: Params, ctx: { registryHost: string; gatewayHost: string; ipfs: ServiceHandle }): ServiceHandle {
  const postgresPassword = stack.generatedSecret("POSTGRES_PASSWORD", { kind: "password" });
  const registryDbPassword = stack.generatedSecret("OPENREGISTRY_DB_PASSWORD", { kind: "password" });
  const registryAuthKey = stack.generatedSecret("OPENREGISTRY_AUTH_KEY", { kind: "rsa-private-key-pem-base64" });

  const postgres = stack.service("postgres", {
    image: p.postgresImage,
    env: {
      POSTGRES_USER: "postgres",
      POSTGRES_PASSWORD: postgresPassword,
      // Not open_registry: `migrations init` creates that database owned by its own user (on
      // PG15 a database pre-created by postgres would leave the user unable to create tables).
      POSTGRES_DB: "postgres",
      PGDATA: `${PGDATA_MOUNT}/pgdata`,
    },
    compute: {
      cpu: 1,
      memory: Size.gibibytes(2),
      storage: {
        root: Size.gibibytes(1),
        volumes: { data: { size: Size.gibibytes(p.postgresStorageGi), class: "beta3", mount: PGDATA_MOUNT } },
      },
    },
    price: priceCeiling({ cpu: 1, memoryGi: 2, ephemeralGi: 1, persistentGi: { beta3: p.postgresStorageGi } }, p.priceHeadroom),
  });

  const registry = stack.service("registry", {
    image: p.openregistryImage,
    // Read by images/openregistry/entrypoint.sh, which writes OpenRegistry's config.yaml.
    env: {
      OPENREGISTRY_DNS_ADDRESS: ctx.registryHost,
      OPENREGISTRY_WEB_APP_URL: `https://${ctx.registryHost}`,
      OPENREGISTRY_DB_HOST: "postgres",
      OPENREGISTRY_DB_PORT: 5432,
      OPENREGISTRY_DB_NAME: "open_registry",
      OPENREGISTRY_DB_USER: "open_registry_user",
      OPENREGISTRY_DB_PASSWORD: registryDbPassword,
      OPENREGISTRY_DB_ADMIN_USER: "postgres",
      OPENREGISTRY_DB_ADMIN_PASSWORD: postgresPassword,
      OPENREGISTRY_IPFS_RPC_MULTI_ADDR: "/dns4/ipfs/tcp/5001",
      // Public: pulls are redirected here, so docker clients and providers must reach it.
      OPENREGISTRY_IPFS_GATEWAY_ENDPOINT: `https://${ctx.gatewayHost}`,
      OPENREGISTRY_AUTH_KEY_PEM_BASE64: registryAuthKey,
    },
    compute: { cpu: 1, memory: Size.gibibytes(p.registryMemoryGi), storage: { root: Size.gibibytes(2) } },
    // Upload sessions live in process memory: a second replica would lose half the pushes.
    count: 1,
    price: priceCeiling({ cpu: 1, memoryGi: p.registryMemoryGi, ephemeralGi: 2 }, p.priceHeadroom),
  });
  postgres.allow(registry, { port: 5432 });
  ctx.ipfs.allow(registry, { port: 5001 });
  return registry;
}
