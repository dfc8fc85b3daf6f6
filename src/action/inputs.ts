/**
 * The GitHub Action's inputs (action.yml) as `akash-stack lint` arguments. Pure, so every input form
 * is tested without a runner.
 *
 * GitHub passes each input `name` as the environment variable `INPUT_<NAME>`: upper-cased, spaces
 * turned into `_`, hyphens kept (`max-warnings` is `INPUT_MAX-WARNINGS`), and an input the workflow
 * leaves out arrives as its default from action.yml.
 */

export type ActionEnv = Readonly<Record<string, string | undefined>>;

/** The input's value as the runner passes it, trimmed; "" when unset. */
export function actionInput(env: ActionEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

/**
 * `lint` arguments for the inputs: `paths` is split on white space and new lines (a YAML block
 * scalar lists one per line), an empty input adds no flag, so the CLI's own defaults apply.
 */
export function lintArgumentsFor(env: ActionEnv): string[] {
  const args = ["lint"];
  const format = actionInput(env, "format");
  if (format !== "") args.push("--output", format);
  const maxWarnings = actionInput(env, "max-warnings");
  if (maxWarnings !== "") args.push("--max-warnings", maxWarnings);
  const sarifFile = actionInput(env, "sarif-file");
  if (sarifFile !== "") args.push("--sarif-file", sarifFile);
  const config = actionInput(env, "config");
  if (config !== "") args.push("--config", config);
  const paths = actionInput(env, "paths").split(/\s+/).filter((p) => p !== "");
  // `--` so a path that starts with "-" is never read as an option.
  args.push("--", ...(paths.length > 0 ? paths : ["."]));
  return args;
}
