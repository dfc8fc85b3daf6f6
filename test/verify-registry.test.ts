/**
 * `verify registry` against a REAL OCI registry: Debian's docker-registry (CNCF Distribution 2.8),
 * started here on a free loopback port with a temporary config and storage, in three set-ups:
 * no auth, htpasswd (Basic challenge), and token auth (the Bearer flow OpenRegistry uses) with a
 * small token server in front. Failure cases: registry down, a proxy that corrupts blob bytes,
 * refused credentials, deletes disabled.
 *
 * Needs `docker-registry`, `apache2-utils` (htpasswd) and `openssl` from Debian; `.ci/run`
 * installs them. Without them the tests fail under CI and are skipped, saying so, elsewhere.
 */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVerify } from "../src/cli/verify.js";
import { verifyRegistry } from "../src/verify/oci.js";
import { IPFS_CHUNK_SIZE } from "../src/verify/oci-image.js";
import type { CheckOutcome, ServiceReport, VerifyReport } from "../src/verify/report.js";
import {
  DOCKER_REGISTRY,
  HTPASSWD,
  makeSigningCertificate,
  missingToolMessage,
  OPENSSL,
  startCorruptingProxy,
  startDockerRegistry,
  startRedirectingRegistry,
  startTokenServer,
  tempDir,
  writeHtpasswd,
  type RunningRegistry,
} from "./support/verify-servers.js";

const TOOLS = [DOCKER_REGISTRY, HTPASSWD, OPENSSL];
const toolsFound = TOOLS.every((t) => t.found);
const mustRun = toolsFound || Boolean(process.env.CI);
const suiteName = toolsFound ? "verify registry against Debian's docker-registry" : `verify registry against Debian's docker-registry (SKIPPED locally: ${missingToolMessage(TOOLS)})`;

function check(report: ServiceReport, name: string): CheckOutcome {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${report.checks.map((c) => c.name).join(", ")}`);
  return found;
}

function failures(report: ServiceReport): string[] {
  return report.checks.filter((c) => c.result === "fail").map((c) => `${c.name}: ${c.message}`);
}

/** Where Distribution's filesystem driver keeps a blob's bytes. */
function blobPath(storageRoot: string, digest: string): string {
  const hex = digest.replace(/^sha256:/, "");
  return join(storageRoot, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex, "data");
}

describe.skipIf(!mustRun)(suiteName, () => {
  beforeAll(() => {
    if (!toolsFound) throw new Error(missingToolMessage(TOOLS));
  });

  describe("without auth", () => {
    let registry: RunningRegistry;
    beforeAll(async () => {
      registry = await startDockerRegistry();
    });
    afterAll(async () => registry?.stop());

    it("passes the push test, and the layer over 256 KiB is stored byte for byte", async () => {
      const report = await verifyRegistry({ url: registry.url, pushTest: true, allowHttp: true });
      expect(failures(report)).toEqual([]);
      expect(check(report, "v2-api").result).toBe("pass");
      expect(check(report, "health").result).toBe("skip"); // Distribution has no /health
      for (const name of ["push:config-blob", "push:layer-blob", "push:manifest", "pull:manifest", "pull:config-blob", "pull:layer-blob", "head:layer-blob", "tags-list", "cleanup"]) {
        expect(check(report, name).result, `${name}: ${check(report, name).message}`).toBe("pass");
      }
      const layer = check(report, "push:layer-blob").details!;
      expect(layer.size).toBeGreaterThan(IPFS_CHUNK_SIZE);
      expect(String(layer.repository)).toMatch(/^akash-stack\/verify-[0-9a-f]{8}$/);
      // The registry really received the layer: its bytes were on disk (cleanup removes only the
      // repository's link to the blob; the data stays until garbage collection).
      const onDisk = blobPath(registry.storageRoot, String(layer.digest));
      expect(existsSync(onDisk), onDisk).toBe(true);
      expect(statSync(onDisk).size).toBe(layer.size);
    });

    it("fails with a clear message when a proxy in between corrupts blob bytes", async () => {
      const proxy = await startCorruptingProxy(registry.url);
      try {
        const report = await verifyRegistry({ url: proxy.url, pushTest: true, allowHttp: true });
        expect(proxy.corrupted).toBeGreaterThanOrEqual(2);
        const layer = check(report, "pull:layer-blob");
        expect(layer.result).toBe("fail");
        expect(layer.message).toMatch(/hashes to sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64} as pushed: the bytes were changed on the way/);
        expect(check(report, "pull:config-blob").result).toBe("fail");
        // Uploads went through the proxy untouched, so the push itself passed.
        expect(check(report, "push:layer-blob").result).toBe("pass");
      } finally {
        await proxy.close();
      }
    });

    it("says when deletes are not allowed, without failing", async () => {
      const noDeletes = await startDockerRegistry({ kind: "none" }, { deleteEnabled: false });
      try {
        const report = await verifyRegistry({ url: noDeletes.url, pushTest: true, allowHttp: true });
        expect(failures(report)).toEqual([]);
        const cleanup = check(report, "cleanup");
        expect(cleanup.result).toBe("skip");
        expect(cleanup.message).toMatch(/does not allow deletes \(HTTP 405.*the scratch image akash-stack\/verify-[0-9a-f]{8}:verify stays/);
      } finally {
        await noDeletes.stop();
      }
    });
  });

  it("fails with a clear message when the registry is down", async () => {
    const registry = await startDockerRegistry();
    const url = registry.url;
    await registry.stop();
    const report = await verifyRegistry({ url, pushTest: true, allowHttp: true });
    const api = check(report, "v2-api");
    expect(api.result).toBe("fail");
    expect(api.message).toMatch(/connection refused: nothing listens there.*\(ECONNREFUSED\)/);
    expect(check(report, "push:layer-blob")).toMatchObject({ result: "skip", message: "not run: GET /v2/ failed (see v2-api)" });
  });

  describe("with htpasswd auth (Basic challenge)", () => {
    let registry: RunningRegistry;
    let dir: string;
    beforeAll(async () => {
      dir = tempDir("htpasswd");
      writeHtpasswd(join(dir, "htpasswd"), "alice", "correct horse");
      registry = await startDockerRegistry({ kind: "htpasswd", file: join(dir, "htpasswd") });
    });
    afterAll(async () => {
      await registry?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("passes with the right credentials, pushing under the user's namespace", async () => {
      const report = await verifyRegistry({ url: registry.url, pushTest: true, allowHttp: true, credentials: { username: "alice", password: "correct horse" } });
      expect(failures(report)).toEqual([]);
      expect(check(report, "v2-api").message).toContain('Basic auth as "alice"');
      expect(String(check(report, "push:layer-blob").details!.repository)).toMatch(/^alice\/verify-/);
    });

    it("follows a 307 from blob GETs to a gateway on another origin, without sending it the credentials", async () => {
      const basic = `Basic ${Buffer.from("alice:correct horse").toString("base64")}`;
      const redirecting = await startRedirectingRegistry(registry.url, basic);
      try {
        const report = await verifyRegistry({ url: redirecting.url, pushTest: true, allowHttp: true, credentials: { username: "alice", password: "correct horse" } });
        expect(failures(report)).toEqual([]);
        const layer = check(report, "pull:layer-blob");
        expect(layer.message).toMatch(new RegExp(`^pulled 300\\.\\d KiB \\(\\d+ bytes\\) via ${redirecting.gatewayUrl}/ipfs/alice/verify-[0-9a-f]{8}/sha256:[0-9a-f]{64}; digest and size match$`));
        expect(String(layer.details!.servedBy)).toContain(redirecting.gatewayUrl);
        expect(redirecting.gatewayAuthHeaders).toEqual([]);
      } finally {
        await redirecting.close();
      }
    });

    it("refuses a redirect to plain http when --allow-http was not given for it", async () => {
      const basic = `Basic ${Buffer.from("alice:correct horse").toString("base64")}`;
      const redirecting = await startRedirectingRegistry(registry.url, basic);
      try {
        // The CLI refuses an http:// --url before this point; the library call shows that a redirect
        // to plain http (a gateway_endpoint left at http://) is refused on its own.
        const report = await verifyRegistry({ url: redirecting.url, pushTest: true, allowHttp: false, credentials: { username: "alice", password: "correct horse" } });
        expect(check(report, "pull:layer-blob")).toMatchObject({ result: "fail", message: expect.stringMatching(/redirected to plain-HTTP http:\/\/127\.0\.0\.1:\d+\/ipfs\/.*pass --allow-http/) });
      } finally {
        await redirecting.close();
      }
    });

    it("fails when the credentials are refused", async () => {
      const report = await verifyRegistry({ url: registry.url, pushTest: true, allowHttp: true, credentials: { username: "alice", password: "wrong" } });
      const api = check(report, "v2-api");
      expect(api.result).toBe("fail");
      expect(api.message).toBe('the registry refused the credentials of user "alice" (HTTP 401 to Basic auth): check --username and the password in --password-env');
      expect(api.message).not.toContain("wrong");
    });

    it("fails the push test, asking for credentials, when none are given", async () => {
      const report = await verifyRegistry({ url: registry.url, pushTest: true, allowHttp: true });
      expect(check(report, "v2-api").result).toBe("pass");
      expect(check(report, "push:config-blob")).toMatchObject({ result: "fail", message: expect.stringContaining("pass --username and --password-env") });
    });
  });

  describe("with token auth (Bearer challenge, as OpenRegistry)", () => {
    let registry: RunningRegistry;
    let tokens: Awaited<ReturnType<typeof startTokenServer>>;
    let signer: ReturnType<typeof makeSigningCertificate>;
    beforeAll(async () => {
      signer = makeSigningCertificate();
      const service = "verify-test-registry";
      const issuer = "verify-test-issuer";
      tokens = await startTokenServer({ username: "bob", password: "s3cret", service, issuer, keyPem: signer.keyPem, certPem: signer.certPem });
      registry = await startDockerRegistry({ kind: "token", realm: `${tokens.url}/token`, service, issuer, rootCertBundle: signer.cert });
    });
    afterAll(async () => {
      await registry?.stop();
      await tokens?.close();
      rmSync(signer.dir, { recursive: true, force: true });
    });

    it("follows the token flow and passes the push test", async () => {
      const before = tokens.requests;
      const report = await verifyRegistry({ url: registry.url, pushTest: true, allowHttp: true, credentials: { username: "bob", password: "s3cret" } });
      expect(failures(report)).toEqual([]);
      expect(check(report, "v2-api").message).toContain(`a Bearer token from ${tokens.url}/token as "bob"`);
      expect(tokens.requests).toBeGreaterThan(before);
    });

    it("fails when the token endpoint refuses the credentials", async () => {
      const report = await verifyRegistry({ url: registry.url, pushTest: true, allowHttp: true, credentials: { username: "bob", password: "guess" } });
      const api = check(report, "v2-api");
      expect(api.result).toBe("fail");
      expect(api.message).toBe(`the token endpoint ${tokens.url}/token refused the credentials of user "bob" (HTTP 401): check --username and the password in --password-env`);
    });
  });

  describe("the CLI", () => {
    let registry: RunningRegistry;
    let dir: string;
    beforeAll(async () => {
      dir = tempDir("registry-cli");
      writeHtpasswd(join(dir, "htpasswd"), "carol", "p@ss-in-env");
      registry = await startDockerRegistry({ kind: "htpasswd", file: join(dir, "htpasswd") });
    });
    afterAll(async () => {
      await registry?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    function io(env: Record<string, string>) {
      const out = { stdout: "", stderr: "" };
      return { out, io: { cwd: dir, env, write: (stream: "stdout" | "stderr", text: string) => void (out[stream] += text) } };
    }

    it("exits 0 with --push-test, prints JSON, writes the HTML page, and never prints the password", async () => {
      const { out, io: cliIo } = io({ REGISTRY_PASSWORD: "p@ss-in-env" });
      const code = await runVerify("registry", registry.url, { username: "carol", passwordEnv: "REGISTRY_PASSWORD", pushTest: true, allowHttp: true, output: "json", html: "status.html" }, cliIo);
      expect(out.stderr).toContain("wrote the status page to status.html");
      expect(code).toBe(0);
      const report = JSON.parse(out.stdout) as VerifyReport;
      expect(report.ok).toBe(true);
      expect(report.summary.failed).toBe(0);
      const html = readFileSync(join(cliIo.cwd, "status.html"), "utf8");
      for (const text of [out.stdout, out.stderr, html]) {
        expect(text).not.toContain("p@ss-in-env");
        expect(text).not.toContain(Buffer.from("carol:p@ss-in-env").toString("base64"));
      }
    });

    it("exits 1 when a check fails", async () => {
      const { io: cliIo, out } = io({ REGISTRY_PASSWORD: "not-it" });
      const code = await runVerify("registry", registry.url, { username: "carol", passwordEnv: "REGISTRY_PASSWORD", pushTest: true, allowHttp: true }, cliIo);
      expect(code).toBe(1);
      expect(out.stdout).toMatch(/FAIL v2-api .*refused the credentials of user "carol"/);
      expect(out.stdout).toMatch(/NOT verified/);
    });

    it("refuses plain http:// without --allow-http, and a password env var that is not set (exit 2)", async () => {
      const plain = io({});
      expect(await runVerify("registry", registry.url, {}, plain.io)).toBe(2);
      expect(plain.out.stderr).toMatch(/is plain HTTP.*pass --allow-http/);
      const unset = io({});
      expect(await runVerify("registry", registry.url, { allowHttp: true, username: "carol", passwordEnv: "NOPE" }, unset.io)).toBe(2);
      expect(unset.out.stderr).toContain("--password-env NOPE: that environment variable is not set or empty");
      const noEnv = io({});
      expect(await runVerify("registry", registry.url, { allowHttp: true, username: "carol" }, noEnv.io)).toBe(2);
      expect(noEnv.out.stderr).toContain("--username needs --password-env VAR");
      const inUrl = io({});
      expect(await runVerify("registry", registry.url.replace("http://", "http://carol:secret@"), { allowHttp: true }, inUrl.io)).toBe(2);
      expect(inUrl.out.stderr).toContain("must not carry credentials");
      expect(inUrl.out.stderr).not.toContain("secret");
    });
  });
});
