/**
 * CometBFT JSON-RPC over node:http (src/chain/cosmos/comet-rpc.ts), against a loopback server that
 * answers like a node: results, JSON-RPC errors (what "tx not found" is), HTTP errors, silence and
 * a closed port, each in the shape the chain client's retry and not-found checks read. The devnet
 * tests (chain-client, deploy) run every real call through it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectCometOverNodeHttp, NodeHttpRpcClient } from "../src/chain/cosmos/comet-rpc.js";
import { errorText, isConnectionError } from "../src/chain/retry.js";

type Handler = (body: { method: string; id: number; params: unknown }, res: ServerResponse) => void;
let handler: Handler;
let server: Server;
let url: string;
const connections = new Set<string>();

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    connections.add(`${req.socket.remotePort}`);
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => handler(JSON.parse(text) as Parameters<Handler>[0], res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

const STATUS_RESULT = (version: string) => ({
  node_info: {
    protocol_version: { p2p: "8", block: "11", app: "0" },
    id: "a".repeat(40),
    listen_addr: "tcp://0.0.0.0:26656",
    network: "akash-local",
    version,
    channels: "40",
    moniker: "devnet",
    other: { tx_index: "on", rpc_address: "tcp://127.0.0.1:26657" },
  },
  sync_info: {
    latest_block_hash: "AB".repeat(32),
    latest_app_hash: "CD".repeat(32),
    latest_block_height: "42",
    latest_block_time: "2026-01-01T00:00:00.000000000Z",
    earliest_block_hash: "AB".repeat(32),
    earliest_app_hash: "CD".repeat(32),
    earliest_block_height: "1",
    earliest_block_time: "2026-01-01T00:00:00.000000000Z",
    catching_up: false,
  },
  validator_info: { address: "AB".repeat(20), pub_key: { type: "tendermint/PubKeyEd25519", value: Buffer.alloc(32).toString("base64") }, voting_power: "10" },
});

describe("NodeHttpRpcClient", () => {
  it("posts the JSON-RPC request and returns the node's answer, over one kept-alive connection", async () => {
    const seen: string[] = [];
    handler = (body, res) => {
      seen.push(body.method);
      json(res, 200, { jsonrpc: "2.0", id: body.id, result: { echoed: body.params } });
    };
    connections.clear();
    const client = new NodeHttpRpcClient(url);
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await client.execute({ jsonrpc: "2.0", id: i, method: "block", params: { height: String(i) } });
        expect(answer).toEqual({ jsonrpc: "2.0", id: i, result: { echoed: { height: String(i) } } });
      }
    } finally {
      client.disconnect();
    }
    expect(seen).toEqual(["block", "block", "block"]);
    expect(connections.size).toBe(1);
  });

  it("throws a JSON-RPC error as its JSON, so 'tx not found' reads as not found", async () => {
    handler = (body, res) => json(res, 200, { jsonrpc: "2.0", id: body.id, error: { code: -32603, message: "Internal error", data: "tx (ABCD) not found" } });
    const client = new NodeHttpRpcClient(url);
    try {
      const err = await client.execute({ jsonrpc: "2.0", id: 1, method: "tx", params: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(JSON.parse((err as Error).message)).toEqual({ code: -32603, message: "Internal error", data: "tx (ABCD) not found" });
      expect(errorText(err)).toMatch(/not found/);
      expect(isConnectionError(err)).toBe(false);
    } finally {
      client.disconnect();
    }
  });

  it("throws 'Bad status on response' for HTTP errors, which the chain client retries for 5xx", async () => {
    handler = (_body, res) => json(res, 503, { error: "overloaded" });
    const client = new NodeHttpRpcClient(url);
    try {
      const err = await client.execute({ jsonrpc: "2.0", id: 1, method: "status", params: {} }).catch((e: unknown) => e);
      expect((err as Error).message).toBe("Bad status on response: 503");
      expect(isConnectionError(err)).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it("gives up on a node that does not answer, and reports a closed port as a connection error", async () => {
    handler = () => undefined; // never answers
    const slow = new NodeHttpRpcClient(url, 200);
    try {
      const err = await slow.execute({ jsonrpc: "2.0", id: 1, method: "status", params: {} }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/status at http:\/\/127\.0\.0\.1:\d+\/ timed out after 200 ms/);
      expect(isConnectionError(err)).toBe(true);
    } finally {
      slow.disconnect();
    }
    const closed = new NodeHttpRpcClient("http://127.0.0.1:1");
    const refused = await closed.execute({ jsonrpc: "2.0", id: 1, method: "status", params: {} }).catch((e: unknown) => e);
    expect(isConnectionError(refused)).toBe(true);
    closed.disconnect();
  });

  it("refuses an address that is not http or https", () => {
    expect(() => new NodeHttpRpcClient("tcp://127.0.0.1:26657")).toThrow(/must start with http:\/\/ or https:\/\//);
  });
});

describe("connectCometOverNodeHttp", () => {
  it("picks the client for the node's version and reads its status", async () => {
    for (const [version, height] of [["0.38.17", 42], ["0.37.4", 42], ["0.34.28", 42]] as const) {
      handler = (body, res) => json(res, 200, { jsonrpc: "2.0", id: body.id, result: STATUS_RESULT(version) });
      const comet = await connectCometOverNodeHttp(url);
      try {
        expect((await comet.status()).syncInfo.latestBlockHeight).toBe(height);
        const kind = comet.constructor.name;
        expect(kind, version).toBe(version.startsWith("0.38") ? "Comet38Client" : version.startsWith("0.37") ? "Tendermint37Client" : "Tendermint34Client");
      } finally {
        comet.disconnect();
      }
    }
  });
});
