import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseYaml, type YNode } from "../src/sdl/yaml.js";
import { SCHEMA_RULES, schemaFindings } from "../src/sdl/schema/index.js";
import type { Finding } from "../src/sdl/findings.js";
import { BASE as SHARED_BASE, edits } from "./support/sdl-cases.js";

/**
 * A valid v2.0 SDL: Go, the chain and chain-sdk's schema all accept it. Cases edit one part. It is
 * the shared rule-test SDL with a placement attribute to edit (and no accept host), so the schema
 * cases cover a nested placement map.
 */
const BASE = edits(
  SHARED_BASE,
  ["    image: nginx:1.27.3\n", "    image: nginx:1.27\n"],
  ["        accept:\n          - www.example.com\n", ""],
  ["    akash:\n      pricing:\n", "    akash:\n      attributes:\n        region: us-west\n      pricing:\n"],
);

/** BASE with one exact substring replaced; fails loudly if the edit does not apply. */
function edit(from: string, to: string): string {
  expect(BASE).toContain(from);
  return BASE.replace(from, to);
}

function rootOf(text: string): YNode {
  const { root, problems } = parseYaml(text);
  expect(problems).toEqual([]);
  return root!;
}

function lint(text: string): Finding[] {
  return schemaFindings(rootOf(text));
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  expect(offset).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

describe("schemaFindings", () => {
  it("finds nothing in a valid SDL", () => {
    expect(lint(BASE)).toEqual([]);
  });

  it("reports an unknown nested key at the key itself", () => {
    const text = edit("    image: nginx:1.27\n", "    image: nginx:1.27\n    depends_on:\n      - db\n");
    const findings = lint(text);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      ruleId: "schema-unknown-key",
      severity: "warning",
      layer: "schema-only",
      path: "/services/web/depends_on",
      ...positionOf(text, "depends_on:"),
    });
    expect(finding!.message).toContain('"depends_on"');
    expect(finding!.message).toContain("/services/web");
    expect(finding!.message).toMatch(/Remove it/);
  });

  it("reports `attributes:` left empty under a placement", () => {
    const text = edit("      attributes:\n        region: us-west\n", "      attributes:\n");
    const findings = lint(text);
    expect(findings.map((f) => [f.ruleId, f.path])).toEqual([["schema-type", "/profiles/placement/akash/attributes"]]);
    expect(findings[0]).toMatchObject(positionOf(text, "attributes:"));
    expect(findings[0]!.message).toMatch(/empty \(null\)/);
  });

  it('reports version "2" as outside the enum', () => {
    const text = edit('version: "2.0"', 'version: "2"');
    const findings = lint(text);
    expect(findings).toEqual([expect.objectContaining({ ruleId: "schema-enum", path: "/version", line: 1, column: 1 })]);
    expect(findings[0]!.message).toContain('"2.0" or "2.1"');
  });

  it("reports an unquoted version 2.0 once, as a type problem, in the author's spelling", () => {
    const findings = lint(edit('version: "2.0"', "version: 2.0"));
    expect(findings.map((f) => f.ruleId)).toEqual(["schema-type"]);
    expect(findings[0]!.message).toContain("it is 2.0");
    expect(findings[0]!.message).toMatch(/Quote it/);
  });

  it("reports an unknown denom", () => {
    const text = edit("denom: uact", "denom: foo");
    const findings = lint(text);
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: "schema-pattern", path: "/profiles/placement/akash/pricing/web/denom", ...positionOf(text, "denom: foo") }),
    ]);
    expect(findings[0]!.message).toContain('"foo"');
  });

  it("reports a registry password shorter than 6 characters without echoing it", () => {
    const text = edit("    image: nginx:1.27\n", "    image: nginx:1.27\n    credentials:\n      host: docker.io\n      username: me\n      password: s3cr\n");
    const findings = lint(text);
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: "schema-length", path: "/services/web/credentials/password", ...positionOf(text, "password:") }),
    ]);
    expect(findings[0]!.message).toMatch(/at least 6 characters, but it has 4/);
    expect(findings[0]!.message).not.toContain("s3cr");
  });

  it("names all missing fields of one mapping in a single finding", () => {
    const text = edit("    image: nginx:1.27\n", "    image: nginx:1.27\n    credentials:\n      username: me\n");
    const findings = lint(text);
    expect(findings).toEqual([expect.objectContaining({ ruleId: "schema-required", path: "/services/web/credentials", ...positionOf(text, "credentials:") })]);
    expect(findings[0]!.message).toContain('"host" and "password"');
  });

  describe("collapses oneOf branches to one finding", () => {
    it("storage given as a number: one type finding naming both accepted forms", () => {
      const text = edit("        storage:\n          size: 1Gi\n", "        storage: 5\n");
      const findings = lint(text);
      expect(findings).toEqual([
        expect.objectContaining({ ruleId: "schema-type", path: "/profiles/compute/web/resources/storage", ...positionOf(text, "storage: 5") }),
      ]);
      expect(findings[0]!.message).toContain("a mapping or a list");
    });

    it("storage list with a bad item: only the list branch's error, not 'must be object'", () => {
      const text = edit("        storage:\n          size: 1Gi\n", "        storage:\n          - size: 1Gi\n            mount: /data\n");
      const findings = lint(text);
      expect(findings).toEqual([
        expect.objectContaining({ ruleId: "schema-unknown-key", path: "/profiles/compute/web/resources/storage/0/mount", ...positionOf(text, "mount:") }),
      ]);
    });

    it("a price amount that is neither a decimal string nor a number >= 0", () => {
      const text = edit("amount: 1000", "amount: -5");
      expect(lint(text)).toEqual([
        expect.objectContaining({ ruleId: "schema-range", path: "/profiles/placement/akash/pricing/web/amount", ...positionOf(text, "amount: -5") }),
      ]);
    });

    it("env given as a string instead of a list or null", () => {
      const text = edit("    env:\n      - MODE=production\n", "    env: MODE=production\n");
      const findings = lint(text);
      expect(findings).toEqual([expect.objectContaining({ ruleId: "schema-type", path: "/services/web/env", ...positionOf(text, "env:") })]);
      expect(findings[0]!.message).toMatch(/YAML list/);
    });
  });

  it("drops the if/then umbrella and keeps the specific error (ip without global)", () => {
    const text = edit("          - global: true\n", "          - ip: myip\n");
    const findings = lint(text);
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: "schema-required", path: "/services/web/expose/0/to/0", ...positionOf(text, "ip: myip") }),
    ]);
    expect(findings[0]!.message).toContain("global: true");
  });

  it("reports a bad endpoint name as a naming problem, not as an unknown key", () => {
    const text = BASE + "endpoints:\n  MyIP:\n    kind: ip\n";
    const findings = lint(text);
    expect(findings).toEqual([expect.objectContaining({ ruleId: "schema-unknown-key", path: "/endpoints/MyIP", ...positionOf(text, "MyIP:") })]);
    expect(findings[0]!.message).toMatch(/^Endpoint name "MyIP"/);
    expect(findings[0]!.message).not.toContain("Go parser ignores");
  });

  it("reports several independent problems, sorted by position", () => {
    const text = edit("        as: 80\n", "        as: 0\n        proto: Tcp\n");
    const findings = lint(text);
    expect(findings.map((f) => [f.ruleId, f.path])).toEqual([
      ["schema-range", "/services/web/expose/0/as"],
      ["schema-enum", "/services/web/expose/0/proto"],
    ]);
  });

  it("uses only rule ids that SCHEMA_RULES lists", () => {
    const ids = new Set(SCHEMA_RULES.map((r) => r.id));
    expect(ids.size).toBe(SCHEMA_RULES.length);
    for (const rule of SCHEMA_RULES) expect(rule).toMatchObject({ layer: "schema-only", severity: "warning" });
    for (const id of ["schema-unknown-key", "schema-required", "schema-type", "schema-enum", "schema-pattern", "schema-range", "schema-length", "schema-other"]) {
      expect(ids).toContain(id);
    }
  });
});

describe("generated validator", () => {
  it("loads no ajv compiler at run time (only ajv's small runtime helpers)", () => {
    const source = readFileSync(fileURLToPath(new URL("../src/sdl/schema/generated-validator.js", import.meta.url)), "utf8");
    expect(source).not.toMatch(/\brequire\(/);
    const imports = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    for (const specifier of imports) expect(specifier).toMatch(/^ajv\/dist\/runtime\/[\w-]+\.js$/);
    // $refs are inlined so that oneOf branches are distinguishable by schema path.
    expect(source).not.toContain('schemaPath:"#/definitions');
  });
});

const corpusDir = fileURLToPath(new URL("../../shared/sdl-corpus/awesome-akash", import.meta.url));
const corpusPresent = existsSync(corpusDir);

describe("awesome-akash corpus", () => {
  it.skipIf(!corpusPresent)("runs on every file without throwing, deterministically, with findings that point at the source", () => {
    const files = readdirSync(corpusDir).filter((f) => /\.ya?ml$/.test(f)).sort();
    expect(files.length).toBeGreaterThan(0);
    const knownIds = new Set(SCHEMA_RULES.map((r) => r.id));
    let filesWithFindings = 0;
    for (const file of files) {
      const text = readFileSync(`${corpusDir}/${file}`, "utf8");
      const { root } = parseYaml(text);
      if (!root) continue; // a YAML error is another layer's finding
      const first = schemaFindings(root);
      const second = schemaFindings(parseYaml(text).root!);
      expect(second, file).toEqual(first);
      if (first.length > 0) filesWithFindings++;
      const lines = text.split("\n");
      for (const finding of first) {
        expect(knownIds, `${file}: ${finding.ruleId}`).toContain(finding.ruleId);
        // An unknown key is reported at the key: the source there must start with that key.
        if (finding.ruleId === "schema-unknown-key") {
          const key = finding.path.slice(finding.path.lastIndexOf("/") + 1).replace(/~1/g, "/").replace(/~0/g, "~");
          expect(lines[finding.line - 1]!.slice(finding.column - 1), `${file}: ${finding.path}`).toMatch(new RegExp(`^["']?${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
        }
      }
    }
    // The corpus is known to hold SDLs that Console rejects (depends_on, empty attributes...).
    expect(filesWithFindings).toBeGreaterThan(0);
  });

});
