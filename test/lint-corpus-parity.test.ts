/**
 * Go parity on real inputs: chain-sdk's labelled fixtures (the Go tests' own verdicts) and the 384
 * awesome-akash SDLs. Runs when ../shared/sdl-corpus exists (as in CI) and says so when it does not.
 */
import { describe, expect, it } from "vitest";
import { lintText } from "../src/sdl/lint.js";
import { HAS_CORPUS, corpusFiles, readCorpus } from "./support/corpus.js";

function verdict(text: string): { rejected: boolean; errors: string[] } {
  const findings = lintText(text).findings.filter((f) => f.ruleId !== "denom-uact");
  const errors = findings.filter((f) => f.severity === "error").map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`);
  return { rejected: errors.length > 0, errors };
}

/**
 * Fixtures where our verdict knowingly differs from the Go label, each with its reason. The list must
 * stay exact: a difference not listed fails, and so does a listed one that no longer differs.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {};

describe.skipIf(!HAS_CORPUS)("chain-sdk labelled fixtures (Go verdicts), linted with --ignore denom-uact", () => {
  const labels = HAS_CORPUS ? (JSON.parse(readCorpus("chain-sdk-fixtures", "LABELS.json")) as Record<string, { go?: string }>) : {};
  const labelled = Object.entries(labels).filter(([, l]) => l.go === "ok" || l.go === "error");

  it("agrees with Go on at least 98% and every difference is a named case", () => {
    const differences: Record<string, string[]> = {};
    for (const [file, label] of labelled) {
      const v = verdict(readCorpus("chain-sdk-fixtures", file));
      if (v.rejected !== (label.go === "error")) differences[file] = v.errors;
    }
    const agree = labelled.length - Object.keys(differences).length;
    expect(labelled.length).toBeGreaterThanOrEqual(100);
    expect(agree / labelled.length).toBeGreaterThanOrEqual(0.98);
    expect(Object.keys(differences).sort()).toEqual(Object.keys(KNOWN_DIFFERENCES).sort());
  });

  for (const [file, label] of labelled) {
    it(`${file}: Go says ${label.go}`, () => {
      const v = verdict(readCorpus("chain-sdk-fixtures", file));
      const expected = (label.go === "error") !== (file in KNOWN_DIFFERENCES);
      expect(v.rejected ? v.errors : "accepted", KNOWN_DIFFERENCES[file] ?? "").toEqual(expected ? expect.anything() : "accepted");
      if (expected) expect(v.rejected).toBe(true);
    });
  }
});

/**
 * What the chain or Go reject in awesome-akash, found by a scan that shares no code with the linter:
 * prices in another denom than uact, size spellings Go's byteQuantity rejects, and three named files.
 */
const NAMED_REJECTIONS: Record<string, string> = {
  "teamspeak__deploy.yaml": "YAML syntax error (starts with --)",
  "postgres-s3-backup__deploy.yaml": "no global service (manifest: zero global services)",
  "ghost__deploy-mysql.yaml": "single-mapping storage with name: (Go names it default)",
  // Beyond the issue's list, the Go source rejects these too (go/sdl v2.go, yaml.v3):
  "minio__deploy.yaml": "to: written as a mapping (yaml.v3 cannot unmarshal !!map into []v2ExposeTo)",
  "codex__deploy.yaml": "http_options above the limits (v2HTTPOptions.asManifest: body size > 104857600)",
  "steamcmd__deploy.yaml": "port: left empty (decodes to 0; manifest: port value must be 0 < value)",
};

function independentlyRejected(file: string, text: string): string | undefined {
  const named = NAMED_REJECTIONS[file];
  if (named) return named;
  const denoms = [...text.matchAll(/^\s*denom:\s*["']?([^\s"'#]+)/gm)].map((m) => m[1]);
  if (denoms.some((d) => d !== "uact")) return `denom ${denoms.find((d) => d !== "uact")}`;
  const sizes = [...text.matchAll(/^\s*(?:-\s+)?(?:size|ram):\s*["']?([0-9][0-9.]*)([A-Za-z]*)["']?\s*(?:#.*)?$/gm)];
  const goSuffixes = new Set(["", "k", "Ki", "M", "Mi", "G", "Gi", "T", "Ti", "P", "Pi", "E", "Ei"]);
  const bad = sizes.find((m) => !goSuffixes.has(m[2]!));
  if (bad) return `size spelling ${bad[1]}${bad[2]}`;
  return undefined;
}

describe.skipIf(!HAS_CORPUS)("awesome-akash (384 real SDLs)", () => {
  const files = corpusFiles("awesome-akash");

  it("has the whole corpus", () => {
    expect(files.length).toBe(384);
  });

  for (const file of files) {
    const text = HAS_CORPUS ? readCorpus("awesome-akash", file) : "";
    const reason = independentlyRejected(file, text);
    it(`${file}: ${reason ? `rejected (${reason})` : "accepted"}`, () => {
      const findings = lintText(text).findings;
      const errors = findings.filter((f) => f.severity === "error").map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`);
      if (reason) expect(errors.length, `expected an error: ${reason}`).toBeGreaterThan(0);
      else expect(errors).toEqual([]);
    });
  }
});

