/**
 * Go's answers for the SDL's numeric scalars, as golden data that Go itself produced
 * (tools/oracles/units-oracle, built by scripts/build-tools.sh): strconv.Quote, ParseFloat and ParseUint,
 * time.ParseDuration, cosmossdk.io/math's LegacyNewDecFromStr, and go/sdl's byte, GPU ram and CPU quantities. The
 * linter quotes these answers and providers read the same SDL with Go, so src/sdl/units.ts must
 * give the same value or the same error text for every input. The committed file is checked
 * against a fresh run of the Go program whenever the binary is built (always in CI).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { Parsed } from "../src/sdl/units.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { describeGoOracleOutput } from "./support/go-oracle.js";

/** Go's answers for one input: "v:" and the value, "e:" and the error text, or "x" (see below). */
interface GoAnswers {
  in: string;
  quote: string;
  /** The float64's bits in hex. */
  float: string;
  uint32: string;
  uint64: string;
  dec: string;
  /** time.ParseDuration, in nanoseconds. */
  duration: string;
  bytes: string;
  gpuRam: string;
  cpu: string;
}

/**
 * "x": Go converts an out-of-range float64 (NaN, or beyond the integer) to an integer whose value
 * differs between CPU architectures; units.ts reports those as an error starting with
 * OUT_OF_RANGE_PREFIX instead of inventing a number.
 */
const PLATFORM_DEPENDENT = "x";

const GOLDEN_FILE = join(PROJECT_ROOT, "test", "fixtures", "go-units-golden.json");
const goldenText = readFileSync(GOLDEN_FILE, "utf8");
const golden = JSON.parse(goldenText) as GoAnswers[];

/**
 * units.ts loaded afresh inside the calling test. Its tables (Go's escapes, the unit suffixes,
 * its regular expressions) are built when the module loads; loading it here, not at the top of
 * the file, is what lets mutation testing (Stryker) tie those tables to these tests and run them
 * against each changed table.
 */
async function freshUnits(): Promise<typeof import("../src/sdl/units.js")> {
  vi.resetModules();
  return import("../src/sdl/units.js");
}

function float64Bits(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16);
}

/** True for the hex bits of any NaN (Go's math.NaN() has a different payload from JavaScript's). */
const isNaNBits = (bits: string): boolean => Number.isNaN(new DataView(new BigUint64Array([BigInt(`0x${bits}`)]).buffer).getFloat64(0, true));

/** Every input where `ours` differs from Go's answer, with both answers (at most 10 listed). */
function differences(field: keyof Omit<GoAnswers, "in">, ours: (input: string) => string): string[] {
  const found = golden.filter((c) => ours(c.in) !== c[field]).map((c) => `${JSON.stringify(c.in)}: Go ${c[field]}, ours ${ours(c.in)}`);
  return found.length > 10 ? [...found.slice(0, 10), `…and ${found.length - 10} more`] : found;
}

describeGoOracleOutput("units-oracle", "test/fixtures/go-units-golden.json", goldenText, "Go");

describe("units.ts against Go's answers (golden data from Go)", () => {
  it("covers the grammar's corners: values, errors of each kind, and platform-dependent conversions", () => {
    expect(golden.length).toBeGreaterThan(1000);
    const kinds = (field: keyof GoAnswers) => new Set(golden.map((c) => c[field].replace(/^(v|e):.*$/s, "$1")));
    for (const field of ["float", "uint32", "uint64", "duration", "dec", "bytes", "gpuRam", "cpu"] as const) expect(kinds(field)).toContain("v");
    for (const field of ["bytes", "gpuRam", "cpu"] as const) expect(kinds(field)).toEqual(new Set(["v", "e", PLATFORM_DEPENDENT]));
    expect(golden.filter((c) => c.float.endsWith("value out of range")).length).toBeGreaterThan(3);
    expect(golden.filter((c) => c.uint32.endsWith("value out of range") && c.uint64.startsWith("v:")).length).toBeGreaterThan(3);
    expect(golden.filter((c) => c.dec.startsWith("e:out of range")).length).toBeGreaterThan(1);
    for (const error of ["invalid duration", "missing unit in duration", "unknown unit"]) {
      expect(golden.filter((c) => c.duration.startsWith(`e:time: ${error}`)).length).toBeGreaterThan(3);
    }
    expect(golden.filter((c) => c.duration.startsWith("v:")).length).toBeGreaterThan(100);
  });

  it("goQuote is strconv.Quote", async () => {
    const { goQuote } = await freshUnits();
    expect(differences("quote", goQuote)).toEqual([]);
  });

  it("parseGoFloat is strconv.ParseFloat(s, 64): the same float64, or the same error text", async () => {
    const { parseGoFloat } = await freshUnits();
    const answer = (input: string, goAnswer: string): string => {
      const parsed = parseGoFloat(input);
      if (!parsed.ok) return `e:${parsed.error}`;
      // any NaN is Go's NaN: only the payload bits differ
      return goAnswer.startsWith("v:") && isNaNBits(goAnswer.slice(2)) && Number.isNaN(parsed.value) ? goAnswer : `v:${float64Bits(parsed.value)}`;
    };
    const byInput = new Map(golden.map((c) => [c.in, c.float]));
    expect(differences("float", (input) => answer(input, byInput.get(input)!))).toEqual([]);
  });

  it("parseGoUint is strconv.ParseUint(s, 10, 32) and (s, 10, 64)", async () => {
    const { parseGoUint } = await freshUnits();
    expect(differences("uint32", (input) => show(parseGoUint(input, 32)))).toEqual([]);
    expect(differences("uint64", (input) => show(parseGoUint(input, 64)))).toEqual([]);
  });

  it("parseGoDuration is time.ParseDuration: the same nanoseconds, or the same error text", async () => {
    const { parseGoDuration } = await freshUnits();
    expect(differences("duration", (input) => show(parseGoDuration(input)))).toEqual([]);
  });

  it("parseDecAmount is cosmossdk.io/math LegacyNewDecFromStr (v1.5.3, Cosmos SDK v0.53)", async () => {
    const { parseDecAmount } = await freshUnits();
    expect(differences("dec", (input) => show(parseDecAmount(input), (v) => v.canonical))).toEqual([]);
  });

  it("parseByteQuantity, parseGpuRam and parseCpuUnits are go/sdl's byte, memory and CPU quantities", async () => {
    const units = await freshUnits();
    const answer = <T>(parsed: Parsed<T>): string => (!parsed.ok && parsed.error.startsWith(units.OUT_OF_RANGE_PREFIX) ? PLATFORM_DEPENDENT : show(parsed));
    expect(differences("bytes", (input) => answer(units.parseByteQuantity(input)))).toEqual([]);
    expect(differences("gpuRam", (input) => answer(units.parseGpuRam(input)))).toEqual([]);
    expect(differences("cpu", (input) => answer(units.parseCpuUnits(input)))).toEqual([]);
  });
});

function show<T>(parsed: Parsed<T>, text: (value: T) => string = String): string {
  return parsed.ok ? `v:${text(parsed.value)}` : `e:${parsed.error}`;
}
