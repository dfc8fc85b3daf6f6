/**
 * Real servers on loopback for the `verify` tests: Debian's docker-registry (CNCF Distribution 2.8)
 * with a temporary config and storage, a Docker token server in front of it (the Bearer flow that
 * OpenRegistry uses), a proxy that corrupts blob bytes, and certificates made with openssl.
 * Everything is started by the test and stopped after it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createPrivateKey, randomBytes, sign, X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A program the tests need from Debian, and how to get it. */
export interface Tool {
  path: string;
  aptPackage: string;
  found: boolean;
}

export function tool(path: string, aptPackage: string): Tool {
  return { path, aptPackage, found: existsSync(path) };
}

/** "docker-registry is not installed (/usr/bin/docker-registry): apt-get install docker-registry". */
export function missingToolMessage(tools: readonly Tool[]): string {
  const missing = tools.filter((t) => !t.found);
  return `${missing.map((t) => `${t.path} is not installed`).join(", ")}: run \`apt-get install -y ${missing.map((t) => t.aptPackage).join(" ")}\` (.ci/run installs it in CI)`;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `akash-stack-${prefix}-`));
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningRegistry {
  url: string;
  port: number;
  /** storage.filesystem.rootdirectory */
  storageRoot: string;
  stop(): Promise<void>;
}

export type RegistryAuth =
  | { kind: "none" }
  | { kind: "htpasswd"; file: string }
  | { kind: "token"; realm: string; service: string; issuer: string; rootCertBundle: string };

export const DOCKER_REGISTRY = tool("/usr/bin/docker-registry", "docker-registry");
export const HTPASSWD = tool("/usr/bin/htpasswd", "apache2-utils");
export const OPENSSL = tool("/usr/bin/openssl", "openssl");

/** Starts `docker-registry serve` on a free loopback port with its own config and storage. */
export async function startDockerRegistry(auth: RegistryAuth = { kind: "none" }, options: { deleteEnabled?: boolean; binary?: string } = {}): Promise<RunningRegistry> {
  const dir = tempDir("registry");
  const storageRoot = join(dir, "storage");
  const configFile = join(dir, "config.yml");
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    writeFileSync(configFile, registryConfig(port, storageRoot, auth, options.deleteEnabled ?? true));
    const child = spawn(options.binary ?? DOCKER_REGISTRY.path, ["serve", configFile], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const url = `http://127.0.0.1:${port}`;
    const ready = await waitUntilAnswering(`${url}/v2/`, child);
    if (ready) {
      return {
        url,
        port,
        storageRoot,
        async stop() {
          await stopProcess(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stopProcess(child);
    // Another process may have taken the port between freePort() and the registry's listen.
    if (attempt >= 2 || !/address already in use/.test(stderr)) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start: ${stderr.trim().slice(-500)}`);
    }
  }
}

function registryConfig(port: number, storageRoot: string, auth: RegistryAuth, deleteEnabled: boolean): string {
  const lines = [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${storageRoot}`,
    "  delete:",
    `    enabled: ${deleteEnabled}`,
    "http:",
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString("hex")}`,
  ];
  if (auth.kind === "htpasswd") lines.push("auth:", "  htpasswd:", "    realm: verify-test", `    path: ${auth.file}`);
  if (auth.kind === "token") {
    lines.push("auth:", "  token:", `    realm: ${auth.realm}`, `    service: ${auth.service}`, `    issuer: ${auth.issuer}`, `    rootcertbundle: ${auth.rootCertBundle}`);
  }
  return lines.join("\n") + "\n";
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** `htpasswd -Bbn user password` (bcrypt, the only hash Distribution accepts). */
export function writeHtpasswd(file: string, username: string, password: string): void {
  const line = execFileSync(HTPASSWD.path, ["-Bbn", username, password], { encoding: "utf8" });
  writeFileSync(file, line);
}

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(server: Server, host = "127.0.0.1"): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A Docker token server (https://distribution.github.io/distribution/spec/auth/token/): checks
 * Basic credentials and grants the requested scopes in an ES256 JWT whose x5c header carries the
 * signing certificate, which Distribution checks against its `rootcertbundle`.
 */
export async function startTokenServer(options: { username: string; password: string; service: string; issuer: string; keyPem: string; certPem: string }): Promise<Listening & { requests: number }> {
  const key = createPrivateKey(options.keyPem);
  const certDer = new X509Certificate(options.certPem).raw.toString("base64");
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    const url = new URL(req.url ?? "/", "http://token");
    const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString("base64")}`;
    if (url.pathname !== "/token") return void res.writeHead(404).end();
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "Content-Type": "application/json", "WWW-Authenticate": 'Basic realm="token"' });
      return void res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] }));
    }
    const now = Math.floor(Date.now() / 1000);
    const access = url.searchParams.getAll("scope").flatMap((scope) => {
      const [type, ...rest] = scope.split(":");
      const actions = rest.pop() ?? "";
      return [{ type, name: rest.join(":"), actions: actions.split(",") }];
    });
    const header = { alg: "ES256", typ: "JWT", x5c: [certDer] };
    const claims = { iss: options.issuer, sub: options.username, aud: url.searchParams.get("service") ?? options.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString("hex"), access };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign("sha256", Buffer.from(signingInput), { key, dsaEncoding: "ieee-p1363" });
    const token = `${signingInput}.${signature.toString("base64url")}`;
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  const listening = await listen(server);
  return {
    ...listening,
    get requests() {
      return state.requests;
    },
  };
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/**
 * A reverse proxy in front of a registry that flips one byte in the middle of every blob it
 * serves (GET /v2/…/blobs/sha256:…), the way a broken cache or gateway would.
 */
export async function startCorruptingProxy(target: string): Promise<Listening & { corrupted: number }> {
  const upstream = new URL(target);
  const state = { corrupted: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const corrupt = req.method === "GET" && /\/blobs\/sha256:[0-9a-f]{64}$/.test((req.url ?? "").split("?")[0] ?? "");
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        if (!corrupt || upstreamRes.statusCode !== 200) {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upstreamRes.on("data", (c: Buffer) => chunks.push(c));
        upstreamRes.on("end", () => {
          const body = Buffer.concat(chunks);
          if (body.length > 0) {
            const at = Math.floor(body.length / 2);
            body[at] = body[at]! ^ 0xff;
            state.corrupted++;
          }
          res.writeHead(200, upstreamRes.headers);
          res.end(body);
        });
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  const listening = await listen(server);
  return {
    ...listening,
    get corrupted() {
      return state.corrupted;
    },
  };
}

export interface CertificateFiles {
  dir: string;
  caCert: string;
  caCertPem: string;
  cert: string;
  key: string;
  certPem: string;
  keyPem: string;
}

/**
 * A throwaway CA and a leaf certificate for `names` (DNS names and IPs), made with openssl.
 * `days` may be small to test the days-left warning.
 */
export function makeCertificates(names: readonly string[], options: { days?: number; curve?: boolean } = {}): CertificateFiles {
  const dir = tempDir("certs");
  const p = (f: string) => join(dir, f);
  const run = (args: string[]) => execFileSync(OPENSSL.path, args, { stdio: ["ignore", "ignore", "pipe"] });
  const keyArgs = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  run(["req", "-x509", ...keyArgs, "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "30", "-subj", "/CN=akash-stack verify test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  run(["req", ...keyArgs, "-keyout", p("leaf.key"), "-out", p("leaf.csr"), "-subj", `/CN=${names[0] ?? "localhost"}`]);
  const san = names.map((n) => (/^[\d.]+$/.test(n) || n.includes(":") ? `IP:${n}` : `DNS:${n}`)).join(",");
  writeFileSync(p("leaf.ext"), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  run(["x509", "-req", "-in", p("leaf.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial", "-out", p("leaf.pem"), "-days", String(options.days ?? 30), "-extfile", p("leaf.ext")]);
  return {
    dir,
    caCert: p("ca.pem"),
    caCertPem: readFileSync(p("ca.pem"), "utf8"),
    cert: p("leaf.pem"),
    key: p("leaf.key"),
    certPem: readFileSync(p("leaf.pem"), "utf8"),
    keyPem: readFileSync(p("leaf.key"), "utf8"),
  };
}

/** A self-signed EC key pair for signing tokens (Distribution's rootcertbundle holds the cert). */
export function makeSigningCertificate(): { dir: string; cert: string; certPem: string; keyPem: string } {
  const dir = tempDir("token-signer");
  execFileSync(
    OPENSSL.path,
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=akash-stack verify test token signer"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return { dir, cert: join(dir, "cert.pem"), certPem: readFileSync(join(dir, "cert.pem"), "utf8"), keyPem: readFileSync(join(dir, "key.pem"), "utf8") };
}

/**
 * OpenRegistry's pull path in miniature: a proxy in front of a registry that answers blob GETs
 * with a 307 to a "gateway" on another origin (as OpenRegistry redirects to the IPFS gateway),
 * which serves the blob's bytes. The gateway records the Authorization headers it receives, which
 * must be none: credentials are for the registry only.
 */
export async function startRedirectingRegistry(registryUrl: string, registryAuthorization: string): Promise<{ url: string; gatewayUrl: string; gatewayAuthHeaders: string[]; close(): Promise<void> }> {
  const upstream = new URL(registryUrl);
  const gatewayAuthHeaders: string[] = [];
  const gateway = await listen(
    createServer(async (req, res) => {
      if (req.headers.authorization) gatewayAuthHeaders.push(req.headers.authorization);
      const match = /^\/ipfs\/(.+)\/(sha256:[0-9a-f]{64})$/.exec(req.url ?? "");
      if (!match) return void res.writeHead(404).end();
      const blob = await fetch(`${registryUrl}/v2/${match[1]}/blobs/${match[2]}`, { headers: { Authorization: registryAuthorization } });
      res.writeHead(blob.status, { "Content-Type": "application/octet-stream" }).end(Buffer.from(await blob.arrayBuffer()));
    }),
  );
  const front = await listen(
    createServer((req, res) => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      const blob = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path);
      if (req.method === "GET" && blob && req.headers.authorization) {
        res.writeHead(307, { Location: `${gateway.url}/ipfs/${blob[1]}/${blob[2]}` }).end();
        return;
      }
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      });
      forward.on("error", () => res.writeHead(502).end());
      req.pipe(forward);
    }),
  );
  return {
    url: front.url,
    gatewayUrl: gateway.url,
    gatewayAuthHeaders,
    close: async () => {
      await Promise.all([front.close(), gateway.close()]);
    },
  };
}
