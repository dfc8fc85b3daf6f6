/**
 * Small loopback stand-ins for the `verify` tests: an IPFS path gateway that behaves like Kubo's
 * for the requests verify makes (or serves wrong bytes), a DNS server on UDP, and a TLS server.
 * Known CIDs come from registry-stack.md §2 (computed with Kubo/js-ipfs defaults), not from the
 * code under test.
 */
import { createSocket, type Socket } from "node:dgram";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:tls";
import { createRequire } from "node:module";
import { listen, type Listening } from "./verify-servers.js";

export const EMPTY_DIR_CID = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn";
/** The empty UnixFS directory's dag-pb block: Data { Type: Directory }. */
export const EMPTY_DIR_BLOCK = new Uint8Array([0x0a, 0x02, 0x08, 0x01]);
export const HELLO_WORLD_CID = "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o";
export const HELLO_WORLD = "hello world\n";

export type GatewayBehaviour = "kubo" | "wrong-bytes" | "no-raw-blocks";

/**
 * `kubo`: `/ipfs/<dir>` → 301 to `/ipfs/<dir>/`, which lists the directory; `?format=raw` (or
 * `Accept: application/vnd.ipld.raw`) → the block; `/ipfs/<file>` → the file's bytes.
 * `wrong-bytes`: the same routes, but every body is replaced by other bytes.
 * `no-raw-blocks`: like an old gateway: 406 for raw blocks.
 */
export async function startFakeGateway(behaviour: GatewayBehaviour, files: Record<string, string> = { [HELLO_WORLD_CID]: HELLO_WORLD }): Promise<Listening & { paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://gateway");
    paths.push(url.pathname + url.search);
    const send = (status: number, type: string, body: Uint8Array | string) => {
      const bytes = behaviour === "wrong-bytes" && status === 200 ? new TextEncoder().encode("<html><body>Welcome to nginx!</body></html>") : body;
      res.writeHead(status, { "Content-Type": type }).end(bytes);
    };
    const match = /^\/ipfs\/([^/]+)(\/?)$/.exec(url.pathname);
    if (!match) return send(404, "text/plain", "not found");
    const [, cid, slash] = match;
    const wantsRaw = url.searchParams.get("format") === "raw" || (req.headers.accept ?? "").includes("application/vnd.ipld.raw");
    if (cid === EMPTY_DIR_CID) {
      if (wantsRaw) {
        if (behaviour === "no-raw-blocks") return send(406, "text/plain", "format not supported");
        return send(200, "application/vnd.ipld.raw", EMPTY_DIR_BLOCK);
      }
      if (slash !== "/") {
        res.writeHead(301, { Location: `/ipfs/${cid}/` }).end();
        return;
      }
      return send(200, "text/html", `<html><body><h1>Index of /ipfs/${cid}/</h1></body></html>`);
    }
    const file = cid ? files[cid] : undefined;
    if (file === undefined) return send(404, "text/plain", `ipfs resolve -r /ipfs/${cid}: block was not found locally (offline)`);
    return send(200, "application/octet-stream", file);
  });
  const listening = await listen(server);
  return { ...listening, paths };
}

/** The subset of dns-packet (a JS package without types) the tests use. */
interface DnsQuestion {
  type: string;
  name: string;
}
interface DnsAnswer {
  type: string;
  name: string;
  ttl: number;
  data: string;
}
interface DnsPacketCodec {
  decode(buf: Buffer): { id?: number; questions?: DnsQuestion[] };
  encode(packet: { type: "response"; id: number; flags: number; questions: DnsQuestion[]; answers: DnsAnswer[] }): Buffer;
  AUTHORITATIVE_ANSWER: number;
}
const dnsPacket = createRequire(import.meta.url)("dns-packet") as DnsPacketCodec;

export interface DnsZoneData {
  /** name → IPv4 addresses */
  a?: Record<string, string[]>;
  /** zone → nameserver names */
  ns?: Record<string, string[]>;
}

export interface RunningDns {
  address: string;
  port: number;
  /** `address:port`, what `Resolver.setServers` takes. */
  server: string;
  queries: string[];
  close(): Promise<void>;
}

/** A DNS server on loopback UDP answering A and NS from `data`, NODATA for everything else. */
export async function startDnsServer(data: DnsZoneData, address = "127.0.0.1"): Promise<RunningDns> {
  const socket: Socket = createSocket("udp4");
  const queries: string[] = [];
  socket.on("message", (message, peer) => {
    const query = dnsPacket.decode(message);
    const questions = query.questions ?? [];
    const answers: DnsAnswer[] = [];
    for (const q of questions) {
      queries.push(`${q.type} ${q.name}`);
      const name = q.name.toLowerCase().replace(/\.$/, "");
      if (q.type === "A") for (const ip of data.a?.[name] ?? []) answers.push({ type: "A", name: q.name, ttl: 60, data: ip });
      if (q.type === "NS") for (const ns of data.ns?.[name] ?? []) answers.push({ type: "NS", name: q.name, ttl: 60, data: ns });
    }
    const response = dnsPacket.encode({ type: "response", id: query.id ?? 0, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions, answers });
    socket.send(response, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, address, () => resolve());
  });
  const port = socket.address().port;
  return { address, port, server: `${address}:${port}`, queries, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

/** A TLS server on loopback that completes handshakes with the given certificate. */
export async function startTlsServer(certPem: string, keyPem: string, host = "127.0.0.1"): Promise<{ port: number; close(): Promise<void> }> {
  const server = createTlsServer({ cert: certPem, key: keyPem }, (socket) => socket.end());
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
