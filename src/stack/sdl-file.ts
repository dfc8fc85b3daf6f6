/**
 * A plain SDL file where a stack is expected (`akash-stack deploy deploy/web.yaml`): the file is
 * the synthesized result as it stands. It is linted like `akash-stack lint` would, and its
 * `<secret:NAME>` placeholders (the form synth writes) are the secrets it needs at deploy time.
 * It declares no DNS records and has no parameters. Pure: the caller reads the file.
 */
import { lintText } from "../sdl/lint.js";
import { placeholderNames } from "./secrets.js";
import type { StackProblem, SynthResult } from "./synth.js";

/** `deploy/web.yaml`, `out/web.sdl.yml`: what makes an argument an SDL file rather than a stack. */
const SDL_FILE = /\.ya?ml$/i;

export function isSdlFile(arg: string): boolean {
  return SDL_FILE.test(arg);
}

/** The deployment's name from the file's: `deploy/web.yaml` and `out/web.sdl.yaml` are both `web`. */
export function sdlFileStackName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(SDL_FILE, "").replace(/\.sdl$/i, "").toLowerCase();
}

/** The SDL as a synthesis result, or its errors at `file:line:column`; lint warnings are returned as warnings. */
export function sdlFileAsSynth(text: string, file: string): SynthResult | { problems: StackProblem[] } {
  const problems: StackProblem[] = [];
  const warnings: StackProblem[] = [];
  for (const f of lintText(text).findings) {
    const problem = { location: { file, line: f.line, column: f.column }, message: `${f.message} (${f.ruleId})`, ruleId: f.ruleId };
    (f.severity === "error" ? problems : warnings).push(problem);
  }
  if (problems.length > 0) return { problems };
  const secrets = placeholderNames(text)
    .sort()
    .map((name) => ({ name }));
  return { sdl: text, dns: [], secrets, logins: [], warnings, params: {} };
}
