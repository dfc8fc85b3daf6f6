/**
 * Go-exact parsing of the SDL's numeric scalars: sizes, GPU ram, CPU units, unsigned counts and
 * price amounts. Each function takes the scalar's text as Go's yaml.v3 hands it to the SDL types'
 * UnmarshalYAML (see `YScalar.text`) and answers what `pkg.akt.dev/go/sdl` would answer, down to
 * the error text, because the linter quotes Go's messages.
 *
 * Behaviour re-expressed from the Go sources (not copied):
 * - strconv.ParseFloat / ParseUint (Go standard library, `strconv/atof.go`, `atoi.go`);
 * - go/sdl `units.go`: cpuQuantity, byteQuantity, memoryQuantity, parseWithSuffix;
 * - go/sdl `coin.go` + cosmossdk.io/math v1.5.3 `LegacyNewDecFromStr`.
 *
 * One deliberate departure: Go converts an out-of-range float64 (NaN, ±Inf, ≥ 2^64 bytes,
 * ≥ 2^32 millicpu) to an integer without an error, and the result differs between amd64 (wraps)
 * and arm64 (saturates). Such an input has no single Go answer, so these functions report it as an
 * error whose text starts with `OUT_OF_RANGE_PREFIX` rather than inventing a number.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Start of the error text for values Go accepts but converts to a platform-dependent integer. */
export const OUT_OF_RANGE_PREFIX = "value out of range";

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** go/sdl `errNegativeValue`. */
const NEGATIVE_VALUE = "invalid: negative value not allowed";

// ---------------------------------------------------------------------------------------------
// strconv error texts
// ---------------------------------------------------------------------------------------------

const GO_ESCAPES: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  '"': '\\"',
  "\\": "\\\\",
};

/**
 * Go's unicode.IsPrint beyond ASCII: letters, marks, numbers, punctuation and symbols. Built on
 * first use: V8 parses a regular expression when it is created, and these Unicode classes cost
 * every cold lint over a millisecond even though only a message about a non-ASCII value needs them.
 */
let goPrintable: RegExp | undefined;
const isGoPrintable = (ch: string): boolean => (goPrintable ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u).test(ch);

/** strconv.Quote: how NumError shows the input inside its message. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const escape = GO_ESCAPES[ch];
    if (escape) {
      out += escape;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (ch === " " || (cp > 0x7f ? isGoPrintable(ch) && !isSurrogate(cp) : cp >= 0x20 && cp < 0x7f)) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (isSurrogate(cp)) out += "\\ufffd"; // a lone surrogate is invalid UTF-8 to Go
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;
const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0");

const syntaxError = (fn: string, s: string): string => `strconv.${fn}: parsing ${goQuote(s)}: invalid syntax`;
const rangeError = (fn: string, s: string): string => `strconv.${fn}: parsing ${goQuote(s)}: value out of range`;

// ---------------------------------------------------------------------------------------------
// strconv.ParseFloat(s, 64)
// ---------------------------------------------------------------------------------------------

/** Go's `lower`: ASCII-only, so no Unicode case folding sneaks a character into the grammar. */
const lower = (c: string): string => (c >= "A" && c <= "Z" ? String.fromCharCode(c.charCodeAt(0) + 32) : c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isHexLetter = (c: string | undefined): boolean => c !== undefined && /^[a-fA-F]$/.test(c);

/**
 * strconv's `special`: inf, infinity (any case, optional sign) and nan (any case, no sign).
 * Returns the value and how many characters it consumed.
 */
function special(s: string): { value: number; consumed: number } | undefined {
  if (s.length === 0) return undefined;
  let sign = 1;
  let signLength = 0;
  let rest = s;
  const first = s[0]!;
  if (first === "+" || first === "-") {
    if (first === "-") sign = -1;
    signLength = 1;
    rest = s.slice(1);
  } else if (lower(first) === "n") {
    return commonPrefixLengthIgnoreCase(s, "nan") === 3 ? { value: Number.NaN, consumed: 3 } : undefined;
  } else if (lower(first) !== "i") {
    return undefined;
  }
  // A sign falls through to the "inf" case only: Go accepts "-inf" but not "-nan".
  let n = commonPrefixLengthIgnoreCase(rest, "infinity");
  if (n > 3 && n < 8) n = 3; // "infin" consumes only "inf", leaving a syntax error
  if (n === 3 || n === 8) return { value: sign * Number.POSITIVE_INFINITY, consumed: signLength + n };
  return undefined;
}

function commonPrefixLengthIgnoreCase(s: string, prefix: string): number {
  const n = Math.min(prefix.length, s.length);
  for (let i = 0; i < n; i++) if (lower(s[i]!) !== prefix[i]) return i;
  return n;
}

/** strconv's `underscoreOK`: underscores only between digits, or between a base prefix and a digit. */
function underscoreOK(input: string): boolean {
  let s = input;
  let saw = "^"; // ^ start, 0 digit or base prefix, _ underscore, ! anything else
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let hexPrefix = false;
  if (s.length >= 2 && s[0] === "0" && ["b", "o", "x"].includes(lower(s[1]!))) {
    i = 2;
    saw = "0";
    hexPrefix = lower(s[1]!) === "x";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (isDigit(c) || (hexPrefix && isHexLetter(c))) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

/** What strconv's `readFloat` learns from the text, kept exact (no 19-digit mantissa cut). */
interface FloatSyntax {
  negative: boolean;
  hex: boolean;
  /** Significant digits (leading zeros dropped) in the number's base. */
  digits: string;
  /** Position of the point relative to `digits`, in digits (decimal) or bits (hex); includes the exponent. */
  pointShift: number;
}

/**
 * Go's `readFloat` grammar, including its quirks: a hex mantissa needs a `p` exponent, the
 * exponent stops growing once it reaches 10000, and underscores are checked afterwards.
 * Returns undefined where Go reports a syntax error.
 */
function readFloat(s: string): FloatSyntax | undefined {
  let i = 0;
  let negative = false;
  let underscores = false;
  if (i >= s.length) return undefined;
  if (s[i] === "+") i++;
  else if (s[i] === "-") {
    i++;
    negative = true;
  }

  let hexMode = false;
  if (i + 2 < s.length && s[i] === "0" && lower(s[i + 1]!) === "x") {
    hexMode = true;
    i += 2;
  }
  const expChar = hexMode ? "p" : "e";

  let sawDot = false;
  let sawDigits = false;
  let nd = 0; // significant digits seen
  let dp = 0; // digits before the point
  let digits = "";
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === "_") {
      underscores = true;
      continue;
    }
    if (c === ".") {
      if (sawDot) break;
      sawDot = true;
      dp = nd;
      continue;
    }
    if (isDigit(c) || (hexMode && isHexLetter(c))) {
      sawDigits = true;
      if (c === "0" && nd === 0) {
        dp--; // leading zero: not significant
        continue;
      }
      nd++;
      digits += c;
      continue;
    }
    break;
  }
  if (!sawDigits) return undefined;
  if (!sawDot) dp = nd;
  if (hexMode) dp *= 4;

  if (i < s.length && lower(s[i]!) === expChar) {
    i++;
    if (i >= s.length) return undefined;
    let esign = 1;
    if (s[i] === "+") i++;
    else if (s[i] === "-") {
      i++;
      esign = -1;
    }
    if (i >= s.length || !isDigit(s[i])) return undefined;
    let e = 0;
    for (; i < s.length && (isDigit(s[i]) || s[i] === "_"); i++) {
      if (s[i] === "_") {
        underscores = true;
        continue;
      }
      if (e < 10000) e = e * 10 + Number(s[i]);
    }
    dp += e * esign;
  } else if (hexMode) {
    return undefined; // a hex mantissa must have a p exponent
  }

  if (i !== s.length) return undefined; // trailing text: ParseFloat reports the whole input
  if (underscores && !underscoreOK(s)) return undefined;
  return { negative, hex: hexMode, digits, pointShift: dp };
}

/** Correctly rounded (ties to even) float64 of mantissa × 2^exp2, as Go's atofHex computes it. */
function roundBinary(mantissa: bigint, exp2: number): number {
  if (mantissa === 0n) return 0;
  const bitLength = mantissa.toString(2).length;
  const top = bitLength - 1 + exp2; // exponent of the leading bit
  if (top >= 1024) return Number.POSITIVE_INFINITY;
  // Normal numbers keep 53 bits; subnormals keep what is left above 2^-1074.
  const keep = top >= -1022 ? 53 : top + 1075;
  const shift = bitLength - keep;
  if (shift <= 0) return Number(mantissa) * 2 ** exp2;
  let q = mantissa >> BigInt(shift);
  const rest = mantissa & ((1n << BigInt(shift)) - 1n);
  const half = 1n << BigInt(shift - 1);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  // q ≤ 2^53 and exp2 + shift ≥ -1074 (it is exactly -1074 for subnormals), so the product is
  // exact, or Infinity when rounding carried past the largest float64.
  return Number(q) * 2 ** (exp2 + shift);
}

/**
 * Go strconv.ParseFloat(s, 64) syntax: decimal, exponents, hex floats, inf/infinity/nan (any
 * case, signed), underscores only between digits or after a base prefix (Go's `underscoreOK`:
 * `1_000` is 1000, `1__0`, `_1` and `1_` are errors).
 */
/** Digits with at most one point inside: read the same by Go's ParseFloat and JavaScript's Number(). */
const PLAIN_DECIMAL = /^[0-9]{1,15}(?:\.[0-9]{1,15})?$/;

export function parseGoFloat(text: string): Parsed<number> {
  // Plain decimals ("0.5", "1000") are nearly every input; JavaScript's Number() rounds them
  // correctly, exactly as Go's ParseFloat does, so they skip the general reader below.
  if (PLAIN_DECIMAL.test(text)) return ok(Number(text));
  const sp = special(text);
  if (sp) return sp.consumed === text.length ? ok(sp.value) : fail(syntaxError("ParseFloat", text));

  const syntax = readFloat(text);
  if (!syntax) return fail(syntaxError("ParseFloat", text));

  let magnitude: number;
  if (syntax.digits === "") magnitude = 0;
  else if (syntax.hex) {
    // value = 0x<digits> × 2^(pointShift − 4·digits)
    magnitude = roundBinary(BigInt(`0x${syntax.digits}`), syntax.pointShift - 4 * syntax.digits.length);
  } else {
    // value = 0.<digits> × 10^pointShift. JavaScript's Number() rounds decimal text correctly
    // (ties to even), as Go does; the text is rebuilt so only Go's grammar decides validity.
    magnitude = Number(`0.${syntax.digits}e${syntax.pointShift}`);
  }
  if (magnitude === Number.POSITIVE_INFINITY) return fail(rangeError("ParseFloat", text));
  return ok(syntax.negative ? -magnitude : magnitude);
}

// ---------------------------------------------------------------------------------------------
// strconv.ParseUint(s, 10, bits)
// ---------------------------------------------------------------------------------------------

/** Go strconv.ParseUint(s, 10, bits) (bits 32 or 64): ASCII digits only, no sign, no underscores. */
export function parseGoUint(text: string, bits: 32 | 64): Parsed<bigint> {
  if (text === "") return fail(syntaxError("ParseUint", text));
  const max = (1n << BigInt(bits)) - 1n;
  let n = 0n;
  // Go scans left to right and stops at the first problem, so "99999999999x" is a range error
  // when the overflow comes before the bad character.
  for (const c of text) {
    if (!isDigit(c)) return fail(syntaxError("ParseUint", text));
    n = n * 10n + BigInt(c);
    if (n > max) return fail(rangeError("ParseUint", text));
  }
  return ok(n);
}

// ---------------------------------------------------------------------------------------------
// go/sdl units.go
// ---------------------------------------------------------------------------------------------

const KI = 1024n;
/** go/sdl `unitSuffixes` (byteQuantity: memory and storage sizes). */
const BYTE_SUFFIXES: ReadonlyArray<readonly [string, bigint]> = [
  ["k", 1000n],
  ["Ki", KI],
  ["M", 1000n ** 2n],
  ["Mi", KI ** 2n],
  ["G", 1000n ** 3n],
  ["Gi", KI ** 3n],
  ["T", 1000n ** 4n],
  ["Ti", KI ** 4n],
  ["P", 1000n ** 5n],
  ["Pi", KI ** 5n],
  ["E", 1000n ** 6n],
  ["Ei", KI ** 6n],
];
/** go/sdl `memorySuffixes` (memoryQuantity: GPU ram). */
const BINARY_SUFFIXES = BYTE_SUFFIXES.filter(([suffix]) => suffix.endsWith("i"));

const TWO_POW_64 = 2 ** 64;
const TWO_POW_32 = 2 ** 32;

/**
 * go/sdl `parseWithSuffix`. Go ranges over a map (random order), but no two suffixes can both
 * end the same text (binary ones end in "i", decimal ones in a letter other than "i"), so the
 * order never matters. The multiplication is float64, then truncated: `0.1Gi` is
 * uint64(0.1 × 1073741824) = 107374182.
 */
function parseWithSuffix(text: string, suffixes: ReadonlyArray<readonly [string, bigint]>): Parsed<bigint> {
  const match = suffixes.find(([suffix]) => text.endsWith(suffix));
  const numberText = match ? text.slice(0, -match[0].length) : text;
  const parsed = parseGoFloat(numberText);
  if (!parsed.ok) return parsed;
  const value = match ? parsed.value * Number(match[1]) : parsed.value; // every multiplier is exact in float64
  if (value < 0) return fail(NEGATIVE_VALUE);
  if (Number.isNaN(value) || value >= TWO_POW_64) {
    return fail(`${OUT_OF_RANGE_PREFIX}: ${goQuote(text)} is not a size below 2^64 bytes (16Ei); Go turns it into a different number on each CPU architecture`);
  }
  return ok(BigInt(Math.trunc(value)));
}

/**
 * Memory and storage sizes (go/sdl byteQuantity): suffixes k Ki M Mi G Gi T Ti P Pi E Ei exactly
 * (case-sensitive), bare numbers are bytes, negatives rejected; returns bytes.
 */
export function parseByteQuantity(text: string): Parsed<bigint> {
  return parseWithSuffix(text, BYTE_SUFFIXES);
}

/** GPU ram (go/sdl memoryQuantity): binary suffixes or bytes only; returns bytes. */
export function parseGpuRam(text: string): Parsed<bigint> {
  return parseWithSuffix(text, BINARY_SUFFIXES);
}

/**
 * CPU units (go/sdl cpuQuantity): "<uint>m" = millicpu, otherwise float × 1000 truncated to
 * uint32 (`1.005` → 1004, since 1.005 × 1000 = 1004.9999999999999 in float64).
 */
export function parseCpuUnits(text: string): Parsed<number> {
  if (text.endsWith("m")) {
    const millis = parseGoUint(text.slice(0, -1), 32);
    return millis.ok ? ok(Number(millis.value)) : millis;
  }
  const cores = parseGoFloat(text);
  if (!cores.ok) return cores;
  const millis = cores.value * 1000;
  if (millis < 0) return fail(NEGATIVE_VALUE);
  if (Number.isNaN(millis) || millis >= TWO_POW_32) {
    return fail(`${OUT_OF_RANGE_PREFIX}: ${goQuote(text)} CPUs is not below 2^32 millicpu; Go turns it into a different number on each CPU architecture`);
  }
  const whole = Math.trunc(millis);
  return ok(whole === 0 ? 0 : whole); // "-0" (or "-1e-400") is -0 in float64; the uint32 is plain 0
}

// ---------------------------------------------------------------------------------------------
// cosmossdk.io/math LegacyNewDecFromStr (go/sdl coin.go parses `amount` with it)
// ---------------------------------------------------------------------------------------------

const DEC_PRECISION = 18;
/**
 * LegacyDec's range since cosmossdk.io/math v1.4 (Cosmos SDK v0.53 uses v1.5): |value| at most
 * 2^256 − 10^-18, i.e. 2^256·10^18 − 1 in atomics. Older versions counted bits instead (at most
 * 315), which refused values from about 6.7·10^76 that Akash's chain now accepts.
 */
const MAX_DEC_ATOMICS = (1n << 256n) * 10n ** 18n - 1n;

const UTF8 = new TextEncoder();
const utf8Length = (s: string): number => UTF8.encode(s).length;

/** big.Int.SetString(s, 10): an optional sign and ASCII digits, nothing else. */
function bigIntFromBase10(s: string): bigint | undefined {
  return /^[+-]?[0-9]+$/.test(s) ? BigInt(s) : undefined;
}

/** LegacyDec.String(): always 18 decimals. */
function formatDec(atomics: bigint): string {
  const negative = atomics < 0n;
  const digits = (negative ? -atomics : atomics).toString().padStart(DEC_PRECISION + 1, "0");
  const cut = digits.length - DEC_PRECISION;
  return `${negative ? "-" : ""}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

/**
 * cosmos LegacyDec from the YAML text of `amount`: at most 18 decimals, no exponent.
 * value = canonical 18-decimal string, e.g. "500.000000000000000000". Zero and negative amounts
 * parse (Go rejects them afterwards with its own messages); the flags say which.
 */
export function parseDecAmount(text: string): Parsed<{ canonical: string; atomicsTimes1e18: bigint; negative: boolean; zero: boolean }> {
  let str = text;
  let negative = false;
  if (str.startsWith("-")) {
    negative = true;
    str = str.slice(1);
  }
  if (str.length === 0) return fail("decimal string cannot be empty");

  const parts = str.split(".");
  let decimals = 0;
  let combined = parts[0]!;
  if (parts.length === 2) {
    decimals = utf8Length(parts[1]!); // Go counts bytes
    if (decimals === 0 || combined.length === 0) return fail("invalid decimal length");
    combined += parts[1]!;
  } else if (parts.length > 2) {
    return fail("invalid decimal string");
  }
  if (decimals > DEC_PRECISION) {
    // Go prints the (negative) difference as is: "exceeds max precision by -1 decimal places".
    return fail(`value '${str}' exceeds max precision by ${DEC_PRECISION - decimals} decimal places: max precision ${DEC_PRECISION}`);
  }
  combined += "0".repeat(DEC_PRECISION - decimals);

  let atomics = bigIntFromBase10(combined);
  if (atomics === undefined) return fail(`failed to set decimal string with base 10: ${combined}`);
  if (negative) atomics = -atomics;
  if (atomics > MAX_DEC_ATOMICS || atomics < -MAX_DEC_ATOMICS) return fail("out of range: invalid decimal string");

  return ok({ canonical: formatDec(atomics), atomicsTimes1e18: atomics, negative: atomics < 0n, zero: atomics === 0n });
}

// ---------------------------------------------------------------------------------------------
// time.ParseDuration (go/sdl reclamation.go parses `min_window` with it)
// ---------------------------------------------------------------------------------------------

// Go accepts both micro signs: U+00B5 (µ) and U+03BC (μ). Written as escapes so the built CLI stays
// ASCII, which Node reads into a one-byte string (scripts/build-cached-bundles.mjs checks it).
const DURATION_UNITS: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["\u00b5s", 1_000n],
  ["\u03bcs", 1_000n],
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);
const TWO_POW_63 = 1n << 63n;

/**
 * How the time package quotes the text in its errors (not strconv.Quote): `"` and `\` get a
 * backslash, and every byte of a control or non-ASCII character is written as \xHH.
 */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    // (a lone surrogate, which Go's strings cannot hold, encodes as U+FFFD, as Go's string() makes it)
    if (cp < 0x20 || cp >= 0x80) for (const byte of UTF8.encode(ch)) out += `\\x${hex(byte, 2)}`;
    else out += ch === '"' || ch === "\\" ? `\\${ch}` : ch;
  }
  return `${out}"`;
}

/** The leading ASCII digits of s (the time package's own scan: no sign, no underscores). */
const leadingDigits = (s: string): string => /^[0-9]*/.exec(s)![0];

/**
 * Go time.ParseDuration: a signed sequence of decimal numbers, each with an optional fraction and
 * a unit (ns us µs ms s m h), or "0"; in nanoseconds, as an int64. Computed as Go does, in
 * integers with its overflow checks, and a fraction's part in float64, so the value is Go's to the
 * nanosecond (a float of seconds would take 0.9999999999999999999h for a whole hour).
 */
export function parseGoDuration(text: string): Parsed<bigint> {
  const invalid = fail(`time: invalid duration ${timeQuote(text)}`);
  let s = text;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return ok(0n);
  if (s === "") return invalid;
  let total = 0n;
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s[0]))) return invalid;
    const whole = leadingDigits(s);
    // Go's leadingInt fails once the number passes 2^63.
    if (whole !== "" && BigInt(whole) > TWO_POW_63) return invalid;
    let value = whole === "" ? 0n : BigInt(whole);
    s = s.slice(whole.length);
    let fraction = 0n;
    let scale = 1;
    let fractionDigits = "";
    if (s.startsWith(".")) {
      s = s.slice(1);
      fractionDigits = leadingDigits(s);
      s = s.slice(fractionDigits.length);
      // Go's leadingFraction keeps digits only while they fit an int64; the rest are read and dropped.
      for (const digit of fractionDigits) {
        const next = fraction * 10n + BigInt(digit);
        if (next > TWO_POW_63 - 1n) break;
        fraction = next;
        scale *= 10;
      }
    }
    if (whole === "" && fractionDigits === "") return invalid; // "." alone, or a unit with no number
    let unitLength = 0;
    while (unitLength < s.length && s[unitLength] !== "." && !isDigit(s[unitLength])) unitLength++;
    if (unitLength === 0) return fail(`time: missing unit in duration ${timeQuote(text)}`);
    const unitText = s.slice(0, unitLength);
    s = s.slice(unitLength);
    const unit = DURATION_UNITS.get(unitText);
    if (unit === undefined) return fail(`time: unknown unit ${timeQuote(unitText)} in duration ${timeQuote(text)}`);
    if (value > TWO_POW_63 / unit) return invalid;
    value *= unit;
    if (fraction > 0n) {
      // float64(f) * (float64(unit) / scale), truncated: Go's rounding of the fraction's part
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > TWO_POW_63) return invalid;
    }
    total += value;
    if (total > TWO_POW_63) return invalid;
  }
  if (negative) return ok(-total);
  return total > TWO_POW_63 - 1n ? invalid : ok(total);
}

// ---------------------------------------------------------------------------------------------
// Fix hints
// ---------------------------------------------------------------------------------------------

const PREFIX_LETTERS: Record<string, string> = { k: "k", m: "M", g: "G", t: "T", p: "P", e: "E" };

/**
 * Canonical spelling suggestions for the linter's fix hints: the Go spelling closest to what the
 * user meant, e.g. "512mi" → "512Mi", "1GB" → "1G (decimal) or 1Gi (binary)", "1K" → "1k
 * (decimal) or 1Ki (binary)", "100MB" → "100M (decimal) or 100Mi (binary)", "512b" → "512".
 * Returns undefined when the text is already valid Go or no spelling fix applies (negative
 * numbers, unknown units, unparsable numbers).
 *
 * With `binaryOnly` (GPU ram, which Go accepts only with binary suffixes) the suggestion is the
 * binary spelling alone, e.g. "80GB" or "80G" → "80Gi".
 */
export function suggestByteQuantity(text: string, options: { binaryOnly?: boolean } = {}): string | undefined {
  const binaryOnly = options.binaryOnly === true;
  if ((binaryOnly ? parseGpuRam(text) : parseByteQuantity(text)).ok) return undefined;

  const match = /^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!match) return undefined;
  const amount = match[1]!;
  const unit = match[2]!.toLowerCase();
  if (!parseGoFloat(amount).ok) return undefined;

  if (unit === "" || unit === "b" || unit === "byte" || unit === "bytes") {
    // A bare number is bytes for both parsers; only the spacing or a "b" can be wrong here.
    return amount !== text ? amount : undefined;
  }
  const prefix = PREFIX_LETTERS[unit[0]!];
  if (!prefix) return undefined;
  const rest = unit.slice(1);
  const binary = `${amount}${prefix === "k" ? "K" : prefix}i`;
  if (rest === "i" || rest === "ib") return binary; // the user meant the binary unit
  if (rest !== "" && rest !== "b") return undefined;
  if (binaryOnly) return binary;
  return `${amount}${prefix} (decimal) or ${binary} (binary)`;
}
