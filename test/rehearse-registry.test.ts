/**
 * The registry stack works for real: `akash-stack rehearse registry` runs the synthesized SDL's
 * services (CNCF Distribution, Kubo, Caddy) from the programs their images run, and clients
 * nobody here wrote use it through the TLS edge, as users and providers would:
 * - the OCI distribution-spec conformance suite;
 * - skopeo pushing a three-layer image (one layer over 50 MiB) and copying it back;
 * - containerd (what every Akash provider pulls with) fetching it by tag and by digest into an
 *   empty content store, which checks every digest and size;
 * - `akash-stack verify registry --push-test` and `verify ipfs`;
 * - `akash-stack registry` (login as the stack's admin, push, list, info, pull, rm; accounts added
 *   with `registry users` work after a restart) and the `akash-stack/ipfs` module against the
 *   stack's Kubo, with CIDs from the ipfs CLI;
 * and it survives `kill -9` of every service and an upgrade over a repo an older Kubo made.
 *
 * Needs root, network namespaces, scripts/build-tools.sh's programs and Debian's skopeo,
 * containerd, tini and gosu (.ci/run provides all of them; without CI the file says what is missing
 * and skips).
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ensureBuilt } from "./support/built-cli.js";
import { fetchWithFreshContainerd } from "./support/containerd.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { writeOciLayout, type LayoutImage } from "./support/oci-layout.js";
import { missingForRealStack, skipUnlessAvailable, tool } from "./support/real-tools.js";

const NETNS = "akash-stack-registry";
const DOMAIN = "alternatefutures.ai";
const REGISTRY = `registry.${DOMAIN}`;
const GATEWAY = `ipfs.${DOMAIN}`;
const MiB = 1024 * 1024;

/**
 * What Distribution v3.1.2 does not implement, switched off in the conformance suite (the suite
 * itself also leaves blob upload cancel, sparse manifests and tag parameters off by default):
 * - OCI_API_REFERRER: the referrers API answers 404;
 * - OCI_DATA_SUBJECT, OCI_DATA_SUBJECT_MISSING, OCI_DATA_SUBJECT_LIST: manifests with a subject
 *   need the OCI-Subject header, which belongs to the referrers API;
 * - OCI_DATA_SHA512: Distribution digests everything with sha256;
 * - OCI_DATA_NONDISTRIBUTABLE: it refuses manifests whose layers were never pushed, unless
 *   `validation.manifests.urls.allow` says which foreign URLs to accept.
 */
const CONFORMANCE_OFF = {
  OCI_API_REFERRER: "false",
  OCI_DATA_SUBJECT: "false",
  OCI_DATA_SUBJECT_MISSING: "false",
  OCI_DATA_SUBJECT_LIST: "false",
  OCI_DATA_SHA512: "false",
  OCI_DATA_NONDISTRIBUTABLE: "false",
};

interface View {
  stack: string;
  netns: string | null;
  ca: string | null;
  hosts: Record<string, string>;
  services: Record<string, { pid: number | null; ready: boolean }>;
  admin: { username: string; passwordFile: string } | null;
}

const missing = missingForRealStack(
  ["ipfs", "start_ipfs", "container_init_run", "ipfs-v0.36", "registry", "distribution-config.yml", "caddy", "oci-conformance.test"],
  ["ip", "unshare", "skopeo", "containerd", "ctr", "tini", "gosu"],
);
const skip = skipUnlessAvailable("the rehearsed registry stack", missing);

describe.skipIf(skip)("the registry stack, rehearsed with real components and real clients", () => {
  const work = mkdtempSync(join(tmpdir(), "akash-stack-rehearse-"));
  const home = join(work, "home");
  let view: View;
  let password = "";
  let image: LayoutImage;

  const cli = (args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> =>
    spawnSync(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, AKASH_STACK_HOME: home, ...env }, timeout: 600_000 });
  /** A command run inside the stack's network namespace, where its names resolve. */
  const inNetns = (command: string, args: string[], env: Record<string, string> = {}, timeout = 300_000): SpawnSyncReturns<string> =>
    spawnSync("ip", ["netns", "exec", NETNS, "env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), command, ...args], { encoding: "utf8", timeout });
  const certDir = () => {
    const dir = join(work, "certs");
    if (!existsSync(join(dir, "ca.crt"))) {
      spawnSync("mkdir", ["-p", dir]);
      cpSync(view.ca!, join(dir, "ca.crt"));
    }
    return dir;
  };
  const status = (): View => JSON.parse(cli(["rehearse", "registry", "--status", "--output", "json"]).stdout) as View;
  const waitUntil = async (what: string, done: () => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };

  beforeAll(() => {
    ensureBuilt();
    const started = cli(["rehearse", "registry", "--detach", "--fresh", "--output", "json", "--timeout", "240"]);
    expect(started.status, started.stderr).toBe(0);
    view = JSON.parse(started.stdout) as View;
    password = readFileSync(view.admin!.passwordFile, "utf8");
  }, 300_000);

  afterAll(() => {
    const stopped = cli(["rehearse", "registry", "--stop"]);
    rmSync(work, { recursive: true, force: true });
    expect(stopped.status, stopped.stderr).toBe(0);
  }, 120_000);

  it("prints the documented object once every service is ready, and changes nothing on the machine itself", () => {
    expect(view).toMatchObject({ stack: "registry", netns: NETNS, admin: { username: "admin" } });
    expect(Object.keys(view.services).sort()).toEqual(["edge", "ipfs", "registry"]);
    for (const [name, s] of Object.entries(view.services)) {
      expect(s.ready, name).toBe(true);
      expect(s.pid, name).toBeGreaterThan(1);
    }
    expect(view.hosts).toMatchObject({ [REGISTRY]: "127.0.0.1", [GATEWAY]: "127.0.0.1", registry: "127.0.0.1", ipfs: "127.0.0.1", edge: "127.0.0.1" });
    expect(readFileSync(view.ca!, "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(statSync(view.admin!.passwordFile).mode & 0o777).toBe(0o600);
    expect(password.length).toBeGreaterThanOrEqual(24);
    // The services' roots are overlays: nothing appeared at the images' paths on this machine.
    for (const path of ["/data/ipfs", "/var/lib/registry", "/usr/local/bin/start_ipfs", "/etc/distribution"]) expect(existsSync(path), path).toBe(false);
    // The stack's names resolve inside the namespace only.
    expect(readFileSync("/etc/hosts", "utf8")).not.toContain(REGISTRY);
  });

  it("passes the OCI conformance suite through the TLS edge: pull, push, content discovery and management", () => {
    const results = join(work, "conformance");
    const run = inNetns(tool("oci-conformance.test"), [], {
      SSL_CERT_FILE: view.ca!,
      OCI_REGISTRY: REGISTRY,
      OCI_TLS: "enabled",
      OCI_REPO1: "conformance/repo1",
      OCI_REPO2: "conformance/repo2",
      OCI_USERNAME: "admin",
      OCI_PASSWORD: password,
      OCI_VERSION: "1.1",
      OCI_RESULTS_DIR: results,
      ...CONFORMANCE_OFF,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output.slice(-4000)).toBe(0);
    expect(output).toMatch(/FAIL\.+:\s+0\b/);
    // Pull, push, content discovery (tag listing) and content management (deletes), by the suite's API summary.
    const apis = ["Blob push", "Blob chunked", "Blob streaming", "Blob mount", "Blob get", "Blob get range", "Blob head", "Manifest put by digest", "Manifest put by tag", "Manifest get by digest", "Manifest get by tag", "Manifest head by digest", "Manifest head by tag", "Tag listing", "Tag delete", "Blob delete", "Manifest delete", "Ping"];
    for (const api of apis) expect(output, api).toMatch(new RegExp(`\\n  ${api}\\.+:\\s+Pass\\n`));
    for (const data of ["Image", "Index", "Nested Index", "Image with Large Manifest", "Artifact", "Empty Index"]) expect(output, data).toMatch(new RegExp(`\\n  ${data}\\.+:\\s+Pass\\n`));
    expect(existsSync(join(results, "junit.xml"))).toBe(true);
  }, 400_000);

  it("refuses anonymous reads and writes, and a wrong password; the admin account works", () => {
    const code = (args: string[]) => inNetns("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", view.ca!, ...args]).stdout;
    expect(code([`https://${REGISTRY}/v2/`])).toBe("401");
    expect(code(["-X", "POST", `https://${REGISTRY}/v2/anyone/app/blobs/uploads/`])).toBe("401");
    expect(code(["-u", "admin:wrong", `https://${REGISTRY}/v2/`])).toBe("401");
    expect(code(["-u", `admin:${password}`, `https://${REGISTRY}/v2/`])).toBe("200");
    // Distribution has no sign-up; nothing but the generated admin account can log in.
    expect(code(["-X", "POST", `https://${REGISTRY}/auth/signup`])).not.toMatch(/^2/);
  });

  it("takes a three-layer image (one layer over 50 MiB) from skopeo and gives it back byte for byte", () => {
    image = writeOciLayout(join(work, "layout"), "v1", [64 * MiB, 2 * MiB, 300 * 1024]);
    expect(Math.max(...image.layerSizes)).toBeGreaterThan(50 * MiB);
    const creds = `admin:${password}`;
    const pushed = inNetns("skopeo", ["copy", "--dest-creds", creds, "--dest-cert-dir", certDir(), `oci:${image.dir}:v1`, `docker://${REGISTRY}/team/app:v1`]);
    expect(pushed.status, pushed.stderr).toBe(0);

    const back = join(work, "back");
    const pulled = inNetns("skopeo", ["copy", "--src-creds", creds, "--src-cert-dir", certDir(), `docker://${REGISTRY}/team/app:v1`, `oci:${back}:v1`]);
    expect(pulled.status, pulled.stderr).toBe(0);
    for (const blob of [...image.blobs, { digest: image.manifestDigest, size: 0 }]) {
      const hex = blob.digest.slice("sha256:".length);
      const bytes = readFileSync(join(back, "blobs", "sha256", hex));
      expect(createHash("sha256").update(bytes).digest("hex"), blob.digest).toBe(hex);
      expect(bytes.equals(readFileSync(join(image.dir, "blobs", "sha256", hex))), blob.digest).toBe(true);
    }
  }, 400_000);

  it("lets containerd pull it by tag and by digest into an empty content store, which checks every digest and size", async () => {
    for (const ref of [`${REGISTRY}/team/app:v1`, `${REGISTRY}/team/app@${image.manifestDigest}`]) {
      const result = await fetchWithFreshContainerd(NETNS, ref, { user: `admin:${password}`, caFile: view.ca! });
      expect(result.status, result.output.slice(-3000)).toBe(0);
      expect(result.stored.sort(), ref).toEqual([image.manifestDigest, ...image.blobs.map((b) => b.digest)].sort());
    }
  }, 400_000);

  it("makes containerd refuse the same image when manifests are served as OpenRegistry serves them (so the pull above proves something)", async () => {
    const port = "5999";
    const proxy = spawn("ip", ["netns", "exec", NETNS, process.execPath, join(PROJECT_ROOT, "test", "fixtures", "reserializing-registry-proxy.mjs"), port, "http://registry:5000"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        proxy.stdout!.once("data", () => resolve());
        proxy.once("exit", (code) => reject(new Error(`the proxy exited with ${code}`)));
      });
      const result = await fetchWithFreshContainerd(NETNS, `127.0.0.1:${port}/team/app:v1`, { user: `admin:${password}`, plainHttp: true });
      expect(result.status).not.toBe(0);
      // HEAD reports the layers' total as the manifest's size, so containerd refuses it before the
      // GET; with a right size it would refuse the re-serialized bytes ("failed size validation").
      expect(result.output).toMatch(/rejecting \d+ byte manifest|failed size validation|unexpected commit digest|digest mismatch/);
      expect(result.stored).not.toContain(image.manifestDigest);
    } finally {
      proxy.kill("SIGTERM");
    }
  }, 120_000);

  it("passes verify registry --push-test and verify ipfs through the edge", () => {
    const env = { NODE_EXTRA_CA_CERTS: view.ca!, REHEARSE_PASSWORD: password };
    const registry = inNetns(process.execPath, [CLI, "verify", "registry", "--url", `https://${REGISTRY}`, "--username", "admin", "--password-env", "REHEARSE_PASSWORD", "--push-test", "--output", "json"], env);
    expect(registry.status, `${registry.stdout}${registry.stderr}`).toBe(0);
    expect(registry.stdout).not.toContain(password);

    // Something to find: a file added through Kubo's RPC, which only the stack's services reach.
    const added = inNetns("curl", ["-s", "-X", "POST", "-F", "file=@-;filename=hello", "http://ipfs:5001/api/v0/add?pin=true"]);
    const cid = (JSON.parse(added.stdout.trim().split("\n").at(-1)!) as { Hash: string }).Hash;
    const ipfs = inNetns(process.execPath, [CLI, "verify", "ipfs", "--gateway", `https://${GATEWAY}`, "--cid", cid, "--output", "json"], env);
    expect(ipfs.status, `${ipfs.stdout}${ipfs.stderr}`).toBe(0);
  }, 180_000);

  it("akash-stack registry logs in as the stack's admin, pushes, lists, shows, pulls back byte for byte and removes, through the edge", () => {
    const env = { AKASH_STACK_HOME: home, DOCKER_CONFIG: join(work, "docker"), PATH: process.env.PATH ?? "" };
    const registry = (args: string[]) => inNetns(process.execPath, [CLI, "registry", ...args, "--ca", view.ca!], env);
    const login = registry(["login", "--stack", "registry"]);
    expect(login.status, login.stderr).toBe(0);
    expect(login.stdout + login.stderr).not.toContain(password);

    const pushed = registry(["push", `${REGISTRY}/team/cli:v1`, image.dir, "--output", "json"]);
    expect(pushed.status, pushed.stderr).toBe(0);
    expect((JSON.parse(pushed.stdout) as { digest: string }).digest).toBe(image.manifestDigest);

    const listed = registry(["list", REGISTRY, "--output", "json"]);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("team/cli");
    const info = registry(["info", `${REGISTRY}/team/cli:v1`, "--output", "json"]);
    expect(info.status, info.stderr).toBe(0);
    const shown = JSON.parse(info.stdout) as { digest: string; images: Array<{ layers: Array<{ digest: string; size: number; ipfs?: unknown }> }> };
    expect(shown.digest).toBe(image.manifestDigest);
    // Distribution keeps layers on its volume, so there is no CID to show (OpenRegistry's redirects give one).
    expect(shown.images[0]!.layers).toEqual(image.blobs.slice(1).map((b) => expect.objectContaining({ digest: b.digest, size: b.size })));
    expect(shown.images[0]!.layers.filter((l) => l.ipfs !== undefined)).toEqual([]);

    const back = join(work, "back-cli");
    const pulled = registry(["pull", `${REGISTRY}/team/cli:v1`, back]);
    expect(pulled.status, pulled.stderr).toBe(0);
    for (const blob of image.blobs) {
      const hex = blob.digest.slice("sha256:".length);
      expect(readFileSync(join(back, "blobs", "sha256", hex)).equals(readFileSync(join(image.dir, "blobs", "sha256", hex))), blob.digest).toBe(true);
    }

    const removed = registry(["rm", `${REGISTRY}/team/cli@${image.manifestDigest}`]);
    expect(removed.status, removed.stderr).toBe(0);
    const gone = registry(["info", `${REGISTRY}/team/cli:v1`]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/no manifest v1 \(HTTP 404\)/);
  }, 300_000);

  it("akash-stack/ipfs stores files on the stack's Kubo under the CIDs the ipfs CLI computes, pinned", () => {
    const file = join(work, "upload.bin");
    writeFileSync(file, Buffer.alloc(3 * MiB, 7));
    // The module as the package ships it, run where the stack's apps run: beside the stack, with
    // IPFS_API_URL at Kubo's RPC (which only the stack's own network reaches).
    const script = [
      `const { createStorage } = await import(${JSON.stringify(join(PROJECT_ROOT, "dist", "ipfs.mjs"))});`,
      "const { storage } = createStorage();",
      `const up = await storage.upload({ path: ${JSON.stringify(file)} });`,
      "const pinned = await storage.isPinned(up.cid);",
      "const chunks = []; for await (const c of storage.get(up.cid)) chunks.push(c);",
      "const info = await storage.nodeInfo(); const stats = await storage.stats();",
      "console.log(JSON.stringify({ ...up, pinned, back: Buffer.concat(chunks).length, agent: info.agentVersion, objects: stats.numObjects }));",
    ].join("\n");
    const run = inNetns(process.execPath, ["--input-type=module", "-e", script], { IPFS_API_URL: "http://ipfs:5001", IPFS_GATEWAY_URL: `https://${GATEWAY}` });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { cid: string; size: number; url: string; pinned: boolean; back: number; agent: string; objects: number };
    // The ipfs CLI, talking to the same node's RPC, computes the CID with Kubo's defaults and lists the pins.
    const ipfsCli = (args: string[]) => inNetns(tool("ipfs"), ["--api", "/dns4/ipfs/tcp/5001", ...args]);
    const expected = ipfsCli(["add", "--only-hash", "-Q", file]);
    expect(expected.status, expected.stderr).toBe(0);
    expect(out).toMatchObject({ cid: expected.stdout.trim(), size: 3 * MiB, url: `https://${GATEWAY}/ipfs/${expected.stdout.trim()}`, pinned: true, back: 3 * MiB });
    expect(ipfsCli(["pin", "ls", "--type=recursive", "-q"]).stdout.split("\n")).toContain(out.cid);
    expect(out.agent).toMatch(/^kubo\/0\.42\.0/);
    expect(out.objects).toBeGreaterThan(0);
  }, 120_000);

  it("keeps everything when every service is killed with SIGKILL: they restart, and the image pulls again", async () => {
    const before = status();
    for (const s of Object.values(before.services)) process.kill(s.pid!, "SIGKILL");
    await waitUntil(
      "every service is back with a new pid",
      () => {
        const now = status();
        return Object.entries(now.services).every(([name, s]) => s.ready && s.pid !== null && s.pid !== before.services[name]!.pid);
      },
      120_000,
    );
    const result = await fetchWithFreshContainerd(NETNS, `${REGISTRY}/team/app:v1`, { user: `admin:${password}`, caFile: view.ca! });
    expect(result.status, result.output.slice(-3000)).toBe(0);
    expect(result.stored).toContain(image.manifestDigest);
  }, 300_000);

  it("takes accounts from registry users when it restarts with the stack's next manifest, and drops removed ones", () => {
    const code = (user: string) => inNetns("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", view.ca!, "-u", user, `https://${REGISTRY}/v2/`]).stdout;
    const env = { CI_PUSH_PASSWORD: "ci-push-password-1" };
    const restart = () => {
      expect(cli(["rehearse", "registry", "--stop"]).status).toBe(0);
      const started = cli(["rehearse", "registry", "--detach", "--output", "json", "--timeout", "240"]);
      expect(started.status, started.stderr).toBe(0);
    };
    const added = cli(["registry", "users", "add", "ci", "--stack", "registry", "--password-env", "CI_PUSH_PASSWORD"], env);
    expect(added.status, added.stderr).toBe(0);
    expect(code("ci:ci-push-password-1")).toBe("401"); // not before the registry restarts with it
    restart();
    expect(code("ci:ci-push-password-1")).toBe("200");
    expect(code("ci:wrong-password")).toBe("401");
    expect(code(`admin:${password}`)).toBe("200");

    expect(cli(["registry", "users", "rm", "ci", "--stack", "registry"]).status).toBe(0);
    restart();
    expect(code("ci:ci-push-password-1")).toBe("401");
    expect(code(`admin:${password}`)).toBe("200");
  }, 600_000);

  it("starts Kubo over a repo an older Kubo made (v0.36, repo version 16) instead of crash-looping", async () => {
    const stopped = cli(["rehearse", "registry", "--stop"]);
    expect(stopped.status, stopped.stderr).toBe(0);
    const repo = join(home, "rehearse", "registry", "volumes", "ipfs", "repo");
    rmSync(repo, { recursive: true, force: true });
    const old = (args: string[], path = repo) => spawnSync(tool("ipfs-v0.36"), args, { env: { ...process.env, IPFS_PATH: path }, encoding: "utf8" });
    expect(old(["init", "--profile", "server"]).status).toBe(0);
    for (const [key, value] of [["Addresses.API", "/ip4/0.0.0.0/tcp/5001"], ["Addresses.Gateway", "/ip4/0.0.0.0/tcp/8080"]]) expect(old(["config", key!, value!]).status).toBe(0);
    expect(readFileSync(join(repo, "version"), "utf8").trim()).toBe("16");

    // What the stack's old command did first: `config` on the old repo fails, which under set -e
    // was a crash loop.
    const copy = join(work, "old-repo-copy");
    cpSync(repo, copy, { recursive: true });
    const configFirst = spawnSync(tool("ipfs"), ["config", "--json", "Gateway.NoFetch", "true"], { env: { ...process.env, IPFS_PATH: copy }, encoding: "utf8" });
    expect(configFirst.status).not.toBe(0);
    expect(`${configFirst.stdout}${configFirst.stderr}`).toMatch(/migrat/i);

    const restarted = cli(["rehearse", "registry", "--detach", "--output", "json", "--timeout", "240"]);
    expect(restarted.status, restarted.stderr).toBe(0);
    view = JSON.parse(restarted.stdout) as View;
    const ipfsState = JSON.parse(readFileSync(join(home, "rehearse", "registry", "state.json"), "utf8")) as { services: Record<string, { restarts: number }> };
    expect(ipfsState.services.ipfs!.restarts).toBe(0);
    expect(readFileSync(join(repo, "version"), "utf8").trim()).toBe("18");
    expect(readdirSync(repo)).toContain("config");
    writeFileSync(join(work, "done"), "");
  }, 400_000);
});
