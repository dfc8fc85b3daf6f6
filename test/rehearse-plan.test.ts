/**
 * The pure parts of `rehearse`: which program stands in for each image, the container's argv and
 * environment by Kubernetes' rules, the launcher script (quoting, no secrets on disk), the hosts
 * file, and the Caddy shim that is the rehearsal's one change to the stack (run with a real `sh`).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ManifestGroup, ManifestService } from "../src/sdl/manifest.js";
import { CADDY_LOCAL_CA_SHIM } from "../src/rehearse/caddy-shim.js";
import { imageRuntime, unknownImageReason } from "../src/rehearse/images.js";
import { renderLauncher, shellQuote } from "../src/rehearse/launcher.js";
import { renderHosts } from "../src/rehearse/netns.js";
import { containerArgv, containerEnv, planRehearsal, RehearsalPlanError } from "../src/rehearse/plan.js";
import { argvEnv } from "../src/rehearse/supervisor.js";

function service(name: string, image: string, extra: Partial<ManifestService> = {}): ManifestService {
  return {
    name,
    image,
    command: null,
    args: null,
    env: null,
    resources: {} as ManifestService["resources"],
    count: 1,
    expose: [],
    params: undefined,
    credentials: null,
    ...extra,
  };
}

function tcp(port: number): ManifestService["expose"][number] {
  return { port, externalPort: 0, proto: "TCP", service: "", global: false, hosts: null, httpOptions: {} as never, ip: "", endpointSequenceNumber: 0 };
}

const groups = (...services: ManifestService[]): ManifestGroup[] => [{ name: "akash", services }];

describe("container argv and environment (Kubernetes' rules)", () => {
  const image = { entrypoint: ["/entry"], cmd: ["serve", "--flag"] };

  it("uses the image's entrypoint and cmd when the SDL gives neither", () => {
    expect(containerArgv(image, null, null)).toEqual(["/entry", "serve", "--flag"]);
  });

  it("replaces only the cmd with args", () => {
    expect(containerArgv(image, null, ["other"])).toEqual(["/entry", "other"]);
  });

  it("drops the image's cmd when a command comes without args", () => {
    expect(containerArgv(image, ["sh", "-c"], null)).toEqual(["sh", "-c"]);
    expect(containerArgv(image, ["sh", "-c"], ["echo hi"])).toEqual(["sh", "-c", "echo hi"]);
  });

  it("puts the SDL's env over the image's", () => {
    expect(containerEnv({ env: { PATH: "/bin", A: "image" } }, ["A=sdl", "B=x=y"])).toEqual(["PATH=/bin", "A=sdl", "B=x=y"]);
  });
});

describe("planRehearsal", () => {
  it("maps each image to its stand-in and resolves every name to loopback", () => {
    const plan = planRehearsal({
      stack: "s",
      groups: groups(service("ipfs", "ipfs/kubo:v0.42.0", { expose: [tcp(5001), tcp(8080)] }), service("edge", "caddy:2.10.2-alpine", { expose: [tcp(443)] })),
      dnsNames: ["ipfs.example.com"],
    });
    expect(plan.services.map((s) => [s.name, s.runtime.image, s.ports.map((p) => p.port)])).toEqual([
      ["ipfs", "ipfs/kubo:v0.42.0", [5001, 8080]],
      ["edge", "caddy:2.10.2-alpine", [443]],
    ]);
    expect(plan.services[0]!.argv).toEqual(["/sbin/tini", "--", "/usr/local/bin/start_ipfs", "daemon", "--migrate=true", "--agent-version-suffix=docker"]);
    expect(plan.hosts).toEqual(["ipfs", "edge", "ipfs.example.com"]);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatch(/local CA/);
  });

  it("refuses, for every service at once, images it cannot run, versions it did not build, replicas and shared ports", () => {
    let error: unknown;
    try {
      planRehearsal({
        stack: "s",
        groups: groups(
          service("a", "nginx:1.27"),
          service("b", "ipfs/kubo:v0.41.0"),
          service("c", "ghcr.io/alternatefutures/openregistry:ffa19b2-r1"),
          service("d", "registry:3.1.2", { count: 2, expose: [tcp(5000)] }),
          service("e", "caddy:2.10.2-alpine", { expose: [tcp(5000)] }),
        ),
        dnsNames: [],
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RehearsalPlanError);
    const problems = (error as RehearsalPlanError).problems;
    expect(problems.map((p) => p.service)).toEqual(["a", "b", "c", "d", "e"]);
    expect(problems[0]!.message).toMatch(/no local program for nginx:1\.27/);
    expect(problems[1]!.message).toMatch(/runs ipfs\/kubo:v0\.42\.0, built and tested here, and no other version/);
    expect(problems[2]!.message).toMatch(/Go module proxy refuses github\.com\/containerish\/OpenRegistry/);
    expect(problems[3]!.message).toMatch(/count is 2/);
    expect(problems[4]!.message).toMatch(/listens on 5000\/TCP like service d/);
  });

  it("knows exactly the images it was built for", () => {
    expect(imageRuntime("registry:3.1.2")?.files.map((f) => f.path)).toEqual(["/bin/registry", "/etc/distribution/config.yml"]);
    expect(imageRuntime("registry:3")).toBeUndefined();
    expect(unknownImageReason("registry:3")).toMatch(/registry:3\.1\.2/);
  });
});

describe("the launcher script", () => {
  const [plan] = [
    planRehearsal({
      stack: "s",
      groups: groups(
        service("registry", "registry:3.1.2", {
          command: ["sh", "-c"],
          args: ["echo TOP-SECRET-VALUE"],
          env: ["PASSWORD=TOP-SECRET-VALUE"],
          params: { storage: [{ name: "it's", mount: "/var/lib/registry", readOnly: false }], permissions: undefined, tee: undefined },
        }),
      ),
      dnsNames: [],
    }),
  ];
  const text = renderLauncher(plan.services[0]!, { serviceDir: "/state/services/registry", volumeDirs: { "it's": "/state/volumes/registry/it's" }, toolsBin: "/tools" });

  it("holds neither the argv nor the environment, which carry secrets", () => {
    expect(text).not.toContain("TOP-SECRET-VALUE");
    expect(argvEnv(["sh", "-c", "x"])).toEqual({ AKASH_STACK_REHEARSE_ARGC: "3", AKASH_STACK_REHEARSE_ARG_0: "sh", AKASH_STACK_REHEARSE_ARG_1: "-c", AKASH_STACK_REHEARSE_ARG_2: "x" });
  });

  it("quotes every path, binds the image's programs and the SDL's volumes, then chroots", () => {
    expect(text).toContain(`mount --bind '/tools/registry' "$root"'/bin/registry'`);
    expect(text).toContain(`mount --bind '/state/volumes/registry/it'\\''s' "$root"'/var/lib/registry'`);
    expect(text).toMatch(/exec chroot "\$root" \/bin\/sh -c 'cd "\$0" && exec "\$@"' '\/' "\$@"\n$/);
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    // It parses as shell.
    expect(spawnSync("sh", ["-n"], { input: text }).status).toBe(0);
  });
});

describe("the hosts file", () => {
  it("resolves every name to loopback on IPv4 and IPv6", () => {
    expect(renderHosts(["registry", "registry.example.com"])).toBe(
      "# akash-stack rehearse: the stack's names, inside its network namespace only\n127.0.0.1 localhost registry registry.example.com\n::1 localhost registry registry.example.com\n",
    );
  });
});

describe("the Caddy local-CA shim (run with sh)", () => {
  const dir = mkdtempSync(join(tmpdir(), "akash-stack-caddy-shim-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // The real Caddy replaced by a script that prints what it was given.
  const fake = join(dir, "caddy-real");
  writeFileSync(fake, '#!/bin/sh\nprintf "%s\\n" "$@"\n');
  chmodSync(fake, 0o755);
  const shim = join(dir, "caddy");
  writeFileSync(shim, CADDY_LOCAL_CA_SHIM.replace("real=/usr/local/lib/akash-stack-rehearse/caddy", `real=${fake}`));
  chmodSync(shim, 0o755);
  const run = (...args: string[]) => spawnSync(shim, args, { encoding: "utf8" });

  it("adds local_certs to the Caddyfile's global options and runs Caddy on the copy", () => {
    const caddyfile = join(dir, "Caddyfile");
    writeFileSync(caddyfile, "# the stack's\n{\n  admin off\n}\nregistry.example.com {\n  reverse_proxy registry:5000\n}\n");
    const result = run("run", "--config", caddyfile, "--adapter", "caddyfile");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`run\n--config\n${caddyfile}.rehearse\n--adapter\ncaddyfile\n`);
    expect(readFileSync(`${caddyfile}.rehearse`, "utf8")).toBe(
      "# the stack's\n{\n  local_certs\n  skip_install_trust\n  admin off\n}\nregistry.example.com {\n  reverse_proxy registry:5000\n}\n",
    );
    expect(readFileSync(caddyfile, "utf8")).not.toContain("local_certs");
  });

  it("prepends a global options block when the Caddyfile has none", () => {
    const caddyfile = join(dir, "Caddyfile2");
    writeFileSync(caddyfile, "example.com {\n  respond hi\n}\n");
    expect(run("run", "--config", caddyfile, "--adapter", "caddyfile").status).toBe(0);
    expect(readFileSync(`${caddyfile}.rehearse`, "utf8")).toBe("{\n  local_certs\n  skip_install_trust\n}\nexample.com {\n  respond hi\n}\n");
  });

  it("passes any other invocation through unchanged", () => {
    expect(run("version").stdout).toBe("version\n");
    expect(run("run", "--config", "/etc/caddy/caddy.json").stdout).toBe("run\n--config\n/etc/caddy/caddy.json\n");
  });
});
