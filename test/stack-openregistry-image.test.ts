/**
 * images/openregistry/entrypoint.sh, run by a real `sh` in a temporary folder with stub `nc`,
 * `psql` and `openregistry` commands first on PATH: the config.yaml it writes must parse and hold
 * what OpenRegistry needs (registry-stack.md §1.3), and the start sequence must be
 * wait → migrations init (only without tables) → start.
 */
import { spawnSync } from "node:child_process";
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "./support/corpus.js";

const ENTRYPOINT = join(PROJECT_ROOT, "images", "openregistry", "entrypoint.sh");

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048, // the stack generates 4096; the entrypoint does not care and tests stay fast
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const STUBS: Record<string, string> = {
  nc: `echo "nc $*" >> "$STUB_LOG"; [ "\${STUB_DB_DOWN:-}" != yes ]`,
  psql: `echo "psql $*" >> "$STUB_LOG"; [ "\${STUB_SCHEMA:-}" = present ] && echo t; exit 0`,
  openregistry: `echo "openregistry $* | cwd=$(pwd) | secrets-in-env=\${OPENREGISTRY_DB_PASSWORD:+yes}\${OPENREGISTRY_AUTH_KEY_PEM_BASE64:+yes}" >> "$STUB_LOG"`,
};

interface Run {
  status: number | null;
  stderr: string;
  dir: string;
  log: string[];
}

function runEntrypoint(env: Record<string, string>, extra: Record<string, string> = {}): Run {
  const dir = mkdtempSync(join(tmpdir(), "openregistry-entrypoint-"));
  temps.push(dir);
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const [name, body] of Object.entries(STUBS)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const work = join(dir, "home");
  mkdirSync(work);
  const log = join(dir, "calls.log");
  const result = spawnSync("sh", [ENTRYPOINT], {
    cwd: work,
    env: { PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, HOME: work, STUB_LOG: log, ...env, ...extra },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr, dir: work, log: existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [] };
}

const PASSWORD = `it's a "pass": #1`;
const ENV = {
  OPENREGISTRY_DNS_ADDRESS: "registry.example.com",
  OPENREGISTRY_DB_HOST: "postgres",
  OPENREGISTRY_DB_PASSWORD: PASSWORD,
  OPENREGISTRY_DB_ADMIN_PASSWORD: "admin-pass",
  OPENREGISTRY_IPFS_RPC_MULTI_ADDR: "/dns4/ipfs/tcp/5001",
  OPENREGISTRY_IPFS_GATEWAY_ENDPOINT: "https://ipfs.example.com",
  OPENREGISTRY_AUTH_KEY_PEM_BASE64: Buffer.from(privateKey).toString("base64"),
};

describe("images/openregistry/entrypoint.sh", () => {
  it("writes a config.yaml that parses and holds the keys OpenRegistry needs", () => {
    const run = runEntrypoint(ENV);
    expect(run.stderr).not.toMatch(/missing|not base64|does not hold/);
    expect(run.status).toBe(0);
    const file = join(run.dir, "config.yaml");
    expect(statSync(file).mode & 0o077).toBe(0); // holds the database password
    const config = parse(readFileSync(file, "utf8")) as {
      environment: string;
      web_app: unknown;
      registry: { auth: { enabled: boolean } };
      database: unknown;
      dfs: { ipfs: unknown; mock: unknown };
    };
    expect(config.environment).toBe("staging");
    expect(config.web_app).toMatchObject({ endpoints: ["https://registry.example.com"], redirect_url: "https://registry.example.com/repositories" });
    expect(config.registry).toMatchObject({ dns_address: "registry.example.com", fqdn: "registry.example.com", host: "0.0.0.0", port: 5000 });
    expect(config.registry.auth.enabled).toBe(true);
    expect(config.database).toEqual({
      kind: "postgres",
      host: "postgres",
      port: 5432,
      username: "open_registry_user",
      password: PASSWORD,
      name: "open_registry",
    });
    expect(config.dfs.ipfs).toEqual({
      enabled: true,
      type: "p2p",
      local: false,
      pinning: true,
      rpc_multi_addr: "/dns4/ipfs/tcp/5001",
      gateway_endpoint: "https://ipfs.example.com",
    });
    expect(config.dfs.mock).toEqual({ enabled: false, type: "MemMapped" });
  });

  it("writes the token-signing key pair the config points at", () => {
    const run = runEntrypoint(ENV);
    const config = parse(readFileSync(join(run.dir, "config.yaml"), "utf8")) as { registry: { auth: { priv_key: string; pub_key: string } } };
    const priv = readFileSync(config.registry.auth.priv_key, "utf8");
    expect(priv).toBe(privateKey);
    const pub = readFileSync(config.registry.auth.pub_key, "utf8");
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const expected = createPublicKey(createPrivateKey(privateKey)).export({ type: "spki", format: "pem" });
    expect(pub).toBe(expected);
  });

  it("waits for PostgreSQL, runs migrations init with --insecure=true, then execs start without the secrets in its env", () => {
    const run = runEntrypoint(ENV);
    expect(run.log[0]).toBe("nc -z postgres 5432");
    const init = run.log.findIndex((l) => l.startsWith("openregistry migrations init"));
    const start = run.log.findIndex((l) => l.startsWith("openregistry start"));
    expect(init).toBeGreaterThan(0);
    expect(start).toBeGreaterThan(init);
    const initCall = run.log[init]!;
    for (const flag of ["--host=postgres", "--port=5432", "--database=open_registry", "--username=open_registry_user", "--admin-db-username=postgres", "--admin-db-password=admin-pass", "--insecure=true"]) {
      expect(initCall).toContain(flag);
    }
    expect(initCall).toContain(`--password=${PASSWORD}`);
    expect(run.log[start]).toBe(`openregistry start | cwd=${run.dir} | secrets-in-env=`);
  });

  it("skips migrations init once the tables exist", () => {
    const run = runEntrypoint(ENV, { STUB_SCHEMA: "present" });
    expect(run.status).toBe(0);
    expect(run.log.some((l) => l.startsWith("psql "))).toBe(true);
    expect(run.log.some((l) => l.startsWith("openregistry migrations"))).toBe(false);
    expect(run.log.at(-1)).toMatch(/^openregistry start /);
    expect(run.stderr).toMatch(/already has its tables; skipping migrations init/);
  });

  it("exits (so the container restarts) when PostgreSQL stays unreachable", () => {
    const run = runEntrypoint({ ...ENV, OPENREGISTRY_DB_WAIT_SECONDS: "0" }, { STUB_DB_DOWN: "yes" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/PostgreSQL at postgres:5432 is not reachable after 0s/);
    expect(run.log.some((l) => l.startsWith("openregistry"))).toBe(false);
  });

  it("names every missing variable at once", () => {
    const run = runEntrypoint({ OPENREGISTRY_DNS_ADDRESS: "registry.example.com" });
    expect(run.status).toBe(64);
    expect(run.stderr).toMatch(
      /missing environment variables: OPENREGISTRY_DB_HOST OPENREGISTRY_DB_PASSWORD OPENREGISTRY_DB_ADMIN_PASSWORD OPENREGISTRY_IPFS_GATEWAY_ENDPOINT OPENREGISTRY_AUTH_KEY_PEM_BASE64/,
    );
    expect(existsSync(join(run.dir, "config.yaml"))).toBe(false);
  });

  it("refuses a key that is not a PEM private key", () => {
    const run = runEntrypoint({ ...ENV, OPENREGISTRY_AUTH_KEY_PEM_BASE64: Buffer.from("not a key").toString("base64") });
    expect(run.status).toBe(64);
    expect(run.stderr).toMatch(/does not hold a PEM private key/);
    expect(run.log).toEqual([]);
  });
});
