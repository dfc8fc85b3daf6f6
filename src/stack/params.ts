/**
 * Stack parameters: declared with defaults, whose types type the values. `--set key=value` is
 * parsed by the default's type, so `--set kuboMemoryGi=8` is the number 8 and `--set kuboMemoryGi=8G`
 * is an error that names the parameter.
 */

export type ParamValue = string | number | boolean;

/** What a stack declares: each parameter's default. */
export type ParamDefaults = Readonly<Record<string, ParamValue>>;

/** What `build` receives: the defaults' keys with widened types (`"a"` → string). */
export type ParamValues<P extends ParamDefaults> = {
  readonly [K in keyof P]: Widen<P[K]>;
};

/** Distributes over unions, so a generic `ParamValue` stays `string | number | boolean`. */
type Widen<V> = V extends string ? string : V extends number ? number : V extends boolean ? boolean : never;

/** A problem with the parameters given; the message names the parameter and the fix. */
export class ParamError extends Error {
  override readonly name = "ParamError";
}

/** Merges typed overrides into the defaults, checking names and types at run time too. */
export function resolveParams<P extends ParamDefaults>(defaults: P, overrides: Readonly<Record<string, unknown>> = {}): ParamValues<P> {
  const problems: string[] = [];
  const values: Record<string, ParamValue> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(defaults, key)) {
      problems.push(unknownParam(key, defaults));
      continue;
    }
    const expected = typeof defaults[key];
    if (typeof value !== expected || (typeof value === "number" && !Number.isFinite(value))) {
      problems.push(`parameter ${key} must be a ${expected} (like its default ${JSON.stringify(defaults[key])}), not ${JSON.stringify(value)}`);
      continue;
    }
    values[key] = value as ParamValue;
  }
  if (problems.length > 0) throw new ParamError(problems.join("\n"));
  return values as ParamValues<P>;
}

/**
 * Parses `key=value` strings (the CLI's repeated `--set`) by the type of each parameter's default:
 * numbers must be plain decimal numbers, booleans `true` or `false`, strings are taken as written.
 * Every problem is reported at once.
 */
export function parseSetFlags(defaults: ParamDefaults, assignments: readonly string[]): Record<string, ParamValue> {
  const problems: string[] = [];
  const values: Record<string, ParamValue> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) {
      problems.push(`--set ${assignment}: write key=value (e.g. --set ${Object.keys(defaults)[0] ?? "name"}=value)`);
      continue;
    }
    const key = assignment.slice(0, eq);
    const text = assignment.slice(eq + 1);
    if (!Object.hasOwn(defaults, key)) {
      problems.push(unknownParam(key, defaults));
      continue;
    }
    const parsed = parseByDefault(text, defaults[key]!);
    if (parsed === undefined) {
      const what = typeof defaults[key] === "number" ? "a number (digits, optional sign and decimals)" : "true or false";
      problems.push(`parameter ${key} must be ${what}, like its default ${JSON.stringify(defaults[key])}; got ${JSON.stringify(text)}`);
      continue;
    }
    values[key] = parsed;
  }
  if (problems.length > 0) throw new ParamError(problems.join("\n"));
  return values;
}

function parseByDefault(text: string, defaultValue: ParamValue): ParamValue | undefined {
  switch (typeof defaultValue) {
    case "string":
      return text;
    case "number":
      // Number("") is 0 and Number("0x10") is 16: accept only what reads as a decimal number.
      return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text.trim()) ? Number(text) : undefined;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : undefined;
  }
}

function unknownParam(key: string, defaults: ParamDefaults): string {
  const known = Object.keys(defaults);
  return known.length === 0
    ? `unknown parameter ${key}: this stack declares no parameters`
    : `unknown parameter ${key}: this stack declares ${known.join(", ")}`;
}
