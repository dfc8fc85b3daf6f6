/**
 * Line starts and positions in a text: what the YAML readers (yaml-block.ts, yaml-fast.ts) and
 * `positionsOf` (yaml.ts) use to turn offsets into 1-based lines and columns.
 */

/** The offset where each line of `text` starts: 0, then one past every `\n`. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of `offset` (at least 0) among line starts from `lineStartsOf` (binary search). */
export function positionAmong(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}
