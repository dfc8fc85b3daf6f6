/**
 * `akash-stack init`: a new project from the package's own templates, offline. (The packed
 * package, installed from a tarball, runs init, tsc, synth and a deploy in test/package-install.test.ts.)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runInit, type InitIo } from "../src/cli/init.js";
import { initFiles, packageNameFor, TEMPLATES } from "../src/init/files.js";
import packageJson from "../package.json" with { type: "json" };
import { missingForRealStack, skipUnlessAvailable, tool } from "./support/real-tools.js";

/** actionlint, built by scripts/build-tools.sh (which .ci/run runs before the tests). */

function capture(cwd: string): InitIo & { stdout: string; stderr: string } {
  const io = { cwd, stdout: "", stderr: "", write: (stream: "stdout" | "stderr", text: string) => void (io[stream] += text) };
  return io;
}

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "akash-stack-init-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("akash-stack init", () => {
  it.each(TEMPLATES)("writes a %s project: package.json, tsconfig, the stack, .gitignore, CI and a README", async (template) => {
    const parent = tempDir();
    const io = capture(parent);
    expect(await runInit("My Project", { template }, io)).toBe(0);
    const dir = join(parent, "My Project");
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; type: string; devDependencies: Record<string, string> };
    expect(manifest).toMatchObject({ name: "my-project", type: "module" });
    expect(manifest.devDependencies).toEqual({ "akash-stack": `^${packageJson.version}`, typescript: packageJson.devDependencies.typescript });
    const stack = readFileSync(join(dir, "stacks", `${template}.ts`), "utf8");
    expect(stack).toContain('from "akash-stack"');
    expect(stack).not.toContain("src/stack");
    expect(readFileSync(join(dir, ".gitignore"), "utf8").split("\n")).toContain(".akash-stack/");
    const workflow = parse(readFileSync(join(dir, ".github", "workflows", "akash-stack.yml"), "utf8")) as { jobs: { check: { steps: Array<{ run?: string }> } } };
    const runs = workflow.jobs.check.steps.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain("npx tsc --noEmit");
    expect(runs).toContain(`npx akash-stack synth ${template} --check`);
    expect(runs).toContain("npx akash-stack lint --format github out/");
    expect(runs).toContain(`npx akash-stack plan ${template} --network mainnet`);
    expect(readFileSync(join(dir, "tsconfig.json"), "utf8")).toContain('"include": ["stacks"]');
    expect(io.stdout).toContain("npm install");
    expect(io.stderr).toBe("");
  });

  it("writes into the current folder when it is empty but for .git", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, ".git"));
    expect(await runInit(undefined, {}, capture(dir))).toBe(0);
    expect(existsSync(join(dir, "stacks", "web.ts"))).toBe(true);
  });

  it("refuses a folder that is not empty, and changes nothing (exit 2)", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "notes.txt"), "mine");
    const io = capture(dir);
    expect(await runInit(".", {}, io)).toBe(2);
    expect(io.stderr).toMatch(/this folder is not empty \(notes\.txt\).*name a new or empty folder/);
    expect(existsSync(join(dir, "package.json"))).toBe(false);
  });

  it("refuses an unknown template, naming the ones there are (exit 2)", async () => {
    const io = capture(tempDir());
    expect(await runInit("x", { template: "wordpress" }, io)).toBe(2);
    expect(io.stderr).toContain('there is no template "wordpress": use --template web, postgres-app, registry');
  });

  it("names the package after the folder, as npm allows", () => {
    expect(packageNameFor("My Project")).toBe("my-project");
    expect(packageNameFor("_tmp")).toBe("tmp");
    expect(packageNameFor("!!!")).toBe("akash-project");
    const files = initFiles({ template: "web", projectName: "p", stackSource: "", akashStackVersion: "1.2.3", typescriptVersion: "5.9.3" });
    expect(files.map((f) => f.path)).toEqual(["package.json", "tsconfig.json", "stacks/web.ts", ".gitignore", ".github/workflows/akash-stack.yml", "README.md"]);
  });

  // Under CI a missing actionlint fails here (test/support/real-tools.ts); elsewhere it is skipped with a notice.
  const noActionlint = skipUnlessAvailable("the check of the workflow init writes", missingForRealStack(["actionlint"], []).filter((m) => !m.startsWith("root")));
  it.skipIf(noActionlint)("writes a workflow actionlint accepts", async () => {
    const dir = tempDir();
    expect(await runInit(undefined, { template: "postgres-app" }, capture(dir))).toBe(0);
    const result = spawnSync(tool("actionlint"), [".github/workflows/akash-stack.yml"], { cwd: dir, encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
