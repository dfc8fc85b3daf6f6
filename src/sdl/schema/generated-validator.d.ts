/**
 * Types for `generated-validator.js`, which `scripts/compile-schema.mjs` writes from chain-sdk's
 * `sdl-schema.yaml` with ajv's standalone code generation (the .js is git-ignored; this file is not).
 */

/** One schema violation, as ajv reports it. */
export interface SchemaError {
  /** JSON pointer to the offending value ("" for the document itself). */
  instancePath: string;
  /** Path of the failing keyword inside the schema; `$ref`s are inlined, so it is rooted at "#". */
  schemaPath: string;
  /** The failing keyword: "type", "required", "additionalProperties", "oneOf", ... */
  keyword: string;
  /** Keyword-specific details, e.g. `{ additionalProperty: "depends_on" }` or `{ limit: 6 }`. */
  params: Record<string, unknown>;
  /** ajv's English message, e.g. "must be object". */
  message?: string;
}

export interface SchemaValidateFunction {
  /** True when `data` satisfies the schema; otherwise `errors` lists every violation (allErrors). */
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

export declare const validate: SchemaValidateFunction;
export default validate;
