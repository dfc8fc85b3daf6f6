/**
 * Secrets: values never reach synthesized SDL, written files or output; `resolveSecrets` fills
 * placeholders at deploy time, reports every missing name at once, and keeps generated secrets in
 * a 0600 file that later runs reuse.
 */
import { createPrivateKey } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runSynth, type SynthIo } from "../src/cli/synth.js";
import { describeMissingSecrets, resolveSecrets, stackHome, synth, type StackDefinition } from "../src/stack/index.js";
import { fillPlaceholders, placeholderNames } from "../src/stack/secrets.js";
import { updateAccounts } from "../src/stack/htpasswd-accounts.js";
import { manifestOf } from "../src/sdl/public.js";
import backend from "../stacks/backend.js";
import registry from "../stacks/registry.js";
import bcrypt from "bcryptjs";
import { PROJECT_ROOT } from "./support/corpus.js";

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "akash-stack-secrets-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every secret name both stacks declare, each set to a value that cannot occur by chance. */
const SENTINELS: Record<string, string> = Object.fromEntries(
  [...synth(registry).secrets, ...synth(registry, { engine: "openregistry" }).secrets, ...synth(backend).secrets].map((s) => [s.name, `sentinel-${s.name.toLowerCase()}-${Math.random().toString(36).slice(2)}`]),
);

function generatedKinds(result: ReturnType<typeof synth>) {
  return Object.fromEntries(result.secrets.filter((s) => s.generated).map((s) => [s.name, s.generated!]));
}

function htpasswdSources(result: ReturnType<typeof synth>) {
  return Object.fromEntries(result.secrets.flatMap((s) => (s.htpasswd ? [[s.name, s.htpasswd] as const] : [])));
}

describe("synth never writes a secret value", () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [name, value] of Object.entries(SENTINELS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterEach(() => {
    for (const name of Object.keys(SENTINELS)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it("has secrets to test with", () => {
    expect(Object.keys(SENTINELS)).toEqual(expect.arrayContaining(["POSTGRES_PASSWORD", "OPENREGISTRY_AUTH_KEY", "REGISTRY_PASSWORD", "REGISTRY_USERNAME"]));
  });

  it("in the synthesized SDL, only placeholders", () => {
    const variants: Array<[StackDefinition, Record<string, string>]> = [[registry, {}], [registry, { engine: "openregistry" }], [backend, {}]];
    for (const [stack, params] of variants) {
      const result = synth(stack, params);
      const everything = JSON.stringify(result);
      for (const [name, value] of Object.entries(SENTINELS)) {
        expect(everything).not.toContain(value);
        // A password that only feeds an htpasswd hash or a login never appears, not even as a placeholder.
        const fedOnly = result.secrets.some((s) => s.htpasswd?.password === name) && !result.sdl.includes(`<secret:${name}>`);
        if (result.secrets.some((s) => s.name === name) && !fedOnly) expect(result.sdl).toContain(`<secret:${name}>`);
      }
    }
  });

  it("in the files and output of the synth command", async () => {
    const out = tempDir();
    let output = "";
    const io: SynthIo = { cwd: PROJECT_ROOT, write: (_stream, text) => void (output += text) };
    expect(await runSynth("registry", { out }, io)).toBe(0);
    expect(await runSynth("backend", { out }, io)).toBe(0);
    expect(await runSynth("backend", { out, check: true }, io)).toBe(0);
    const written = readdirSync(out).map((f) => readFileSync(join(out, f), "utf8"));
    expect(written).toHaveLength(2);
    for (const value of Object.values(SENTINELS)) {
      for (const text of [...written, output]) expect(text).not.toContain(value);
    }
    expect(written.join("\n")).toContain("<secret:REGISTRY_PASSWORD>");
    expect(output).toContain("REGISTRY_PASSWORD"); // the name, so the user knows what to set
  });
});

describe("resolveSecrets", () => {
  it("reports every missing secret at once, sorted, and changes nothing", async () => {
    const home = tempDir();
    const result = await resolveSecrets(synth(backend).sdl, { env: { JWT_SECRET: "j".repeat(40) }, home });
    expect(result.missing).toEqual(["DATABASE_URL", "REGISTRY_PASSWORD", "REGISTRY_USERNAME", "RESEND_API_KEY"]);
    expect(result.text).toBe(synth(backend).sdl);
    expect(readdirSync(home)).toEqual([]);
    const message = describeMissingSecrets(result);
    expect(message).toMatch(/^4 secrets have no value, so nothing was deployed:/);
    for (const name of result.missing) expect(message).toContain(`  ${name}`);
  });

  it("does not generate anything while other secrets are missing", async () => {
    const home = join(tempDir(), "home");
    const registryResult = synth(registry, { engine: "openregistry" });
    const sdl = `${registryResult.sdl}\n`.replace("POSTGRES_USER=postgres", "POSTGRES_USER=<secret:PG_USER>");
    const result = await resolveSecrets(sdl, { env: {}, home, generated: generatedKinds(registryResult) });
    expect(result.missing).toEqual(["PG_USER"]);
    expect(existsSync(home)).toBe(false);
  });

  it("fills placeholders from the environment and from named files, as single YAML strings", async () => {
    const dir = tempDir();
    const tricky = `p@ss: #not-a-comment\n'"quoted"`;
    writeFileSync(join(dir, "registry-password"), `${tricky}\n`);
    const result = await resolveSecrets(synth(backend).sdl, {
      env: { DATABASE_URL: "postgres://u:p@db/x", JWT_SECRET: "jwt", REGISTRY_USERNAME: "alternatefutures", RESEND_API_KEY: "re_1", REGISTRY_PASSWORD: "ignored" },
      secretFiles: { REGISTRY_PASSWORD: "registry-password" },
      cwd: dir,
      home: join(dir, "home"),
    });
    expect(result.missing).toEqual([]);
    expect(result.text).not.toContain("<secret:");
    const doc = parse(result.text) as { services: { api: { env: string[]; credentials: Record<string, string> } } };
    expect(doc.services.api.credentials).toEqual({ host: "registry.alternatefutures.ai", username: "alternatefutures", password: tricky });
    expect(doc.services.api.env).toContain("DATABASE_URL=postgres://u:p@db/x");
  });

  it("says which named file cannot be read, without failing on the first", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "empty"), "");
    const result = await resolveSecrets(synth(backend).sdl, {
      env: {},
      secretFiles: { REGISTRY_PASSWORD: "missing-file", JWT_SECRET: "empty" },
      cwd: dir,
      home: join(dir, "home"),
    });
    expect(result.missing).toEqual(["DATABASE_URL", "JWT_SECRET", "REGISTRY_PASSWORD", "REGISTRY_USERNAME", "RESEND_API_KEY"]);
    expect(result.reasons).toEqual({ REGISTRY_PASSWORD: "the file missing-file cannot be read (ENOENT)", JWT_SECRET: "the file empty is empty" });
  });

  it("creates generated secrets once, in a 0600 file, and reuses them", async () => {
    const home = join(tempDir(), ".akash-stack");
    const registryResult = synth(registry, { engine: "openregistry" });
    const options = { env: {}, home, generated: generatedKinds(registryResult) };

    const first = await resolveSecrets(registryResult.sdl, options);
    expect(first.missing).toEqual([]);
    expect(first.created.sort()).toEqual(["OPENREGISTRY_AUTH_KEY", "OPENREGISTRY_DB_PASSWORD", "POSTGRES_PASSWORD"]);
    const file = join(home, "secrets.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    // The temporary file was renamed, not left; the new home ignores itself in git.
    expect(readdirSync(home).sort()).toEqual([".gitignore", "secrets.json"]);
    expect(readFileSync(join(home, ".gitignore"), "utf8")).toMatch(/^\*$/m);

    const env = (text: string, service: string) =>
      new Map((parse(text) as { services: Record<string, { env: string[] }> }).services[service]!.env.map((e) => [e.split("=")[0]!, e.slice(e.indexOf("=") + 1)]));
    const registryEnv = env(first.text, "registry");
    const password = registryEnv.get("OPENREGISTRY_DB_PASSWORD")!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(registryEnv.get("OPENREGISTRY_DB_ADMIN_PASSWORD")).toBe(env(first.text, "postgres").get("POSTGRES_PASSWORD"));
    const key = createPrivateKey(Buffer.from(registryEnv.get("OPENREGISTRY_AUTH_KEY_PEM_BASE64")!, "base64").toString("utf8"));
    expect(key.asymmetricKeyType).toBe("rsa");
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096);

    const second = await resolveSecrets(registryResult.sdl, options);
    expect(second.created).toEqual([]);
    expect(second.text).toBe(first.text);

    // A value the user gives wins over the generated one.
    const given = await resolveSecrets(registryResult.sdl, { ...options, env: { POSTGRES_PASSWORD: "from-the-user" } });
    expect(env(given.text, "postgres").get("POSTGRES_PASSWORD")).toBe("from-the-user");
  }, 60_000);

  it("makes an htpasswd line from the password secret, keeps it while the password holds, and never puts the password in the SDL", async () => {
    const home = join(tempDir(), ".akash-stack");
    const registryResult = synth(registry);
    const options = { env: {}, home, generated: generatedKinds(registryResult), htpasswd: htpasswdSources(registryResult) };
    const first = await resolveSecrets(registryResult.sdl, options);
    expect(first.missing).toEqual([]);
    expect(first.created.sort()).toEqual(["REGISTRY_ADMIN_PASSWORD", "REGISTRY_HTPASSWD", "REGISTRY_HTTP_SECRET"]);
    const stored = JSON.parse(readFileSync(join(home, "secrets.json"), "utf8")) as { generated: Record<string, string> };
    const password = stored.generated.REGISTRY_ADMIN_PASSWORD!;
    const line = /REGISTRY_HTPASSWD=(.*)/.exec(first.text)?.[1] ?? "";
    // Cost 5 for a generated 192-bit password (the registry checks it on every request); 10 for one a person gives.
    expect(line).toMatch(/^admin:\$2[aby]\$05\$[./A-Za-z0-9]{53}$/);
    expect(bcrypt.compareSync(password, line.slice("admin:".length))).toBe(true);
    expect(first.text).not.toContain(password);

    // bcrypt salts every hash: the stored line is reused, or every deploy would change the manifest.
    const again = await resolveSecrets(registryResult.sdl, options);
    expect(again.created).toEqual([]);
    expect(again.text).toBe(first.text);

    // A password the user gives replaces the line, and the new one matches it.
    const given = await resolveSecrets(registryResult.sdl, { ...options, env: { REGISTRY_ADMIN_PASSWORD: "from-the-user" } });
    const givenLine = /REGISTRY_HTPASSWD=(.*)/.exec(given.text)?.[1] ?? "";
    expect(givenLine).not.toBe(line);
    expect(givenLine).toMatch(/^admin:\$2[aby]\$10\$/);
    expect(bcrypt.compareSync("from-the-user", givenLine.slice("admin:".length))).toBe(true);
    expect(given.text).not.toContain("from-the-user");
  }, 60_000);

  it("puts the accounts registry users added after the admin's line, as one env value the manifest keeps whole", async () => {
    const home = join(tempDir(), ".akash-stack");
    const registryResult = synth(registry);
    const options = { env: {}, home, generated: generatedKinds(registryResult), htpasswd: htpasswdSources(registryResult) };
    const before = await resolveSecrets(registryResult.sdl, options);
    const env = (text: string, service: string) =>
      new Map((parse(text) as { services: Record<string, { env: string[] }> }).services[service]!.env.map((e) => [e.split("=")[0]!, e.slice(e.indexOf("=") + 1)]));
    const adminLine = env(before.text, "registry").get("REGISTRY_HTPASSWD")!;
    await updateAccounts(home, "REGISTRY_HTPASSWD", { action: "add", username: "ci", password: "ci-password-1" }, { username: "admin", passwordSecret: "REGISTRY_ADMIN_PASSWORD" });
    await updateAccounts(home, "REGISTRY_HTPASSWD", { action: "add", username: "bot", password: "bot-password-1" }, { username: "admin", passwordSecret: "REGISTRY_ADMIN_PASSWORD" });
    const after = await resolveSecrets(registryResult.sdl, options);
    const lines = env(after.text, "registry").get("REGISTRY_HTPASSWD")!.split("\n");
    expect(lines[0]).toBe(adminLine); // the admin's line (and so its manifest bytes) stays as it was
    expect(lines.map((l) => l.slice(0, l.indexOf(":")))).toEqual(["admin", "ci", "bot"]);
    expect(bcrypt.compareSync("bot-password-1", lines[2]!.slice("bot:".length))).toBe(true);
    expect(after.text).not.toMatch(/ci-password-1|bot-password-1/);
    // The provider gets the same value: the manifest's env entry holds both lines.
    const manifest = manifestOf(after.text);
    expect(manifest.json).toContain(JSON.stringify(`REGISTRY_HTPASSWD=${lines.join("\n")}`).slice(1, -1));
  }, 60_000);

  it("tightens a secrets file others could read", async () => {
    const home = tempDir();
    const file = join(home, "secrets.json");
    writeFileSync(file, JSON.stringify({ generated: { POSTGRES_PASSWORD: "kept" } }));
    chmodSync(file, 0o644);
    const sdl = "services:\n  db:\n    env:\n      - POSTGRES_PASSWORD=<secret:POSTGRES_PASSWORD>\n";
    const result = await resolveSecrets(sdl, { env: {}, home, generated: { POSTGRES_PASSWORD: "password" } });
    expect(result.text).toContain("POSTGRES_PASSWORD=kept");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(result.notices).toEqual([`${file} was readable by others; its mode is now 0600`]);
  });

  it("ignores secret names that only comments mention", async () => {
    const result = await resolveSecrets("# uses <secret:NOT_NEEDED>\nservices: {}\n", { env: {}, home: tempDir() });
    expect(result.missing).toEqual([]);
  });
});

/** The oracle: the template's data with every placeholder replaced in every string (keys too). */
function filledData(data: unknown, values: ReadonlyMap<string, string>): unknown {
  const fill = (text: string) => text.replace(/<secret:([A-Za-z_][A-Za-z0-9_]*)>/g, (whole, name: string) => values.get(name) ?? whole);
  if (typeof data === "string") return fill(data);
  if (Array.isArray(data)) return data.map((item) => filledData(item, values));
  if (data !== null && typeof data === "object") return Object.fromEntries(Object.entries(data).map(([k, v]) => [fill(k), filledData(v, values)]));
  return data;
}

describe("fillPlaceholders", () => {
  const registrySdl = synth(registry).sdl;
  const backendSdl = synth(backend).sdl;
  const valuesFor = (sdl: string, value: (name: string) => string) => new Map(placeholderNames(sdl).map((name) => [name, value(name)]));

  it("fills the synthesized stacks' placeholders in place for generated-style values, keeping everything else byte for byte", () => {
    for (const sdl of [registrySdl, backendSdl]) {
      const values = valuesFor(sdl, (name) => (name.includes("KEY") ? Buffer.from(`-----BEGIN ${name}-----`).toString("base64") : `pw_${name.toLowerCase()}-A9`));
      const result = fillPlaceholders(sdl, values);
      expect(result.route).toBe("in-place");
      expect(parse(result.text)).toEqual(filledData(parse(sdl), values));
      // Only the placeholders changed: put them back and the synthesized text returns.
      let back = result.text;
      for (const [name, value] of values) back = back.split(value).join(`<secret:${name}>`);
      expect(back).toBe(sdl);
    }
  });

  it("gives values that would change how their scalar reads to the yaml package, with the same data", () => {
    const tricky = ["a: b", "# not a comment", "it's", 'say "hi"', "back\\slash", "two\nlines", "- dash", "[flow]", "{x: 1}", "&anchor", "*alias", "123", "true", "~", " padded ", "tab\there", "ünïcödé ✓"];
    for (const value of tricky) {
      const values = valuesFor(backendSdl, () => value);
      const result = fillPlaceholders(backendSdl, values);
      expect(parse(result.text), JSON.stringify(value)).toEqual(filledData(parse(backendSdl), values));
    }
    expect(fillPlaceholders(backendSdl, valuesFor(backendSdl, () => "a: b")).route).toBe("document");
  });

  it("fills a placeholder that is a whole plain scalar only where the result still reads as a string", () => {
    const sdl = "services:\n  web:\n    args:\n      - <secret:TOKEN>\n      - '<secret:TOKEN>'\n";
    for (const value of ["abc", "123", "null", "0x1F", "1e3"]) {
      const values = new Map([["TOKEN", value]]);
      const result = fillPlaceholders(sdl, values);
      expect(parse(result.text), value).toEqual({ services: { web: { args: [value, value] } } });
    }
    expect(fillPlaceholders(sdl, new Map([["TOKEN", "abc"]])).route).toBe("in-place");
    expect(fillPlaceholders(sdl, new Map([["TOKEN", "123"]])).route).toBe("document");
  });

  it("never writes a value into a comment, and leaves placeholders without a value alone", () => {
    const sdl = "# uses <secret:A> and <secret:B>\nservices:\n  db:\n    env:\n      - A=<secret:A> # <secret:A>\n      - B=<secret:B>\n";
    const result = fillPlaceholders(sdl, new Map([["A", "value-a"]]));
    expect(result.route).toBe("in-place");
    expect(result.text).toBe("# uses <secret:A> and <secret:B>\nservices:\n  db:\n    env:\n      - A=value-a # <secret:A>\n      - B=<secret:B>\n");
  });
});

describe("stackHome", () => {
  it("is $AKASH_STACK_HOME, else .akash-stack in the working directory", () => {
    expect(stackHome({}, "/work/project")).toBe("/work/project/.akash-stack");
    expect(stackHome({ AKASH_STACK_HOME: "state" }, "/work/project")).toBe("/work/project/state");
    expect(stackHome({ AKASH_STACK_HOME: "/var/lib/akash-stack" }, "/work/project")).toBe("/var/lib/akash-stack");
  });

  it("the default folder is git-ignored", () => {
    expect(readFileSync(join(PROJECT_ROOT, ".gitignore"), "utf8").split("\n")).toContain(".akash-stack/");
  });
});
