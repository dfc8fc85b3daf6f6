/**
 * Go parity of the SDL unit parsers. Expected values and error texts are what Go gives
 * (strconv + go/sdl units.go + cosmossdk.io/math LegacyNewDecFromStr): the examples of
 * sdl-rules.md §4.6 and §5, plus the edge cases of Go's grammar that a hand-written parser gets
 * wrong. The GPU list is checked against provider-configs' gpus.json in the shared corpus.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  OUT_OF_RANGE_PREFIX,
  goQuote,
  parseByteQuantity,
  parseCpuUnits,
  parseDecAmount,
  parseGoFloat,
  parseGoUint,
  parseGpuRam,
  suggestByteQuantity,
  type Parsed,
} from "../src/sdl/units.js";
import { GPU_MODELS, gpuModelInfo, isKnownGpuModel } from "../src/sdl/data/gpu-models.js";

const Ki = 1024n;
const Mi = Ki * Ki;
const Gi = Mi * Ki;

const floatSyntax = (s: string) => `strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`;
const floatRange = (s: string) => `strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`;
const uintSyntax = (s: string) => `strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`;
const uintRange = (s: string) => `strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`;
const NEGATIVE = "invalid: negative value not allowed";

function value<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(`expected a value, got error: ${parsed.error}`);
  return parsed.value;
}
function error<T>(parsed: Parsed<T>): string {
  if (parsed.ok) throw new Error(`expected an error, got ${String(parsed.value)}`);
  return parsed.error;
}

describe("parseByteQuantity (memory and storage sizes, sdl-rules §5)", () => {
  it.each<[string, bigint]>([
    ["512Mi", 512n * Mi],
    ["1Gi", Gi],
    ["1.5Gi", 1610612736n],
    ["512M", 512_000_000n],
    ["1G", 1_000_000_000n],
    ["1k", 1000n],
    ["1Ki", 1024n],
    ["32Ti", 32n * Gi * Ki],
    ["2Pi", 2n * Ki ** 5n],
    ["3E", 3n * 10n ** 18n],
    ["0.5M", 500_000n],
    ["536870912", 536870912n], // bare number: bytes
    ["0", 0n],
    ["-0", 0n], // -0 is not below zero
    ["1e3", 1000n], // an exponent is ParseFloat syntax, not a suffix
    ["1_000Mi", 1000n * Mi], // ParseFloat accepts underscores between digits
    ["0x1p10Ki", 1024n * 1024n], // and hex floats
  ])("%s is %s bytes", (text, bytes) => {
    expect(value(parseByteQuantity(text))).toBe(bytes);
  });

  it("multiplies in float64 and truncates, like uint64(val * float64(unit))", () => {
    // 0.1 × 2^30 = 107374182.4 → 107374182; 0.3 × 10^9 = 300000000.00000006 → 300000000
    expect(value(parseByteQuantity("0.1Gi"))).toBe(107374182n);
    expect(value(parseByteQuantity("0.3G"))).toBe(300000000n);
    expect(value(parseByteQuantity("1.1Mi"))).toBe(BigInt(Math.trunc(1.1 * 1048576)));
  });

  it("keeps values above 2^53 exact (bigint)", () => {
    expect(value(parseByteQuantity("15Ei"))).toBe(15n * 2n ** 60n);
    expect(value(parseByteQuantity("18446744073709549568"))).toBe(18446744073709549568n); // largest float64 below 2^64
  });

  it.each<[string, string]>([
    ["1K", floatSyntax("1K")], // only lowercase k
    ["512mi", floatSyntax("512mi")],
    ["1gi", floatSyntax("1gi")],
    ["1GB", floatSyntax("1GB")],
    ["10Gb", floatSyntax("10Gb")],
    ["512Mb", floatSyntax("512Mb")],
    ["1gb", floatSyntax("1gb")],
    ["1 Gi", floatSyntax("1 ")], // Go quotes the text left after cutting the suffix
    ["1.5xGi", floatSyntax("1.5x")],
    ["Gi", floatSyntax("")],
    ["", floatSyntax("")],
    ["1e400", floatRange("1e400")],
    ["-1Gi", NEGATIVE],
    ["-1", NEGATIVE],
    ["-0.5M", NEGATIVE],
  ])("%j is rejected with %j", (text, message) => {
    expect(error(parseByteQuantity(text))).toBe(message);
  });

  it.each(["16Ei", "infGi", "nan", "1e20"])("%s has no portable Go value: reported as out of range", (text) => {
    expect(error(parseByteQuantity(text)).startsWith(OUT_OF_RANGE_PREFIX)).toBe(true);
  });
});

describe("parseGpuRam (GPU ram: binary suffixes or bytes)", () => {
  it.each<[string, bigint]>([
    ["80Gi", 80n * Gi],
    ["40Gi", 40n * Gi],
    ["1.5Gi", 1610612736n],
    ["85899345920", 80n * Gi],
  ])("%s is %s bytes", (text, bytes) => {
    expect(value(parseGpuRam(text))).toBe(bytes);
  });

  it.each<[string, string]>([
    ["80GB", floatSyntax("80GB")],
    ["80G", floatSyntax("80G")], // decimal suffixes are not memory suffixes
    ["1k", floatSyntax("1k")],
    ["80gi", floatSyntax("80gi")],
    ["-80Gi", NEGATIVE],
  ])("%j is rejected with %j", (text, message) => {
    expect(error(parseGpuRam(text))).toBe(message);
  });
});

describe("parseCpuUnits (sdl-rules §3.2, §4.6, §5)", () => {
  it.each<[string, number]>([
    ["100m", 100],
    ["1000m", 1000],
    ["4294967295m", 4294967295],
    ["0.5", 500],
    ["1", 1000],
    ["2", 2000],
    ["0.25", 250],
    ["1.005", 1004], // 1.005 × 1000 = 1004.9999999999999 in float64, truncated
    ["0.0001", 0],
    ["-0", 0],
    ["1e-3", 1],
    ["4294967.295", 4294967295],
  ])("%s is %d millicpu", (text, millis) => {
    expect(value(parseCpuUnits(text))).toBe(millis);
  });

  it("truncates every float product the way Go does (no rounding)", () => {
    for (let thousandths = 1; thousandths <= 2000; thousandths++) {
      const text = (thousandths / 1000).toFixed(3);
      expect(value(parseCpuUnits(text))).toBe(Math.trunc(Number(text) * 1000));
    }
  });

  it.each<[string, string]>([
    ["0.5m", uintSyntax("0.5")], // only an integer may precede m
    ["-100m", uintSyntax("-100")],
    ["m", uintSyntax("")],
    ["4294967296m", uintRange("4294967296")],
    ["2x", floatSyntax("2x")],
    ["100M", floatSyntax("100M")],
    ["", floatSyntax("")],
    ["-1", NEGATIVE],
    ["-0.5", NEGATIVE],
  ])("%j is rejected with %j", (text, message) => {
    expect(error(parseCpuUnits(text))).toBe(message);
  });

  it.each(["4294968", "inf", "nan", "1e10"])("%s overflows uint32 millicpu: reported as out of range", (text) => {
    expect(error(parseCpuUnits(text)).startsWith(OUT_OF_RANGE_PREFIX)).toBe(true);
  });
});

describe("parseGoFloat (strconv.ParseFloat(s, 64))", () => {
  it.each<[string, number]>([
    ["1", 1],
    ["+1.5", 1.5],
    [".5", 0.5],
    ["5.", 5],
    ["1E3", 1000],
    ["1e+3", 1000],
    ["1_000.5", 1000.5],
    ["1_23.50_0_0e+1_2", 1.235e14], // Go's own test case: underscores between digits anywhere
    ["0x1p-2", 0.25],
    ["0X1.8P1", 3],
    ["0x_1p0", 1],
    ["inf", Infinity],
    ["-Infinity", -Infinity],
    ["+INF", Infinity],
    ["1e-400", 0], // underflow is not an error
    ["1.7976931348623157e308", Number.MAX_VALUE],
    ["4.9e-324", 5e-324],
    ["0x1p-1074", 5e-324],
    ["0x1.fffffffffffffp1023", Number.MAX_VALUE],
    ["0x1.00000000000018p0", 1.0000000000000004], // ties to even, up
    ["0x1.00000000000008p0", 1], // ties to even, down
  ])("%s is %d", (text, expected) => {
    expect(value(parseGoFloat(text))).toBe(expected);
  });

  it("reads nan in any case but never signed", () => {
    expect(Number.isNaN(value(parseGoFloat("NaN")))).toBe(true);
    expect(Number.isNaN(value(parseGoFloat("nAn")))).toBe(true);
    expect(error(parseGoFloat("-nan"))).toBe(floatSyntax("-nan"));
    expect(error(parseGoFloat("+NaN"))).toBe(floatSyntax("+NaN"));
  });

  it.each([
    "",
    ".",
    "-",
    "1e",
    "1e+",
    "1.2.3",
    "0x1", // a hex mantissa needs a p exponent
    "0x",
    "0b1",
    "1p3",
    "infin",
    "infinityx",
    "_1",
    "1_",
    "1__0",
    "1_.5",
    "0x1_p0",
    " 1",
    "1 ",
    "1,5",
    "１", // a full-width digit is not a digit to Go
  ])("%j is invalid syntax", (text) => {
    expect(error(parseGoFloat(text))).toBe(floatSyntax(text));
  });

  it.each(["1e400", "-1e400", "1.7976931348623159e308", "0x1p1024", "0x1.fffffffffffff8p1023"])("%s is out of range", (text) => {
    expect(error(parseGoFloat(text))).toBe(floatRange(text));
  });

  it("quotes the input the way strconv.Quote does", () => {
    expect(goQuote("a\tb\"c\\")).toBe('"a\\tb\\"c\\\\"');
    expect(goQuote("\x00\x7f")).toBe('"\\x00\\x7f"');
    expect(goQuote("é\u00a0")).toBe('"é\\u00a0"'); // printable kept; no-break space escaped
    expect(error(parseGoFloat("1\n"))).toBe('strconv.ParseFloat: parsing "1\\n": invalid syntax');
  });
});

describe("parseGoUint (strconv.ParseUint(s, 10, bits))", () => {
  it("accepts plain decimal digits up to the bit size", () => {
    expect(value(parseGoUint("0", 32))).toBe(0n);
    expect(value(parseGoUint("007", 32))).toBe(7n);
    expect(value(parseGoUint("4294967295", 32))).toBe(4294967295n);
    expect(value(parseGoUint("18446744073709551615", 64))).toBe(18446744073709551615n);
  });

  it.each<[string, 32 | 64, string]>([
    ["", 32, uintSyntax("")],
    ["+1", 32, uintSyntax("+1")],
    ["-1", 64, uintSyntax("-1")],
    ["1_000", 64, uintSyntax("1_000")], // underscores need base 0
    ["1.5", 64, uintSyntax("1.5")],
    ["0x10", 64, uintSyntax("0x10")],
    ["4294967296", 32, uintRange("4294967296")],
    ["18446744073709551616", 64, uintRange("18446744073709551616")],
    ["99999999999x", 32, uintRange("99999999999x")], // Go stops at the overflow before the x
    ["9x9999999999", 32, uintSyntax("9x9999999999")],
  ])("%j (%d bits) is rejected with %j", (text, bits, message) => {
    expect(error(parseGoUint(text, bits))).toBe(message);
  });
});

describe("parseDecAmount (LegacyNewDecFromStr, sdl-rules §3.3, §4.6)", () => {
  it.each<[string, string]>([
    ["500", "500.000000000000000000"],
    ["1000", "1000.000000000000000000"],
    ["0.5", "0.500000000000000000"],
    ["0.0000001", "0.000000100000000000"],
    ["0.000000000000000001", "0.000000000000000001"], // 18 decimals is the limit
    ["007.50", "7.500000000000000000"],
    ["+5", "5.000000000000000000"], // big.Int.SetString takes a + sign
  ])("%s is %s", (text, canonical) => {
    const parsed = value(parseDecAmount(text));
    expect(parsed.canonical).toBe(canonical);
    expect(parsed.negative).toBe(false);
    expect(parsed.zero).toBe(false);
    expect(parsed.atomicsTimes1e18).toBe(BigInt(canonical.replace(".", "")));
  });

  it("flags zero and negative amounts (Go rejects them after parsing)", () => {
    expect(value(parseDecAmount("0"))).toEqual({ canonical: "0.000000000000000000", atomicsTimes1e18: 0n, negative: false, zero: true });
    expect(value(parseDecAmount("0.000"))).toMatchObject({ zero: true, negative: false });
    expect(value(parseDecAmount("-0"))).toMatchObject({ zero: true, negative: false });
    expect(value(parseDecAmount("-1"))).toEqual({ canonical: "-1.000000000000000000", atomicsTimes1e18: -(10n ** 18n), negative: true, zero: false });
  });

  it.each<[string, string]>([
    ["1e-7", "failed to set decimal string with base 10: 1e-7000000000000000000"],
    ["0.0000000000000000001", "value '0.0000000000000000001' exceeds max precision by -1 decimal places: max precision 18"],
    ["-0.0000000000000000001", "value '0.0000000000000000001' exceeds max precision by -1 decimal places: max precision 18"],
    ["", "decimal string cannot be empty"],
    ["-", "decimal string cannot be empty"],
    [".5", "invalid decimal length"],
    ["5.", "invalid decimal length"],
    ["1.2.3", "invalid decimal string"],
    ["1_000", "failed to set decimal string with base 10: 1_000000000000000000000"],
    ["0x10", "failed to set decimal string with base 10: 0x10000000000000000000"],
    [" 5", "failed to set decimal string with base 10:  5000000000000000000"],
    // at most 2^256 − 10^-18 either way (cosmossdk.io/math v1.4 and later)
    [(1n << 256n).toString(), "out of range: invalid decimal string"],
    ["-" + (1n << 256n).toString(), "out of range: invalid decimal string"],
  ])("%j is rejected with %j", (text, message) => {
    expect(error(parseDecAmount(text))).toBe(message);
  });

  it("accepts the largest amount, 2^256 − 10^-18, and amounts the older limit of 315 bits refused", () => {
    const largest = (1n << 256n) * 10n ** 18n - 1n;
    const text = `${largest / 10n ** 18n}.${"9".repeat(18)}`;
    expect(value(parseDecAmount(text)).atomicsTimes1e18).toBe(largest);
    expect(value(parseDecAmount(`-${text}`)).atomicsTimes1e18).toBe(-largest);
    expect(value(parseDecAmount(`67${"0".repeat(75)}`)).zero).toBe(false);
  });
});

describe("suggestByteQuantity (fix hints)", () => {
  it.each<[string, string]>([
    ["512mi", "512Mi"],
    ["1gi", "1Gi"],
    ["1GiB", "1Gi"],
    ["1GB", "1G (decimal) or 1Gi (binary)"],
    ["10Gb", "10G (decimal) or 10Gi (binary)"],
    ["512Mb", "512M (decimal) or 512Mi (binary)"],
    ["1gb", "1G (decimal) or 1Gi (binary)"],
    ["1K", "1k (decimal) or 1Ki (binary)"],
    ["2KB", "2k (decimal) or 2Ki (binary)"],
    ["1.5 Gi", "1.5Gi"],
    ["100tb", "100T (decimal) or 100Ti (binary)"],
    ["512b", "512"],
  ])("%s → %s", (text, suggestion) => {
    expect(suggestByteQuantity(text)).toBe(suggestion);
    // The Go spellings in every suggestion must themselves parse.
    for (const spelling of suggestion.split(/ \((?:decimal|binary)\)(?: or )?/).filter(Boolean)) expect(parseByteQuantity(spelling).ok).toBe(true);
  });

  it("suggests only binary spellings for GPU ram", () => {
    expect(suggestByteQuantity("80GB", { binaryOnly: true })).toBe("80Gi");
    expect(suggestByteQuantity("80G", { binaryOnly: true })).toBe("80Gi");
    expect(suggestByteQuantity("80gi", { binaryOnly: true })).toBe("80Gi");
    expect(suggestByteQuantity("80Gi", { binaryOnly: true })).toBeUndefined();
  });

  it.each(["512Mi", "1G", "536870912", "-1Gi", "lots", "1,5GB", "1Zi", "", "2x"])("%j gets no spelling suggestion", (text) => {
    expect(suggestByteQuantity(text)).toBeUndefined();
  });
});

const corpusDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../shared/sdl-corpus");
const gpusPath = resolve(corpusDir, "provider-gpus.json");
const corpusPresent = existsSync(gpusPath);

describe("GPU models providers advertise (src/sdl/data/gpu-models.ts)", () => {
  it("knows the common models and not the ones awesome-akash uses that no provider lists (sdl-rules §7)", () => {
    expect(isKnownGpuModel("nvidia", "a100")).toBe(true);
    expect(isKnownGpuModel("nvidia", "h100")).toBe(true);
    expect(isKnownGpuModel("nvidia", "rtx4090")).toBe(true);
    expect(isKnownGpuModel("amd", "mi100")).toBe(true);
    for (const model of ["k80", "a10", "a4000", "a100-80gb", "4000"]) expect(isKnownGpuModel("nvidia", model)).toBe(false);
  });

  it("matches exactly: lowercase names, known vendors, no prototype keys", () => {
    expect(isKnownGpuModel("nvidia", "A100")).toBe(false);
    expect(isKnownGpuModel("NVIDIA", "a100")).toBe(false);
    expect(isKnownGpuModel("amd", "a100")).toBe(false);
    expect(isKnownGpuModel("intel", "a100")).toBe(false);
    expect(isKnownGpuModel("constructor", "a100")).toBe(false);
    expect(isKnownGpuModel("nvidia", "constructor")).toBe(false);
  });

  it("gives memory sizes and SDL interfaces per model", () => {
    const a100 = gpuModelInfo("nvidia", "a100");
    expect(a100?.memory).toContain("80Gi");
    expect(a100?.interfaces).toEqual(["pcie", "sxm"]);
    for (const size of a100?.memory ?? []) expect(parseGpuRam(size).ok).toBe(true);
    expect(gpuModelInfo("nvidia", "k80")).toBeUndefined();
  });

  it.skipIf(!corpusPresent)("lists exactly the models in ../shared/sdl-corpus/provider-gpus.json (needs the corpus; skipped without it)", () => {
    const data = JSON.parse(readFileSync(gpusPath, "utf8")) as Record<string, { name: string; devices: Record<string, { name: string; memory_size?: string }> }>;
    const expected = new Map<string, Set<string>>();
    for (const vendor of Object.values(data)) {
      const names = expected.get(vendor.name) ?? new Set<string>();
      for (const device of Object.values(vendor.devices)) names.add(device.name);
      expected.set(vendor.name, names);
    }
    expect(Object.keys(GPU_MODELS).sort()).toEqual([...expected.keys()].sort());
    for (const [vendor, names] of expected) expect([...GPU_MODELS[vendor]!].sort()).toEqual([...names].sort());
    for (const vendor of Object.values(data)) {
      for (const device of Object.values(vendor.devices)) {
        if (device.memory_size) expect(gpuModelInfo(vendor.name, device.name)?.memory).toContain(device.memory_size);
      }
    }
  });
});
