/**
 * The GitHub Action's inputs (action.yml) as `akash-stack lint` flags. Pure, so every input form is
 * tested without a runner.
 *
 * GitHub passes each input `name` as the environment variable `INPUT_<NAME>`: upper-cased, spaces
 * turned into `_`, hyphens kept (`max-warnings` is `INPUT_MAX-WARNINGS`), and an input the workflow
 * leaves out arrives as its default from action.yml. An empty input means the CLI's default.
 */
import type { LintFlags } from "../lint.js";
import { FORMAT_NAMES, type FormatName } from "../../lint/output/index.js";

export type ActionEnv = Readonly<Record<string, string | undefined>>;

/** The input's value as the runner passes it, trimmed; "" when unset. */
export function actionInput(env: ActionEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

/** What `lint` runs on: the paths and flags, or every input that is wrong (each says what to write instead). */
export type ActionLint = { paths: string[]; flags: LintFlags } | { errors: string[] };

/** `paths` is split on white space and new lines (a YAML block scalar lists one per line). */
export function lintRunFor(env: ActionEnv): ActionLint {
  const errors: string[] = [];
  const format = actionInput(env, "format") || "github";
  if (!(FORMAT_NAMES as string[]).includes(format)) errors.push(`input format: "${format}" is not a format: use ${FORMAT_NAMES.join(", ")}`);
  const maxWarningsText = actionInput(env, "max-warnings");
  if (maxWarningsText !== "" && !/^\d+$/.test(maxWarningsText)) errors.push(`input max-warnings: "${maxWarningsText}" is not a whole number of warnings (0 or more), or leave it empty for no limit`);
  if (errors.length > 0) return { errors };
  const flags: LintFlags = { format: format as FormatName, ignore: [] };
  if (maxWarningsText !== "") flags.maxWarnings = Number(maxWarningsText);
  const sarifFile = actionInput(env, "sarif-file");
  if (sarifFile !== "") flags.sarifFile = sarifFile;
  const config = actionInput(env, "config");
  if (config !== "") flags.config = config;
  const paths = actionInput(env, "paths").split(/\s+/).filter((p) => p !== "");
  return { paths: paths.length > 0 ? paths : ["."], flags };
}
