/**
 * The backend stack: the seed's `api` service (alternatefutures/service-cloud-api
 * `deploy-api.yaml`), pulling its image from the registry stack instead of ghcr.io.
 *
 * OpenRegistry allows no anonymous pulls, not even of public repositories, so the provider gets
 * registry `credentials` (from secrets), and the image name has the `<username>/<image>` shape
 * OpenRegistry routes.
 */
import { defineStack, Size } from "../src/stack/index.js";

export default defineStack({
  name: "backend",
  description: "The Alternate Futures API, pulled from the registry stack's registry.<domain>.",
  params: {
    domain: "alternatefutures.ai",
    /** A tag pushed to registry.<domain>/alternatefutures/backend. Never "latest": providers cache tags. */
    imageTag: "1.0.0",
    /**
     * Kubo RPC the API adds content through. The registry stack's Kubo RPC (5001) is an admin API
     * reachable only by its registry service: never from the internet or another deployment. So
     * there is no working default; point this at an RPC you run for the API (an authenticated
     * proxy, or a Kubo in the same deployment).
     */
    ipfsApiUrl: "",
    /** Public gateway for reading content; empty means the registry stack's https://ipfs.<domain>. */
    ipfsGatewayUrl: "",
    maxPricePerBlock: 10000,
  },
  build(stack, p) {
    const registryHost = `registry.${p.domain}`;

    const api = stack.service("api", {
      image: `${registryHost}/alternatefutures/backend:${p.imageTag}`,
      credentials: {
        host: registryHost,
        username: stack.secret("REGISTRY_USERNAME"),
        password: stack.secret("REGISTRY_PASSWORD"),
      },
      env: {
        NODE_ENV: "production",
        PORT: 4000,
        DATABASE_URL: stack.secret("DATABASE_URL"),
        JWT_SECRET: stack.secret("JWT_SECRET"),
        AUTH_SERVICE_URL: `https://auth.${p.domain}`,
        RESEND_API_KEY: stack.secret("RESEND_API_KEY"),
        IPFS_API_URL: p.ipfsApiUrl,
        IPFS_GATEWAY_URL: p.ipfsGatewayUrl || `https://ipfs.${p.domain}`,
        OTEL_SERVICE_NAME: "alternatefutures-api",
      },
      compute: { cpu: 1, memory: Size.gibibytes(1), storage: { root: Size.mebibytes(512) } },
      price: { amount: p.maxPricePerBlock },
    });

    // Through the provider's ingress: API requests are small, so its 1 MiB body default is fine.
    api.expose({ port: 4000, as: 80, global: true, accept: [`api.${p.domain}`] });
  },
});
