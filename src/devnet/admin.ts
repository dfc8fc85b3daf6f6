/**
 * The devnet's admin endpoint on loopback, for faults and a quick look at the chain:
 *
 *   GET  /status          height, chain id, counts
 *   GET  /faults          the faults in force
 *   POST /faults          apply a FaultSpec (JSON), e.g. {"rpcErrors": 2} or {"providerOffline": {"provider": 1, "offline": true}}
 *   POST /faults/reset    clear every fault
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Chain } from "./blocks.js";
import { FaultError, type Faults, type FaultSpec } from "./faults.js";
import { LoopbackHttpServer, readBody, sendJson } from "./http.js";

export class AdminServer extends LoopbackHttpServer {

  constructor(
    private readonly chain: Chain,
    private readonly faults: Faults,
  ) {
    super();
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://admin").pathname;
    try {
      if (req.method === "GET" && path === "/status") {
        const data = this.chain.data;
        return sendJson(res, 200, {
          chainId: data.chainId,
          height: data.height,
          deployments: [...data.deployments.values()].filter((d) => d.state === "active").length,
          leases: [...data.leases.values()].filter((l) => l.state === "active").length,
          openOrders: [...data.orders.values()].filter((o) => o.state === "open").length,
          pendingMints: data.mint.pending.length,
          nextMintEpoch: data.mint.nextEpoch,
        });
      }
      if (req.method === "GET" && path === "/faults") return sendJson(res, 200, this.faults.state());
      if (req.method === "POST" && path === "/faults/reset") return sendJson(res, 200, await this.faults.reset());
      if (req.method === "POST" && path === "/faults") {
        const body = await readBody(req, 64 * 1024);
        let spec: FaultSpec;
        try {
          spec = JSON.parse(body ?? "") as FaultSpec;
        } catch {
          return sendJson(res, 400, { error: 'the body must be a JSON fault spec, e.g. {"rpcErrors": 2}' });
        }
        return sendJson(res, 200, await this.faults.apply(spec));
      }
      sendJson(res, 404, { error: `no route ${req.method} ${path}; try GET /status, GET /faults, POST /faults, POST /faults/reset` });
    } catch (err) {
      sendJson(res, err instanceof FaultError ? 400 : 500, { error: (err as Error).message });
    }
  }
}
