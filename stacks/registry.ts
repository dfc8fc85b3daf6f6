/**
 * The registry stack: an OCI registry (OpenRegistry) that stores layers in IPFS (Kubo), with its
 * metadata in PostgreSQL, behind a TLS edge (Caddy) on a leased IP.
 *
 * Why it looks like this (../shared/reference/registry-stack.md):
 * - Akash's ingress caps request bodies at 100 MiB and gives custom domains only self-signed
 *   certificates, so `docker push` of real images needs our own TLS proxy on a leased IP.
 * - OpenRegistry reads only a config.yaml and publishes no image: `images/openregistry/` builds one
 *   whose entrypoint writes the config from the env set here.
 * - Pulls from OpenRegistry are 307 redirects to the IPFS gateway, so the gateway must be public
 *   (through the edge), while Kubo's RPC (5001) is an admin API only the registry may reach.
 * - PostgreSQL's volume root holds lost+found, which initdb refuses: PGDATA is a subfolder.
 */
import { defineStack, Size } from "../src/stack/index.js";

/** Kubo's README: below 6 GB and 2 cores expect OOM kills and missed reprovides. */
const KUBO_MIN_MEMORY_GI = 6;
const KUBO_MIN_CPU = 2;

/** Leave Go's garbage collector 15% of the container's memory as headroom before the OOM killer. */
const GOMEMLIMIT_SHARE = 0.85;
/** Kubo's StorageMax is a soft GC trigger; keep it under the volume so the disk never fills. */
const STORAGE_MAX_SHARE = 0.85;

const PGDATA_MOUNT = "/var/lib/postgresql/data";

export default defineStack({
  name: "registry",
  description: "OpenRegistry + IPFS Kubo + PostgreSQL behind a Caddy TLS edge on a leased IP.",
  params: {
    /** The zone: the registry is registry.<domain>, the IPFS gateway ipfs.<domain>. */
    domain: "alternatefutures.ai",
    // Images, all pinned: providers cache tags, so a moving tag means replicas running different code.
    postgresImage: "postgres:15.20-alpine",
    kuboImage: "ipfs/kubo:v0.42.0",
    openregistryImage: "ghcr.io/alternatefutures/openregistry:ffa19b2-r1",
    caddyImage: "caddy:2.10.2-alpine",
    // Sizes.
    postgresStorageGi: 20,
    kuboStorageGi: 100,
    kuboMemoryGi: 6,
    kuboCpu: 2,
    /** OpenRegistry buffers whole layers in memory during uploads: size it for the largest layer × concurrent pushes. */
    registryMemoryGi: 4,
    /** The most each service pays per block (uact); providers bid at or below it. */
    maxPricePerBlock: 10000,
  },
  build(stack, p) {
    if (p.kuboMemoryGi < KUBO_MIN_MEMORY_GI || p.kuboCpu < KUBO_MIN_CPU) {
      throw new RangeError(`Kubo needs at least ${KUBO_MIN_MEMORY_GI} GiB and ${KUBO_MIN_CPU} CPUs (kuboMemoryGi=${p.kuboMemoryGi}, kuboCpu=${p.kuboCpu})`);
    }
    const registryHost = `registry.${p.domain}`;
    const gatewayHost = `ipfs.${p.domain}`;
    const price = { amount: p.maxPricePerBlock };

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
      price,
    });

    const kuboMemory = Size.gibibytes(p.kuboMemoryGi);
    const kuboStorage = Size.gibibytes(p.kuboStorageGi);
    const ipfs = stack.service("ipfs", {
      image: p.kuboImage,
      // Akash cannot mount config files, so the settings are applied with `start_ipfs config`
      // before the daemon starts (start_ipfs initialises the repo with IPFS_PROFILE on first run).
      command: ["sh", "-c"],
      args: [
        [
          "set -e",
          // A path gateway for our host only; the edge forwards the original Host header.
          `/usr/local/bin/start_ipfs config --json Gateway.PublicGateways '${JSON.stringify({
            [gatewayHost]: { UseSubdomains: false, Paths: ["/ipfs"], NoDNSLink: true },
          })}'`,
          // Serve only what this node holds: a public gateway must not fetch the whole network for strangers.
          "/usr/local/bin/start_ipfs config --json Gateway.NoFetch true",
          `/usr/local/bin/start_ipfs config Datastore.StorageMax ${Math.floor(kuboStorage.mebibytes * STORAGE_MAX_SHARE)}MiB`,
          "exec /sbin/tini -- /usr/local/bin/start_ipfs daemon --migrate=true",
        ].join("\n"),
      ],
      env: {
        IPFS_PROFILE: "server",
        // Kubo sizes its caches from the host's memory, not the container's; GOMEMLIMIT keeps it inside.
        GOMEMLIMIT: `${Math.floor(kuboMemory.mebibytes * GOMEMLIMIT_SHARE)}MiB`,
      },
      compute: {
        cpu: p.kuboCpu,
        memory: kuboMemory,
        storage: { root: Size.gibibytes(1), volumes: { repo: { size: kuboStorage, class: "beta3", mount: "/data/ipfs" } } },
      },
      price,
    });

    const registry = stack.service("registry", {
      image: p.openregistryImage,
      // Read by images/openregistry/entrypoint.sh, which writes OpenRegistry's config.yaml.
      env: {
        OPENREGISTRY_DNS_ADDRESS: registryHost,
        OPENREGISTRY_WEB_APP_URL: `https://${registryHost}`,
        OPENREGISTRY_DB_HOST: "postgres",
        OPENREGISTRY_DB_PORT: 5432,
        OPENREGISTRY_DB_NAME: "open_registry",
        OPENREGISTRY_DB_USER: "open_registry_user",
        OPENREGISTRY_DB_PASSWORD: registryDbPassword,
        OPENREGISTRY_DB_ADMIN_USER: "postgres",
        OPENREGISTRY_DB_ADMIN_PASSWORD: postgresPassword,
        OPENREGISTRY_IPFS_RPC_MULTI_ADDR: "/dns4/ipfs/tcp/5001",
        // Public: pulls are redirected here, so docker clients and providers must reach it.
        OPENREGISTRY_IPFS_GATEWAY_ENDPOINT: `https://${gatewayHost}`,
        OPENREGISTRY_AUTH_KEY_PEM_BASE64: registryAuthKey,
      },
      compute: { cpu: 1, memory: Size.gibibytes(p.registryMemoryGi), storage: { root: Size.gibibytes(2) } },
      // Upload sessions live in process memory: a second replica would lose half the pushes.
      count: 1,
      price,
    });

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
      price,
    });

    postgres.allow(registry, { port: 5432 });
    ipfs.allow(registry, { port: 5001 });
    ipfs.allow(edge, { port: 8080 });
    registry.allow(edge, { port: 5000 });
    // Swarm: peers must reach the node to fetch what it pins. Provider-chosen external ports.
    ipfs.expose({ port: 4001, proto: "tcp", global: true });
    ipfs.expose({ port: 4001, proto: "udp", global: true });

    const ip = stack.ipEndpoint("edge");
    // accept: the hosts also get an ingress route on the provider, which strict providers require for port 80.
    edge.expose({ port: 80, global: true, ip, accept: [registryHost, gatewayHost] });
    edge.expose({ port: 443, global: true, ip });

    stack.dns.zone(p.domain).a("registry", ip).a("ipfs", ip);
  },
});
