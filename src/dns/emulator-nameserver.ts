/**
 * A tiny authoritative DNS server on loopback UDP: it answers A, AAAA, CNAME and TXT questions
 * from zones handed to it with `publish`. It stands in for a DNS host's nameservers, so the wait
 * for propagation (`propagation.ts`) runs against real DNS packets in tests and the demo.
 * Packets are encoded and decoded by `dns-packet` (a dev dependency: only tests and the demo use it).
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import dnsPacket from "dns-packet";
import type { Answer, Question } from "dns-packet";

/** The fields of a zone row this server needs. */
export interface PublishedRow {
  name: string;
  type: string;
  address: string;
  ttl: string;
}

const NXDOMAIN = 3;
const REFUSED = 5;

export class ZoneNameserver {
  private readonly zones = new Map<string, PublishedRow[]>();
  /** Every question asked, as `name TYPE`: tests check the waiter really asked. */
  readonly questions: string[] = [];

  private constructor(
    private readonly socket: Socket,
    /** `127.0.0.1:PORT`, the form `Resolver#setServers` takes. */
    readonly address: string,
  ) {}

  static async start(port = 0): Promise<ZoneNameserver> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(port, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve();
      });
    });
    const server = new ZoneNameserver(socket, `127.0.0.1:${socket.address().port}`);
    socket.on("message", (message, remote) => server.answer(message, remote));
    return server;
  }

  /** Serves `rows` for `domain` from now on (replacing what was served). */
  publish(domain: string, rows: readonly PublishedRow[]): void {
    this.zones.set(domain.toLowerCase(), rows.map((r) => ({ ...r })));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private answer(message: Buffer, remote: RemoteInfo): void {
    let query: ReturnType<typeof dnsPacket.decode>;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not DNS: a real server drops it too
    }
    const question = query.questions?.[0];
    if (!question) return;
    this.questions.push(`${question.name.toLowerCase()} ${question.type}`);
    const { rcode, answers } = this.lookup(question);
    const response = dnsPacket.encode({
      type: "response",
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | rcode,
      questions: [question],
      answers,
    });
    this.socket.send(response, remote.port, remote.address);
  }

  private lookup(question: Question): { rcode: number; answers: Answer[] } {
    const name = question.name.toLowerCase().replace(/\.$/, "");
    const domain = [...this.zones.keys()].find((zone) => name === zone || name.endsWith(`.${zone}`));
    if (domain === undefined) return { rcode: REFUSED, answers: [] };
    const relative = name === domain ? "@" : name.slice(0, -(domain.length + 1));
    const rows = this.zones.get(domain)!.filter((row) => row.name.toLowerCase() === relative);
    if (rows.length === 0) return { rcode: NXDOMAIN, answers: [] };
    const cname = rows.find((row) => row.type.toUpperCase() === "CNAME");
    const matching = cname && question.type !== "CNAME" ? [cname] : rows.filter((row) => row.type.toUpperCase() === question.type);
    const answers = matching.flatMap((row): Answer[] => {
      const ttl = Number(row.ttl) || 300;
      switch (row.type.toUpperCase()) {
        case "A":
          return [{ type: "A", name: question.name, ttl, data: row.address }];
        case "AAAA":
          return [{ type: "AAAA", name: question.name, ttl, data: row.address }];
        case "CNAME":
          return [{ type: "CNAME", name: question.name, ttl, data: row.address.replace(/\.$/, "") }];
        case "TXT":
          return [{ type: "TXT", name: question.name, ttl, data: row.address }];
        default:
          return [];
      }
    });
    return { rcode: 0, answers };
  }
}
