/**
 * Provider clients for a deploy: one per provider, trusting web PKI or the provider's on-chain
 * certificate, authenticating with short-lived scoped JWTs.
 */
import type { ChainClient, ProviderInfo } from "../chain/types.js";
import { ProviderClient } from "../provider/client.js";
import type { TokenSource } from "../provider/jwt.js";
import { preloadTrustStore } from "../provider/tls.js";

export interface ProviderTuning {
  requestTimeoutMs?: number;
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export class ProviderDirectory {
  private readonly clients = new Map<string, ProviderClient>();
  private readonly infos = new Map<string, Promise<ProviderInfo | undefined>>();

  constructor(
    private readonly chain: ChainClient,
    private readonly tokens: TokenSource,
    private readonly tuning: ProviderTuning = {},
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Does now, while the caller waits anyway, the set-up the first provider connection would pay. */
  prepare(): void {
    preloadTrustStore();
  }

  info(address: string): Promise<ProviderInfo | undefined> {
    let p = this.infos.get(address);
    if (!p) {
      p = this.chain.provider(address);
      p.catch(() => this.infos.delete(address));
      this.infos.set(address, p);
    }
    return p;
  }

  async client(address: string): Promise<ProviderClient> {
    const existing = this.clients.get(address);
    if (existing) return existing;
    const info = await this.info(address);
    if (!info?.hostUri) throw new Error(`provider ${address} is not registered on chain (or has no host URI); it cannot receive the manifest`);
    return this.clientFor(info);
  }

  clientFor(info: ProviderInfo): ProviderClient {
    const existing = this.clients.get(info.owner);
    if (existing) return existing;
    const client = new ProviderClient({
      provider: info.owner,
      hostUri: info.hostUri,
      tokens: this.tokens,
      trust: {
        provider: info.owner,
        certificates: async (owner, serial) => (await this.chain.certificates(owner, serial)).map((c) => ({ serial: c.serial, state: c.state, certPem: c.certPem })),
      },
      ...this.tuning,
      log: this.log,
    });
    this.clients.set(info.owner, client);
    return client;
  }
}
