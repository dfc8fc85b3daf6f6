/**
 * Every SDL feature the linter knows, written through the stack API: each case is a TypeScript
 * stack, synthesized to SDL, that must lint with no finding at all (errors or warnings) and carry
 * the feature in the SDL where Go reads it. GPUs are also checked against the providers' GPU list
 * at the line of the service.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { lintText } from "../src/sdl/lint.js";
import { defineStack, Size, synth, SynthError, type ComputeProps, type Stack } from "../src/stack/index.js";

const small: ComputeProps = { cpu: 0.5, memory: Size.mebibytes(512), storage: { root: Size.gibibytes(1) } };

/** A stack with one globally exposed web service plus whatever `build` adds. */
function stackWith(build: (stack: Stack) => void) {
  return defineStack({ name: "features", description: "one SDL feature", params: {}, build });
}

/** Synthesizes, lints with every layer, and returns the SDL as data; any finding fails the test. */
function synthClean(build: (stack: Stack) => void): Record<string, any> {
  const result = synth(stackWith(build));
  const findings = lintText(result.sdl).findings.map((f) => `${f.severity} ${f.ruleId} ${f.path}: ${f.message}`);
  expect(findings).toEqual([]);
  expect(result.warnings.map((w) => w.message)).toEqual([]);
  return parse(result.sdl) as Record<string, any>;
}

function synthProblems(build: (stack: Stack) => void): string[] {
  try {
    synth(stackWith(build));
  } catch (err) {
    if (err instanceof SynthError) return err.problems.map((p) => `${p.location.line}: ${p.message}`);
    throw err;
  }
  throw new Error("synth succeeded but should have failed");
}

describe("GPUs", () => {
  it("asks for listed models with memory and interface, as Go reads them", () => {
    const sdl = synthClean((stack) => {
      const llm = stack.service("llm", {
        image: "vllm/vllm-openai:v0.10.1",
        compute: {
          cpu: 8,
          memory: Size.gibibytes(32),
          storage: { root: Size.gibibytes(100) },
          gpu: { units: 2, vendor: "nvidia", models: [{ model: "a100", memory: Size.gibibytes(80), interface: "sxm" }, { model: "h100" }] },
        },
        price: { amount: 100000 },
      });
      llm.expose({ port: 8000, as: 80, global: true, accept: ["llm.example.com"] });
    });
    expect(sdl.profiles.compute.llm.resources.gpu).toEqual({
      units: 2,
      attributes: { vendor: { nvidia: [{ model: "a100", ram: "80Gi", interface: "sxm" }, { model: "h100" }] } },
    });
  });

  it("asks for any NVIDIA GPU when no model is given", () => {
    const sdl = synthClean((stack) => {
      stack
        .service("train", { image: "pytorch/pytorch:2.8.0-cuda12.8-cudnn9-runtime", compute: { ...small, gpu: { units: 1, vendor: "nvidia" } }, price: { amount: 50000 } })
        .expose({ port: 8888, as: 80, global: true, accept: ["train.example.com"] });
    });
    expect(sdl.profiles.compute.train.resources.gpu).toEqual({ units: 1, attributes: { vendor: { nvidia: null } } });
  });

  it("refuses models, memory and interfaces no provider advertises, at the service's line", () => {
    const problems = synthProblems((stack) => {
      stack
        .service("llm", {
          image: "vllm/vllm-openai:v0.10.1",
          compute: {
            ...small,
            gpu: {
              units: 25,
              vendor: "nvidia",
              // Written as a JavaScript user could: the compiler would reject each of these.
              models: [{ model: "a1000" as "a100" }, { model: "a100", memory: Size.gibibytes(48) }, { model: "a40", interface: "sxm" }],
            },
          },
          price: { amount: 1000 },
        })
        .expose({ port: 80, global: true, accept: ["llm.example.com"] });
    });
    const line = problems[0]!.split(":")[0];
    expect(problems.every((p) => p.startsWith(`${line}:`))).toBe(true);
    expect(problems.join("\n")).toMatch(/gpu\.units 25 .* 1 to 24/);
    expect(problems.join("\n")).toMatch(/no provider advertises an NVIDIA GPU named "a1000"/);
    expect(problems.join("\n")).toMatch(/providers label a100 cards with 40Gi or 64Gi or 80Gi of memory, not 48Gi/);
    expect(problems.join("\n")).toMatch(/a40 cards come with the pcie interface, not "sxm"/);
  });
});

describe("placement, pricing and replicas", () => {
  it("writes attributes, signedBy, count and a price per placement", () => {
    const auditor = "akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63";
    const sdl = synthClean((stack) => {
      const eu = stack.placement("eu", { attributes: { region: "eu-west", "capabilities/storage/1/class": "beta3" }, signedBy: { anyOf: [auditor], allOf: [auditor] } });
      stack.service("web", { image: "nginx:1.27.3", compute: small, count: 3, price: { amount: "1500.5" }, placement: eu }).expose({ port: 80, global: true, accept: ["www.example.com"] });
    });
    expect(sdl.profiles.placement.eu).toEqual({
      attributes: { region: "eu-west", "capabilities/storage/1/class": "beta3" },
      signedBy: { allOf: [auditor], anyOf: [auditor] },
      pricing: { web: { denom: "uact", amount: "1500.5" } },
    });
    expect(sdl.deployment.web).toEqual({ eu: { profile: "web", count: 3 } });
  });
});

describe("services", () => {
  it("pulls from a private registry with credentials whose password is a secret", () => {
    const sdl = synthClean((stack) => {
      stack
        .service("api", {
          image: "registry.example.com/team/api:1.2.3",
          credentials: { host: "registry.example.com", username: "deployer", password: stack.secret("REGISTRY_PASSWORD"), email: "ops@example.com" },
          compute: small,
          price: { amount: 1000 },
        })
        .expose({ port: 8080, as: 80, global: true, accept: ["api.example.com"] });
    });
    expect(sdl.services.api.credentials).toEqual({ host: "registry.example.com", username: "deployer", password: "<secret:REGISTRY_PASSWORD>", email: "ops@example.com" });
  });

  it("mounts persistent and read-only volumes through params.storage", () => {
    const sdl = synthClean((stack) => {
      stack
        .service("db", {
          image: "postgres:17.6-alpine",
          env: { PGDATA: "/var/lib/postgresql/data/pgdata", POSTGRES_PASSWORD: stack.generatedSecret("POSTGRES_PASSWORD", { kind: "password" }) },
          compute: {
            ...small,
            storage: {
              root: Size.gibibytes(1),
              volumes: {
                data: { size: Size.gibibytes(10), class: "beta3", mount: "/var/lib/postgresql/data" },
                seed: { size: Size.gibibytes(1), class: "beta2", mount: "/seed", readOnly: true },
              },
            },
          },
          price: { amount: 1000 },
        })
        .expose({ port: 8080, as: 80, global: true, accept: ["db-admin.example.com"] });
    });
    expect(sdl.services.db.params).toEqual({ storage: { data: { mount: "/var/lib/postgresql/data" }, seed: { mount: "/seed", readOnly: true } } });
    expect(sdl.profiles.compute.db.resources.storage[1]).toEqual({ name: "data", size: "10Gi", attributes: { persistent: true, class: "beta3" } });
  });

  it("lets a service read its deployment and logs through params.permissions", () => {
    const sdl = synthClean((stack) => {
      stack.service("shipper", { image: "grafana/alloy:v1.10.2", compute: small, price: { amount: 1000 }, permissions: { read: ["logs", "deployment"] } }).expose({ port: 12345, as: 80, global: true, accept: ["logs.example.com"] });
    });
    expect(sdl.services.shipper.params).toEqual({ permissions: { read: ["logs", "deployment"] } });
    const problems = synthProblems((stack) => {
      stack
        .service("shipper", { image: "grafana/alloy:v1.10.2", compute: small, price: { amount: 1000 }, permissions: { read: ["metrics" as "logs"] } })
        .expose({ port: 80, global: true, accept: ["logs.example.com"] });
    });
    expect(problems.join("\n")).toMatch(/permissions\.read of service shipper has "metrics": providers understand deployment and logs/);
  });

  it("sets http_options on an ingress port", () => {
    const sdl = synthClean((stack) => {
      stack.service("upload", { image: "nginx:1.27.3", compute: small, price: { amount: 1000 } }).expose({
        port: 80,
        global: true,
        accept: ["upload.example.com"],
        httpOptions: { maxBodySize: Size.mebibytes(100), readTimeoutMs: 60000, sendTimeoutMs: 30000, nextTries: 3, nextTimeoutMs: 0, nextCases: ["error", "timeout"] },
      });
    });
    expect(sdl.services.upload.expose[0].http_options).toEqual({
      max_body_size: 104857600,
      read_timeout: 60000,
      send_timeout: 30000,
      next_tries: 3,
      next_timeout: 0,
      next_cases: ["error", "timeout"],
    });
  });

  it("leases an IP endpoint for TCP and UDP ports", () => {
    const sdl = synthClean((stack) => {
      const ip = stack.ipEndpoint("game");
      stack
        .service("server", { image: "itzg/minecraft-server:2025.9.0", compute: small, price: { amount: 1000 } })
        .expose({ port: 25565, global: true, ip })
        .expose({ port: 19132, proto: "udp", global: true, ip });
    });
    expect(sdl.endpoints).toEqual({ game: { kind: "ip" } });
    expect(sdl.services.server.expose).toEqual([
      { port: 25565, as: 25565, proto: "tcp", to: [{ global: true, ip: "game" }] },
      { port: 19132, as: 19132, proto: "udp", to: [{ global: true, ip: "game" }] },
    ]);
  });

  it("writes the dependencies between services as who may reach which port", () => {
    const sdl = synthClean((stack) => {
      const cache = stack.service("cache", { image: "redis:8.2.1-alpine", compute: small, price: { amount: 1000 } });
      const worker = stack.service("worker", { image: "ghcr.io/example/worker:1.0.0", compute: small, price: { amount: 1000 } });
      const web = stack.service("web", { image: "ghcr.io/example/web:1.0.0", compute: small, price: { amount: 1000 } });
      cache.allow(worker, { port: 6379 }).allow(web, { port: 6379 });
      web.expose({ port: 3000, as: 80, global: true, accept: ["www.example.com"] });
    });
    expect(sdl.services.cache.expose).toEqual([{ port: 6379, as: 6379, proto: "tcp", to: [{ service: "worker" }, { service: "web" }] }]);
  });
});
