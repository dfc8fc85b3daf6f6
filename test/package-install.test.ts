/**
 * Acceptance: akash-stack as a user gets it. The package is packed as npm publishes it, installed
 * into an empty folder with only the npm registry, and then, in a project made by `init`: a type
 * check with tsc, synth, lint, and plan, deploy, status and close against the devnet, for the typed
 * stack and for its SDL as a plain file. Runs on the Node that runs the tests: .ci/run runs the
 * suite on Node 20, 22 and 24.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderBytes, npmInstall, packTarball, type Packed } from "../scripts/pack-install.mjs";
import { ensureBuilt } from "./support/built-cli.js";
import { PROJECT_ROOT } from "./support/corpus.js";

/** The goal for the installed size of the package and what it depends on. */
const INSTALLED_SIZE_GOAL_MB = 40;

let work: string;
let packed: Packed;
let tool: string;
let app: string;
let devnet: ChildProcess | undefined;
let devnetExit: Promise<number | null> | undefined;

/** The environment of a user's shell: no NODE_OPTIONS, the devnet's home inside the project. */
function userEnv(): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _options, AKASH_STACK_HOME: _home, AKASH_MNEMONIC: _mnemonic, ...env } = process.env;
  return env;
}

/** The installed CLI, run by the Node that runs this test. */
function akashStack(args: string[], cwd = app): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(cwd, "node_modules", "akash-stack", "dist", "cli.js"), ...args], {
    cwd,
    env: userEnv(),
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the packed package, installed from its tarball", () => {
  beforeAll(() => {
    ensureBuilt();
    work = mkdtempSync(join(tmpdir(), "akash-stack-package-"));
    packed = packTarball(PROJECT_ROOT, work);
    tool = join(work, "tool");
    app = join(work, "app");
  }, 120_000);

  afterAll(async () => {
    if (devnet && devnet.exitCode === null) {
      devnet.kill("SIGINT");
      await devnetExit;
    }
    rmSync(work, { recursive: true, force: true });
  });

  it("ships the built CLI, the library with its declarations, templates, README and LICENSE; no sources or source maps", () => {
    const files = packed.files;
    for (const required of ["package.json", "README.md", "LICENSE", "dist/cli.js", "dist/index.mjs", "dist/sdl.mjs", "dist/devnet.mjs", "dist/ipfs.mjs", "dist/types/index.d.ts", "dist/types/ipfs/index.d.ts", "dist/templates/web.ts", "dist/THIRD-PARTY-NOTICES.txt"]) {
      expect(files).toContain(required);
    }
    expect(files.filter((f) => f.endsWith(".map") || f.startsWith("src/") || f.startsWith("test/"))).toEqual([]);
    const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
    expect(readme).toContain("npx akash-stack init");
    // The repository's two setup commands open it (the project's rule for its README), pointing
    // contributors elsewhere; everything else is for users: no development notes below them.
    const [opening, rest] = readme.split("## Install");
    expect(opening).toMatch(/npm ci && npm run demo[^\n]*\nnpm test /);
    expect(opening).toContain("CONTRIBUTING.md");
    expect(rest).not.toContain("vitest");
    expect(readme).not.toMatch(/^## (Development|Contributing)/m);
  });

  it(`installs into an empty folder with only the npm registry, within ${INSTALLED_SIZE_GOAL_MB} MB`, () => {
    const ms = npmInstall(tool, [packed.tarball]);
    const mb = folderBytes(join(tool, "node_modules")) / 1024 / 1024;
    process.stdout.write(`package: tarball ${(packed.size / 1024 / 1024).toFixed(1)} MB, installed ${mb.toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s\n`);
    expect(mb).toBeLessThanOrEqual(INSTALLED_SIZE_GOAL_MB);
    const manifest = JSON.parse(readFileSync(join(tool, "node_modules", "akash-stack", "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).toEqual(["esbuild"]);
  }, 300_000);

  it("akash-stack/ipfs loads from the installed package and picks Kubo from IPFS_API_URL", () => {
    const script = [
      'const { createStorage, KuboStorage, IpfsError } = await import("akash-stack/ipfs");',
      'const chosen = createStorage({ env: { IPFS_API_URL: "http://127.0.0.1:9" } });',
      "// Port 9 (discard) has no listener: the error must name the node and say what to check.",
      "const failure = await chosen.storage.stats({ timeoutMs: 5000 }).then(() => undefined, (e) => e);",
      'console.log(JSON.stringify({ kind: chosen.kind, isKubo: chosen.storage instanceof KuboStorage, error: failure instanceof IpfsError ? failure.reason : String(failure), message: failure?.message }));',
    ].join("\n");
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: tool, encoding: "utf8", env: userEnv() });
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout) as { kind: string; isKubo: boolean; error: string; message: string };
    expect(out).toMatchObject({ kind: "kubo", isKubo: true, error: "unreachable" });
    expect(out.message).toContain("http://127.0.0.1:9");
  }, 60_000);

  it("without TypeScript in the project, synth says how to add it or skip the check", () => {
    mkdirSync(join(tool, "stacks"));
    writeFileSync(join(tool, "stacks", "web.ts"), readFileSync(join(tool, "node_modules", "akash-stack", "dist", "templates", "web.ts"), "utf8"));
    const checked = akashStack(["synth", "web"], tool);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain("the typescript package is not installed in this project; add it with `npm install --save-dev typescript`, or skip the check with --no-typecheck");
    const unchecked = akashStack(["synth", "web", "--no-typecheck"], tool);
    expect(unchecked.stderr).toBe("");
    expect(unchecked.code).toBe(0);
  }, 120_000);

  it("init makes a project; with the package and TypeScript installed, tsc, synth and lint pass", () => {
    const init = akashStack(["init", app], tool);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    npmInstall(app, [packed.tarball], { saveDev: true });

    const tsc = spawnSync(process.execPath, [join(app, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", app], { cwd: app, encoding: "utf8", env: userEnv() });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);

    const synth = akashStack(["synth", "web"]);
    expect(synth.stderr).toBe("");
    expect(synth.code).toBe(0);
    expect(readFileSync(join(app, "out", "web.sdl.yaml"), "utf8")).toContain("image: nginx:");
    expect(akashStack(["synth", "web", "--check"]).code).toBe(0);

    const lint = akashStack(["lint", "out/"]);
    expect(lint.stdout + lint.stderr).toContain("0 errors, 0 warnings");
    expect(lint.code).toBe(0);
  }, 300_000);

  it("the declarations type-check on their own (no skipLibCheck), and only the entries are importable", () => {
    writeFileSync(
      join(app, "consumer.ts"),
      [
        'import { defineStack, Size, synth, type GpuProps, type ServiceProps, type SynthResult } from "akash-stack";',
        'import { lintSdl, manifestOf, RULES, type Finding } from "akash-stack/sdl";',
        'import { startDevnet, type Devnet, type FaultSpec } from "akash-stack/devnet";',
        'import { createStorage, IpfsError, KuboStorage, type Storage, type UploadResult } from "akash-stack/ipfs";',
        "// A fallback storage (an app's pinning-service client) written against the public types only.",
        'const pinning: Storage = { kind: "pinning", upload: async (): Promise<UploadResult> => ({ cid: "", size: 0, url: "" }), pin: async () => {}, unpin: async () => {}, get: async function* () { yield new Uint8Array(); } };',
        'export const chosen = createStorage({ env: {}, fallback: () => pinning });',
        'export const kubo: Promise<number> = new KuboStorage({ apiUrl: "http://127.0.0.1:5001" }).stats().then((s) => s.repoSize).catch((e: unknown) => (e instanceof IpfsError ? -1 : 0));',
        'const gpu: GpuProps = { units: 1, vendor: "nvidia", models: [{ model: "h100", memory: Size.gibibytes(80) }] };',
        'const props: ServiceProps = { image: "x:1", compute: { cpu: 1, memory: Size.gibibytes(1), storage: { root: Size.gibibytes(1) }, gpu }, price: { amount: 1 } };',
        'const stack = defineStack({ name: "c", description: "", params: {}, build: (s) => void s.service("c", props) });',
        "export const results: [SynthResult | undefined, Finding[], string, number, Promise<Devnet>, FaultSpec] = [",
        '  undefined, lintSdl("").findings, manifestOf.name, RULES.length, startDevnet({ providers: 0 }).then((d) => d), { noBids: true },',
        "];",
        "export const run = () => synth(stack);",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(app, "tsconfig.consumer.json"),
      JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023"], types: [], strict: true, skipLibCheck: false, noEmit: true }, files: ["consumer.ts"] }),
    );
    const tsc = (project: string) => spawnSync(process.execPath, [join(app, "node_modules", "typescript", "bin", "tsc"), "-p", project], { cwd: app, encoding: "utf8", env: userEnv() });
    const clean = tsc("tsconfig.consumer.json");
    expect(clean.stdout + clean.stderr).toBe("");
    expect(clean.status).toBe(0);

    writeFileSync(join(app, "consumer.ts"), 'import { lintText } from "akash-stack/dist/types/sdl/lint.js";\nexport const x = lintText;\n');
    const internal = tsc("tsconfig.consumer.json");
    expect(internal.stdout).toMatch(/error TS2307: Cannot find module 'akash-stack\/dist\/types\/sdl\/lint\.js'/);
    rmSync(join(app, "consumer.ts"));
    rmSync(join(app, "tsconfig.consumer.json"));
  }, 120_000);

  it("a type error in the user's stack fails synth at its line, with tsc's message", () => {
    const stackFile = join(app, "stacks", "broken.ts");
    const source = readFileSync(join(app, "stacks", "web.ts"), "utf8").replace('name: "web"', 'name: "broken"').replace("price: { amount: 1000 }", "price: { amount: 1000, currency: \"uact\" }");
    writeFileSync(stackFile, source);
    try {
      const line = source.split("\n").findIndex((l) => l.includes("currency")) + 1;
      const synth = akashStack(["synth", "broken"]);
      expect(synth.code).toBe(1);
      expect(synth.stderr).toMatch(new RegExp(`^stacks/broken\\.ts:${line}:\\d+: error TS2353: .*'currency' does not exist`, "m"));
    } finally {
      rmSync(stackFile);
    }
  }, 120_000);

  it("plans, deploys, shows and closes the stack on the devnet, then the same SDL as a plain file", async () => {
    devnet = spawn(process.execPath, [join(app, "node_modules", "akash-stack", "dist", "cli.js"), "devnet", "--block-time", "200"], { cwd: app, env: userEnv(), stdio: ["ignore", "pipe", "pipe"] });
    const child = devnet;
    devnetExit = new Promise((resolve) => child.on("exit", resolve));
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the installed devnet did not start: ${stderr}`)), 60_000);
      let stdout = "";
      child.stdout!.on("data", (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes("press Ctrl-C to stop")) {
          clearTimeout(timer);
          resolve();
        }
      });
      void devnetExit!.then((code) => reject(new Error(`the installed devnet exited (${code}) before it was ready: ${stderr}`)));
    });

    for (const [target, name] of [["web", "web"], ["out/web.sdl.yaml", "plain"]] as const) {
      const named = target === "web" ? [] : ["--name", name];
      const plan = akashStack(["plan", target, "--network", "local", "--detailed-exitcode", ...named]);
      expect(plan.stderr).toBe("");
      expect(plan.code).toBe(2); // --detailed-exitcode: changes (a deployment to create)

      const deploy = akashStack(["deploy", target, "--network", "local", "--yes", "--output", "jsonl", ...named]);
      expect(deploy.code, deploy.stderr).toBe(0);
      expect(JSON.parse(deploy.stdout.trim().split("\n").pop()!)).toMatchObject({ step: "summary", status: "done" });

      const status = akashStack(["status", target, "--network", "local", "--output", "json", ...named]);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ stack: name });

      const close = akashStack(["close", target, "--network", "local", "--yes", ...named]);
      expect(close.code, close.stderr).toBe(0);
    }
    // The state went into the project's .akash-stack/, which git-ignores itself.
    expect(readFileSync(join(app, ".akash-stack", ".gitignore"), "utf8")).toMatch(/^\*$/m);
    expect(existsSync(join(app, ".akash-stack", "state"))).toBe(true);
  }, 300_000);
});
