/**
 * Plain-words messages for schema errors: what is wrong, where, and what to do. ajv's own text
 * ("must NOT have additional properties") names neither the key nor the fix.
 *
 * Values are quoted back to the author to help find them, except under `credentials` (a password
 * never belongs in CI logs) and cut short when long.
 */
import type { SchemaError } from "./generated-validator.js";
import { typeList } from "./collapse.js";
import { child, type YNode } from "../yaml.js";

/** Who objects. Every schema-only finding is a Console/chain-sdk objection, never a chain one. */
const REJECTS = "chain-sdk's validateSDL (Akash Console) rejects it";
const IF_CONSOLE = "if you deploy through Console";

/** Extra advice for a few schema places whose bare keyword says too little. */
const HINTS: ReadonlyArray<{ schemaPath: RegExp; hint: string }> = [
  { schemaPath: /\/cpu\/properties\/units\/.*not$/, hint: "CPU units must be greater than zero" },
  {
    schemaPath: /\/storage\/.*\/attributes\/not$/,
    hint: "a volume of class ram cannot be persistent; set persistent: false or use another class",
  },
  { schemaPath: /\/denom\/pattern$/, hint: "use uact; the schema also accepts uakt and ibc/... denoms" },
  { schemaPath: /\/to\/items\/allOf\/\d+\/then\//, hint: "an expose target that names an ip must also set global: true" },
  { schemaPath: /\/next_cases\/oneOf\/0\/maxItems$/, hint: "off cannot be combined with other cases" },
  { schemaPath: /\/vendor\/minProperties$/, hint: "name a vendor, for example nvidia:" },
];

/** Decodes one JSON-pointer segment (RFC 6901). */
function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** The YAML node at a JSON pointer, or undefined when nothing is there. */
export function nodeAt(root: YNode | undefined, pointer: string): YNode | undefined {
  let node = root;
  if (pointer === "") return node;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = unescapeSegment(raw);
    if (node?.kind === "map") node = child(node, segment);
    else if (node?.kind === "seq" && /^\d+$/.test(segment)) node = node.items[Number(segment)];
    else return undefined;
  }
  return node;
}

/** `"password" at /services/web/credentials`, `item 0 of /services/web/env`, or `the document`. */
function subject(pointer: string): string {
  if (pointer === "") return "the document";
  const cut = pointer.lastIndexOf("/");
  const parent = pointer.slice(0, cut) || "the top level";
  const last = unescapeSegment(pointer.slice(cut + 1));
  return /^\d+$/.test(last) ? `item ${last} of ${parent}` : `"${last}" at ${parent}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const TYPE_WORDS: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean (true or false)",
  null: "empty",
};

/** The JSON type the schema saw for this node. */
function jsonType(node: YNode | undefined): string {
  if (!node) return "null";
  if (node.kind === "map") return "object";
  if (node.kind === "seq") return "array";
  switch (node.tag) {
    case "null":
      return "null";
    case "bool":
      return "boolean";
    case "int":
      return "integer";
    case "float":
      return "number";
    default:
      return "string";
  }
}

/** The value as the author wrote it: `2.0` stays 2.0 although the schema saw the number 2. */
function describe(node: YNode | undefined, secret: boolean): string {
  const type = jsonType(node);
  if (type === "null") return "empty (null)";
  if (type === "array") return "a list";
  if (type === "object") return "a mapping";
  if (secret || node?.kind !== "scalar") return TYPE_WORDS[type] ?? type;
  if (type !== "string") return node.text;
  const text = node.text.length > 40 ? node.text.slice(0, 37) + "..." : node.text;
  return `the string ${JSON.stringify(text)}`;
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** What to do about a value of the wrong type, in YAML terms. */
function typeFix(expected: string[], actual: string): string {
  if (expected.includes("string") && (actual === "integer" || actual === "number" || actual === "boolean")) {
    return "Quote it (YAML reads it as a number or boolean)";
  }
  if ((expected.includes("integer") || expected.includes("number")) && actual === "string") return "Write it as a number without quotes";
  if (expected.includes("boolean") && actual === "string") return "Write true or false without quotes";
  if (actual === "null") return "Fill it in, or delete the empty key if nothing belongs there";
  if (expected.includes("array") && actual !== "null") return "Write it as a YAML list (lines starting with -)";
  return `Change it to ${orList(expected.map((t) => TYPE_WORDS[t] ?? t))}`;
}

const COMPARISON_WORDS: Record<string, string> = { ">=": "at least", "<=": "at most", ">": "greater than", "<": "less than" };

/**
 * The message for one (already collapsed) error. `path` is where the finding points: for an
 * unknown key, the key itself.
 */
export function schemaMessage(error: SchemaError, path: string, root: YNode | undefined): string {
  const params = error.params;
  const where = error.instancePath === "" ? "the top level" : error.instancePath;
  const hint = HINTS.find((h) => h.schemaPath.test(error.schemaPath))?.hint;
  const withHint = (text: string) => (hint ? `${text} (${hint})` : text);
  const secret = /\/credentials(\/|$)/.test(path);
  const node = nodeAt(root, error.instancePath);
  const what = subject(error.instancePath);

  switch (error.keyword) {
    case "additionalProperties":
      // Under `endpoints` every name is checked against a pattern, so an "unknown key" is a bad name.
      if (error.instancePath === "/endpoints") {
        return (
          `Endpoint name "${String(params["additionalProperty"])}" at /endpoints does not match ^[a-z]+[-_0-9a-z]+$: ${REJECTS}` +
          `. Rename it to lowercase letters, digits, - or _ (at least two characters, starting with a letter) ${IF_CONSOLE}.`
        );
      }
      return withHint(
        `Additional property "${String(params["additionalProperty"])}" is not allowed at ${where}: ${REJECTS}; the Go parser ignores it`,
      ) + `. Remove it ${IF_CONSOLE}.`;
    case "required": {
      const names = (Array.isArray(params["missingProperty"]) ? params["missingProperty"] : [params["missingProperty"]]).map((n) => `"${String(n)}"`);
      const fields = names.length > 1 ? `Required fields ${orList(names).replace(/ or /, " and ")} are` : `Required field ${names[0]} is`;
      const them = names.length > 1 ? "them" : "it";
      return withHint(`${fields} missing at ${where}: chain-sdk's validateSDL (Akash Console) rejects the SDL without ${them}`) + `. Add ${them} ${IF_CONSOLE}.`;
    }
    case "type": {
      const expected = typeList(params["type"]);
      const actual = jsonType(node);
      return (
        withHint(`${capitalised(what)} must be ${orList(expected.map((t) => TYPE_WORDS[t] ?? t))}, but it is ${describe(node, secret)}: ${REJECTS}`) +
        `. ${typeFix(expected, actual)} ${IF_CONSOLE}.`
      );
    }
    case "enum":
    case "const": {
      const allowed = error.keyword === "enum" ? (params["allowedValues"] as unknown[]) : [params["allowedValue"]];
      const list = orList((allowed ?? []).map((v) => JSON.stringify(v)));
      return withHint(`${capitalised(what)} is ${describe(node, secret)}, but chain-sdk's validateSDL (Akash Console) accepts only ${list}`) + `. Use ${allowed.length > 1 ? "one of them" : "that value"} ${IF_CONSOLE}.`;
    }
    case "pattern":
      return (
        withHint(`${capitalised(what)} is ${describe(node, secret)}, which does not match ${String(params["pattern"])}: ${REJECTS}`) +
        `. Change the value ${IF_CONSOLE}.`
      );
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const bound = `${COMPARISON_WORDS[String(params["comparison"])] ?? String(params["comparison"])} ${String(params["limit"])}`;
      return withHint(`${capitalised(what)} is ${describe(node, secret)}, but must be ${bound}: ${REJECTS}`) + `. Change the value ${IF_CONSOLE}.`;
    }
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems":
    case "minProperties":
    case "maxProperties":
      return withHint(`${capitalised(what)} ${sizeProblem(error.keyword, Number(params["limit"]), node)}: ${REJECTS}`) + `. ${sizeFix(error.keyword)} ${IF_CONSOLE}.`;
    case "not":
      return withHint(`${capitalised(what)} has a value the schema forbids: ${REJECTS}`) + `. Change it ${IF_CONSOLE}.`;
    case "oneOf":
      return withHint(`${capitalised(what)} matches more than one of the forms the schema allows: ${REJECTS}`) + `. Make it match exactly one ${IF_CONSOLE}.`;
    default:
      return withHint(`${capitalised(what)} ${error.message ?? `fails the schema keyword "${error.keyword}"`}: ${REJECTS}`) + `. Fix it ${IF_CONSOLE}.`;
  }
}

function sizeProblem(keyword: string, limit: number, node: YNode | undefined): string {
  // Characters are counted as the schema counts them (code points, like ajv's ucs2length).
  const [unit, has] =
    keyword.endsWith("Length")
      ? ["character", node?.kind === "scalar" ? [...node.text].length : 0]
      : keyword.endsWith("Items")
        ? ["item", node?.kind === "seq" ? node.items.length : 0]
        : ["entry", node?.kind === "map" ? node.entries.length : 0];
  const plural = (n: number) => `${n} ${unit === "entry" ? (n === 1 ? "entry" : "entries") : n === 1 ? unit : unit + "s"}`;
  const bound = keyword.startsWith("min") ? "at least" : "at most";
  return `must have ${bound} ${plural(limit)}, but it has ${has}`;
}

function sizeFix(keyword: string): string {
  if (keyword.startsWith("max")) return "Shorten it";
  return keyword.endsWith("Length") ? "Lengthen it" : "Add entries";
}
