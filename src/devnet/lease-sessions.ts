/**
 * What a devnet provider answers on the lease websockets (logs, kubeevents, shell), speaking the
 * same protocol as a real provider (src/provider/lease-streams.ts documents it). No containers
 * run, so the content is generated from the manifest and the lease's life: a few log lines per
 * pod and one more per block while following, the Kubernetes events of a rollout, and a shell
 * that echoes the command and exits with 0 (or N for `exit N`, 1 for `false`).
 */
import type { WebSocket } from "ws";
import type { ManifestGroup, ManifestService } from "../sdl/manifest.js";

export interface LeaseView {
  dseq: bigint;
  /** The manifest group this lease runs. */
  group: ManifestGroup;
  /** Height at which the manifest was accepted. */
  deployedAt: number;
  /** The chain's current height, and a way to hear about new blocks. */
  height(): number;
  onBlock(listener: (height: number) => void): () => void;
}

function podNames(dseq: bigint, service: ManifestService): string[] {
  return Array.from({ length: Math.max(1, service.count) }, (_, i) => `${service.name}-${dseq.toString(36)}-${i}`);
}

function selected(group: ManifestGroup, names: readonly string[]): ManifestService[] {
  return group.services.filter((s) => names.length === 0 || names.includes(s.name));
}

/** The log history of one pod, oldest first. */
function history(service: ManifestService, deployedAt: number): string[] {
  const ports = service.expose.map((e) => `${e.port}/${e.proto.toLowerCase()}`).join(", ") || "no ports";
  return [
    `devnet: pulled image ${service.image} at height ${deployedAt}`,
    `devnet: started ${service.command?.join(" ") || "the image's entrypoint"}${service.args && service.args.length > 0 ? ` ${service.args.join(" ")}` : ""}`,
    `devnet: listening on ${ports}`,
    `devnet: ready (no container runs on the devnet; these lines are generated)`,
  ];
}

export function serveLogs(socket: WebSocket, lease: LeaseView, query: URLSearchParams): void {
  const follow = query.get("follow") === "true" || query.get("follow") === "1";
  const tail = Number(query.get("tail") ?? "-1");
  const services = selected(lease.group, (query.get("service") ?? "").split(",").filter(Boolean));
  const send = (pod: string, message: string) => socket.send(JSON.stringify({ name: pod, message }));
  for (const service of services) {
    for (const pod of podNames(lease.dseq, service)) {
      const lines = history(service, lease.deployedAt);
      for (const line of Number.isInteger(tail) && tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines) send(pod, line);
    }
  }
  if (!follow) {
    socket.close(1000);
    return;
  }
  const stop = lease.onBlock((height) => {
    for (const service of services) for (const pod of podNames(lease.dseq, service)) send(pod, `devnet: alive at height ${height}`);
  });
  socket.once("close", stop);
}

export function serveEvents(socket: WebSocket, lease: LeaseView, query: URLSearchParams): void {
  const follow = query.get("follow") === "true" || query.get("follow") === "1";
  const services = selected(lease.group, (query.get("service") ?? "").split(",").filter(Boolean));
  for (const service of services) {
    for (const pod of podNames(lease.dseq, service)) {
      const event = (reason: string, note: string) =>
        socket.send(JSON.stringify({ type: "Normal", reason, note, reportingController: "devnet", object: { kind: "Pod", namespace: `lease-${lease.dseq}`, name: pod } }));
      event("Scheduled", `Successfully assigned ${pod} to devnet-node`);
      event("Pulling", `Pulling image "${service.image}"`);
      event("Pulled", `Successfully pulled image "${service.image}"`);
      event("Created", `Created container ${service.name}`);
      event("Started", `Started container ${service.name}`);
    }
  }
  if (!follow) socket.close(1000);
}

const STDOUT = 100;
const RESULT = 102;
const FAILURE = 103;

export function serveShell(socket: WebSocket, lease: LeaseView, query: URLSearchParams): void {
  const command: string[] = [];
  for (let i = 0; query.has(`cmd${i}`); i++) command.push(query.get(`cmd${i}`)!);
  const service = lease.group.services.find((s) => s.name === query.get("service"));
  const frame = (code: number, payload: string) => socket.send(Buffer.concat([Buffer.from([code]), Buffer.from(payload, "utf8")]), { binary: true });
  if (!service) {
    frame(FAILURE, `service ${JSON.stringify(query.get("service") ?? "")} is not part of this lease`);
    socket.close(1000);
    return;
  }
  if (command.length === 0) {
    frame(FAILURE, "no command given");
    socket.close(1000);
    return;
  }
  frame(STDOUT, `${command.join(" ")}\n`);
  const exit = /^exit$/.test(command[0]!) ? Number(command[1] ?? 0) : command[0] === "false" ? 1 : 0;
  frame(RESULT, JSON.stringify({ exit_code: Number.isInteger(exit) ? exit : 2 }));
  socket.close(1000);
}
