/**
 * The grpc-gateway REST API (the "api" / LCD endpoint): every served query at the `httpPath` its
 * chain-sdk descriptor declares, request fields from path variables and `a.b=c` query parameters
 * (so `filters.owner`, `filters.dseq`, `pagination.limit` work as on akashnet-2), and JSON as the
 * Cosmos SDK's gateway writes it: the proto's snake_case names, 64-bit integers as strings, enums
 * by name, default values included, `Any` expanded with "@type", and resource values (`math.Int`
 * custom type) as decimal strings.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { PubKey } from "@akashnetwork/chain-sdk/private-types/cosmos.secp256k1";
import { BaseAccount, Tx } from "@akashnetwork/chain-sdk/private-types/cosmos.v1beta1";
import type { ProtoCodec } from "./codec.js";
import type { MethodDescriptor, ServiceDescriptor } from "./descriptors.js";
import { GrpcCode, httpStatusOf, QueryError } from "./errors.js";
import { MESSAGES } from "./handlers.js";
import { LoopbackHttpServer, readBody, sendJson } from "./http.js";
import type { QueryRouter } from "./router.js";

interface Route {
  method: MethodDescriptor;
  verb: string;
  pattern: RegExp;
  variables: string[];
}

/** Zero values of enum fields, which toJSON omits and the gateway writes by name. */
const ENUM_ZERO_NAMES: Record<string, string> = { kind: "SHARED_HTTP", reason: "lease_closed_invalid" };

const ANY_CODECS: ReadonlyMap<string, ProtoCodec> = new Map<string, ProtoCodec>([
  ["/cosmos.auth.v1beta1.BaseAccount", BaseAccount as ProtoCodec],
  ["/cosmos.crypto.secp256k1.PubKey", PubKey as ProtoCodec],
  ["/cosmos.tx.v1beta1.Tx", Tx as ProtoCodec],
  ...[...MESSAGES].map(([typeUrl, def]) => [typeUrl, def.codec as ProtoCodec] as [string, ProtoCodec]),
]);

export class RestServer extends LoopbackHttpServer {
  private readonly routes: Route[] = [];

  constructor(
    services: ReadonlyMap<string, ServiceDescriptor>,
    private readonly router: QueryRouter,
  ) {
    super();
    for (const service of services.values()) {
      for (const method of Object.values(service.methods)) {
        if (!method.httpPath) continue;
        const variables: string[] = [];
        const source = method.httpPath
          .split(/(\{[^}]+\})/)
          .map((part) => {
            const variable = /^\{([^}=]+)(=\*\*)?\}$/.exec(part);
            if (!variable) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
            variables.push(variable[1]!);
            return variable[2] ? "(.+)" : "([^/]+)";
          })
          .join("");
        this.routes.push({ method, verb: (method.httpMethod ?? "get").toUpperCase(), pattern: new RegExp(`^${source}$`), variables });
      }
    }
    // literal paths first, so ".../balances/{address}/by_denom" is not taken by ".../{denom=**}"
    this.routes.sort((a, b) => a.variables.length - b.variables.length);
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("Access-Control-Allow-Origin", "*");
    const url = new URL(req.url ?? "/", "http://api");
    const path = decodeURIComponent(url.pathname);
    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    for (const candidate of this.routes) {
      match = candidate.pattern.exec(path);
      if (match && candidate.verb === req.method) {
        route = candidate;
        break;
      }
    }
    if (!route || !match) return sendJson(res, 501, { code: GrpcCode.UNIMPLEMENTED, message: "Not Implemented", details: [] });

    try {
      let fields: Record<string, unknown> = {};
      if (route.verb === "GET") {
        fields = queryFields(url.searchParams);
      } else {
        const body = await readBody(req, 10 * 1024 * 1024);
        if (body === undefined) return sendJson(res, 413, { code: GrpcCode.INVALID_ARGUMENT, message: "request body too large", details: [] });
        try {
          fields = body.trim() === "" ? {} : (JSON.parse(body) as Record<string, unknown>);
        } catch (err) {
          return sendJson(res, 400, { code: GrpcCode.INVALID_ARGUMENT, message: `invalid JSON body: ${(err as Error).message}`, details: [] });
        }
      }
      route.variables.forEach((name, i) => setPath(fields, name, match![i + 1]!));
      let request: unknown;
      try {
        request = route.method.input.fromJSON(fields);
      } catch (err) {
        throw new QueryError(GrpcCode.INVALID_ARGUMENT, `cannot read the request parameters: ${(err as Error).message}`);
      }
      const response = await this.router.call(route.method, request);
      sendJson(res, 200, gatewayJson(response, route.method.output.toJSON(response)));
    } catch (err) {
      const e = err instanceof QueryError ? err : new QueryError(GrpcCode.INTERNAL, (err as Error).message);
      sendJson(res, httpStatusOf(e.grpcCode), { code: e.grpcCode, message: e.message, details: [] });
    }
  }
}

/** `filters.owner=a&filters.dseq=1` → `{filters: {owner: "a", dseq: "1"}}` (repeated keys → arrays). */
function queryFields(params: URLSearchParams): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key).map((v) => (v === "true" ? true : v === "false" ? false : v));
    setPath(fields, key, values.length === 1 ? values[0] : values);
  }
  return fields;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (!next || typeof next !== "object" || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isLong(value: unknown): value is { toString(): string; low: number; high: number } {
  return typeof value === "object" && value !== null && "low" in value && "high" in value && "unsigned" in value;
}

function isPlainMessage(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date) && !isLong(value);
}

/**
 * The gateway's JSON for a message: ts-proto's `toJSON` output (names, enum names, Long strings)
 * completed with the default values it leaves out, with `Any` and `ResourceValue` rewritten.
 */
export function gatewayJson(message: unknown, json: unknown): unknown {
  if (message === undefined || message === null) return null;
  if (message instanceof Uint8Array) return message.length === 0 ? null : json ?? Buffer.from(message).toString("base64");
  if (isLong(message)) return message.toString();
  if (message instanceof Date) return json ?? message.toISOString();
  if (Array.isArray(message)) {
    const items = Array.isArray(json) ? json : [];
    return message.map((item, i) => gatewayJson(item, items[i]));
  }
  if (!isPlainMessage(message)) return json ?? message;

  const keys = Object.keys(message);
  if (keys.length === 2 && typeof message.typeUrl === "string" && message.value instanceof Uint8Array) return expandAny(message.typeUrl, message.value);
  if (keys.length === 1 && message.val instanceof Uint8Array) return { val: new TextDecoder().decode(message.val) };

  const source = (json && typeof json === "object" ? json : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const name = key in source ? key : snake(key);
    const value = message[key];
    const written = source[name];
    if (value === undefined) {
      out[name] = null;
    } else if (written === undefined) {
      out[name] = defaultJson(name, value);
    } else {
      out[name] = gatewayJson(value, written);
    }
  }
  return out;
}

function defaultJson(name: string, value: unknown): unknown {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return ENUM_ZERO_NAMES[name] ?? value;
  if (isLong(value)) return value.toString();
  if (value instanceof Uint8Array) return value.length === 0 ? null : Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map((v) => gatewayJson(v, undefined));
  return gatewayJson(value, undefined);
}

function expandAny(typeUrl: string, value: Uint8Array): unknown {
  const codec = ANY_CODECS.get(typeUrl);
  if (!codec) return { "@type": typeUrl, value: Buffer.from(value).toString("base64") };
  const decoded = codec.decode(value);
  const body = gatewayJson(decoded, codec.toJSON(decoded));
  return { "@type": typeUrl, ...(body as Record<string, unknown>) };
}
