/**
 * Turns ajv's raw error list into the errors a person should read.
 *
 * With `allErrors`, a failed `oneOf`/`anyOf` reports every branch's errors plus an umbrella
 * ("must match exactly one schema in oneOf"): storage written as a list gets "must be object" from
 * the mapping branch next to the real problem inside the list branch. Only the branch that fits the
 * value says anything useful, so we keep that one. Pure: no ajv, no I/O.
 *
 * Relies on the generator inlining `$ref`s: an error inside branch N of an umbrella at schema path
 * S then has schema path `S/N/...`, which is how branches are told apart.
 */
import type { SchemaError } from "./generated-validator.js";

/** Keywords whose failure is only the echo of failures inside their branches. */
const ALTERNATIVES = new Set(["oneOf", "anyOf"]);
/** Keywords that restate a type: meaningless once the value has the wrong type altogether. */
const VALUE_KEYWORDS = new Set(["enum", "const"]);

export function collapseSchemaErrors(errors: readonly SchemaError[]): SchemaError[] {
  let list = dropConditionalUmbrellas([...errors]);
  list = collapseAlternatives(list);
  return dropValueErrorsUnderTypeErrors(list);
}

/** True when `path` is `base` or lies below it (segment-wise: /a/b is not below /a/bc). */
export function isWithin(path: string, base: string): boolean {
  return path === base || path.startsWith(base + "/");
}

/**
 * `if`/`then` reports the `then` errors plus "must match "then" schema". The umbrella adds nothing
 * when a specific error from its `then`/`else` exists, so it goes.
 */
function dropConditionalUmbrellas(errors: SchemaError[]): SchemaError[] {
  return errors.filter((error) => {
    if (error.keyword !== "if") return true;
    const parent = error.schemaPath.slice(0, -"/if".length);
    return !errors.some(
      (other) =>
        other !== error &&
        (other.schemaPath.startsWith(parent + "/then/") || other.schemaPath.startsWith(parent + "/else/")) &&
        isWithin(other.instancePath, error.instancePath),
    );
  });
}

interface Branch {
  index: number;
  errors: SchemaError[];
}

function collapseAlternatives(errors: SchemaError[]): SchemaError[] {
  // Innermost first: a nested umbrella's schema path extends its parent's, so once it is collapsed
  // its outcome counts as one branch error of the umbrella around it.
  const umbrellas = errors
    .filter((e) => ALTERNATIVES.has(e.keyword))
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  let list = errors;
  for (const umbrella of umbrellas) {
    const prefix = umbrella.schemaPath + "/";
    const members = list.filter(
      (e) => e !== umbrella && e.schemaPath.startsWith(prefix) && isWithin(e.instancePath, umbrella.instancePath),
    );
    // No branch errors: a oneOf that matched several branches. The umbrella is the whole story.
    if (members.length === 0) continue;
    const replacement = chooseBranchErrors(umbrella, groupByBranch(prefix, members));
    const removed = new Set<SchemaError>([umbrella, ...members]);
    const at = list.indexOf(umbrella);
    list = [...list.slice(0, at).filter((e) => !removed.has(e)), ...replacement, ...list.slice(at + 1).filter((e) => !removed.has(e))];
  }
  return list;
}

function groupByBranch(prefix: string, members: SchemaError[]): Branch[] {
  const byIndex = new Map<number, SchemaError[]>();
  for (const error of members) {
    const index = Number(error.schemaPath.slice(prefix.length).split("/")[0]);
    const bucket = byIndex.get(index) ?? [];
    bucket.push(error);
    byIndex.set(index, bucket);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([index, errs]) => ({ index, errors: errs }));
}

/**
 * A branch whose `type` rejects the value itself describes a different shape of value than the one
 * written, so it is noise. Of the branches that accept the value's type, the one with the fewest
 * (then the deepest) errors is the one the author meant. When every branch rejects the type, one
 * error naming all accepted types replaces them.
 */
function chooseBranchErrors(umbrella: SchemaError, branches: Branch[]): SchemaError[] {
  const rejectsType = (b: Branch) => b.errors.some((e) => e.keyword === "type" && e.instancePath === umbrella.instancePath);
  const fitting = branches.filter((b) => !rejectsType(b));
  if (fitting.length === 0) return [mergedTypeError(umbrella, branches)];
  const depth = (b: Branch) => Math.max(...b.errors.map((e) => e.instancePath.split("/").length));
  const best = fitting.reduce((a, b) => {
    if (b.errors.length !== a.errors.length) return b.errors.length < a.errors.length ? b : a;
    return depth(b) > depth(a) ? b : a;
  });
  return best.errors;
}

function mergedTypeError(umbrella: SchemaError, branches: Branch[]): SchemaError {
  const types: string[] = [];
  for (const branch of branches) {
    for (const error of branch.errors) {
      if (error.keyword !== "type" || error.instancePath !== umbrella.instancePath) continue;
      for (const type of typeList(error.params["type"])) if (!types.includes(type)) types.push(type);
    }
  }
  return {
    instancePath: umbrella.instancePath,
    schemaPath: umbrella.schemaPath,
    keyword: "type",
    params: { type: types },
    message: `must be ${types.join(" or ")}`,
  };
}

/** ajv gives `params.type` as "string" or, for `type: [a, b]`, as "a,b" or an array. */
export function typeList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value.split(",");
  return [];
}

function dropValueErrorsUnderTypeErrors(errors: SchemaError[]): SchemaError[] {
  const typeErrorPaths = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  return errors.filter((e) => !(VALUE_KEYWORDS.has(e.keyword) && typeErrorPaths.has(e.instancePath)));
}
