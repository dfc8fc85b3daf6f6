/**
 * CometBFT's JSON-RPC over Node's own http/https with a keep-alive agent, for cosmjs' Comet clients
 * (the deployer's broadcasts and transaction lookups, and the signing client's account queries and
 * simulations).
 *
 * Why not cosmjs' `HttpClient` (what `connectComet(url)` uses): it sends with `fetch`, which Node 20
 * loads and compiles on first use (undici, its fetch, is a large module of its own), about 50 ms of
 * every chain command's start-up on a slow machine, and each request then pays fetch's own
 * overhead. Errors keep `HttpClient`'s shape, which the chain client's retry and "not found"
 * checks read: a JSON-RPC error throws `Error(JSON.stringify(error))`, an HTTP status of 400 or
 * more throws `Bad status on response: N`.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { CometClient, RpcClient } from "@cosmjs/tendermint-rpc";
import { Comet38Client, Tendermint34Client, Tendermint37Client } from "./vendor-entry.js";

type JsonRpcRequest = Parameters<RpcClient["execute"]>[0];
type JsonRpcSuccessResponse = Awaited<ReturnType<RpcClient["execute"]>>;

/** CometBFT answers most calls within a block; a stuck connection must not hang a command forever. */
const DEFAULT_TIMEOUT_MS = 30_000;

export class NodeHttpRpcClient implements RpcClient {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  constructor(
    url: string,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.url = new URL(url);
    if (this.url.protocol !== "http:" && this.url.protocol !== "https:") throw new Error(`${url}: a CometBFT RPC address must start with http:// or https://`);
    const https = this.url.protocol === "https:";
    // One connection, reused: a deploy polls the node several times a block.
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 4 }) : new HttpAgent({ keepAlive: true, maxSockets: 4 });
    this.send = https ? httpsRequest : httpRequest;
  }

  execute(request: JsonRpcRequest): Promise<JsonRpcSuccessResponse> {
    const body = Buffer.from(JSON.stringify(request), "utf8");
    return new Promise((resolve, reject) => {
      const req = this.send(
        this.url,
        { method: "POST", agent: this.agent, headers: { "Content-Type": "application/json", "Content-Length": String(body.length) }, timeout: this.timeoutMs },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            if ((res.statusCode ?? 0) >= 400) return reject(new Error(`Bad status on response: ${res.statusCode}`));
            let parsed: { result?: unknown; error?: unknown; id?: unknown; jsonrpc?: unknown };
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof parsed;
            } catch {
              return reject(new Error(`${this.url.href} answered ${request.method} with something that is not JSON`));
            }
            if (parsed.error !== undefined && parsed.error !== null) return reject(new Error(JSON.stringify(parsed.error)));
            resolve(parsed as JsonRpcSuccessResponse);
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${request.method} at ${this.url.href} timed out after ${this.timeoutMs} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  }

  disconnect(): void {
    this.agent.destroy();
  }
}

/**
 * A Comet client for the node at `url`, of the node's version, as cosmjs' `connectComet` picks it
 * (0.37, 0.38 and 1.x, else 0.34), over one `NodeHttpRpcClient`.
 */
export async function connectCometOverNodeHttp(url: string): Promise<CometClient> {
  const rpc = new NodeHttpRpcClient(url);
  try {
    const version = (await Tendermint37Client.create(rpc).status()).nodeInfo.version;
    if (version.startsWith("0.37.")) return Tendermint37Client.create(rpc);
    if (version.startsWith("0.38.") || version.startsWith("1.")) return Comet38Client.create(rpc);
    return Tendermint34Client.create(rpc);
  } catch (err) {
    rpc.disconnect();
    throw err;
  }
}
