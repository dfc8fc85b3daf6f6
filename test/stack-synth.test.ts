/**
 * The stack API and synthesis: value types, parameters, canonical SDL, determinism, and errors
 * that name the stack file and line of the construct at fault.
 */
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { lintText } from "../src/sdl/lint.js";
import { defineStack, ParamError, parseSetFlags, resolveParams, Size, synth, SynthError, type StackDefinition } from "../src/stack/index.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { fixtureStack, markedLine } from "./support/stack-fixtures.js";

type Sdl = {
  version: string;
  services: Record<string, { image: string; env?: string[]; expose?: Array<Record<string, unknown>>; params?: { storage?: Record<string, { mount: string }> } }>;
  profiles: {
    compute: Record<string, { resources: { cpu: { units: string }; memory: { size: string }; storage: Array<Record<string, unknown>> } }>;
    placement: Record<string, { pricing: Record<string, { denom: string; amount: unknown }> }>;
  };
  deployment: Record<string, Record<string, { profile: string; count: number }>>;
  endpoints?: Record<string, { kind: string }>;
};

async function loadFixture(name: string): Promise<StackDefinition> {
  return ((await import(fixtureStack(name))) as { default: StackDefinition }).default;
}

function synthError(run: () => unknown): SynthError {
  try {
    run();
  } catch (err) {
    if (err instanceof SynthError) return err;
    throw err;
  }
  throw new Error("synth succeeded but should have failed");
}

const small = { cpu: 0.25, memory: Size.mebibytes(256), storage: { root: Size.mebibytes(512) } };

describe("Size", () => {
  it("prints whole GiB as Gi and everything else as whole Mi", () => {
    expect(Size.gibibytes(6).toString()).toBe("6Gi");
    expect(Size.mebibytes(2048).toString()).toBe("2Gi");
    expect(Size.gibibytes(1.5).toString()).toBe("1536Mi");
    expect(Size.mebibytes(512).toString()).toBe("512Mi");
    expect(Size.tebibytes(1).toString()).toBe("1024Gi");
    expect(Size.gibibytes(2).toBytes()).toBe(2 * 1024 ** 3);
  });

  it("rejects sizes that are not a positive whole number of MiB", () => {
    expect(() => Size.mebibytes(0.5)).toThrow(/not a whole number of mebibytes/);
    expect(() => Size.gibibytes(-1)).toThrow(/not a positive size/);
    expect(() => Size.mebibytes(Number.NaN)).toThrow(/not a positive size/);
  });
});

describe("parameters", () => {
  const defaults = { domain: "example.com", replicas: 2, debug: false };

  it("parses --set values by the type of each default", () => {
    expect(parseSetFlags(defaults, ["domain=a.example", "replicas=3", "debug=true"])).toEqual({ domain: "a.example", replicas: 3, debug: true });
    expect(parseSetFlags(defaults, ["domain=x=y"])).toEqual({ domain: "x=y" });
  });

  it("reports every bad --set at once, naming each parameter", () => {
    let error: unknown;
    try {
      parseSetFlags(defaults, ["replicas=3x", "debug=yes", "colour=red", "novalue"]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ParamError);
    const message = (error as Error).message;
    expect(message).toMatch(/parameter replicas must be a number/);
    expect(message).toMatch(/parameter debug must be true or false/);
    expect(message).toMatch(/unknown parameter colour: this stack declares domain, replicas, debug/);
    expect(message).toMatch(/--set novalue: write key=value/);
  });

  it("checks typed overrides at run time too", () => {
    expect(resolveParams(defaults, { replicas: 5 })).toEqual({ domain: "example.com", replicas: 5, debug: false });
    expect(() => resolveParams(defaults, { replicas: "5" })).toThrow(/parameter replicas must be a number/);
    expect(() => resolveParams(defaults, { region: "eu" })).toThrow(/unknown parameter region/);
  });
});

describe("synth", () => {
  const twoTier = defineStack({
    name: "two-tier",
    description: "A web front and a database only it reaches.",
    params: { domain: "example.com", webCpu: 0.5 },
    build(stack, p) {
      const password = stack.secret("DB_PASSWORD");
      const db = stack.service("db", {
        image: "postgres:15.20-alpine",
        env: { POSTGRES_PASSWORD: password, PGDATA: "/var/lib/postgresql/data/pgdata" },
        compute: {
          cpu: 1,
          memory: Size.gibibytes(1),
          storage: {
            root: Size.gibibytes(1),
            volumes: {
              data: { size: Size.gibibytes(10), class: "beta3", mount: "/var/lib/postgresql/data" },
              scratch: { size: Size.mebibytes(256), class: "ram", mount: "/dev/shm" },
            },
          },
        },
        price: { amount: 1000 },
      });
      const web = stack.service("web", {
        image: "nginx:1.27.3",
        env: { DATABASE_URL: `postgres://app:${password}@db:5432/app`, WORKERS: 4, DEBUG: false },
        compute: { ...small, cpu: p.webCpu },
        price: { amount: "0.5" },
      });
      db.allow(web, { port: 5432 });
      web.expose({ port: 8080, as: 80, global: true, accept: [`www.${p.domain}`] });
    },
  });

  it("writes canonical SDL: quoted version, <int>m CPU, Mi/Gi sizes, string amounts in uact, persistent with class", () => {
    const { sdl } = synth(twoTier);
    expect(sdl).toMatch(/^version: "2\.0"$/m);
    const doc = parse(sdl) as Sdl;
    expect(doc.version).toBe("2.0");
    expect(doc.profiles.compute.web!.resources.cpu.units).toBe("500m");
    expect(doc.profiles.compute.db!.resources.cpu.units).toBe("1000m");
    expect(doc.profiles.compute.db!.resources.memory.size).toBe("1Gi");
    expect(doc.profiles.compute.db!.resources.storage).toEqual([
      { size: "1Gi" },
      { name: "data", size: "10Gi", attributes: { persistent: true, class: "beta3" } },
      { name: "scratch", size: "256Mi", attributes: { persistent: false, class: "ram" } },
    ]);
    expect(doc.profiles.placement.akash!.pricing).toEqual({ db: { denom: "uact", amount: "1000" }, web: { denom: "uact", amount: "0.5" } });
    expect(doc.deployment).toEqual({ db: { akash: { profile: "db", count: 1 } }, web: { akash: { profile: "web", count: 1 } } });
  });

  it("turns handles into SDL references: allow() is `to: service`, expose() is `to: global`", () => {
    const doc = parse(synth(twoTier).sdl) as Sdl;
    expect(doc.services.db!.expose).toEqual([{ port: 5432, as: 5432, proto: "tcp", to: [{ service: "web" }] }]);
    expect(doc.services.web!.expose).toEqual([{ port: 8080, as: 80, proto: "tcp", accept: ["www.example.com"], to: [{ global: true }] }]);
  });

  it("keeps secrets as placeholders, also inside template literals, and lists their names", () => {
    const result = synth(twoTier);
    const doc = parse(result.sdl) as Sdl;
    expect(doc.services.db!.env).toContain("POSTGRES_PASSWORD=<secret:DB_PASSWORD>");
    expect(doc.services.web!.env).toEqual(["DATABASE_URL=postgres://app:<secret:DB_PASSWORD>@db:5432/app", "WORKERS=4", "DEBUG=false"]);
    expect(result.secrets).toEqual([{ name: "DB_PASSWORD" }]);
  });

  it("is deterministic and applies parameters", () => {
    expect(synth(twoTier).sdl).toBe(synth(twoTier).sdl);
    const other = synth(twoTier, { domain: "other.example", webCpu: 2 });
    const doc = parse(other.sdl) as Sdl;
    expect(doc.services.web!.expose![0]!.accept).toEqual(["www.other.example"]);
    expect(doc.profiles.compute.web!.resources.cpu.units).toBe("2000m");
    expect(other.params).toEqual({ domain: "other.example", webCpu: 2 });
  });

  it("produces SDL the linter passes without errors", () => {
    const errors = lintText(synth(twoTier).sdl).findings.filter((f) => f.severity === "error");
    expect(errors).toEqual([]);
  });

  it("collects builder mistakes and reports each at its call in this file", () => {
    const broken = defineStack({
      name: "broken",
      description: "",
      params: {},
      build(stack) {
        stack.service("Web_1", { image: "nginx:1.27.3", compute: small, price: { amount: 1 } }).expose({ port: 80, global: true });
        stack.service("api", { image: "nginx:1.27.3", compute: { ...small, cpu: 0.0005 }, price: { amount: 1 } });
      },
    });
    const error = synthError(() => synth(broken));
    const file = relative(PROJECT_ROOT, new URL(import.meta.url).pathname);
    expect(error.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/service name "Web_1" is invalid/),
      expect.stringMatching(/cpu 0\.0005 of service api is not a whole number of millicores/),
    ]);
    expect(error.problems.every((p) => p.location.file.endsWith(file))).toBe(true);
    expect(error.problems[1]!.location.line).toBe(error.problems[0]!.location.line + 1);
  });
});

describe("wrong stacks fail synth at the offending construct", () => {
  const cases: Array<[fixture: string, message: RegExp]> = [
    ["uakt-price", /priced in "uakt".*only in uact/],
    ["volume-without-mount", /volume data of service db is persistent \(class beta3, 10Gi\) but has no mount/],
    ["public-kubo-rpc", /port 5001 of service ipfs is the IPFS \(Kubo\) RPC API.*whole internet/],
    ["count-zero", /service cache has count 0, so nothing deploys it/],
    ["unused-endpoint", /IP endpoint spare is leased but no service uses it/],
    ["no-global-expose", /no service is exposed globally/],
    ["relative-mount", /expected absolute path/],
    ["throws", /the stack threw while building: Size Size\.gibibytes\(-1\) is not a positive size/],
  ];

  it.each(cases)("%s", async (fixture, message) => {
    const file = fixtureStack(fixture);
    const definition = await loadFixture(fixture);
    const failure = synthError(() => synth(definition));
    // One mistake; the linter may describe it in more than one way, but always at the same line.
    expect(failure.problems.some((p) => message.test(p.message))).toBe(true);
    for (const problem of failure.problems) {
      expect(problem.location.file).toBe(file);
      expect(problem.location.line).toBe(markedLine(file));
    }
    // The thrown message names the file relative to the project and the line: what the CLI prints.
    expect(failure.message).toContain(`test/fixtures/stacks/${fixture}.ts:${markedLine(file)}:`);
  });

  it("reports linter warnings without failing", async () => {
    const file = fixtureStack("latest-image");
    const result = synth(await loadFixture("latest-image"));
    const warning = result.warnings.find((w) => w.ruleId === "image-unpinned");
    expect(warning?.location.file).toBe(file);
    expect(warning?.location.line).toBe(markedLine(file, "// ← the warning"));
  });
});
