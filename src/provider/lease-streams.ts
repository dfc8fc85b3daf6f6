/**
 * The provider's lease websockets, as provider-services speaks them (`lease-logs`, `lease-events`,
 * `lease-shell`; provider `gateway/rest/router.go`):
 *
 *   GET /lease/{dseq}/{gseq}/{oseq}/logs?follow=&tail=&service=a,b   scope logs
 *       text messages `{"name": POD, "message": LINE}`; without follow the provider closes after the tail
 *   GET /lease/{dseq}/{gseq}/{oseq}/kubeevents?follow=&service=       scope events
 *       text messages `{"type","reason","note"/"message","object":{"kind","name"}, …}`
 *   GET /lease/{dseq}/{gseq}/{oseq}/shell?service=&podIndex=0&tty=&stdin=&cmd0=…&cmdN=   scope shell
 *       binary frames whose first byte says what follows: 100 stdout, 101 stderr, 102 result
 *       (`{"exit_code": N, "message": …}`), 103 failure, 104 stdin, 105 terminal size (two
 *       big-endian uint16: width, height)
 */
import type { WebSocket } from "ws";
import type { ProviderClient } from "./client.js";

export interface LeaseId {
  dseq: string;
  gseq: number;
  oseq: number;
}

export interface LogLine {
  /** The pod (service replica) the line comes from, e.g. `web-6d4f9c-0`. */
  pod: string;
  message: string;
}

export interface LeaseEvent {
  type: string;
  reason: string;
  message: string;
  object: { kind: string; name: string };
}

export const SHELL_CODE = { stdout: 100, stderr: 101, result: 102, failure: 103, stdin: 104, resize: 105 } as const;

function leasePath(lease: LeaseId, what: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return `/lease/${lease.dseq}/${lease.gseq}/${lease.oseq}/${what}${text ? `?${text}` : ""}`;
}

/** Resolves when the provider closes the stream (or `signal` aborts it). */
function untilClosed(socket: WebSocket, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => socket.close(1000);
    signal?.addEventListener("abort", stop, { once: true });
    socket.once("close", () => {
      signal?.removeEventListener("abort", stop);
      resolve();
    });
    socket.once("error", (err) => reject(err));
  });
}

function text(data: unknown): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return String(data);
}

export async function streamLogs(
  client: ProviderClient,
  lease: LeaseId,
  options: { follow: boolean; tail?: number; services?: readonly string[]; signal?: AbortSignal },
  onLine: (line: LogLine) => void,
): Promise<void> {
  const path = leasePath(lease, "logs", {
    follow: String(options.follow),
    tail: options.tail === undefined ? undefined : String(options.tail),
    service: options.services && options.services.length > 0 ? options.services.join(",") : undefined,
  });
  const socket = await client.openSocket(path, "logs");
  socket.on("message", (data) => {
    const parsed = parseJson(text(data)) as { name?: unknown; message?: unknown } | undefined;
    // A message that is not the provider's JSON is shown as it came, not dropped.
    if (parsed && typeof parsed.message === "string") onLine({ pod: typeof parsed.name === "string" ? parsed.name : "?", message: parsed.message });
    else onLine({ pod: "?", message: text(data) });
  });
  await untilClosed(socket, options.signal);
}

export async function streamEvents(client: ProviderClient, lease: LeaseId, options: { follow: boolean; signal?: AbortSignal }, onEvent: (event: LeaseEvent) => void): Promise<void> {
  const socket = await client.openSocket(leasePath(lease, "kubeevents", { follow: String(options.follow) }), "events");
  socket.on("message", (data) => {
    const raw = (parseJson(text(data)) ?? {}) as Record<string, unknown>;
    const object = (raw.object ?? raw.involvedObject ?? {}) as Record<string, unknown>;
    onEvent({
      type: str(raw.type),
      reason: str(raw.reason),
      message: str(raw.note ?? raw.message),
      object: { kind: str(object.kind), name: str(object.name) },
    });
  });
  await untilClosed(socket, options.signal);
}

export interface ShellRequest {
  service: string;
  command: readonly string[];
  /** Allocate a terminal (stdin is then sent too). */
  tty: boolean;
  /** Sent as stdin frames; its end closes nothing (the command decides when it is done). */
  stdin?: NodeJS.ReadableStream;
  /** Terminal size to send at start and on every `resize` event of `terminal`. */
  terminal?: { columns: number; rows: number; on(event: "resize", listener: () => void): unknown; off(event: "resize", listener: () => void): unknown };
  podIndex?: number;
}

export interface ShellResult {
  exitCode: number;
  message?: string;
}

export async function runShell(client: ProviderClient, lease: LeaseId, request: ShellRequest, out: { stdout(chunk: Buffer): void; stderr(chunk: Buffer): void }): Promise<ShellResult> {
  const query: Record<string, string> = { service: request.service, podIndex: String(request.podIndex ?? 0), tty: request.tty ? "1" : "0", stdin: request.stdin ? "1" : "0" };
  request.command.forEach((word, i) => (query[`cmd${i}`] = word));
  const socket = await client.openSocket(leasePath(lease, "shell", query), "shell");
  const frame = (code: number, payload: Buffer) => socket.send(Buffer.concat([Buffer.from([code]), payload]), { binary: true });
  const sendSize = () => {
    if (!request.terminal) return;
    const size = Buffer.alloc(4);
    size.writeUInt16BE(request.terminal.columns, 0);
    size.writeUInt16BE(request.terminal.rows, 2);
    frame(SHELL_CODE.resize, size);
  };
  sendSize();
  request.terminal?.on("resize", sendSize);
  const onStdin = (chunk: Buffer | string) => frame(SHELL_CODE.stdin, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  request.stdin?.on("data", onStdin);
  let result: ShellResult | undefined;
  socket.on("message", (data) => {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(text(data));
    const code = bytes[0];
    const payload = bytes.subarray(1);
    if (code === SHELL_CODE.stdout) out.stdout(payload);
    else if (code === SHELL_CODE.stderr) out.stderr(payload);
    else if (code === SHELL_CODE.result) {
      const parsed = (parseJson(payload.toString("utf8")) ?? {}) as { exit_code?: unknown; message?: unknown };
      result = { exitCode: typeof parsed.exit_code === "number" ? parsed.exit_code : 0, ...(typeof parsed.message === "string" && parsed.message ? { message: parsed.message } : {}) };
    } else if (code === SHELL_CODE.failure) {
      result = { exitCode: -1, message: payload.toString("utf8") || "the provider could not run the command" };
    }
  });
  try {
    await untilClosed(socket, undefined);
  } finally {
    request.terminal?.off("resize", sendSize);
    request.stdin?.off("data", onStdin);
  }
  return result ?? { exitCode: -1, message: "the provider closed the connection without an exit code" };
}

function parseJson(textValue: string): unknown {
  try {
    return JSON.parse(textValue) as unknown;
  } catch {
    return undefined;
  }
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}
