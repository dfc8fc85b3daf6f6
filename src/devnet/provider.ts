/**
 * Devnet providers: each is registered on chain with its attributes and self-signed certificate,
 * runs a bid engine in the chain's end blocker (bids on open orders it can serve, at its own
 * price, after a short delay; closes stale bids; closes leases that never get a manifest), and
 * serves the provider REST API over HTTPS on 127.0.0.1:
 *
 *   GET  /status, /version, /address                        no authentication
 *   PUT  /deployment/{dseq}/manifest                         JWT scope send-manifest
 *   GET  /lease/{dseq}/{gseq}/{oseq}/status                  JWT scope status
 *   GET  /lease/{dseq}/{gseq}/{oseq}/manifest                JWT scope get-manifest
 *
 * No containers run: a manifest that passes the provider's checks is "deployed" and its services
 * report ready after a short rollout.
 */
import type { ProviderTimings } from "./options.js";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { X509Certificate } from "node:crypto";
import { CertificateManager } from "@akashnetwork/chain-sdk";
import { manifestHash, manifestToSortedJSON, type ManifestGroup } from "../sdl/manifest.js";
import { bidPrice, canSatisfy, resourcesOffer, type ProviderProfile } from "./bid-engine.js";
import type { Chain } from "./blocks.js";
import { DENOM_AKT, MARKET_PARAMS } from "./constants.js";
import { ChainError } from "./errors.js";
import type { Faults } from "./faults.js";
import { bearerToken, verifyJwt, type AccessScope } from "./jwt.js";
import { closeBid, closeLeaseRecord, closeOrder, createBid, getEscrowAccount, groupSpecBytes, chargeWrite, paymentClose, type ExecContext } from "./keeper.js";
import { leaseStatus } from "./lease-status.js";
import { listenLoopback, readBody, sendJson as json, sendText as text } from "./http.js";
import { checkManifestAgainstGroup } from "./manifest-check.js";
import { decodeManifest, ManifestDecodeError } from "./manifest-decode.js";
import { bidKey, DepositSource, deploymentKey, groupOf, leasePaymentXid, LeaseClosedReason, orderKey, paymentKey, type BidRecord, type LeaseRecord } from "./state.js";

export type { ProviderTimings } from "./options.js";

export const DEFAULT_PROVIDER_TIMINGS: ProviderTimings = {
  rolloutBlocks: 2,
  bidTimeoutMs: 5 * 60_000,
  manifestTimeoutMs: 5 * 60_000,
  hangMs: 60_000,
};

export interface ProviderCertificate {
  cert: string;
  publicKey: string;
  privateKey: string;
  serial: string;
}

interface StoredManifest {
  groups: ManifestGroup[];
  /** Hex hash it was accepted under. */
  hash: string;
  height: number;
  generation: number;
}

interface SeenLease {
  height: number;
  time: number;
}

const MANIFEST_LIMIT_BYTES = 4 * 1024 * 1024;

export class DevnetProvider {
  private server: Server | undefined;
  private port = 0;
  private chain: Chain | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly hung = new Set<ServerResponse>();
  private readonly manifests = new Map<string, StoredManifest>();
  private readonly seenLeases = new Map<string, SeenLease>();
  private readonly bidTimes = new Map<string, number>();

  constructor(
    readonly address: string,
    readonly profile: ProviderProfile,
    readonly certificate: ProviderCertificate,
    private readonly faults: Faults,
    private readonly timings: ProviderTimings,
  ) {}

  static async create(address: string, profile: ProviderProfile, faults: Faults, timings: ProviderTimings): Promise<DevnetProvider> {
    const pem = await new CertificateManager().generatePEM(address);
    const serial = BigInt(`0x${new X509Certificate(pem.cert).serialNumber}`).toString();
    return new DevnetProvider(address, profile, { ...pem, serial }, faults, timings);
  }

  get hostUri(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Starts listening (on an ephemeral port the first time, the same port afterwards). */
  async listen(): Promise<void> {
    const server = createServer({ key: this.certificate.privateKey, cert: this.certificate.cert }, (req, res) => {
      void this.handle(req, res);
    });
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.port = await listenLoopback(server, this.port);
    this.server = server;
  }

  /** Stops listening and drops every open connection (what "offline" looks like to a client). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async setOffline(offline: boolean): Promise<void> {
    if (offline && this.server) await this.close();
    if (!offline && !this.server) await this.listen();
  }

  attach(chain: Chain): void {
    this.chain = chain;
  }

  // -------------------------------------------------------------------------------------------
  // Bid engine and lease watcher (runs in the chain's end blocker)
  // -------------------------------------------------------------------------------------------

  endBlock(ctx: ExecContext): void {
    const data = ctx.data;
    const now = data.blockTime;
    this.watchLeases(ctx, now);
    this.closeStaleBids(ctx, now);
    if (this.faults.noBids || this.faults.isOffline(this.address)) return;
    const delay = this.profile.bidDelayBlocks + this.faults.slowBidBlocks;
    for (const order of data.orders.values()) {
      if (order.state !== "open" || data.height - order.createdAt < delay) continue;
      if (order.owner === this.address) continue;
      const key = bidKey({ ...order, provider: this.address, bseq: 0 });
      if (data.bids.has(key)) continue;
      const group = groupOf(data, order);
      if (!group || group.state !== "open") continue;
      const audits = [...data.audits.values()].filter((a) => a.owner === this.address);
      if (!canSatisfy(group.spec, { attributes: this.profile.attributes, supportsLeasedIps: this.profile.supportsLeasedIps }, audits).ok) continue;
      const price = bidPrice(group.spec, this.profile);
      const max = group.spec.resources[0]?.price?.denom;
      if (max !== price.denom) continue;
      try {
        createBid(ctx, {
          id: { owner: order.owner, dseq: order.dseq, gseq: order.gseq, oseq: order.oseq, provider: this.address, bseq: 0 },
          price,
          collateral: { depositor: this.address, denom: DENOM_AKT, amount: MARKET_PARAMS.bidMinDeposit.amount, source: DepositSource.balance },
          resourcesOffer: resourcesOffer(group.spec),
        });
        this.bidTimes.set(key, now);
      } catch (err) {
        // a price above the order's, or a full order: a real bid engine logs and moves on
        if (!(err instanceof ChainError)) throw err;
      }
    }
  }

  /** Leases become visible one block after they are created; closed ones are forgotten. */
  private watchLeases(ctx: ExecContext, now: number): void {
    for (const [key, lease] of ctx.data.leases) {
      if (lease.id.provider !== this.address) continue;
      if (lease.state !== "active") {
        this.seenLeases.delete(key);
        continue;
      }
      if (!this.seenLeases.has(key) && lease.createdAt < ctx.data.height) this.seenLeases.set(key, { height: ctx.data.height, time: now });
      const seen = this.seenLeases.get(key);
      if (seen && !this.manifests.has(deploymentKey(lease.id.owner, lease.id.dseq)) && now - seen.time > this.timings.manifestTimeoutMs) {
        this.closeLeaseForManifestTimeout(ctx, lease);
      }
    }
  }

  /** The provider's `MsgCloseBid` on an active lease: group paused, lease closed with ManifestTimeout. */
  private closeLeaseForManifestTimeout(ctx: ExecContext, lease: LeaseRecord): void {
    const id = lease.id;
    const group = groupOf(ctx.data, id);
    if (group && group.state === "open") {
      group.state = "paused";
      chargeWrite(ctx, groupSpecBytes(group));
    }
    closeLeaseRecord(ctx, id, "closed", LeaseClosedReason.manifestTimeout);
    const bid = ctx.data.bids.get(bidKey(id));
    if (bid) closeBid(ctx, bid);
    const order = ctx.data.orders.get(orderKey(id));
    if (order) closeOrder(ctx, order);
    const account = getEscrowAccount(ctx, "deployment", `${id.owner}/${id.dseq}`);
    const payment = ctx.data.payments.get(paymentKey("deployment", account.xid, leasePaymentXid(id)));
    if (payment) paymentClose(ctx, account, payment);
    this.seenLeases.delete(bidKey(id));
  }

  private closeStaleBids(ctx: ExecContext, now: number): void {
    for (const [key, placed] of this.bidTimes) {
      const bid: BidRecord | undefined = ctx.data.bids.get(key);
      if (!bid || bid.state !== "open") {
        this.bidTimes.delete(key);
        continue;
      }
      if (now - placed > this.timings.bidTimeoutMs) {
        closeBid(ctx, bid);
        this.bidTimes.delete(key);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = this.faults.takeProviderFault(this.address);
    if (fault === "timeout") {
      this.hung.add(res);
      setTimeout(() => {
        this.hung.delete(res);
        res.destroy();
      }, this.timings.hangMs).unref();
      return;
    }
    if (fault === 404) return text(res, 404, "404 page not found\n");
    if (fault === 500) return text(res, 500, "internal server error (devnet fault injection)\n");
    try {
      await this.route(req, res);
    } catch (err) {
      text(res, 500, `${(err as Error).message}\n`);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://provider");
    const path = url.pathname;
    if (req.method === "GET" && path === "/version") return json(res, 200, this.version());
    if (req.method === "GET" && path === "/address") return json(res, 200, { address: this.address });
    if (req.method === "GET" && path === "/status") return json(res, 200, this.status());

    const manifestRoute = /^\/deployment\/(\d+)\/manifest$/.exec(path);
    if (manifestRoute) {
      if (req.method !== "PUT") return text(res, 405, "405 method not allowed\n");
      return this.putManifest(req, res, BigInt(manifestRoute[1]!));
    }
    const leaseRoute = /^\/lease\/(\d+)\/(\d+)\/(\d+)\/(status|manifest)$/.exec(path);
    if (leaseRoute && req.method === "GET") {
      const [, dseq, gseq, oseq, what] = leaseRoute;
      return this.leaseRequest(req, res, BigInt(dseq!), Number(gseq), Number(oseq), what as "status" | "manifest");
    }
    return text(res, 404, "404 page not found\n");
  }

  private async authenticate(req: IncomingMessage, res: ServerResponse, scope: AccessScope, dseq: bigint, gseq?: number, oseq?: number): Promise<string | undefined> {
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      text(res, 401, "unauthorized access: send Authorization: Bearer <JWT signed by the deployment owner>\n");
      return undefined;
    }
    const chain = this.chain;
    const check = await verifyJwt(token, (address) => chain?.data.accounts.get(address)?.pubKey, {
      provider: this.address,
      scope,
      dseq,
      gseq,
      oseq,
      now: Math.floor(Date.now() / 1000),
    });
    if (!check.ok) {
      text(res, 401, `${check.reason}\n`);
      return undefined;
    }
    return check.owner;
  }

  private async putManifest(req: IncomingMessage, res: ServerResponse, dseq: bigint): Promise<void> {
    const owner = await this.authenticate(req, res, "send-manifest", dseq);
    if (!owner) return;
    const body = await readBody(req, MANIFEST_LIMIT_BYTES);
    if (body === undefined) return text(res, 413, `manifest larger than ${MANIFEST_LIMIT_BYTES} bytes\n`);
    const chain = this.requireChain();
    const deployment = chain.data.deployments.get(deploymentKey(owner, dseq));
    const leases = this.myLeases(owner, dseq).filter((l) => this.seenLeases.has(bidKey(l.id)));
    if (!deployment || deployment.state !== "active" || leases.length === 0) return text(res, 404, "no lease for deployment\n");

    let groups: ManifestGroup[];
    try {
      groups = decodeManifest(body);
    } catch (err) {
      if (err instanceof ManifestDecodeError) return text(res, 422, `${err.message}\n`);
      throw err;
    }
    const hash = manifestHash(manifestToSortedJSON(groups));
    if (hash !== Buffer.from(deployment.hash).toString("hex")) return text(res, 422, "manifest version validation failed\n");
    for (const lease of leases) {
      const group = groupOf(chain.data, lease.id);
      if (!group) return text(res, 404, "no lease for deployment\n");
      const problem = checkManifestAgainstGroup(groups, group.spec);
      if (problem) return text(res, 422, `${problem}\n`);
    }
    const key = deploymentKey(owner, dseq);
    const previous = this.manifests.get(key);
    if (!previous || previous.hash !== hash) {
      this.manifests.set(key, { groups, hash, height: chain.height, generation: (previous?.generation ?? 0) + 1 });
    }
    res.writeHead(200);
    res.end();
  }

  private async leaseRequest(req: IncomingMessage, res: ServerResponse, dseq: bigint, gseq: number, oseq: number, what: "status" | "manifest"): Promise<void> {
    const owner = await this.authenticate(req, res, what === "status" ? "status" : "get-manifest", dseq, gseq, oseq);
    if (!owner) return;
    const chain = this.requireChain();
    const id = { owner, dseq, gseq, oseq, provider: this.address, bseq: 0 };
    const lease = chain.data.leases.get(bidKey(id));
    const stored = this.manifests.get(deploymentKey(owner, dseq));
    // "If the manifest doesn't exist, there is no lease": 404 with an empty body
    if (!lease || lease.state !== "active" || !stored) {
      res.writeHead(404);
      res.end();
      return;
    }
    if (what === "manifest") return json(res, 200, JSON.parse(manifestToSortedJSON(stored.groups)) as unknown);
    const group = groupOf(chain.data, id);
    const manifestGroup = stored.groups.find((g) => g.name === group?.spec.name);
    if (!manifestGroup) {
      res.writeHead(404);
      res.end();
      return;
    }
    return json(
      res,
      200,
      leaseStatus({
        group: manifestGroup,
        ready: chain.height - stored.height >= this.timings.rolloutBlocks,
        generation: stored.generation,
        hostname: this.profile.hostname,
        leaseKey: bidKey(id),
      }),
    );
  }

  private myLeases(owner: string, dseq: bigint): LeaseRecord[] {
    const out: LeaseRecord[] = [];
    for (const lease of this.requireChain().data.leases.values()) {
      if (lease.id.owner === owner && lease.id.dseq === dseq && lease.id.provider === this.address && lease.state === "active") out.push(lease);
    }
    return out;
  }

  private requireChain(): Chain {
    if (!this.chain) throw new Error("the provider is not attached to a chain yet");
    return this.chain;
  }

  private version(): unknown {
    return {
      akash: { version: "v0.16.0-devnet", commit: "devnet", buildTags: "\"osusergo,netgo,static_build\"", go: `node ${process.version}`, cosmosSdkVersion: "v0.53.3" },
      kube: { major: "1", minor: "31", gitVersion: "v1.31.0-devnet", gitCommit: "", gitTreeState: "clean", buildDate: "", goVersion: "", compiler: "gc", platform: "linux/amd64" },
    };
  }

  private status(): unknown {
    const data = this.chain?.data;
    const leases = data ? [...data.leases.values()].filter((l) => l.id.provider === this.address && l.state === "active").length : 0;
    const openOrders = data ? [...data.orders.values()].filter((o) => o.state === "open").length : 0;
    return {
      cluster: {
        leases,
        inventory: {
          active: [],
          available: { nodes: [{ name: `${this.profile.hostname}-node-1`, allocatable: { cpu: 64000, gpu: 0, memory: 274877906944, storage_ephemeral: 2199023255552 }, available: { cpu: 64000, gpu: 0, memory: 274877906944, storage_ephemeral: 2199023255552 } }] },
        },
      },
      bidengine: { orders: openOrders },
      manifest: { deployments: this.manifests.size },
      cluster_public_hostname: this.profile.hostname,
      address: this.address,
    };
  }
}
