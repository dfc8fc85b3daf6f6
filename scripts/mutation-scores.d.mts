/** The floor every module's mutation score must reach, in percent. */
export const FLOOR: number;

export interface ModuleCounts {
  name: string;
  killed: number;
  survived: number;
  timeout: number;
  noCoverage: number;
  /** Disabled in the source as equivalent, with a reason. */
  disabled: number;
  /** Static mutants, not tested (stryker.config.mjs says why). */
  static: number;
}

export interface ModuleScore extends ModuleCounts {
  score: number | undefined;
}

/** The report's mutants, by file: only what the scores need. */
export type ReportFiles = Record<string, { mutants: Array<{ status: string; statusReason?: string; location: { start: { line: number } } }> }>;

export function moduleOf(entry: string): { name: string; owns(file: string, line: number): boolean };
export function scoreModules(entries: readonly string[], files: ReportFiles): ModuleScore[];
export function score(counts: Pick<ModuleCounts, "killed" | "survived" | "timeout" | "noCoverage">): number | undefined;
export function table(rows: readonly ModuleScore[]): string;
