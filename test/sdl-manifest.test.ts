/**
 * Group specs, the provider manifest and its hash, against Go: the published hash vector, the
 * Go-generated output fixtures of chain-sdk (`testdata/sdl/output-fixtures`), and documented
 * differences from chain-sdk's own TypeScript generator. Also the `manifest` command.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateManifest, generateManifestVersion, manifestToSortedJSON as sdkSortedJson, yaml as sdkYaml } from "@akashnetwork/chain-sdk";
import { afterAll, describe, expect, it } from "vitest";
import { runManifest } from "../src/cli/manifest.js";
import { decodeSdl } from "../src/sdl/decode.js";
import { goJsonMarshal, goSortedJson, type JsonValue } from "../src/sdl/go-json.js";
import { goSort, goSortStable } from "../src/sdl/go-sort.js";
import { buildGroups, groupSpecsToJSON } from "../src/sdl/groups.js";
import { buildManifest, manifestHash, manifestToSortedJSON } from "../src/sdl/manifest.js";
import type { Sdl } from "../src/sdl/model.js";
import { Reporter } from "../src/sdl/report.js";
import { parseYaml } from "../src/sdl/yaml.js";
import { CORPUS_MISSING, HAS_CORPUS, readCorpus } from "./support/corpus.js";

/** Decodes SDL text, failing the test on any decode error (the builders are meant for valid SDLs). */
function decode(text: string): Sdl {
  const root = parseYaml(text).root;
  if (!root || root.kind !== "map") throw new Error("test SDL is not a YAML mapping");
  const report = new Reporter();
  const sdl = decodeSdl(root, report);
  const errors = report.findings.filter((f) => f.severity === "error");
  expect(errors, "decode errors in a test SDL").toEqual([]);
  if (!sdl) throw new Error("test SDL has no version");
  return sdl;
}

function sortedManifest(text: string): string {
  return manifestToSortedJSON(buildManifest(decode(text)));
}

/** chain-sdk 1.0.0-alpha.25 on the same text, parsed with its own YAML loader. */
function chainSdk(text: string) {
  const result = generateManifest(sdkYaml.template(text) as Parameters<typeof generateManifest>[0]);
  if (!result.ok) throw new Error(`chain-sdk rejects the SDL: ${JSON.stringify(result.value)}`);
  return { json: sdkSortedJson(result.value.groups), groupSpecs: result.value.groupSpecs };
}

// The SDL of the published vector (chain-sdk generateManifestVersion.spec.ts.snap, "Basic SDL"), rewritten
// from its description in akash-network.md §6(a); the expected JSON and hash are copied from there.
const TETRIS_SDL = `version: "2.0"
services:
  tetris:
    image: bsord/tetris
    expose:
      - port: 80
        as: 80
        to:
          - global: true
profiles:
  compute:
    tetris:
      resources:
        cpu:
          units: 1
        memory:
          size: 512Mi
        storage:
          size: 512Mi
  placement:
    akash:
      pricing:
        tetris:
          denom: uact
          amount: 1000
deployment:
  tetris:
    akash:
      profile: tetris
      count: 1
`;
const TETRIS_SORTED_JSON =
  '[{"name":"akash","services":[{"args":null,"command":null,"count":1,"credentials":null,"env":null,"expose":[{"endpointSequenceNumber":0,"externalPort":80,"global":true,"hosts":null,"httpOptions":{"maxBodySize":1048576,"nextCases":["error","timeout"],"nextTimeout":0,"nextTries":3,"readTimeout":60000,"sendTimeout":60000},"ip":"","port":80,"proto":"TCP","service":""}],"image":"bsord/tetris","name":"tetris","resources":{"cpu":{"units":{"val":"1000"}},"endpoints":[{"sequence_number":0}],"gpu":{"units":{"val":"0"}},"id":1,"memory":{"size":{"val":"536870912"}},"storage":[{"name":"default","size":{"val":"536870912"}}]}}]}]';
const TETRIS_HASH = "ee52e329aa45b0638c27065d52eb0dc92f6704194bc63c6435c56fb549dded7d";

describe("manifest hash test vector (akash-network.md §6a, Basic SDL)", () => {
  it("produces the exact 621-byte sorted JSON", () => {
    const json = sortedManifest(TETRIS_SDL);
    expect(Buffer.byteLength(json, "utf8")).toBe(621);
    expect(json).toBe(TETRIS_SORTED_JSON);
  });

  it("hashes to ee52e329…dded7d", () => {
    expect(manifestHash(sortedManifest(TETRIS_SDL))).toBe(TETRIS_HASH);
  });

  it("does not depend on the denom (pricing is not part of the manifest)", () => {
    expect(manifestHash(sortedManifest(TETRIS_SDL.replace("uact", "uakt")))).toBe(TETRIS_HASH);
  });
});

const FIXTURES = [
  "v2.0/gpu-basic",
  "v2.0/http-options",
  "v2.0/ip-endpoint",
  "v2.0/multiple-services",
  "v2.0/persistent-storage",
  "v2.0/placement",
  "v2.0/port-ranges",
  "v2.0/pricing",
  "v2.0/simple",
  "v2.0/storage-classes",
  "v2.1/credentials",
  "v2.1/ip-endpoint",
  "v2.1/shared-ip",
];
/** Written by a newer Go parser (TEE landed in go/sdl v0.3.0); chain-sdk alpha.25 has no `tee`. */
const TEE_FIXTURES = ["v2.1/tee-cpu", "v2.1/tee-cpu-gpu"];

function fixtureInput(name: string): string {
  return readCorpus("chain-sdk-testdata", "input", name, "input.yaml");
}

function fixtureOutput(name: string, file: "manifest.json" | "group-specs.json"): JsonValue {
  return JSON.parse(readCorpus("chain-sdk-testdata", "output-fixtures", name, file)) as JsonValue;
}

/**
 * Go's fixture is `json.MarshalIndent` of the manifest. Parsing it and writing it back with keys
 * sorted and no spaces is what `sdk.SortJSON` does to `json.Marshal`'s output: the byte form Go
 * hashes and a provider receives.
 */
function goHashedForm(name: string): string {
  return goSortedJson(fixtureOutput(name, "manifest.json"));
}

// Named without the corpus's absolute path: mutation testing knows a test by its name, and a name that
// changes with the checkout's place makes every CI run test again the mutants these tests cover.
describe.skipIf(!HAS_CORPUS)(`Go output fixtures (${HAS_CORPUS ? "sdl-corpus/chain-sdk-testdata" : CORPUS_MISSING})`, () => {
  describe.each([...FIXTURES, ...TEE_FIXTURES])("%s", (name) => {
    it("sorted manifest JSON equals Go's, byte for byte, and so does the hash", () => {
      const ours = sortedManifest(fixtureInput(name));
      const go = goHashedForm(name);
      expect(ours).toBe(go);
      expect(manifestHash(ours)).toBe(manifestHash(go));
    });

    it("group specs deep-equal Go's group-specs.json", () => {
      const ours = groupSpecsToJSON(buildGroups(decode(fixtureInput(name))));
      expect(ours).toStrictEqual(fixtureOutput(name, "group-specs.json"));
    });
  });
});


describe("chain-sdk 1.0.0-alpha.25 generateManifest compared with Go", () => {
  describe.skipIf(!HAS_CORPUS)("on the Go fixtures", () => {
    it.each(FIXTURES)("%s: same sorted JSON and same version hash as ours", async (name) => {
      const text = fixtureInput(name);
      const sdk = chainSdk(text);
      const ours = sortedManifest(text);
      expect(sdk.json).toBe(ours);
      expect(Buffer.from(await generateManifestVersion(generateManifestOrThrow(text))).toString("hex")).toBe(manifestHash(ours));
    });

    it.each(TEE_FIXTURES)("%s: alpha.25 rejects params.tee (its schema predates TEE), Go accepts it", (name) => {
      const result = generateManifest(sdkYaml.template(fixtureInput(name)) as Parameters<typeof generateManifest>[0]);
      expect(result.ok).not.toBe(true);
      expect(JSON.stringify(result.value)).toContain('"tee"');
    });
  });

  // The fixtures above never hit these; each case is one place where chain-sdk's hash is not Go's.
  const base = (service: string, deployment: string, version = "2.0") => `version: "${version}"
services:
${service}
profiles:
  compute:
    small:
      resources: {cpu: {units: 1}, memory: {size: 512Mi}, storage: {size: 1Gi}}
    volumes:
      resources:
        cpu: {units: 1}
        memory: {size: 1Gi}
        storage:
          - {name: data, size: 10Gi, attributes: {persistent: true}}
          - {size: 1Gi}
  placement:
    akash:
      pricing:
        small: {denom: uact, amount: 100}
        volumes: {denom: uact, amount: 100}
deployment:
${deployment}
`;
  const WEB = "  web: {image: nginx, expose: [{port: 80, as: 80, to: [{global: true}]}]}";

  it("v2.0, two services sharing a compute profile: Go gives each its own resource unit, chain-sdk merges them (sdl-rules.md §0.7)", () => {
    const text = base(`${WEB}\n  api: {image: node, expose: [{port: 3000, to: [{global: true}]}]}`, "  web: {akash: {profile: small, count: 1}}\n  api: {akash: {profile: small, count: 2}}");
    const units = buildGroups(decode(text))[0]!.resources;
    expect(units.map((u) => [u.resources.id, u.count])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    const sdk = chainSdk(text);
    expect(sdk.groupSpecs[0]!.resources.map((u) => u.count)).toEqual([3]);
    expect(sdk.json).not.toBe(sortedManifest(text));
    // the same SDL as v2.1 shares the unit in Go too, and then the two agree
    const v21 = text.replace('version: "2.0"', 'version: "2.1"');
    expect(buildGroups(decode(v21))[0]!.resources.map((u) => [u.resources.id, u.count])).toEqual([[1, 3]]);
    expect(chainSdk(v21).json).toBe(sortedManifest(v21));
  });

  it("an expose without `to`: Go keeps it as a cluster-internal entry, chain-sdk drops it", () => {
    const text = base("  web: {image: nginx, expose: [{port: 80, as: 80, to: [{global: true}]}, {port: 9000}]}", "  web: {akash: {profile: small, count: 1}}");
    const expose = buildManifest(decode(text))[0]!.services[0]!.expose;
    expect(expose.map((e) => [e.port, e.global])).toEqual([
      [80, true],
      [9000, false],
    ]);
    expect(chainSdk(text).json).not.toContain('"port":9000');
  });

  it("v2.0 credentials: Go drops the email, chain-sdk keeps it", () => {
    const text = base(
      "  web: {image: nginx, expose: [{port: 80, as: 80, to: [{global: true}]}], credentials: {host: r.io, username: u, password: secret1, email: a@b.io}}",
      "  web: {akash: {profile: small, count: 1}}",
    );
    expect(buildManifest(decode(text))[0]!.services[0]!.credentials?.email).toBe("");
    expect(chainSdk(text).json).toContain('"email":"a@b.io"');
  });

  it("volumes: Go orders them by size and adds class default to a persistent volume; chain-sdk keeps file order and no class", () => {
    const text = base(
      "  web: {image: nginx, expose: [{port: 80, as: 80, to: [{global: true}]}], params: {storage: {data: {mount: /data}}}}",
      "  web: {akash: {profile: volumes, count: 1}}",
    );
    const storage = buildManifest(decode(text))[0]!.services[0]!.resources.storage;
    expect(storage.map((v) => v.name)).toEqual(["default", "data"]);
    expect(storage[1]!.attributes).toEqual([
      { key: "class", value: "default" },
      { key: "persistent", value: "true" },
    ]);
    const sdkJson = chainSdk(text).json;
    expect(sdkJson.indexOf('"name":"data"')).toBeLessThan(sdkJson.indexOf('"name":"default"'));
    expect(sdkJson).not.toContain('"value":"default"');
  });

  it("GPU attributes: Go sorts the keys and writes ram in Gi, chain-sdk keeps file order and the ram as written", () => {
    const text = base("  web: {image: vllm, expose: [{port: 80, as: 80, to: [{global: true}]}]}", "  web: {akash: {profile: small, count: 1}}").replace(
      "resources: {cpu: {units: 1}, memory: {size: 512Mi}, storage: {size: 1Gi}}",
      "resources: {cpu: {units: 1}, memory: {size: 512Mi}, storage: {size: 1Gi}, gpu: {units: 1, attributes: {vendor: {nvidia: [{model: h100, ram: 81920Mi}, {model: a100}]}}}}",
    );
    const gpu = buildManifest(decode(text))[0]!.services[0]!.resources.gpu!;
    expect(gpu.attributes.map((a) => a.key)).toEqual(["vendor/nvidia/model/a100", "vendor/nvidia/model/h100/ram/80Gi"]);
    const sdkJson = chainSdk(text).json;
    expect(sdkJson).toContain('"key":"vendor/nvidia/model/h100/ram/81920Mi"');
    expect(sdkJson.indexOf("model/h100")).toBeLessThan(sdkJson.indexOf("model/a100"));
  });

  it("a service's endpoints: Go lists them in sorted-expose order (port 3000 before ingress 8080→80), chain-sdk in file order", () => {
    const text = base(
      "  web: {image: nginx, expose: [{port: 8080, as: 80, to: [{global: true}]}, {port: 3000, to: [{global: true}]}]}",
      "  web: {akash: {profile: small, count: 1}}",
    );
    const endpoints = buildManifest(decode(text))[0]!.services[0]!.resources.endpoints;
    expect(endpoints.map((e) => e.kind)).toEqual([1, 0]);
    expect(chainSdk(text).json).toContain('"endpoints":[{"sequence_number":0},{"kind":1,"sequence_number":0}]');
  });

  it("v2.1 params with permissions only: Go writes storage null, chain-sdk []", () => {
    const text = base(
      "  web: {image: nginx, expose: [{port: 80, as: 80, to: [{global: true}]}], params: {permissions: {read: [logs]}}}",
      "  web: {akash: {profile: small, count: 1}}",
      "2.1",
    );
    expect(sortedManifest(text)).toContain('"params":{"permissions":{"read":["logs"]},"storage":null}');
    expect(chainSdk(text).json).toContain('"storage":[]');
  });

  it("v2.1 params with an empty permissions.read: Go omits read (omitempty) and keeps permissions", () => {
    const text = base(
      "  web: {image: nginx, expose: [{port: 80, as: 80, to: [{global: true}]}], params: {permissions: {read: []}}}",
      "  web: {akash: {profile: small, count: 1}}",
      "2.1",
    );
    expect(sortedManifest(text)).toContain('"params":{"permissions":{},"storage":null}');
  });
});

function generateManifestOrThrow(text: string) {
  const result = generateManifest(sdkYaml.template(text) as Parameters<typeof generateManifest>[0]);
  if (!result.ok) throw new Error("chain-sdk rejects the SDL");
  return result.value.groups;
}

describe("Go's null-versus-[] distinctions that change the hash", () => {
  const sdl = (extra: string, signedBy = "") => `version: "2.0"
services:
  web:
    image: nginx
    expose:
      - port: 80
        as: 80
${extra}        to: [{global: true}]
profiles:
  compute:
    small:
      resources: {cpu: {units: 1}, memory: {size: 512Mi}, storage: {size: 1Gi}}
  placement:
    akash:
${signedBy}      pricing:
        small: {denom: uact, amount: 100}
deployment:
  web: {akash: {profile: small, count: 1}}
`;

  it("accept absent is hosts null, accept: [] is hosts []", () => {
    expect(sortedManifest(sdl(""))).toContain('"hosts":null');
    expect(sortedManifest(sdl("        accept: []\n"))).toContain('"hosts":[]');
  });

  it("signedBy lists not written are null, written empty are []", () => {
    const requirements = (text: string) => (groupSpecsToJSON(buildGroups(decode(text))) as Array<{ requirements: JsonValue }>)[0]!.requirements;
    expect(requirements(sdl(""))).toEqual({ signed_by: { all_of: null, any_of: null }, attributes: null });
    expect(requirements(sdl("", "      signedBy: {anyOf: []}\n"))).toEqual({ signed_by: { all_of: null, any_of: [] }, attributes: null });
  });

  it("command written as [] stays [] and an absent one is null", () => {
    const withCommand = sdl("").replace("    image: nginx\n", "    image: nginx\n    command: []\n");
    expect(sortedManifest(withCommand)).toContain('"command":[]');
    expect(sortedManifest(sdl(""))).toContain('"command":null');
  });
});

describe("builders are total on SDLs Go would reject", () => {
  it("a deployment naming a missing service, profile and placement gives Go's zero values instead of throwing", () => {
    const root = parseYaml(`version: "2.1"
services: {}
deployment:
  ghost: {nowhere: {profile: none, count: 2}}
`).root;
    const sdl = decodeSdl(root as Parameters<typeof decodeSdl>[0], new Reporter())!;
    const [group] = buildGroups(sdl);
    expect(group!.name).toBe("nowhere");
    expect(group!.resources[0]!.price).toEqual({ denom: "", amount: "0.000000000000000000" });
    const [service] = buildManifest(sdl)[0]!.services;
    expect(service!.image).toBe("");
    expect(service!.expose).toEqual([]);
    expect(() => manifestToSortedJSON(buildManifest(sdl))).not.toThrow();
  });
});

describe("Go JSON writing", () => {
  it("escapes <, >, &, U+2028, U+2029 and control characters as Go's json.Marshal does", () => {
    expect(goJsonMarshal("a<b>&c\u2028\u2029")).toBe('"a\\u003cb\\u003e\\u0026c\\u2028\\u2029"');
    expect(goJsonMarshal("\b\f\n\r\t\u0001\u001f\u007f\"\\")).toBe('"\\b\\f\\n\\r\\t\\u0001\\u001f\u007f\\"\\\\"');
    expect(goJsonMarshal("é 日本 😀")).toBe('"é 日本 😀"');
  });

  it("writes a lone surrogate as U+FFFD, as Go does with invalid UTF-8", () => {
    expect(goJsonMarshal("x\ud800y")).toBe('"x\ufffdy"');
  });

  it("sorts keys at every level only when asked", () => {
    const value = { b: 1, a: { d: [{ z: true, y: null }], c: "x" } };
    expect(goJsonMarshal(value)).toBe('{"b":1,"a":{"d":[{"z":true,"y":null}],"c":"x"}}');
    expect(goSortedJson(value)).toBe('{"a":{"c":"x","d":[{"y":null,"z":true}]},"b":1}');
  });

  it("refuses numbers Go would print differently", () => {
    expect(() => goJsonMarshal(0.5)).toThrow(/whole numbers/);
  });
});

describe("Go sort algorithms", () => {
  const byKey = (a: { key: number }, b: { key: number }) => a.key < b.key;
  const items = (keys: number[]) => keys.map((key, index) => ({ key, index }));

  it("goSort orders any input by its less function (pdqsort paths beyond 12 and 50 elements)", () => {
    for (const n of [0, 1, 5, 12, 13, 40, 51, 300]) {
      const keys = Array.from({ length: n }, (_, i) => (i * 7919) % 17);
      const sorted = goSort(items(keys), byKey);
      expect(sorted.map((x) => x.key)).toEqual([...keys].sort((a, b) => a - b));
      expect(sorted.map((x) => x.index).sort((a, b) => a - b)).toEqual(keys.map((_, i) => i));
    }
  });

  it("goSort keeps ties in input order up to 12 elements (insertion sort), as Go does", () => {
    const sorted = goSort(items([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]), byKey);
    expect(sorted.map((x) => x.index)).toEqual([1, 3, 5, 7, 9, 11, 0, 2, 4, 6, 8, 10]);
  });

  it("goSortStable is stable across its merge steps (more than 20 elements)", () => {
    const keys = Array.from({ length: 95 }, (_, i) => (i * 31) % 5);
    const sorted = goSortStable(items(keys), byKey);
    const expected = items(keys).sort((a, b) => a.key - b.key || a.index - b.index);
    expect(sorted).toEqual(expected);
  });
});

describe("akash-stack manifest (runManifest)", () => {
  const dir = mkdtempSync(join(tmpdir(), "akash-stack-manifest-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(file: string, hash = false) {
    const out = { stdout: "", stderr: "" };
    const code = await runManifest(file, { hash }, { write: (stream, text) => void (out[stream] += text) });
    return { code, ...out };
  }

  function writeSdl(name: string, text: string): string {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it("prints the sorted JSON and a newline", async () => {
    const result = await run(writeSdl("tetris.yaml", TETRIS_SDL));
    expect(result).toEqual({ code: 0, stdout: `${TETRIS_SORTED_JSON}\n`, stderr: "" });
  });

  it("with --hash prints the hex SHA-256 and a newline", async () => {
    const result = await run(writeSdl("tetris-hash.yaml", TETRIS_SDL), true);
    expect(result).toEqual({ code: 0, stdout: `${TETRIS_HASH}\n`, stderr: "" });
  });

  it("ignores chain-only errors (a uakt price does not change the manifest)", async () => {
    const result = await run(writeSdl("uakt.yaml", TETRIS_SDL.replace("uact", "uakt")), true);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${TETRIS_HASH}\n`);
  });

  it("refuses an SDL the Go parser rejects, with file:line:col for each error", async () => {
    const file = writeSdl("bad-cpu.yaml", TETRIS_SDL.replace("units: 1\n", 'units: "lots"\n'));
    const result = await run(file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^${escapeRegExp(file)}:\\d+:\\d+: error cpu-units-invalid `, "m"));
    expect(result.stderr).toContain("no manifest written");
  });

  it("refuses an SDL the manifest check rejects (no global expose)", async () => {
    const result = await run(writeSdl("no-global.yaml", TETRIS_SDL.replace("          - global: true\n", "          - service: other\n")));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error zero-global-services");
  });

  it("exits 2 for a file that cannot be read", async () => {
    const result = await run(join(dir, "missing.yaml"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot read");
    expect(result.stdout).toBe("");
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
