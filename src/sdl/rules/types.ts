import type { LintOptions } from "../findings.js";
import type { Sdl } from "../model.js";
import type { Reporter } from "../report.js";

/** What every rule family sees: the decoded SDL, where to report, and the lint options. */
export interface RuleContext {
  sdl: Sdl;
  report: Reporter;
  options: LintOptions;
}

/** A family of related rules (one file each under `src/sdl/rules/`). */
export type RuleFamily = (ctx: RuleContext) => void;
