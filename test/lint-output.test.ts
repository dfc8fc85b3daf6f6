// Golden outputs of the four `akash-stack lint` formats for one fixed synthetic report, so a change
// to any format's bytes is a deliberate, reviewed change.
import { describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { RuleInfo } from "../src/sdl/findings.js";
import type { LintReport } from "../src/lint/run.js";
import { FORMATTERS, FORMAT_NAMES, type FormatContext } from "../src/lint/output/index.js";
import { formatText, summaryLine } from "../src/lint/output/text.js";
import { formatJson } from "../src/lint/output/json.js";
import { formatGithub, escapeData, escapeProperty } from "../src/lint/output/github.js";
import { formatSarif, SARIF_SCHEMA } from "../src/lint/output/sarif.js";

const RULES: RuleInfo[] = [
  { id: "yaml-syntax", layer: "yaml", severity: "error", summary: "The file must be valid YAML whose root is a mapping." },
  { id: "image-tag-latest", layer: "advice", severity: "warning", summary: "Pin image tags." },
  { id: "denom-uact", layer: "chain", severity: "error", summary: "Group prices must be in uact." },
];

const CONTEXT: FormatContext = { toolVersion: "9.8.7", rules: RULES };

/**
 * Two files with findings (errors and warnings, one rule missing from the catalog) and one clean
 * file. Already in the JSON contract's field order, so the json format must print it as it is.
 */
const FILES: LintReport["files"] = [
  {
    path: "deploy/web.yaml",
    suppressed: [
      {
        finding: { ruleId: "image-tag-latest", severity: "warning", layer: "advice", message: "image busybox:latest unpinned", line: 9, column: 12, path: "/services/smoke/image" },
        justification: "the smoke test tracks upstream",
      },
    ],
    findings: [
      { ruleId: "yaml-syntax", severity: "error", layer: "yaml", message: "Map keys must be unique", line: 3, column: 5, path: "/services/web" },
      {
        ruleId: "image-tag-latest",
        severity: "warning",
        layer: "advice",
        message: "image nginx:latest, 100% unpinned:\r\nuse a version tag",
        line: 4,
        column: 12,
        path: "/services/web/image",
      },
    ],
  },
  {
    path: "deploy/db:v1,primary.yaml",
    suppressed: [],
    findings: [
      {
        ruleId: "denom-uact",
        severity: "error",
        layer: "chain",
        message: "denom uakt is rejected since March 2026; use uact",
        line: 20,
        column: 11,
        path: "/profiles/placement/dc/pricing/db/denom",
      },
      { ruleId: "not-in-catalog", severity: "warning", layer: "provider", message: "odd", line: 21, column: 3, path: "/deployment" },
    ],
  },
  { path: "clean.yaml", findings: [], suppressed: [] },
];
const SUMMARY: LintReport["summary"] = { files: 3, errors: 2, warnings: 2, skipped: 0, suppressed: 0 };

const REPORT: LintReport = { files: FILES, summary: SUMMARY, skipped: [], inputErrors: [] };

describe("text format", () => {
  it("prints one grep-able line per finding on stdout and the summary on stderr", () => {
    expect(formatText(REPORT)).toEqual({
      stdout:
        "deploy/web.yaml:3:5: error yaml-syntax Map keys must be unique\n" +
        "deploy/web.yaml:4:12: warning image-tag-latest image nginx:latest, 100% unpinned: use a version tag\n" +
        "deploy/db:v1,primary.yaml:20:11: error denom-uact denom uakt is rejected since March 2026; use uact\n" +
        "deploy/db:v1,primary.yaml:21:3: warning not-in-catalog odd\n",
      stderr: "2 errors, 2 warnings in 3 files\n",
    });
  });

  it("names each reported rule once on stderr, with what it checks and its page", () => {
    expect(formatText(REPORT, CONTEXT).stderr).toBe(
      "  yaml-syntax: The file must be valid YAML whose root is a mapping. https://github.com/akash-stack/akash-stack/blob/main/docs/rules/yaml-syntax.md\n" +
        "  image-tag-latest: Pin image tags. https://github.com/akash-stack/akash-stack/blob/main/docs/rules/image-tag-latest.md\n" +
        "  denom-uact: Group prices must be in uact. https://github.com/akash-stack/akash-stack/blob/main/docs/rules/denom-uact.md\n" +
        "2 errors, 2 warnings in 3 files\n",
    );
  });

  it("uses singular nouns for one", () => {
    expect(summaryLine({ files: 1, errors: 1, warnings: 1, skipped: 0, suppressed: 0 })).toBe("1 error, 1 warning in 1 file");
    expect(summaryLine({ files: 0, errors: 0, warnings: 0, skipped: 0, suppressed: 0 })).toBe("0 errors, 0 warnings in 0 files");
  });

  it("prints nothing on stdout for a clean report", () => {
    const clean: LintReport = { files: [{ path: "a.yaml", findings: [], suppressed: [] }], summary: { files: 1, errors: 0, warnings: 0, skipped: 0, suppressed: 0 }, skipped: [], inputErrors: [] };
    expect(formatText(clean)).toEqual({ stdout: "", stderr: "0 errors, 0 warnings in 1 file\n" });
  });
});

describe("json format", () => {
  it("lists every file, with findings in contract field order, and the summary", () => {
    // inputErrors are not part of the json contract: only files and summary are printed
    const expected = { files: FILES.map(({ path, findings }) => ({ path, findings })), skipped: [], summary: SUMMARY };
    expect(formatJson(REPORT)).toEqual({ stdout: JSON.stringify(expected, null, 2) + "\n", stderr: "" });
  });

  it("emits only the contract fields, whatever else a finding carries", () => {
    const extra = { ...REPORT.files[0]!.findings[0]!, fix: "something" } as never;
    const report: LintReport = { ...REPORT, files: [{ path: "x.yaml", findings: [extra], suppressed: [] }] };
    const finding = JSON.parse(formatJson(report).stdout).files[0].findings[0];
    expect(Object.keys(finding)).toEqual(["ruleId", "severity", "layer", "message", "line", "column", "path"]);
  });
});

describe("github format", () => {
  it("prints workflow commands with GitHub's escaping, and the summary on stderr", () => {
    expect(formatGithub(REPORT)).toEqual({
      stdout:
        "::error file=deploy/web.yaml,line=3,col=5,title=yaml-syntax::Map keys must be unique\n" +
        "::warning file=deploy/web.yaml,line=4,col=12,title=image-tag-latest::image nginx:latest, 100%25 unpinned:%0D%0Ause a version tag\n" +
        "::error file=deploy/db%3Av1%2Cprimary.yaml,line=20,col=11,title=denom-uact::denom uakt is rejected since March 2026; use uact\n" +
        "::warning file=deploy/db%3Av1%2Cprimary.yaml,line=21,col=3,title=not-in-catalog::odd\n",
      stderr: "2 errors, 2 warnings in 3 files\n",
    });
  });

  it("escapes % first, so an escape sequence in the text is not decoded by the runner", () => {
    expect(escapeData("50%0A")).toBe("50%250A");
    expect(escapeProperty("a:b,c%\n")).toBe("a%3Ab%2Cc%25%0A");
  });

  it("says when GitHub will not show every annotation", () => {
    const findings = Array.from({ length: 11 }, (_, i) => ({
      ruleId: "yaml-syntax",
      severity: "error" as const,
      layer: "yaml" as const,
      message: "m",
      line: i + 1,
      column: 1,
      path: "",
    }));
    const many: LintReport = { files: [{ path: "a.yaml", findings, suppressed: [] }], summary: { files: 1, errors: 11, warnings: 0, skipped: 0, suppressed: 0 }, skipped: [], inputErrors: [] };
    const { stderr } = formatGithub(many);
    expect(stderr).toMatch(/^11 errors, 0 warnings in 1 file\n/);
    expect(stderr).toMatch(/only 10 error and 10 warning annotations per step.*--format sarif/);
    expect(formatGithub(REPORT).stderr).not.toMatch(/annotations/);
  });
});

describe("sarif format", () => {
  const descriptor = (id: string, text: string, level: string, layer: string) => ({
    id,
    shortDescription: { text },
    helpUri: `https://github.com/akash-stack/akash-stack/blob/main/docs/rules/${id}.md`,
    defaultConfiguration: { level },
    properties: { layer },
  });
  const result = (ruleId: string, ruleIndex: number, level: string, text: string, uri: string, startLine: number, startColumn: number) => ({
    ruleId,
    ruleIndex,
    level,
    message: { text },
    locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine, startColumn } } }],
  });

  it("matches the golden log", () => {
    const expected = {
      $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json",
      version: "2.1.0",
      runs: [
        {
          tool: {
            driver: {
              name: "akash-stack",
              version: "9.8.7",
              informationUri: "https://github.com/akash-stack/akash-stack",
              rules: [
                descriptor("yaml-syntax", "The file must be valid YAML whose root is a mapping.", "error", "yaml"),
                descriptor("image-tag-latest", "Pin image tags.", "warning", "advice"),
                descriptor("denom-uact", "Group prices must be in uact.", "error", "chain"),
                descriptor("not-in-catalog", "not-in-catalog", "warning", "provider"),
              ],
            },
          },
          columnKind: "utf16CodeUnits",
          results: [
            result("yaml-syntax", 0, "error", "Map keys must be unique", "deploy/web.yaml", 3, 5),
            result("image-tag-latest", 1, "warning", "image nginx:latest, 100% unpinned:\r\nuse a version tag", "deploy/web.yaml", 4, 12),
            {
              ...result("image-tag-latest", 1, "warning", "image busybox:latest unpinned", "deploy/web.yaml", 9, 12),
              suppressions: [{ kind: "inSource", justification: "the smoke test tracks upstream" }],
            },
            result("denom-uact", 2, "error", "denom uakt is rejected since March 2026; use uact", "deploy/db%3Av1%2Cprimary.yaml", 20, 11),
            result("not-in-catalog", 3, "warning", "odd", "deploy/db%3Av1%2Cprimary.yaml", 21, 3),
          ],
        },
      ],
    };
    expect(formatSarif(REPORT, CONTEXT)).toEqual({ stdout: JSON.stringify(expected, null, 2) + "\n", stderr: "" });
  });

  it("has the structure SARIF 2.1.0 requires, and every ruleIndex names its rule", () => {
    const log = JSON.parse(formatSarif(REPORT, CONTEXT).stdout);
    const validate = new Ajv({ allErrors: true }).compile(SARIF_SUBSET_SCHEMA);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.$schema).toBe(SARIF_SCHEMA);
    const run = log.runs[0];
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    const ids = run.tool.driver.rules.map((rule: { id: string }) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("uses a structure check that rejects broken logs (so the check above can fail)", () => {
    const validate = new Ajv({ allErrors: true }).compile(SARIF_SUBSET_SCHEMA);
    const broken = (edit: (log: any) => void) => {
      const log = JSON.parse(formatSarif(REPORT, CONTEXT).stdout);
      edit(log);
      return validate(log);
    };
    expect(broken(() => {})).toBe(true);
    expect(broken((log) => delete log.runs[0].tool.driver.name)).toBe(false);
    expect(broken((log) => (log.runs[0].results[0].level = "fatal"))).toBe(false);
    expect(broken((log) => (log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0))).toBe(false);
    expect(broken((log) => (log.runs[0].results[0].msg = log.runs[0].results[0].message))).toBe(false);
  });

  it("percent-encodes file names, and uses a file URI outside the working folder", () => {
    const at = (path: string) => {
      const report: LintReport = { ...REPORT, files: [{ path, findings: [REPORT.files[0]!.findings[0]!], suppressed: [] }] };
      return JSON.parse(formatSarif(report, CONTEXT).stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    };
    expect(at("my deploy/#1 100%.yaml")).toBe("my%20deploy/%231%20100%25.yaml");
    const outside = resolve("/srv/other dir/web.yaml");
    expect(at(outside)).toBe(pathToFileURL(outside).href);
  });

  it("writes an empty results array for a clean report, with the rules still listed", () => {
    const clean: LintReport = { files: [{ path: "a.yaml", findings: [], suppressed: [] }], summary: { files: 1, errors: 0, warnings: 0, skipped: 0, suppressed: 0 }, skipped: [], inputErrors: [] };
    const run = JSON.parse(formatSarif(clean, CONTEXT).stdout).runs[0];
    expect(run.results).toEqual([]);
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["yaml-syntax", "image-tag-latest", "denom-uact"]);
  });
});

describe("format registry", () => {
  it("offers exactly the four documented formats", () => {
    expect(FORMAT_NAMES).toEqual(["text", "json", "sarif", "github"]);
    for (const name of FORMAT_NAMES) expect(typeof FORMATTERS[name](REPORT, CONTEXT).stdout).toBe("string");
  });
});

/**
 * The parts of the official SARIF 2.1.0 schema (definitions sarifLog, run, tool, toolComponent,
 * reportingDescriptor, reportingConfiguration, result, message, location, physicalLocation,
 * artifactLocation, region) that this output uses, with their required properties, types, enums and
 * minimums. `additionalProperties: false` mirrors the official schema, so a misspelt property fails.
 */
const SARIF_SUBSET_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["version", "runs"],
  properties: {
    $schema: { type: "string" },
    version: { enum: ["2.1.0"] },
    runs: { type: "array", items: { $ref: "#/definitions/run" } },
  },
  definitions: {
    run: {
      type: "object",
      additionalProperties: false,
      required: ["tool"],
      properties: {
        tool: { $ref: "#/definitions/tool" },
        columnKind: { enum: ["utf16CodeUnits", "unicodeCodePoints"] },
        results: { type: "array", items: { $ref: "#/definitions/result" } },
      },
    },
    tool: {
      type: "object",
      additionalProperties: false,
      required: ["driver"],
      properties: { driver: { $ref: "#/definitions/toolComponent" } },
    },
    toolComponent: {
      type: "object",
      additionalProperties: false,
      required: ["name"],
      properties: {
        name: { type: "string" },
        version: { type: "string" },
        informationUri: { type: "string", pattern: "^https://" },
        rules: { type: "array", uniqueItems: true, items: { $ref: "#/definitions/reportingDescriptor" } },
      },
    },
    reportingDescriptor: {
      type: "object",
      additionalProperties: false,
      required: ["id"],
      properties: {
        id: { type: "string" },
        shortDescription: { $ref: "#/definitions/multiformatMessageString" },
        helpUri: { type: "string", pattern: "^https://" },
        defaultConfiguration: {
          type: "object",
          additionalProperties: false,
          properties: { level: { enum: ["none", "note", "warning", "error"] } },
        },
        properties: { type: "object" },
      },
    },
    multiformatMessageString: {
      type: "object",
      additionalProperties: false,
      required: ["text"],
      properties: { text: { type: "string" } },
    },
    result: {
      type: "object",
      additionalProperties: false,
      required: ["message"],
      properties: {
        ruleId: { type: "string" },
        ruleIndex: { type: "integer", minimum: -1 },
        level: { enum: ["none", "note", "warning", "error"] },
        message: { $ref: "#/definitions/message" },
        locations: { type: "array", items: { $ref: "#/definitions/location" } },
        suppressions: {
          type: "array",
          uniqueItems: true,
          items: {
            type: "object",
            additionalProperties: false,
            required: ["kind"],
            properties: { kind: { enum: ["inSource", "external"] }, justification: { type: "string" } },
          },
        },
      },
    },
    message: {
      type: "object",
      additionalProperties: false,
      anyOf: [{ required: ["text"] }, { required: ["id"] }],
      properties: { text: { type: "string" }, id: { type: "string" } },
    },
    location: {
      type: "object",
      additionalProperties: false,
      properties: { physicalLocation: { $ref: "#/definitions/physicalLocation" } },
    },
    physicalLocation: {
      type: "object",
      additionalProperties: false,
      anyOf: [{ required: ["address"] }, { required: ["artifactLocation"] }],
      properties: {
        artifactLocation: {
          type: "object",
          additionalProperties: false,
          properties: { uri: { type: "string", pattern: "^[^\\\\\\s]*$" }, uriBaseId: { type: "string" } },
        },
        region: {
          type: "object",
          additionalProperties: false,
          properties: { startLine: { type: "integer", minimum: 1 }, startColumn: { type: "integer", minimum: 1 } },
        },
      },
    },
  },
} as const;
