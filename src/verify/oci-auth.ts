/**
 * Talking to an OCI registry that may want credentials, the way docker does it:
 * send the request; on 401 read the `WWW-Authenticate` challenge and either
 * - Basic (Distribution with htpasswd): resend with the user's Basic credentials, or
 * - Bearer (OpenRegistry, Docker Hub, Distribution with token auth): `GET realm?service=&scope=`
 *   with the user's Basic credentials (or none, for anonymous tokens), then resend with the token.
 * A second 401 means the credentials were refused; that is an `AuthError` with words for the user.
 *
 * The password lives only in this object and in Authorization headers; no message includes it.
 */
import { bodySnippet, httpRequest, type HttpRequest, type HttpResponse } from "./http.js";

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface Challenge {
  scheme: "basic" | "bearer";
  params: Record<string, string>;
}

/** Authentication failed: `refused` (wrong credentials) or `required` (none given). */
export class AuthError extends Error {
  override readonly name = "AuthError";
  constructor(
    message: string,
    readonly reason: "refused" | "required" | "broken",
  ) {
    super(message);
  }
}

/**
 * Parses `Bearer realm="https://r/token",service="r",scope="repository:a/b:pull,push"`.
 * Returns the first challenge whose scheme we speak, or undefined.
 */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(basic|bearer)\b/i.exec(header);
  if (!match?.[1]) return undefined;
  const scheme = match[1].toLowerCase() as Challenge["scheme"];
  const params: Record<string, string> = {};
  // key=value or key="quoted, value" pairs separated by commas; quotes may hold commas.
  const pair = /([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const m of header.slice(match[0].length).matchAll(pair)) {
    const key = m[1]!.toLowerCase();
    params[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "");
  }
  return { scheme, params };
}

export interface SessionOptions {
  credentials?: RegistryCredentials;
  /** How the user gives credentials to the command at hand, for messages (default: verify's flags). */
  howToLogIn?: { give: string; check: string };
  allowHttp: boolean;
  timeoutMs?: number;
}

export interface SessionRequest extends HttpRequest {
  /** The repository the request is about, so its token can be reused. */
  repository?: string;
}

/** How the session got in, for messages: "no authentication", "Basic auth as alice", … */
export type AuthUsed = { kind: "none" } | { kind: "basic"; realm: string } | { kind: "bearer"; realm: string };

export class RegistrySession {
  private readonly tokens = new Map<string, string>();
  private useBasic = false;
  authUsed: AuthUsed = { kind: "none" };

  constructor(
    readonly baseUrl: URL,
    private readonly options: SessionOptions,
  ) {}

  private get howToLogIn(): { give: string; check: string } {
    return this.options.howToLogIn ?? { give: "pass --username and --password-env", check: "check --username and the password in --password-env" };
  }

  get username(): string | undefined {
    return this.options.credentials?.username;
  }

  /** `path` is relative to the registry root (`/v2/…`) or an absolute URL (upload Locations). */
  async send(path: string, request: SessionRequest = {}): Promise<HttpResponse> {
    const url = new URL(path, this.baseUrl).href;
    const tokenKey = request.repository ?? "";
    const first = await httpRequest(url, this.authorize(request, tokenKey));
    if (first.status !== 401) return first;

    const challenge = parseChallenge(first.headers.get("www-authenticate"));
    if (!challenge) {
      throw new AuthError(
        `${url} answered 401 without a usable WWW-Authenticate challenge (${first.headers.get("www-authenticate") ?? "none"}); ` +
          `a proxy in front of the registry may be asking for its own credentials`,
        "broken",
      );
    }
    if (challenge.scheme === "basic") {
      const credentials = this.options.credentials;
      if (!credentials) {
        throw new AuthError(`the registry asks for HTTP Basic credentials (realm "${challenge.params.realm ?? ""}"): ${this.howToLogIn.give}`, "required");
      }
      this.useBasic = true;
      const retried = await httpRequest(url, this.authorize(request, tokenKey));
      if (retried.status === 401) {
        throw new AuthError(`the registry refused the credentials of user "${credentials.username}" (HTTP 401 to Basic auth): ${this.howToLogIn.check}`, "refused");
      }
      this.authUsed = { kind: "basic", realm: challenge.params.realm ?? "" };
      return retried;
    }

    const token = await this.fetchToken(challenge, request.repository);
    this.tokens.set(tokenKey, token);
    const retried = await httpRequest(url, this.authorize(request, tokenKey));
    if (retried.status === 401) {
      const who = this.options.credentials ? `user "${this.options.credentials.username}"` : "anonymous access";
      throw new AuthError(
        `the registry refused the token its realm ${challenge.params.realm ?? "?"} issued to ${who} for ${url} (HTTP 401 again): ` +
          `the account may lack ${request.repository ? `access to ${request.repository}` : "access"}, or the registry and token server disagree (service, issuer, signing key)`,
        "refused",
      );
    }
    this.authUsed = { kind: "bearer", realm: challenge.params.realm ?? "" };
    return retried;
  }

  private authorize(request: SessionRequest, tokenKey: string): HttpRequest {
    const headers: Record<string, string> = { ...(request.headers ?? {}) };
    const token = this.tokens.get(tokenKey);
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (this.useBasic && this.options.credentials) headers.Authorization = basicAuthorization(this.options.credentials);
    // A request's own time-out wins: a 200 MiB layer takes longer than a manifest.
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    return { ...request, headers, allowHttp: this.options.allowHttp, ...(timeoutMs ? { timeoutMs } : {}) };
  }

  /** Docker token auth: https://distribution.github.io/distribution/spec/auth/token/ */
  private async fetchToken(challenge: Challenge, repository: string | undefined): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm) throw new AuthError("the registry's Bearer challenge names no realm (token endpoint), so no token can be requested", "broken");
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm, this.baseUrl);
    } catch {
      throw new AuthError(`the registry's token realm ${JSON.stringify(realm)} is not a URL`, "broken");
    }
    if (realmUrl.protocol === "http:" && !this.options.allowHttp) {
      throw new AuthError(`the registry's token realm ${realmUrl.href} is plain HTTP, which would send the password unencrypted; fix the registry's realm (OpenRegistry: registry.dns_address) or pass --allow-http for a local test`, "broken");
    }
    if (challenge.params.service) realmUrl.searchParams.set("service", challenge.params.service);
    const scope = challenge.params.scope ?? (repository ? `repository:${repository}:pull,push` : undefined);
    if (scope) for (const s of scope.split(" ")) realmUrl.searchParams.append("scope", s);

    const credentials = this.options.credentials;
    const response = await httpRequest(realmUrl.href, {
      headers: credentials ? { Authorization: basicAuthorization(credentials) } : {},
      allowHttp: this.options.allowHttp,
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
    });
    if (response.status === 401 || response.status === 403) {
      if (!credentials) {
        throw new AuthError(`the token endpoint ${realmUrl.origin}${realmUrl.pathname} refuses anonymous access (HTTP ${response.status}): ${this.howToLogIn.give}`, "required");
      }
      throw new AuthError(
        `the token endpoint ${realmUrl.origin}${realmUrl.pathname} refused the credentials of user "${credentials.username}" (HTTP ${response.status}): ${this.howToLogIn.check}`,
        "refused",
      );
    }
    if (response.status !== 200) {
      throw new AuthError(`the token endpoint ${realmUrl.origin}${realmUrl.pathname} answered HTTP ${response.status}: ${bodySnippet(response.body)}`, "broken");
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(response.body));
    } catch {
      throw new AuthError(`the token endpoint ${realmUrl.origin}${realmUrl.pathname} answered 200 but not JSON: ${bodySnippet(response.body)}`, "broken");
    }
    const token = typeof parsed === "object" && parsed !== null ? ((parsed as Record<string, unknown>).token ?? (parsed as Record<string, unknown>).access_token) : undefined;
    if (typeof token !== "string" || token === "") {
      throw new AuthError(`the token endpoint ${realmUrl.origin}${realmUrl.pathname} answered without a "token" field`, "broken");
    }
    return token;
  }
}

export function basicAuthorization(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64")}`;
}

/** "Basic auth", "a Bearer token from https://r/token", or "no authentication". */
export function describeAuth(auth: AuthUsed, username: string | undefined): string {
  const who = username ? ` as "${username}"` : " (anonymous)";
  if (auth.kind === "basic") return `Basic auth${who}`;
  if (auth.kind === "bearer") return `a Bearer token from ${auth.realm}${who}`;
  return "no authentication";
}
