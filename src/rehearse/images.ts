/**
 * The images a rehearsal can run, and what stands in for each on this machine: the same program
 * at the same version (built from the Go module proxy by scripts/build-tools.sh, or a Debian
 * package), placed at the paths the image uses, with the image's users, folders and environment.
 * The SDL's command, args and env then run unchanged. An image that is not in this table is an
 * error, never a guess: a rehearsal that ran something else would prove nothing.
 *
 * Sources for each entry are named beside it (the image's Dockerfile, read at the same version).
 */
import { CADDY_LOCAL_CA_SHIM } from "./caddy-shim.js";

/** Where a file in the service's root comes from. */
export type FileSource =
  /** A program or file that scripts/build-tools.sh puts in `.cache/tools/bin`. */
  | { tool: string }
  /** A program from a Debian package, at its path on this machine. */
  | { host: string }
  /** Text the rehearsal writes (a shim; says why where it is defined). */
  | { text: string };

export interface ImageFile {
  /** The absolute path inside the service's root. */
  path: string;
  from: FileSource;
  /** 0o755 for programs. */
  mode: number;
}

export interface ImageUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface ImageRuntime {
  /** The reference the SDL must use, exactly (repository and tag). */
  image: string;
  /** What runs in its place here, for the rehearsal's summary. */
  standIn: string;
  /** The image's ENTRYPOINT and CMD; an SDL `command` replaces the first, `args` the second (Kubernetes rules). */
  entrypoint: string[];
  cmd: string[];
  workdir: string;
  /** The image's ENV, under the SDL's env. */
  env: Readonly<Record<string, string>>;
  files: ImageFile[];
  users: ImageUser[];
  /** Folders the image creates, with their owner (a user above, or root). */
  dirs: Array<{ path: string; owner: string }>;
  /** What differs from running the image on a provider, said by `rehearse` before it starts. */
  changes: string[];
}

const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** `ipfs/kubo:v0.42.0`: kubo's Dockerfile at v0.42.0 (busybox base, tini, gosu, user ipfs uid 1000). */
const KUBO: ImageRuntime = {
  image: "ipfs/kubo:v0.42.0",
  standIn: "Kubo v0.42.0 built from tools/kubo, with start_ipfs and container_init_run from the same module; Debian's tini and gosu",
  entrypoint: ["/sbin/tini", "--", "/usr/local/bin/start_ipfs"],
  cmd: ["daemon", "--migrate=true", "--agent-version-suffix=docker"],
  workdir: "/",
  env: { PATH, IPFS_PATH: "/data/ipfs", GOLOG_LOG_LEVEL: "" },
  files: [
    { path: "/usr/local/bin/ipfs", from: { tool: "ipfs" }, mode: 0o755 },
    { path: "/usr/local/bin/start_ipfs", from: { tool: "start_ipfs" }, mode: 0o755 },
    { path: "/usr/local/bin/container_init_run", from: { tool: "container_init_run" }, mode: 0o755 },
    { path: "/sbin/tini", from: { host: "/usr/bin/tini" }, mode: 0o755 },
    { path: "/usr/local/bin/gosu", from: { host: "/usr/sbin/gosu" }, mode: 0o755 },
  ],
  users: [{ name: "ipfs", uid: 1000, gid: 100, home: "/data/ipfs" }],
  dirs: [
    { path: "/data/ipfs", owner: "ipfs" },
    { path: "/container-init.d", owner: "ipfs" },
  ],
  changes: [],
};

/**
 * `registry:3.1.2`: CNCF Distribution v3.1.2 as the official image packs it: the binary at
 * /bin/registry and cmd/registry/config-example.yml at /etc/distribution/config.yml (the build
 * script copies that file from the same module).
 */
const DISTRIBUTION: ImageRuntime = {
  image: "registry:3.1.2",
  standIn: "CNCF Distribution v3.1.2 built from tools/distribution, with the image's config.yml from the same module",
  entrypoint: ["registry"],
  cmd: ["serve", "/etc/distribution/config.yml"],
  workdir: "/",
  env: { PATH, OTEL_TRACES_EXPORTER: "none" },
  files: [
    { path: "/bin/registry", from: { tool: "registry" }, mode: 0o755 },
    { path: "/etc/distribution/config.yml", from: { tool: "distribution-config.yml" }, mode: 0o644 },
  ],
  users: [],
  dirs: [{ path: "/var/lib/registry", owner: "root" }],
  changes: [],
};

/** `caddy:2.10.2-alpine`: caddy-docker's Dockerfile (XDG folders under /config and /data, WORKDIR /srv). */
const CADDY: ImageRuntime = {
  image: "caddy:2.10.2-alpine",
  standIn: "Caddy v2.10.2 built from tools/caddy",
  entrypoint: [],
  cmd: ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"],
  workdir: "/srv",
  env: { PATH, CADDY_VERSION: "v2.10.2", XDG_CONFIG_HOME: "/config", XDG_DATA_HOME: "/data" },
  files: [
    { path: "/usr/local/lib/akash-stack-rehearse/caddy", from: { tool: "caddy" }, mode: 0o755 },
    { path: "/usr/bin/caddy", from: { text: CADDY_LOCAL_CA_SHIM }, mode: 0o755 },
  ],
  users: [],
  dirs: [
    { path: "/config/caddy", owner: "root" },
    { path: "/data/caddy", owner: "root" },
    { path: "/etc/caddy", owner: "root" },
    { path: "/srv", owner: "root" },
  ],
  changes: [
    "caddy: certificates come from Caddy's own local CA (global options local_certs and skip_install_trust), not Let's Encrypt, which this machine cannot reach; nothing else in the stack changes",
  ],
};

export const IMAGE_RUNTIMES: readonly ImageRuntime[] = [KUBO, DISTRIBUTION, CADDY];

/** Images known not to be runnable here, with the reason to give instead of "unknown image". */
export const UNAVAILABLE_IMAGES: ReadonlyArray<{ repository: string; reason: string }> = [
  {
    repository: "ghcr.io/alternatefutures/openregistry",
    reason:
      "OpenRegistry cannot be built on this machine: the Go module proxy refuses github.com/containerish/OpenRegistry " +
      "(see tools/README.md); rehearse the registry stack with --set engine=distribution",
  },
];

export function imageRuntime(image: string): ImageRuntime | undefined {
  return IMAGE_RUNTIMES.find((r) => r.image === image);
}

/** Why an image cannot be rehearsed, naming what can be: for the error at the SDL's `image:`. */
export function unknownImageReason(image: string): string {
  const repository = image.replace(/@sha256:[0-9a-f]+$/, "").replace(/:[^/:]+$/, "");
  const unavailable = UNAVAILABLE_IMAGES.find((u) => u.repository === repository);
  if (unavailable) return unavailable.reason;
  const sameRepository = IMAGE_RUNTIMES.filter((r) => r.image.replace(/:[^/:]+$/, "") === repository).map((r) => r.image);
  if (sameRepository.length > 0) {
    return `rehearse runs ${sameRepository.join(", ")}, built and tested here, and no other version of ${repository}: use that tag, or add the version to tools/ and src/rehearse/images.ts`;
  }
  return `rehearse has no local program for ${image}: it runs only ${IMAGE_RUNTIMES.map((r) => r.image).join(", ")} (src/rehearse/images.ts)`;
}
