/**
 * What a rehearsal runs, decided before anything starts: for each service of the manifest a
 * provider would receive (secrets filled in as at deploy), the program that stands in for its
 * image, the exact argv and environment Kubernetes would give the container, its volumes and its
 * ports. Pure: no I/O, so every rule here is tested without root.
 *
 * All services share one network namespace, as the containers of one Akash deployment share one
 * cluster network: each reaches the others by their SDL names, which resolve to loopback there,
 * and so do the stack's DNS names (registry.<domain>) for clients that join the namespace.
 */
import type { ManifestGroup } from "../sdl/manifest.js";
import { imageRuntime, unknownImageReason, type ImageRuntime } from "./images.js";

export interface RehearsalService {
  name: string;
  image: string;
  runtime: ImageRuntime;
  /** The container's argv: the SDL's command or the image's entrypoint, then its args or the image's cmd. */
  argv: string[];
  /** The image's ENV, then the SDL's env (later wins), as NAME=value. */
  env: string[];
  /** Persistent and ephemeral volumes, by their SDL names. */
  volumes: Array<{ name: string; mount: string; readOnly: boolean }>;
  ports: Array<{ port: number; proto: "TCP" | "UDP" }>;
}

export interface RehearsalPlan {
  stack: string;
  services: RehearsalService[];
  /** Host names that resolve inside the namespace: every service name and every DNS name of the stack. */
  hosts: string[];
  /** What differs from a provider, one line each. */
  changes: string[];
}

/** The SDL names something a rehearsal cannot run; `service` says which part. */
export class RehearsalPlanError extends Error {
  override readonly name = "RehearsalPlanError";

  constructor(
    readonly problems: Array<{ service: string; message: string }>,
  ) {
    super(problems.map((p) => `service ${p.service}: ${p.message}`).join("\n"));
  }
}

export interface PlanInput {
  stack: string;
  /** The manifest with secrets filled in (`prepareDeployment`). */
  groups: readonly ManifestGroup[];
  /** The stack's DNS names (`SynthResult.dns[].fqdn`). */
  dnsNames: readonly string[];
}

export function planRehearsal(input: PlanInput): RehearsalPlan {
  const problems: Array<{ service: string; message: string }> = [];
  const services: RehearsalService[] = [];
  const portOwners = new Map<string, string>();

  for (const group of input.groups) {
    for (const service of group.services) {
      const runtime = imageRuntime(service.image);
      if (!runtime) {
        problems.push({ service: service.name, message: `image ${service.image}: ${unknownImageReason(service.image)}` });
        continue;
      }
      if (service.count !== 1) {
        problems.push({ service: service.name, message: `count is ${service.count}: a rehearsal runs one replica of each service; set count 1 to rehearse` });
      }
      const ports: RehearsalService["ports"] = [];
      for (const expose of service.expose) {
        const proto = expose.proto === "UDP" ? "UDP" : "TCP";
        // Services share the namespace, as pods share the cluster network by their service names;
        // two services listening on one port would collide here, though not on a provider.
        const key = `${expose.port}/${proto}`;
        const owner = portOwners.get(key);
        if (owner !== undefined && owner !== service.name) {
          problems.push({ service: service.name, message: `listens on ${key} like service ${owner}: services of a rehearsal share one network namespace, so each port can have one owner` });
        }
        portOwners.set(key, service.name);
        if (!ports.some((p) => p.port === expose.port && p.proto === proto)) ports.push({ port: expose.port, proto });
      }
      services.push({
        name: service.name,
        image: service.image,
        runtime,
        argv: containerArgv(runtime, service.command, service.args),
        env: containerEnv(runtime, service.env ?? []),
        volumes: (service.params?.storage ?? []).map((s) => ({ name: s.name, mount: s.mount, readOnly: s.readOnly })),
        ports,
      });
    }
  }
  if (problems.length > 0) throw new RehearsalPlanError(problems);

  const hosts = [...new Set([...services.map((s) => s.name), ...input.dnsNames])];
  const changes = [...new Set(services.flatMap((s) => s.runtime.changes))];
  return { stack: input.stack, services, hosts, changes };
}

/**
 * Kubernetes' rules, which providers follow: `command` replaces the image's ENTRYPOINT and `args`
 * its CMD; a command without args drops the image's CMD.
 */
export function containerArgv(runtime: Pick<ImageRuntime, "entrypoint" | "cmd">, command: readonly string[] | null, args: readonly string[] | null): string[] {
  const hasCommand = command !== null && command.length > 0;
  const hasArgs = args !== null && args.length > 0;
  const entrypoint = hasCommand ? command : runtime.entrypoint;
  const rest = hasArgs ? args : hasCommand ? [] : runtime.cmd;
  return [...entrypoint, ...rest];
}

/** The image's ENV under the SDL's env: a name set by both takes the SDL's value. */
export function containerEnv(runtime: Pick<ImageRuntime, "env">, sdlEnv: readonly string[]): string[] {
  const merged = new Map<string, string>(Object.entries(runtime.env));
  for (const entry of sdlEnv) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    merged.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return [...merged].map(([name, value]) => `${name}=${value}`);
}
