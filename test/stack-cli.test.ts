/**
 * `akash-stack synth` as a function (`runSynth`): loading .ts stacks at run time, writing,
 * `--check` drift, `--set`, and errors that name the stack file and line.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runSynth, type SynthIo } from "../src/cli/synth.js";
import { synth } from "../src/stack/index.js";
import registry from "../stacks/registry.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { fixtureStack, markedLine } from "./support/stack-fixtures.js";

interface Captured extends SynthIo {
  stdout: string;
  stderr: string;
}

function capture(cwd = PROJECT_ROOT): Captured {
  const io: Captured = {
    cwd,
    stdout: "",
    stderr: "",
    write(stream, text) {
      io[stream] += text;
    },
  };
  return io;
}

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "akash-stack-synth-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("runSynth", () => {
  it("--output json prints one object, with names and paths only, and nothing else on stdout", async () => {
    const out = tempDir();
    const io = capture();
    expect(await runSynth("registry", { out, output: "json", typecheck: false }, io)).toBe(0);
    const printed = JSON.parse(io.stdout) as { stack: string; file: string; upToDate: boolean; written: boolean; dns: Array<{ fqdn: string }>; secrets: Array<{ name: string; generated?: string }> };
    expect(printed).toMatchObject({ stack: "registry", upToDate: true, written: true });
    expect(printed.file.endsWith("registry.sdl.yaml")).toBe(true);
    expect(printed.dns.map((r) => r.fqdn)).toEqual(["registry.alternatefutures.ai", "ipfs.alternatefutures.ai"]);
    expect(printed.secrets).toContainEqual({ name: "REGISTRY_HTPASSWD", generated: "htpasswd" });
    const check = capture();
    expect(await runSynth("registry", { out, output: "json", check: true, typecheck: false }, check)).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ upToDate: true, written: false });
  });

  it("loads stacks/<name>.ts, writes <out>/<name>.sdl.yaml and says what the stack needs", async () => {
    const out = tempDir();
    const io = capture();
    expect(await runSynth("registry", { out }, io)).toBe(0);
    const written = readFileSync(join(out, "registry.sdl.yaml"), "utf8");
    // Loaded through tsx at run time, the stack synthesizes to the same bytes as when imported.
    expect(written).toBe(synth(registry).sdl);
    expect(io.stdout).toContain(`wrote ${join(out, "registry.sdl.yaml")}`);
    expect(io.stdout).toContain("DNS wanted: registry.alternatefutures.ai A -> leased IP of endpoint edge");
    expect(io.stdout).toMatch(/secrets needed at deploy time: .*REGISTRY_ADMIN_PASSWORD \(generated on first deploy\)/);
    expect(io.stderr).toBe("");
    expect(readdirSync(out)).toEqual(["registry.sdl.yaml"]); // no temporary file left behind
  });

  it("accepts a path to a stack file and applies --set", async () => {
    const out = tempDir();
    const io = capture();
    expect(await runSynth("./stacks/backend.ts", { out, set: ["domain=example.org", "imageTag=2.3.4"] }, io)).toBe(0);
    const written = readFileSync(join(out, "backend.sdl.yaml"), "utf8");
    expect(written).toContain("image: registry.example.org/alternatefutures/backend:2.3.4");
  });

  it("--check passes when the file is up to date and fails with a diff on drift, without writing", async () => {
    const out = tempDir();
    await runSynth("registry", { out }, capture());
    const upToDate = capture();
    expect(await runSynth("registry", { out, check: true }, upToDate)).toBe(0);
    expect(upToDate.stdout).toMatch(/registry\.sdl\.yaml is up to date/);

    const file = join(out, "registry.sdl.yaml");
    const edited = readFileSync(file, "utf8").replace("count: 1", "count: 3");
    writeFileSync(file, edited);
    const drift = capture();
    expect(await runSynth("registry", { out, check: true }, drift)).toBe(1);
    expect(drift.stderr).toMatch(/registry\.sdl\.yaml is out of date with stacks\/registry\.ts: run `akash-stack synth registry`/);
    expect(drift.stderr).toMatch(/^-\s+count: 3$/m);
    expect(drift.stderr).toMatch(/^\+\s+count: 1$/m);
    expect(readFileSync(file, "utf8")).toBe(edited);
  });

  it("--check fails when the file was never written", async () => {
    const io = capture();
    expect(await runSynth("backend", { out: tempDir(), check: true }, io)).toBe(1);
    expect(io.stderr).toMatch(/backend\.sdl\.yaml does not exist: run `akash-stack synth backend`/);
  });

  it("the committed out/ files are up to date", async () => {
    for (const name of ["registry", "backend"]) expect(await runSynth(name, { check: true }, capture())).toBe(0);
  });

  it("names the stacks there are when the name is unknown (usage error)", async () => {
    const io = capture();
    expect(await runSynth("regsitry", {}, io)).toBe(2);
    expect(io.stderr).toMatch(/no stack named regsitry \(looked for stacks\/regsitry\.ts\); stacks here: backend, registry/);
  });

  it("names the parameter of a bad --set (usage error) and writes nothing", async () => {
    const out = tempDir();
    const io = capture();
    expect(await runSynth("registry", { out, set: ["kuboMemoryGi=lots", "colour=blue"] }, io)).toBe(2);
    expect(io.stderr).toMatch(/parameter kuboMemoryGi must be a number/);
    expect(io.stderr).toMatch(/unknown parameter colour/);
    expect(io.stderr).toMatch(/parameters of stacks\/registry\.ts: domain \(string, default "alternatefutures\.ai"\)/);
    expect(readdirSync(out)).toEqual([]);
  });

  it("reports a wrong stack at its file and line and writes nothing", async () => {
    const out = tempDir();
    const io = capture();
    const file = fixtureStack("public-kubo-rpc");
    expect(await runSynth(relative(PROJECT_ROOT, file), { out }, io)).toBe(1);
    expect(io.stderr).toContain(`test/fixtures/stacks/public-kubo-rpc.ts:${markedLine(file)}:`);
    expect(io.stderr).toMatch(/port 5001 of service ipfs .* whole internet/);
    expect(io.stderr).toMatch(/1 problem in test\/fixtures\/stacks\/public-kubo-rpc\.ts: nothing was written/);
    expect(readdirSync(out)).toEqual([]);
  });

  it("reports an exception thrown while building at the line that threw", async () => {
    const io = capture();
    const file = fixtureStack("throws");
    expect(await runSynth(relative(PROJECT_ROOT, file), { out: tempDir() }, io)).toBe(1);
    expect(io.stderr).toContain(`test/fixtures/stacks/throws.ts:${markedLine(file)}:`);
    expect(io.stderr).toMatch(/the stack threw while building: Size Size\.gibibytes\(-1\) is not a positive size/);
  });

  it("reports a stack parameter that makes the stack invalid at the construct", async () => {
    const io = capture();
    expect(await runSynth("registry", { out: tempDir(), set: ["domain=Not A Domain"] }, io)).toBe(1);
    const line = markedLine(join(PROJECT_ROOT, "stacks", "registry.ts"), "stack.dns.zone(");
    expect(io.stderr).toMatch(new RegExp(`^stacks/registry\\.ts:${line}:\\d+: DNS zone "Not A Domain" is not a domain name`, "m"));
  });

  it("explains a file that is not a stack", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "package.json"), '{"type":"module"}');
    writeFileSync(join(dir, "empty.ts"), "export const nothing: number = 1;\n");
    const io = capture(dir);
    expect(await runSynth("./empty.ts", {}, io)).toBe(1);
    expect(io.stderr).toMatch(/empty\.ts: has no stack: end it with `export default defineStack/);
  });
});
