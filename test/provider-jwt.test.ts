/**
 * The provider JWT's claims and cache, with an injected clock: iat and nbf sit the clock skew in
 * the past, exp one lifetime ahead; a token is reused only while more than half its life is left,
 * and only for the same provider and the same scope.
 */
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { describe, expect, it } from "vitest";
import { ProviderJwts } from "../src/provider/jwt.js";

/**
 * chain-sdk refuses to sign a token that is not valid by the real clock, so the injected clock
 * starts 40 s in the past (whole seconds) and moves forward from there.
 */
function pastClock(): { ms: number; seconds: number } {
  const seconds = Math.floor(Date.now() / 1000) - 40;
  return { ms: seconds * 1000 + 500, seconds };
}

interface Claims {
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  leases: { access: string; permissions: Array<{ provider: string; access: string; scope: string[] }> };
}

function claimsOf(token: string): Claims {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Claims;
}

/** Provider addresses in the shape chain-sdk's JWT schema requires. */
const P1 = `akash1${"q".repeat(38)}`;
const P2 = `akash1${"p".repeat(38)}`;

async function tokens(clock: { ms: number }, options: { lifetimeSeconds?: number; skewSeconds?: number } = {}) {
  const wallet = await Secp256k1HdWallet.generate(12, { prefix: "akash" });
  const [account] = await wallet.getAccounts();
  return { jwts: new ProviderJwts(wallet, account!.address, { ...options, now: () => clock.ms }), address: account!.address };
}

describe("provider JWTs", () => {
  it("carry iat and nbf the skew in the past, exp one lifetime ahead, and one provider with one scope", async () => {
    const clock = pastClock();
    const { jwts, address } = await tokens(clock, { lifetimeSeconds: 120, skewSeconds: 7 });
    const claims = claimsOf(await jwts.token(P1, "send-manifest"));
    expect(claims.iss).toBe(address);
    expect(claims.iat).toBe(clock.seconds - 7);
    expect(claims.nbf).toBe(clock.seconds - 7);
    expect(claims.exp).toBe(clock.seconds + 120);
    expect(claims.leases).toEqual({ access: "granular", permissions: [{ provider: P1, access: "scoped", scope: ["send-manifest"] }] });
  });

  it("defaults to a 60 s lifetime and 10 s of skew", async () => {
    const clock = pastClock();
    const { jwts } = await tokens(clock);
    const claims = claimsOf(await jwts.token(P1, "status"));
    expect([claims.iat, claims.exp]).toEqual([clock.seconds - 10, clock.seconds + 60]);
  });

  it("is reused while more than half its life is left, and replaced after", async () => {
    const clock = pastClock();
    const { jwts } = await tokens(clock);
    const first = await jwts.token(P1, "status");
    clock.ms += 29_000;
    expect(await jwts.token(P1, "status")).toBe(first);
    clock.ms += 1_000; // 30 s in: exactly half its life left, no longer reused
    const second = await jwts.token(P1, "status");
    expect(second).not.toBe(first);
    expect(claimsOf(second).exp).toBe(clock.seconds + 30 + 60);
  });

  it("is never shared between scopes or providers", async () => {
    const clock = pastClock();
    const { jwts } = await tokens(clock);
    const status = await jwts.token(P1, "status");
    expect(await jwts.token(P1, "send-manifest")).not.toBe(status);
    expect(claimsOf(await jwts.token(P1, "send-manifest")).leases.permissions[0]!.scope).toEqual(["send-manifest"]);
    expect(await jwts.token(P2, "status")).not.toBe(status);
    expect(claimsOf(await jwts.token(P2, "status")).leases.permissions[0]!.provider).toBe(P2);
  });
});
