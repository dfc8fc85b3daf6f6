/**
 * Against a REAL Kubo (v0.42, built from the Go module proxy by scripts/build-tools.sh), started
 * offline on loopback with a temporary repo:
 * - the `akash-stack/ipfs` module: every method round-trips, CIDs equal what the ipfs CLI computes
 *   (`ipfs add --only-hash`), pins are what `ipfs pin ls` shows, and time-outs, aborts and an
 *   unreachable node fail with words;
 * - `registry info` on a registry that stores layers on IPFS the way OpenRegistry does (blob GETs
 *   answered with a 307 to `<gateway>/ipfs/<cid>`): here a docker-registry with such a front, whose
 *   layers were added to this Kubo. The CIDs shown must equal `ipfs add --only-hash` of each layer
 *   and be pinned. (The real OpenRegistry engine cannot be built here; README, "Does it work?".)
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage, IpfsError, KuboStorage } from "../src/ipfs/index.js";
import { RegistryClient } from "../src/registry/client.js";
import { imageInfo } from "../src/registry/inspect.js";
import { pushImage } from "../src/registry/push.js";
import { openSource } from "../src/registry/sources.js";
import { runRegistry } from "../src/cli/registry.js";
import { kuboFound, kuboMissing, startKubo, type RunningKubo } from "./support/kubo.js";
import { testImage, writeLayout } from "./support/registry-servers.js";
import { DOCKER_REGISTRY, freePort, listen, startDockerRegistry, tempDir, type Listening, type RunningRegistry } from "./support/verify-servers.js";

const mustRun = kuboFound || Boolean(process.env.CI);
const toolsFound = kuboFound && DOCKER_REGISTRY.found;

describe.skipIf(!mustRun)(kuboFound ? "the ipfs module and registry info against a real Kubo" : `ipfs module (SKIPPED locally: ${kuboMissing})`, () => {
  let kubo: RunningKubo;
  let storage: KuboStorage;
  let dir: string;
  beforeAll(async () => {
    if (!toolsFound) throw new Error(kuboFound ? "docker-registry is not installed: apt-get install -y docker-registry" : kuboMissing);
    kubo = await startKubo();
    storage = new KuboStorage({ apiUrl: kubo.apiUrl, gatewayUrl: kubo.gatewayUrl, timeoutMs: 20_000 });
    dir = tempDir("ipfs-module");
  }, 90_000);
  afterAll(async () => kubo?.stop());

  it("uploads bytes, a stream and a file to the CIDs the ipfs CLI computes, and gets them back byte for byte", async () => {
    const small = new TextEncoder().encode("hello from akash-stack\n");
    const big = randomBytes(1_500_000); // several 256 KiB blocks
    const file = join(dir, "big.bin");
    writeFileSync(file, big);

    const fromBytes = await storage.upload(small);
    expect(fromBytes.cid).toBe(kubo.cli(["add", "--only-hash", "-Q"], small));
    expect(fromBytes.size).toBe(small.length);
    expect(fromBytes.url).toBe(`${kubo.gatewayUrl}/ipfs/${fromBytes.cid}`);

    const fromStream = await storage.upload(Readable.from([big.subarray(0, 700_000), big.subarray(700_000)]));
    const fromFile = await storage.upload({ path: file });
    const expected = kubo.cli(["add", "--only-hash", "-Q", file]);
    expect(fromStream.cid).toBe(expected);
    expect(fromFile.cid).toBe(expected);
    expect(fromFile.size).toBe(big.length);
    // A fetch body (a web ReadableStream), and a stream that offers only getReader() (what a
    // DOM-typed project sees), give the same CID.
    const fromWeb = await storage.upload(new Response(big).body!);
    const web = new Response(big).body!;
    const fromReader = await storage.upload({ getReader: () => web.getReader() });
    expect([fromWeb.cid, fromReader.cid]).toEqual([expected, expected]);
    expect(fromReader.size).toBe(big.length);
    await expect(storage.upload({} as unknown as Uint8Array)).rejects.toThrow(/not bytes, a string, a stream of bytes or \{path\}/);

    expect(Buffer.compare(await buffer(storage.get(fromBytes.cid)), Buffer.from(small))).toBe(0);
    expect(Buffer.compare(await buffer(storage.get(fromFile.cid)), big)).toBe(0);
    // and the gateway serves what the url says
    const served = Buffer.from(await (await fetch(fromFile.url)).arrayBuffer());
    expect(Buffer.compare(served, big)).toBe(0);
  }, 60_000);

  it("uploads a directory (from disk and from entries) that the CLI lists with the same files", async () => {
    const folder = join(dir, "site");
    mkdirSync(join(folder, "img"), { recursive: true });
    writeFileSync(join(folder, "index.html"), "<h1>hi</h1>");
    writeFileSync(join(folder, "img", "logo.bin"), randomBytes(300_000));
    writeFileSync(join(folder, ".well-known"), "x");
    const fromDisk = await storage.uploadDirectory(folder);
    expect(fromDisk.size).toBe(11 + 300_000 + 1);
    // `ipfs add -r --hidden` of the folder makes the same directory: same root CID.
    expect(fromDisk.cid).toBe(kubo.cli(["add", "-r", "--hidden", "-Q", "--only-hash", folder]));
    expect(kubo.cli(["ls", fromDisk.cid]).split("\n").map((l) => l.split(/\s+/).pop())).toEqual([".well-known", "img/", "index.html"]);
    expect(kubo.cli(["cat", `${fromDisk.cid}/index.html`])).toBe("<h1>hi</h1>");

    const fromEntries = await storage.uploadDirectory([
      { path: "a.txt", content: "A" },
      { path: "sub/b.txt", content: new TextEncoder().encode("BB") },
    ]);
    expect(fromEntries.size).toBe(3);
    expect(Buffer.from(await buffer(storage.get(`${fromEntries.cid}/sub/b.txt`))).toString()).toBe("BB");
  }, 60_000);

  it("pins and unpins, as `ipfs pin ls` shows", async () => {
    const added = await storage.upload(randomBytes(1000), { pin: false });
    expect(await storage.isPinned(added.cid)).toBe(false);
    await storage.pin(added.cid);
    expect(await storage.isPinned(added.cid)).toBe(true);
    expect(kubo.cli(["pin", "ls", "--type=recursive", "-q"]).split("\n")).toContain(added.cid);
    await storage.unpin(added.cid);
    expect(await storage.isPinned(added.cid)).toBe(false);
    expect(kubo.cli(["pin", "ls", "--type=recursive", "-q"]).split("\n")).not.toContain(added.cid);
  }, 30_000);

  it("reports node info and repo stats as the CLI does", async () => {
    const info = await storage.nodeInfo();
    expect(info.id).toBe(kubo.cli(["id", "-f", "<id>"]));
    expect(info.agentVersion).toMatch(/^kubo\/0\.42\.0/);
    const raw = (await (await fetch(`${kubo.apiUrl}/api/v0/id`, { method: "POST" })).json()) as { ProtocolVersion?: string; Addresses: string[] | null };
    expect(info.protocolVersion).toBe(raw.ProtocolVersion);
    expect(info.addresses).toEqual(raw.Addresses ?? []);
    expect(Array.isArray(info.addresses)).toBe(true);
    const stats = await storage.stats();
    expect(stats.numObjects).toBeGreaterThan(0);
    expect(stats.repoSize).toBeGreaterThan(0);
    expect(stats.storageMax).toBe(Number(JSON.parse(kubo.cli(["repo", "stat", "--enc=json"])).StorageMax));
    expect(stats.version).toMatch(/^fs-repo@\d+/);
  }, 30_000);

  it("times out, honours abort signals, and says when the node cannot be reached", async () => {
    // An offline node says at once that it does not hold a CID.
    const absent = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
    const missing = await buffer(storage.get(absent)).catch((e: unknown) => e);
    expect(missing).toMatchObject({ reason: "not-found", message: expect.stringMatching(/does not have the content for get/) });

    // A node that accepts connections and never answers (hung, or a wrong port behind a proxy).
    const hung = await listen(createServer(() => undefined));
    try {
      const slow = new KuboStorage({ apiUrl: hung.url });
      const started = Date.now();
      const timedOut = await buffer(slow.get(absent, { timeoutMs: 800 })).catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(IpfsError);
      expect((timedOut as IpfsError).reason).toBe("timeout");
      expect((timedOut as IpfsError).message).toMatch(/get on Kubo at http:\/\/127\.0\.0\.1:\d+ timed out after 800 ms/);
      expect(Date.now() - started).toBeLessThan(5_000);
      await expect(slow.stats({ timeoutMs: 500 })).rejects.toMatchObject({ reason: "timeout" });

      const controller = new AbortController();
      const pending = slow.pin(absent, { signal: controller.signal, timeoutMs: 30_000 });
      setTimeout(() => controller.abort(), 200);
      await expect(pending).rejects.toMatchObject({ reason: "aborted", message: "pin was aborted by the caller" });
    } finally {
      await hung.close();
    }
    const closed = new KuboStorage({ apiUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 5000 });
    await expect(closed.stats()).rejects.toMatchObject({ reason: "unreachable", message: expect.stringMatching(/cannot reach Kubo's RPC API at .* is the daemon running, and is IPFS_API_URL/) });
  }, 30_000);

  it("createStorage picks Kubo when IPFS_API_URL is set, else the app's fallback", async () => {
    const chosen = createStorage({ env: { IPFS_API_URL: kubo.apiUrl, IPFS_GATEWAY_URL: kubo.gatewayUrl } });
    expect(chosen.kind).toBe("kubo");
    const uploaded = await chosen.storage.upload("via the factory");
    expect(uploaded.url).toBe(`${kubo.gatewayUrl}/ipfs/${uploaded.cid}`);
    const fallback = { kind: "pinning-service", upload: async () => ({ cid: "x", size: 0, url: "x" }), pin: async () => {}, unpin: async () => {}, get: () => Readable.from([]) };
    expect(createStorage({ env: {}, fallback: () => fallback })).toEqual({ kind: "fallback", storage: fallback });
    expect(() => createStorage({ env: {} })).toThrow(/IPFS_API_URL is not set/);
    expect(() => createStorage({ env: { IPFS_API_URL: "not a url" } })).toThrow(/is not a URL/);
  });

  describe("registry info on a registry whose layers live on IPFS", () => {
    let registry: RunningRegistry;
    let front: Listening;
    const cids = new Map<string, string>();
    beforeAll(async () => {
      registry = await startDockerRegistry();
      const upstream = new URL(registry.url);
      // OpenRegistry's pull path: blob GETs answer 307 to the gateway's /ipfs/<cid>.
      front = await listen(
        createServer((req, res) => {
          const blob = /\/blobs\/(sha256:[0-9a-f]{64})$/.exec((req.url ?? "").split("?")[0] ?? "");
          const cid = blob && req.method === "GET" ? cids.get(blob[1]!) : undefined;
          if (cid) return void res.writeHead(307, { Location: `${kubo.gatewayUrl}/ipfs/${cid}` }).end();
          const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          });
          req.pipe(forward);
        }),
      );
    }, 60_000);
    afterAll(async () => {
      await front?.close();
      await registry?.stop();
    });

    it("shows each layer's CID, equal to `ipfs add --only-hash`, pinned, verified by re-hashing what the gateway serves", async () => {
      const image = testImage(600 * 1024); // a multi-block layer, the case OpenRegistry gets wrong
      const src = join(dir, "layout");
      writeLayout(src, [{ image }], "v1");
      const host = `127.0.0.1:${front.port}`;
      const client = new RegistryClient(host, { allowHttp: true });
      await pushImage(client, { host, repository: "ipfs/app", tag: "v1" }, await openSource(src, "v1"));
      const added = await storage.upload(image.layer.bytes);
      cids.set(image.layer.digest, added.cid);

      const info = await imageInfo(client, { host, repository: "ipfs/app", tag: "v1" }, { allowHttp: true });
      const layer = info.images[0]!.layers[0]!;
      expect(layer.ipfs).toEqual({ cid: added.cid, gateway: `${kubo.gatewayUrl}/ipfs/${added.cid}`, served: true, verified: true });
      expect(layer.ipfs!.cid).toBe(kubo.cli(["add", "--only-hash", "-Q"], image.layer.bytes));
      expect(kubo.cli(["pin", "ls", "--type=recursive", "-q"]).split("\n")).toContain(layer.ipfs!.cid);

      // A CID that names other bytes is caught, and the command exits 1.
      cids.set(image.layer.digest, (await storage.upload(randomBytes(1000))).cid);
      let stdout = "";
      let stderr = "";
      const code = await runRegistry("info", [`${host}/ipfs/app:v1`], { allowHttp: true }, {
        cwd: dir,
        env: { DOCKER_CONFIG: join(dir, "docker") },
        stdin: Readable.from([]),
        stderr: { isTTY: false, write: (t: string) => ((stderr += t), true) },
        write: (s, t) => (s === "stdout" ? (stdout += t) : (stderr += t)),
      });
      expect(code).toBe(1);
      expect(stdout).toMatch(/NOT verified: the gateway served 1000 bytes hashing to sha256:[0-9a-f]{64}, not the layer/);
    }, 60_000);
  });
});
