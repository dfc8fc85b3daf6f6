/**
 * CometBFT JSON-RPC over HTTP, in the shapes CometBFT 0.38 answers with (what cosmjs's Comet38
 * client decodes): `status`, `health`, `abci_info`, `abci_query` (auth accounts, any gRPC query
 * path, `/cosmos.tx.v1beta1.Service/Simulate`), `broadcast_tx_sync`/`_async`, `tx`, `tx_search`,
 * `block`, `validators`. POST bodies (single or batch) and GET `/<method>?arg=…` both work.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { sha256 } from "@cosmjs/crypto";
import { fromBase64, fromHex, toBase64, toHex, toUtf8 } from "@cosmjs/encoding";
import type { Chain, StoredBlock, StoredTx } from "./blocks.js";
import { APP_NAME, APP_VERSION, COMET_VERSION } from "./constants.js";
import { ChainError, QueryError, queryErrorToAbci } from "./errors.js";
import type { Faults } from "./faults.js";
import { LoopbackHttpServer, readBody, sendJson } from "./http.js";
import type { ChainEvent } from "./keeper.js";
import type { QueryRouter } from "./router.js";
import type { TxResult } from "./tx.js";

const VALIDATOR_PUBKEY = sha256(toUtf8("akash-devnet-validator"));
const VALIDATOR_ADDRESS = toHex(sha256(VALIDATOR_PUBKEY).slice(0, 20)).toUpperCase();
const NODE_ID = toHex(sha256(toUtf8("akash-devnet-node")).slice(0, 20));

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data: string,
  ) {
    super(message);
  }
}

const invalidParams = (data: string): RpcError => new RpcError(-32602, "Invalid params", data);
const internal = (data: string): RpcError => new RpcError(-32603, "Internal error", data);

interface JsonRpcRequest {
  jsonrpc?: string;
  id?: unknown;
  method?: string;
  params?: Record<string, unknown> | unknown[];
}

export class RpcServer extends LoopbackHttpServer {

  constructor(
    private readonly chain: Chain,
    private readonly router: QueryRouter,
    private readonly faults: Faults,
  ) {
    super();
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = this.faults.takeRpcFault();
    if (fault === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault === "error") {
      sendJson(res, 500, { jsonrpc: "2.0", id: -1, error: { code: -32603, message: "Internal error", data: "devnet fault injection: this RPC call failed on purpose" } });
      return;
    }
    try {
      if (req.method === "POST") {
        const body = await readBody(req, 10 * 1024 * 1024);
        if (body === undefined) return sendJson(res, 413, { jsonrpc: "2.0", id: -1, error: { code: -32600, message: "Invalid Request", data: "request body too large" } });
        let parsed: JsonRpcRequest | JsonRpcRequest[];
        try {
          parsed = JSON.parse(body) as JsonRpcRequest | JsonRpcRequest[];
        } catch {
          return sendJson(res, 200, { jsonrpc: "2.0", id: -1, error: { code: -32700, message: "Parse error", data: "invalid JSON" } });
        }
        if (Array.isArray(parsed)) return sendJson(res, 200, await Promise.all(parsed.map((r) => this.respond(r))));
        return sendJson(res, 200, await this.respond(parsed));
      }
      const url = new URL(req.url ?? "/", "http://rpc");
      const method = url.pathname.slice(1);
      if (method === "") return sendJson(res, 200, { available_endpoints: ["abci_info", "abci_query", "block", "broadcast_tx_async", "broadcast_tx_sync", "health", "status", "tx", "tx_search", "validators"] });
      const params: Record<string, unknown> = {};
      for (const [key, value] of url.searchParams) params[key] = uriParam(value);
      return sendJson(res, 200, await this.respond({ jsonrpc: "2.0", id: -1, method, params }));
    } catch (err) {
      sendJson(res, 500, { jsonrpc: "2.0", id: -1, error: { code: -32603, message: "Internal error", data: (err as Error).message } });
    }
  }

  private async respond(request: JsonRpcRequest): Promise<unknown> {
    const id = request.id ?? -1;
    try {
      const params = (Array.isArray(request.params) ? {} : request.params) ?? {};
      const result = await this.dispatch(request.method ?? "", params);
      return { jsonrpc: "2.0", id, result };
    } catch (err) {
      const e = err instanceof RpcError ? err : internal((err as Error).message);
      return { jsonrpc: "2.0", id, error: { code: e.code, message: e.message, data: e.data } };
    }
  }

  private async dispatch(method: string, params: Record<string, unknown>): Promise<unknown> {
    switch (method) {
      case "health":
        return {};
      case "status":
        return this.status();
      case "abci_info":
        return this.abciInfo();
      case "abci_query":
        return this.abciQuery(params);
      case "broadcast_tx_sync":
      case "broadcast_tx_async":
        return this.broadcast(params);
      case "tx":
        return this.tx(params);
      case "tx_search":
        return this.txSearch(params);
      case "block":
        return this.block(params);
      case "validators":
        return this.validators();
      default:
        throw new RpcError(-32601, "Method not found", `the devnet serves abci_info, abci_query, block, broadcast_tx_async, broadcast_tx_sync, health, status, tx, tx_search and validators; not ${JSON.stringify(method)}`);
    }
  }

  private latest(): StoredBlock {
    const block = this.chain.latestBlock();
    if (!block) throw internal("no block has been produced yet");
    return block;
  }

  private status(): unknown {
    const latest = this.latest();
    const first = this.chain.blocks[0]!;
    return {
      node_info: {
        protocol_version: { p2p: "8", block: "11", app: "0" },
        id: NODE_ID,
        listen_addr: "tcp://127.0.0.1:26656",
        network: this.chain.chainId,
        version: COMET_VERSION,
        channels: "40202122233038606100",
        moniker: "akash-devnet",
        other: { tx_index: "on", rpc_address: `tcp://127.0.0.1:${this.port}` },
      },
      sync_info: {
        latest_block_hash: hex(latest.hash),
        latest_app_hash: hex(latest.appHash),
        latest_block_height: String(latest.height),
        latest_block_time: rfc3339(latest.time),
        earliest_block_hash: hex(first.hash),
        earliest_app_hash: hex(first.appHash),
        earliest_block_height: String(first.height),
        earliest_block_time: rfc3339(first.time),
        catching_up: false,
      },
      validator_info: { address: VALIDATOR_ADDRESS, pub_key: { type: "tendermint/PubKeyEd25519", value: toBase64(VALIDATOR_PUBKEY) }, voting_power: "100" },
    };
  }

  private abciInfo(): unknown {
    const latest = this.latest();
    return { response: { data: APP_NAME, version: APP_VERSION, app_version: "0", last_block_height: String(latest.height), last_block_app_hash: toBase64(latest.appHash) } };
  }

  private async abciQuery(params: Record<string, unknown>): Promise<unknown> {
    const path = typeof params.path === "string" ? params.path : "";
    const dataHex = typeof params.data === "string" ? params.data.replace(/^0x/i, "") : "";
    let data: Uint8Array;
    try {
      data = fromHex(dataHex);
    } catch {
      throw invalidParams("data must be hex");
    }
    const height = String(this.chain.height);
    try {
      const value = await this.router.callBinary(path, data);
      return { response: { code: 0, log: "", info: "", index: "0", key: null, value: toBase64(value), proofOps: null, height, codespace: "" } };
    } catch (err) {
      const chainErr = err instanceof QueryError ? queryErrorToAbci(err) : err instanceof ChainError ? err : new ChainError("undefined", 1, (err as Error).message);
      return { response: { code: chainErr.code, log: chainErr.message, info: "", index: "0", key: null, value: null, proofOps: null, height, codespace: chainErr.codespace } };
    }
  }

  private async broadcast(params: Record<string, unknown>): Promise<unknown> {
    if (typeof params.tx !== "string") throw invalidParams("tx must be the base64 encoded transaction");
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(params.tx);
    } catch {
      throw invalidParams("tx must be base64");
    }
    const { hash, result } = await this.chain.checkTx(bytes);
    return { code: result.code, data: "", log: result.log, codespace: result.codespace, hash };
  }

  private tx(params: Record<string, unknown>): unknown {
    if (typeof params.hash !== "string") throw invalidParams("hash must be the base64 (or hex) tx hash");
    const hash = decodeHash(params.hash);
    const stored = this.chain.txs.get(hash);
    if (!stored) throw internal(`tx (${hash}) not found`);
    return txJson(stored);
  }

  private txSearch(params: Record<string, unknown>): unknown {
    const query = typeof params.query === "string" ? params.query : "";
    const conditions = parseQuery(query);
    const page = Math.max(1, Number(params.page ?? 1) || 1);
    const perPage = Math.min(100, Math.max(1, Number(params.per_page ?? 30) || 30));
    const matches = [...this.chain.txs.values()].filter((tx) => conditions.every((c) => c(tx)));
    if (params.order_by === "desc") matches.reverse();
    const start = (page - 1) * perPage;
    if (matches.length > 0 && start >= matches.length) throw internal(`page should be within [1, ${Math.ceil(matches.length / perPage)}] range, given ${page}`);
    return { txs: matches.slice(start, start + perPage).map(txJson), total_count: String(matches.length) };
  }

  private block(params: Record<string, unknown>): unknown {
    const latest = this.latest();
    const height = params.height === undefined || params.height === null || params.height === "" ? latest.height : Number(params.height);
    if (!Number.isInteger(height) || height < 1) throw internal(`height must be greater than 0, but got ${String(params.height)}`);
    if (height > latest.height) throw internal(`height ${height} must be less than or equal to the current blockchain height ${latest.height}`);
    const block = this.chain.block(height);
    if (!block) throw internal(`height ${height} is not available`);
    const previous = this.chain.block(height - 1);
    const blockId = (b: StoredBlock | undefined) => (b ? { hash: hex(b.hash), parts: { total: 1, hash: hex(sha256(b.hash)) } } : { hash: "", parts: { total: 0, hash: "" } });
    const txs = block.txHashes.map((h) => toBase64(this.chain.txs.get(h)!.bytes));
    return {
      block_id: blockId(block),
      block: {
        header: {
          version: { block: "11", app: "0" },
          chain_id: this.chain.chainId,
          height: String(block.height),
          time: rfc3339(block.time),
          last_block_id: blockId(previous),
          last_commit_hash: hex(sha256(block.lastBlockHash)),
          data_hash: hex(sha256(toUtf8(block.txHashes.join(",")))),
          validators_hash: hex(sha256(VALIDATOR_PUBKEY)),
          next_validators_hash: hex(sha256(VALIDATOR_PUBKEY)),
          consensus_hash: hex(sha256(toUtf8("consensus"))),
          app_hash: hex(previous?.appHash ?? new Uint8Array(32)),
          last_results_hash: hex(sha256(toUtf8(`results/${height - 1}`))),
          evidence_hash: hex(sha256(new Uint8Array())),
          proposer_address: VALIDATOR_ADDRESS,
        },
        data: { txs },
        evidence: { evidence: [] },
        last_commit: previous
          ? { height: String(previous.height), round: 0, block_id: blockId(previous), signatures: [{ block_id_flag: 2, validator_address: VALIDATOR_ADDRESS, timestamp: rfc3339(block.time), signature: toBase64(sha256(block.lastBlockHash)) }] }
          : { height: "0", round: 0, block_id: blockId(undefined), signatures: [] },
      },
    };
  }

  private validators(): unknown {
    return {
      block_height: String(this.chain.height),
      validators: [{ address: VALIDATOR_ADDRESS, pub_key: { type: "tendermint/PubKeyEd25519", value: toBase64(VALIDATOR_PUBKEY) }, voting_power: "100", proposer_priority: "0" }],
      count: "1",
      total: "1",
    };
  }
}

function hex(bytes: Uint8Array): string {
  return toHex(bytes).toUpperCase();
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000000Z");
}

/** CometBFT takes the hash as base64 in JSON-RPC and as 0x-hex in URI calls. */
function decodeHash(value: string): string {
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(value)) return value.replace(/^0x/, "").toUpperCase();
  try {
    return hex(fromBase64(value));
  } catch {
    throw invalidParams("hash must be base64 or hex");
  }
}

/** URI-style arguments are JSON-ish: quoted strings, numbers, true/false, 0x-hex. */
function uriParam(value: string): unknown {
  if (/^".*"$/.test(value)) return value.slice(1, -1);
  if (/^0x[0-9a-fA-F]*$/.test(value)) return value.slice(2);
  if (value === "true" || value === "false") return value === "true";
  return value;
}

function eventsJson(events: ChainEvent[]): unknown[] {
  return events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: true })) }));
}

function txResultJson(result: TxResult): unknown {
  return {
    code: result.code,
    data: result.data.length > 0 ? toBase64(result.data) : null,
    log: result.log,
    info: "",
    gas_wanted: String(result.gasWanted),
    gas_used: String(result.gasUsed),
    events: eventsJson(result.events),
    codespace: result.codespace,
  };
}

function txJson(tx: StoredTx): unknown {
  return { hash: tx.hash, height: String(tx.height), index: tx.index, tx_result: txResultJson(tx.result), tx: toBase64(tx.bytes) };
}

type Condition = (tx: StoredTx) => boolean;

/** The subset of CometBFT's query language cosmjs and deployers use: `key = value` joined by AND. */
function parseQuery(query: string): Condition[] {
  if (query.trim() === "") throw internal("query cannot be empty");
  return query.split(/\s+AND\s+/i).map((part) => {
    const match = /^\s*([\w.\-/]+)\s*(=|>=|<=|>|<)\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*$/.exec(part);
    if (!match) throw internal(`unsupported query condition ${JSON.stringify(part)}: the devnet supports key = 'value' and key <op> number, joined by AND`);
    const [, key, op, single, double, number] = match;
    const expected = single ?? double ?? number ?? "";
    const compare = (actual: string): boolean => {
      if (op === "=") return actual === expected;
      const a = Number(actual);
      const b = Number(expected);
      return op === ">" ? a > b : op === "<" ? a < b : op === ">=" ? a >= b : a <= b;
    };
    return (tx: StoredTx) => {
      if (key === "tx.hash") return compare(tx.hash);
      if (key === "tx.height") return compare(String(tx.height));
      const dot = key!.lastIndexOf(".");
      const type = key!.slice(0, dot);
      const attribute = key!.slice(dot + 1);
      return tx.result.events.some((e) => e.type === type && e.attributes.some((a) => a.key === attribute && compare(a.value)));
    };
  });
}
