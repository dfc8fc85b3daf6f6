/**
 * Provider-side JWT checks (AEP-64, provider `gateway/utils` + `gateway/rest/auth.go`): the token
 * is signed by the tenant's account key with ES256K (secp256k1 over SHA-256 of the signing string)
 * or ES256KADR36 (the signing string wrapped in an ADR-36 amino sign doc, as Keplr's
 * `signArbitrary` and chain-sdk's `JwtTokenManager` sign it), verified against the public key the
 * chain holds for `iss`, and its `leases` claim must grant the route's scope to this provider.
 */
import { makeSignDoc, serializeSignDoc } from "@cosmjs/amino";
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { fromBase64, toBase64, toUtf8 } from "@cosmjs/encoding";
import { JwtValidator } from "@akashnetwork/chain-sdk";

export type AccessScope =
  | "send-manifest"
  | "get-manifest"
  | "logs"
  | "shell"
  | "events"
  | "status"
  | "restart"
  | "hostname-migrate"
  | "ip-migrate"
  | "attestation";

export interface JwtRequirement {
  /** This provider's address (for granular permissions). */
  provider: string;
  scope: AccessScope;
  dseq: bigint | undefined;
  gseq?: number;
  oseq?: number;
  /** Unix seconds. */
  now: number;
}

export type JwtCheck = { ok: true; owner: string } | { ok: false; reason: string };

interface LeasePermissions {
  access?: string;
  scope?: string[];
  permissions?: Array<{ provider?: string; access?: string; scope?: string[]; deployments?: Array<{ dseq?: number; gseq?: number; oseq?: number; scope?: string[] }> }>;
}

const validator = new JwtValidator();

function base64UrlDecode(part: string): Uint8Array {
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
  return fromBase64(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "="));
}

/** The `Authorization: Bearer …` token of a request (the scheme is matched case-insensitively). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

export async function verifyJwt(token: string, pubKeyOf: (address: string) => Uint8Array | undefined, need: JwtRequirement): Promise<JwtCheck> {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "JWT invalid: token is malformed: token contains an invalid number of segments" };
  let header: { alg?: string };
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(base64UrlDecode(parts[0]!))) as { alg?: string };
    payload = JSON.parse(new TextDecoder().decode(base64UrlDecode(parts[1]!))) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: "JWT invalid: token is malformed: could not base64/JSON-decode the header or claims" };
  }
  if (header.alg !== "ES256K" && header.alg !== "ES256KADR36") {
    return { ok: false, reason: `JWT invalid: token is unverifiable: signing method ${header.alg ?? "(none)"} is invalid; use ES256K or ES256KADR36` };
  }
  const schema = validator.validateToken(payload as never);
  if (!schema.isValid) return { ok: false, reason: `JWT invalid: claims do not match the Akash JWT schema: ${schema.errors.join("; ")}` };
  const iss = payload.iss as string;
  const exp = payload.exp as number;
  const nbf = payload.nbf as number;
  if (exp <= need.now) return { ok: false, reason: "JWT invalid: token has invalid claims: token is expired" };
  if (nbf > need.now) return { ok: false, reason: "JWT invalid: token has invalid claims: token is not valid yet" };

  const pubKey = pubKeyOf(iss);
  if (!pubKey) {
    return { ok: false, reason: `JWT invalid: account ${iss} has no public key on chain; it must sign a transaction before its JWTs can be verified` };
  }
  let signature: Uint8Array;
  try {
    signature = base64UrlDecode(parts[2]!);
  } catch {
    return { ok: false, reason: "JWT invalid: signature is not base64url" };
  }
  const signingString = `${parts[0]}.${parts[1]}`;
  const message =
    header.alg === "ES256K"
      ? toUtf8(signingString)
      : serializeSignDoc(
          makeSignDoc([{ type: "sign/MsgSignData", value: { signer: iss, data: toBase64(toUtf8(signingString)) } }], { gas: "0", amount: [] }, "", "", 0, 0),
        );
  let valid = false;
  if (signature.length === 64) {
    try {
      valid = await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(signature), sha256(message), pubKey);
    } catch {
      valid = false;
    }
  }
  if (!valid) return { ok: false, reason: `JWT invalid: token signature is invalid: it was not signed by the key of ${iss} (${header.alg})` };

  if (!grants(payload.leases as LeasePermissions, need)) {
    return { ok: false, reason: `unauthorized access: the token's leases claim does not grant "${need.scope}" on provider ${need.provider}${need.dseq !== undefined ? ` for dseq ${need.dseq}` : ""}` };
  }
  return { ok: true, owner: iss };
}

function grants(leases: LeasePermissions, need: JwtRequirement): boolean {
  switch (leases.access) {
    case "full":
      return true;
    case "scoped":
      return (leases.scope ?? []).includes(need.scope);
    case "granular": {
      const permission = (leases.permissions ?? []).find((p) => p.provider === need.provider);
      if (!permission) return false;
      if (permission.access === "full") return true;
      if (permission.access === "scoped") return (permission.scope ?? []).includes(need.scope);
      if (permission.access !== "granular" || need.dseq === undefined) return false;
      return (permission.deployments ?? []).some(
        (d) =>
          BigInt(d.dseq ?? 0) === need.dseq &&
          (d.gseq === undefined || need.gseq === undefined || d.gseq === need.gseq) &&
          (d.oseq === undefined || need.oseq === undefined || d.oseq === need.oseq) &&
          (d.scope ?? []).includes(need.scope),
      );
    }
    default:
      return false;
  }
}
