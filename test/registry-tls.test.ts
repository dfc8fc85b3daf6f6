/**
 * `registry` over HTTPS: certificates are always verified. A registry behind TLS with a private CA
 * is refused until `--ca FILE` adds that CA, and then works; the system roots stay trusted too.
 * The registry is Debian's docker-registry behind a Node TLS proxy with an openssl-made CA.
 */
import { request as httpRequest } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRegistry, type RegistryFlags } from "../src/cli/registry.js";
import { testImage, writeLayout } from "./support/registry-servers.js";
import { DOCKER_REGISTRY, makeCertificates, missingToolMessage, OPENSSL, startDockerRegistry, tempDir, type RunningRegistry } from "./support/verify-servers.js";

const TOOLS = [DOCKER_REGISTRY, OPENSSL];
const toolsFound = TOOLS.every((t) => t.found);

async function cli(action: string, args: string[], flags: RegistryFlags, env: Record<string, string | undefined>) {
  let stdout = "";
  let stderr = "";
  const code = await runRegistry(action, args, flags, {
    cwd: process.cwd(),
    env,
    stdin: Readable.from([]),
    stderr: { isTTY: false, write: (t: string) => ((stderr += t), true) },
    write: (s, t) => (s === "stdout" ? (stdout += t) : (stderr += t)),
  });
  return { code, stdout, stderr };
}

describe.skipIf(!toolsFound && !process.env.CI)(toolsFound ? "registry over TLS with a private CA" : `registry over TLS (SKIPPED locally: ${missingToolMessage(TOOLS)})`, () => {
  let registry: RunningRegistry;
  let tls: ReturnType<typeof createHttpsServer>;
  let forwardedProto = "https";
  let port: number;
  let certs: ReturnType<typeof makeCertificates>;
  let dir: string;
  beforeAll(async () => {
    if (!toolsFound) throw new Error(missingToolMessage(TOOLS));
    registry = await startDockerRegistry();
    certs = makeCertificates(["127.0.0.1"]);
    dir = tempDir("registry-tls");
    // TLS terminates here, as at the stack's Caddy edge, which tells the registry the scheme.
    tls = createHttpsServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
      const forward = httpRequest({ host: "127.0.0.1", port: registry.port, method: req.method, path: req.url, headers: { ...req.headers, "x-forwarded-proto": forwardedProto } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      forward.on("error", () => res.destroy());
      req.pipe(forward);
    });
    await new Promise<void>((r) => tls.listen(0, "127.0.0.1", () => r()));
    port = (tls.address() as { port: number }).port;
  });
  afterAll(async () => {
    tls?.close();
    await registry?.stop();
  });

  it("refuses the unknown CA with words saying what to do, then pushes and pulls with --ca", async () => {
    const src = join(dir, "layout");
    writeLayout(src, [{ image: testImage() }], "v1");
    const env = { DOCKER_CONFIG: join(dir, "docker") };
    const refused = await cli("push", [`127.0.0.1:${port}/team/app:v1`, src], {}, env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/certificate/i);
    expect(refused.stderr).toMatch(/--ca FILE/);

    const pushed = await cli("push", [`127.0.0.1:${port}/team/app:v1`, src], { ca: certs.caCert }, env);
    expect(pushed.code, pushed.stderr).toBe(0);
    const pulled = await cli("pull", [`127.0.0.1:${port}/team/app:v1`, join(dir, "out")], { ca: certs.caCert }, env);
    expect(pulled.code, pulled.stderr).toBe(0);

    // A proxy that does not say "https": the registry's upload URLs come back as http://.
    forwardedProto = "http";
    const downgraded = await cli("push", [`127.0.0.1:${port}/team/other:v1`, src], { ca: certs.caCert }, env);
    expect(downgraded.code).toBe(1);
    expect(downgraded.stderr).toMatch(/plain-http upload URL .* X-Forwarded-Proto: https/);
    forwardedProto = "https";

    const unreadable = await cli("list", [`127.0.0.1:${port}`], { ca: join(dir, "nope.pem") }, env);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/--ca .*nope\.pem cannot be read/);
  }, 60_000);
});
