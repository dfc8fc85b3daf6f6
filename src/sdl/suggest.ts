/**
 * "Did you mean …?" for a misspelt name: the closest known name by edit distance, when it is close
 * enough to be a typo (`dcx` → `dc`, `ignroe` → `ignore`) rather than a different name.
 */

/** The known name closest to `name`, or undefined when none is within typo distance. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  // A third of the name's length, at least 1 and at most 3 edits: `db` → `dc` is a typo, `web` → `api` is not.
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  const lower = name.toLowerCase();
  for (const candidate of known) {
    if (candidate === name) return candidate;
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` (did you mean "dc"?)` for the closest known name, or "" when there is none. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const closest = closestName(name, known);
  return closest === undefined ? "" : ` (did you mean "${closest}"?)`;
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions, so `ignroe` is one
 * edit from `ignore`). Stops early and returns `cap` once every path costs at least `cap`.
 */
export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, beforePrevious[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= cap) return cap;
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}
