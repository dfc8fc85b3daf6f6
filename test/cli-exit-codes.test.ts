// One exit-code contract for every command, in one table: 0 success, 1 the command's own failure,
// 2 usage errors and unreadable input; `plan --detailed-exitcode` and `dns plan --detailed-exitcode`
// exit 1 for every error (their 2 means "changes"). Each command's --help lists its exit codes.
// Rows that need a running chain (plan's 0 and 2 with changes) are in deploy-e2e and dns-cli.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BASE } from "./support/sdl-cases.js";
import { CLI, ensureBuilt } from "./support/built-cli.js";
import { PROJECT_ROOT } from "./support/corpus.js";

const COMMANDS = ["lint", "manifest", "synth", "plan", "deploy", "status", "close", "deposit", "devnet", "rehearse", "verify", "dns"];

let home: string;
let files: string;

interface Row {
  /** What the row proves. */
  why: string;
  args: () => string[];
  code: 0 | 1 | 2;
  /** A part of stderr that says what is wrong. */
  says?: RegExp;
}

const ROWS: Row[] = [
  // success
  { why: "lint: a valid SDL", args: () => ["lint", join(files, "valid.yaml")], code: 0 },
  { why: "manifest: a valid SDL", args: () => ["manifest", "--hash", join(files, "valid.yaml")], code: 0 },
  { why: "synth: a stack", args: () => ["synth", "registry", "--out", join(files, "out")], code: 0 },
  // the command's own failure
  { why: "lint: an error finding", args: () => ["lint", join(files, "uakt.yaml")], code: 1 },
  { why: "lint: more warnings than --max-warnings", args: () => ["lint", "--max-warnings", "0", join(files, "latest.yaml")], code: 1 },
  { why: "manifest: an SDL the Go parser rejects", args: () => ["manifest", join(files, "broken.yaml")], code: 1 },
  { why: "synth --check: no committed SDL to compare", args: () => ["synth", "registry", "--check", "--out", join(files, "empty")], code: 1, says: /drift|does not exist|missing/i },
  { why: "verify: a check fails", args: () => ["verify", "ipfs", "--gateway", "http://127.0.0.1:9", "--allow-http", "--timeout", "2"], code: 1 },
  // usage errors and unreadable input
  { why: "an unknown command", args: () => ["frob"], code: 2, says: /unknown command 'frob'/ },
  { why: "lint: an unknown option", args: () => ["lint", "--bogus"], code: 2, says: /unknown option '--bogus'/ },
  { why: "lint: a missing path", args: () => ["lint", join(files, "missing.yaml")], code: 2, says: /no such file or folder/ },
  { why: "lint: --output and --format disagree", args: () => ["lint", "--output", "json", "--format", "text", join(files, "valid.yaml")], code: 2, says: /disagree/ },
  { why: "lint: a bad config", args: () => ["lint", "--config", join(files, "bad-config.yaml"), join(files, "valid.yaml")], code: 2, says: /unknown key "ignroe"/ },
  { why: "manifest: a missing file", args: () => ["manifest", join(files, "missing.yaml")], code: 2 },
  { why: "synth: an unknown stack", args: () => ["synth", "nosuchstack"], code: 2, says: /no stack named nosuchstack/ },
  { why: "plan: --network missing", args: () => ["plan", "registry"], code: 2, says: /required option '--network <network>'/ },
  { why: "plan: no devnet for --network local", args: () => ["plan", "registry", "--network", "local"], code: 2, says: /needs a running devnet/ },
  { why: "deploy: the same missing devnet, the same code", args: () => ["deploy", "registry", "--network", "local"], code: 2, says: /needs a running devnet/ },
  { why: "status: the same missing devnet", args: () => ["status", "registry", "--network", "local"], code: 2, says: /needs a running devnet/ },
  { why: "close: the same missing devnet", args: () => ["close", "registry", "--network", "local"], code: 2, says: /needs a running devnet/ },
  { why: "deposit: the same missing devnet", args: () => ["deposit", "registry", "--network", "local", "--amount", "5uact"], code: 2, says: /needs a running devnet/ },
  { why: "devnet: a bad --block-time", args: () => ["devnet", "--block-time", "0"], code: 2, says: /--block-time/ },
  { why: "rehearse: an unknown stack", args: () => ["rehearse", "nosuchstack"], code: 2 },
  { why: "verify: a stack without --network", args: () => ["verify", "registry"], code: 2, says: /needs --network/ },
  { why: "dns: an unknown action", args: () => ["dns", "frob"], code: 2, says: /unknown action "frob"/ },
  { why: "dns plan: missing credentials", args: () => ["dns", "plan", "--domain", "example.com", "--record", "a=A:192.0.2.1"], code: 2, says: /NAMECHEAP_API_USER is not set/ },
  { why: "dns apply: the same missing credentials, the same code", args: () => ["dns", "apply", "--domain", "example.com", "--record", "a=A:192.0.2.1", "--yes"], code: 2, says: /NAMECHEAP_API_USER is not set/ },
  // --detailed-exitcode: every error is 1, usage errors included
  { why: "plan --detailed-exitcode: --network missing", args: () => ["plan", "registry", "--detailed-exitcode"], code: 1, says: /required option/ },
  { why: "plan --detailed-exitcode: an unknown option", args: () => ["plan", "registry", "--network", "local", "--detailed-exitcode", "--bogus"], code: 1 },
  { why: "plan --detailed-exitcode: no devnet", args: () => ["plan", "registry", "--network", "local", "--detailed-exitcode"], code: 1, says: /needs a running devnet/ },
  { why: "dns plan --detailed-exitcode: missing credentials", args: () => ["dns", "plan", "--domain", "example.com", "--record", "a=A:192.0.2.1", "--detailed-exitcode"], code: 1 },
  { why: "dns --detailed-exitcode: an unknown action", args: () => ["dns", "frob", "--detailed-exitcode"], code: 1 },
  { why: "dns apply --detailed-exitcode: the flag is for plan only (a usage error, so 1)", args: () => ["dns", "apply", "--domain", "example.com", "--record", "a=A:192.0.2.1", "--detailed-exitcode"], code: 1, says: /for dns plan only/ },
];

function run(args: string[]) {
  const env = { PATH: process.env.PATH ?? "", HOME: home, AKASH_STACK_HOME: home };
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, env, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), "akash-stack-exit-home-"));
  files = mkdtempSync(join(tmpdir(), "akash-stack-exit-files-"));
  writeFileSync(join(files, "valid.yaml"), BASE);
  writeFileSync(join(files, "uakt.yaml"), BASE.replace("denom: uact", "denom: uakt"));
  writeFileSync(join(files, "latest.yaml"), BASE.replace("nginx:1.27.3", "nginx:latest"));
  writeFileSync(join(files, "broken.yaml"), BASE.replace('version: "2.0"', 'version: "1.0"'));
  writeFileSync(join(files, "bad-config.yaml"), "ignroe: [image-unpinned]\n");
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

describe("the exit-code contract", () => {
  it.each(ROWS.map((row) => [row.why, row] as const))("%s", (_why, row) => {
    const result = run(row.args());
    expect(result.code, result.stderr).toBe(row.code);
    if (row.says) expect(result.stderr).toMatch(row.says);
    // never a stack trace, whatever the code
    expect(result.stderr).not.toMatch(/\n\s+at .+[:(]/);
  }, 60_000);

  it.each(COMMANDS)("%s --help lists its exit codes", (command) => {
    const help = run([command, "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:\n\s+0 .+\n\s+1 .+\n(.*\n)*?\s+2 /);
  });

  it("plan and dns plan explain --detailed-exitcode in their help", () => {
    expect(run(["plan", "--help"]).stdout).toMatch(/With --detailed-exitcode: 0 no changes, 2 changes, 1 any error/);
    expect(run(["dns", "--help"]).stdout).toMatch(/With plan --detailed-exitcode: 0 no changes, 2 changes, 1 any error/);
  });

  it("every command that prints structured output takes --output, and lint keeps --format as its other name", () => {
    for (const command of ["lint", "plan", "deploy", "status", "verify"]) expect(run([command, "--help"]).stdout).toMatch(/--output <format>/);
    const viaFormat = run(["lint", "--format", "json", join(files, "valid.yaml")]);
    const viaOutput = run(["lint", "--output", "json", join(files, "valid.yaml")]);
    expect(viaFormat.code).toBe(0);
    expect(viaOutput.stdout).toBe(viaFormat.stdout);
    expect(JSON.parse(viaOutput.stdout).summary.files).toBe(1);
  });
});
