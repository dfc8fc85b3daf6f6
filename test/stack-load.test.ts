/**
 * src/stack/load.ts: stack files bundled with esbuild and imported at run time. Errors name the
 * stack's own file, line and column (compile errors, unresolvable imports, throws at load time and
 * while building); `import.meta` names the stack file; no bundle is left behind; the stack gets the
 * stack API this process runs. Every case runs twice: with the stack outside any node_modules tree
 * (its imports of the project must resolve from where they point, not from where the bundle is
 * written; vitest transforms such a bundle itself), and inside this project, whose node_modules
 * holds the bundle (Node loads it, as in the CLI, and maps positions with the bundle's source map).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import * as stackApi from "../src/stack/index.js";
import { loadStack, locateStack } from "../src/stack/load.js";
import { PROJECT_ROOT } from "./support/corpus.js";

const API = JSON.stringify(join(PROJECT_ROOT, "src", "stack", "index.js"));
const CACHE = join(PROJECT_ROOT, "node_modules", ".cache", "akash-stack");

const PLACES = [
  ["outside any node_modules tree", tmpdir()],
  ["in a project with node_modules", join(PROJECT_ROOT, "node_modules", ".cache", "akash-stack-load-tests")],
] as const;

const temps: string[] = [];
let place: string = tmpdir();
function stackFile(name: string, source: string): string {
  mkdirSync(place, { recursive: true });
  const dir = mkdtempSync(join(place, "akash-stack-load-"));
  temps.push(dir);
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, source);
  return file;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(() => rmSync(PLACES[1][1], { recursive: true, force: true }));

/** A stack that is valid apart from what `build` adds. */
function stackSource(build: string, before = ""): string {
  return `import { defineStack, Size } from ${API};
${before}
export default defineStack({
  name: "probe",
  description: "a stack made by the loader tests",
  params: { replicas: 1 },
  build(stack, p) {
${build}
  },
});
`;
}

/** How messages show `file`: relative to the project when inside it (the cwd the tests pass). */
function shown(file: string): string {
  return file.startsWith(PROJECT_ROOT + sep) ? relative(PROJECT_ROOT, file).split(sep).join("/") : file;
}

function lineOf(source: string, marker: string): number {
  return source.split("\n").findIndex((line) => line.includes(marker)) + 1;
}

function errorOf(loaded: Awaited<ReturnType<typeof loadStack>>): string {
  if (!("error" in loaded)) throw new Error("the stack loaded, but the test expects an error");
  return loaded.error;
}

describe.each(PLACES)("loadStack, stack %s", (_where, folder) => {
  beforeEach(() => {
    place = folder;
  });

  it("loads the stack and hands it the stack API this process runs, not a second copy", async () => {
    const source = stackSource(`    void stack; void p;`, `(globalThis as Record<string, unknown>).__akashStackApiProbe = { defineStack, Size };`);
    const file = stackFile("probe", source);
    const loaded = await loadStack(file, PROJECT_ROOT);
    if ("error" in loaded) throw new Error(loaded.error);
    expect(loaded.definition.name).toBe("probe");
    expect(loaded.definition.definedAt).toMatchObject({ file, line: lineOf(source, "export default defineStack") });
    const probe = (globalThis as Record<string, unknown>).__akashStackApiProbe as { defineStack: unknown; Size: unknown };
    expect(probe.defineStack).toBe(stackApi.defineStack);
    expect(probe.Size).toBe(stackApi.Size);
  });

  it("reports a syntax error at esbuild's line and column", async () => {
    const source = stackSource(`    const broken: number = ;`);
    const file = stackFile("syntax", source);
    const line = lineOf(source, "const broken");
    expect(errorOf(await loadStack(file, PROJECT_ROOT))).toBe(`${shown(file)}:${line}:28: the stack file failed to load: Unexpected ";"`);
  });

  it("reports an import that does not resolve at the importing line", async () => {
    const source = stackSource(`    void stack; void p;`, `import { missing } from "./no-such-file.js";\nimport "no-such-package-anywhere";\nvoid missing;`);
    const file = stackFile("imports", source);
    const error = errorOf(await loadStack(file, PROJECT_ROOT));
    expect(error).toContain(`${shown(file)}:${lineOf(source, "no-such-file")}:25: the stack file failed to load: Could not resolve "./no-such-file.js"`);
    expect(error).toContain(`${shown(file)}:${lineOf(source, "no-such-package")}:8: the stack file failed to load: Could not resolve "no-such-package-anywhere"`);
  });

  it("reports a throw while the file loads at the line that threw", async () => {
    const source = stackSource(`    void stack; void p;`, `if (Date.now() > 0) throw new Error("not today");`);
    const file = stackFile("top-level-throw", source);
    expect(errorOf(await loadStack(file, PROJECT_ROOT))).toBe(`${shown(file)}:${lineOf(source, "not today")}:27: the stack file failed to load: not today`);
  });

  it("maps constructs and throws while building to the stack's lines", async () => {
    const source = stackSource(`    const web = stack.service("web", { image: "nginx:1.27.3", count: p.replicas });
    void web;
    Size.gibibytes(-1);`);
    const file = stackFile("builds", source);
    const loaded = await loadStack(file, PROJECT_ROOT);
    if ("error" in loaded) throw new Error(loaded.error);
    let thrown: unknown;
    try {
      stackApi.synth(loaded.definition);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(stackApi.SynthError);
    const problems = (thrown as InstanceType<typeof stackApi.SynthError>).problems;
    const threw = problems.find((p) => p.message.startsWith("the stack threw while building"));
    expect(threw?.location).toMatchObject({ file, line: lineOf(source, "Size.gibibytes(-1)") });
  });

  it("gives the stack file its own import.meta.url, dirname and filename", async () => {
    const source = stackSource(`    void stack; void p;`, `(globalThis as Record<string, unknown>).__akashStackMetaProbe = [import.meta.url, import.meta.dirname, import.meta.filename];`);
    const file = stackFile("meta", source);
    const loaded = await loadStack(file, PROJECT_ROOT);
    if ("error" in loaded) throw new Error(loaded.error);
    expect((globalThis as Record<string, unknown>).__akashStackMetaProbe).toEqual([pathToFileURL(file).href, dirname(file), file]);
  });

  it("explains a module without a stack, and leaves no bundle behind", async () => {
    const before = existsSync(CACHE) ? readdirSync(CACHE) : [];
    const file = stackFile("empty", "export const nothing: number = 1;\n");
    expect(errorOf(await loadStack(file, PROJECT_ROOT))).toMatch(/empty\.ts: has no stack: end it with `export default defineStack/);
    expect(existsSync(CACHE) ? readdirSync(CACHE) : []).toEqual(before);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(".empty."))).toEqual([]);
  });
});

describe("locateStack", () => {
  it("finds stacks/<name>.ts and lists the stacks there when the name is unknown", () => {
    expect(locateStack("registry", PROJECT_ROOT)).toEqual({ file: join(PROJECT_ROOT, "stacks", "registry.ts"), name: "registry" });
    expect(locateStack("nope", PROJECT_ROOT)).toEqual({ error: "no stack named nope (looked for stacks/nope.ts); stacks here: backend, registry" });
  });
});
