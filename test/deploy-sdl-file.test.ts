/**
 * A plain SDL file where a stack is expected: `plan`, `deploy`, `status` and `close` take
 * `deploy/web.yaml` as well as a stack, named after the file or `--name`. (Deploying one on the
 * devnet is in test/package-install.test.ts.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runSynth } from "../src/cli/synth.js";
import { loadAndSynth, stackNameOf } from "../src/deploy/session.js";

const WEB = `version: "2.0"
services:
  web:
    image: nginx:1.27.3
    env:
      - API_KEY=<secret:API_KEY>
    expose:
      - port: 80
        as: 80
        accept: [www.example.com]
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu: {units: 0.5}
        memory: {size: 512Mi}
        storage: [{size: 1Gi}]
  placement:
    akash:
      pricing:
        web: {denom: uact, amount: 1000}
deployment:
  web:
    akash: {profile: web, count: 1}
`;

const temps: string[] = [];
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "akash-stack-sdl-file-"));
  temps.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function io(cwd: string) {
  const captured = { cwd, env: {}, stderr: "", write: (stream: "stdout" | "stderr", text: string) => void (stream === "stderr" && (captured.stderr += text)) };
  return captured;
}

describe("a plain SDL file as the stack", () => {
  it("is used as it stands, named after the file, with its secret placeholders as the secrets it needs", async () => {
    const cwd = project({ "deploy/web.yaml": WEB });
    const loaded = await loadAndSynth("deploy/web.yaml", [], io(cwd));
    expect(loaded).toMatchObject({ name: "web", file: join(cwd, "deploy", "web.yaml") });
    expect(loaded.synth).toEqual({ sdl: WEB, dns: [], secrets: [{ name: "API_KEY" }], logins: [], warnings: [], params: {} });
    expect((await loadAndSynth("deploy/web.yaml", [], io(cwd), { name: "site" })).name).toBe("site");
  });

  it("is named the same way by status, close and deposit, which do not read it", () => {
    expect(stackNameOf("deploy/web.yaml")).toBe("web");
    expect(stackNameOf("out/web.sdl.yml")).toBe("web");
    expect(stackNameOf("deploy/web.yaml", "site")).toBe("site");
    expect(() => stackNameOf("deploy/My Site.yaml")).toThrow(/cannot name the deployment after this file .* pass --name NAME/);
    expect(() => stackNameOf("deploy/web.yaml", "Bad Name")).toThrow(/--name "Bad Name" is not a usable name/);
  });

  it("fails on lint errors at file:line:column, and takes no --set", async () => {
    const cwd = project({ "deploy/web.yaml": WEB.replace("denom: uact", "denom: uakt") });
    const failure = (await loadAndSynth("deploy/web.yaml", [], io(cwd)).catch((err: unknown) => err)) as Error;
    expect(failure.name).toBe("UsageError");
    expect(failure.message).toMatch(/^deploy\/web\.yaml:\d+:\d+: .*\(denom-uact\)/);
    expect(failure.message).toContain("run `akash-stack lint deploy/web.yaml` for the full report");
    await expect(loadAndSynth("deploy/web.yaml", ["x=1"], io(project({ "deploy/web.yaml": WEB })))).rejects.toThrow(/--set applies to stack parameters/);
    await expect(loadAndSynth("deploy/missing.yaml", [], io(cwd))).rejects.toThrow(/deploy\/missing\.yaml: no such file/);
  });

  it("is not something synth makes: synth says what to run instead (exit 2)", async () => {
    const cwd = project({ "deploy/web.yaml": WEB });
    let stderr = "";
    const code = await runSynth("deploy/web.yaml", {}, { cwd, write: (_stream, text) => void (stderr += text) });
    expect(code).toBe(2);
    expect(stderr).toContain("deploy/web.yaml is an SDL file already");
    expect(stderr).toContain("akash-stack deploy deploy/web.yaml --network");
  });
});
