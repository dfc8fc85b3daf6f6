/**
 * Provider JWTs (AEP-64), minted with chain-sdk's `JwtTokenManager` from the tenant's amino signer
 * (ES256KADR36). Each token is short-lived and scoped to one provider and one action, the way
 * Console's API does it (30 s, granular `send-manifest`): a leaked token is worth little.
 */
import type { JwtTokenAccessScope } from "@akashnetwork/chain-sdk";
import type { OfflineAminoSigner } from "@cosmjs/amino";
import { JwtTokenManager } from "../chain/cosmos/vendor-entry.js";

export type ProviderScope = Extract<JwtTokenAccessScope, "send-manifest" | "status" | "get-manifest" | "events" | "logs" | "shell">;

export interface TokenSource {
  /** A bearer token for `scope` at `provider`. */
  token(provider: string, scope: ProviderScope): Promise<string>;
}

export interface JwtOptions {
  /** Token lifetime; default 60 s (AEP-64 recommends at most 15 min). */
  lifetimeSeconds?: number;
  /** Tolerated clock skew with the provider: `nbf`/`iat` are set this far in the past. Default 10 s. */
  skewSeconds?: number;
  now?(): number;
}

export class ProviderJwts implements TokenSource {
  private readonly manager: JwtTokenManager;
  private readonly cache = new Map<string, { token: string; exp: number }>();
  private readonly lifetime: number;
  private readonly skew: number;
  private readonly now: () => number;

  constructor(
    signer: OfflineAminoSigner,
    private readonly address: string,
    options: JwtOptions = {},
  ) {
    this.manager = new JwtTokenManager(signer);
    this.lifetime = options.lifetimeSeconds ?? 60;
    this.skew = options.skewSeconds ?? 10;
    this.now = options.now ?? (() => Date.now());
  }

  async token(provider: string, scope: ProviderScope): Promise<string> {
    const key = `${provider}|${scope}`;
    const nowSeconds = Math.floor(this.now() / 1000);
    const cached = this.cache.get(key);
    // Reuse a token while it has more than half its life left; a request never carries one about to expire.
    if (cached && cached.exp - nowSeconds > this.lifetime / 2) return cached.token;
    const issuedAt = nowSeconds - this.skew;
    const exp = nowSeconds + this.lifetime;
    const token = await this.manager.generateToken({
      version: "v1",
      iss: this.address,
      iat: issuedAt,
      nbf: issuedAt,
      exp,
      leases: { access: "granular", permissions: [{ provider, access: "scoped", scope: [scope] }] },
    });
    this.cache.set(key, { token, exp });
    return token;
  }
}
