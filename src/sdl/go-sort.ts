/**
 * Go's sort algorithms, step for step. The manifest hash depends on the order Go leaves equal
 * elements in: `sort.Sort` (pdqsort) is not stable, so two exposes that compare equal, or a
 * LEASED_IP endpoint among a dozen RANDOM_PORT ones, land where Go's pdqsort puts them, not where
 * `Array.prototype.sort` (a stable merge sort) would. Storage volumes use `sort.SliceStable` with
 * a comparator that is not a strict weak order (two volumes can each be "less" than the other), so
 * no textbook stable sort of a consistent order gives Go's answer. Go's steps do, and are followed
 * here; the golden data from Go (test/go-sort-golden.test.ts) shows that for this comparator any
 * stable sort that only asks less(later, earlier) agrees with them, but one that treats such
 * volumes as equal does not. Both are re-expressed here from the algorithm descriptions in Go's
 * `sort` package (pdqsort without BlockQuicksort; insertion sort in blocks of 20 + SymMerge).
 *
 * `less(a, b)` has Go's meaning: a must sort before b.
 */

export type Less<T> = (a: T, b: T) => boolean;

/** Go `sort.Sort` / `sort.Slice`: sorts `data` in place, exactly as Go's pdqsort does. */
export function goSort<T>(data: T[], less: Less<T>): T[] {
  const n = data.length;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent — pdqsort insertion-sorts up to 12 elements, a no-op for 0 or 1
  if (n > 1) pdqsort(data, 0, n, bitLength(n), less);
  return data;
}

/** Go `sort.Stable` / `sort.SliceStable`: sorts `data` in place, exactly as Go does. */
export function goSortStable<T>(data: T[], less: Less<T>): T[] {
  const n = data.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  // Stryker disable next-line EqualityOperator: equivalent — a last block ending at n is sorted by the insertionSort after the loop instead
  while (b <= n) {
    insertionSort(data, a, b, less);
    a = b;
    b += blockSize;
  }
  insertionSort(data, a, n, less);
  // Stryker disable next-line EqualityOperator: equivalent — with blockSize = n the pass merges nothing (both loops below are empty)
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    // Stryker disable next-line EqualityOperator: equivalent — a last pair of blocks ending at n is merged by the symMerge after the loop, with the same bounds
    while (b <= n) {
      symMerge(data, a, a + blockSize, b, less);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent — symMerge with m >= n (no second run) moves nothing: it finds start = mid and end = b
    if (m < n) symMerge(data, a, m, n, less);
    blockSize *= 2;
  }
  return data;
}

/** Go strings compare by UTF-8 bytes, which is code-point order (not UTF-16 unit order). */
export function goStringLess(a: string, b: string): boolean {
  return compareCodePoints(a, b) < 0;
}

export function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    // Stryker disable next-line EqualityOperator: equivalent — cx !== cy here, so < and <= agree
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function swap<T>(data: T[], i: number, j: number): void {
  const t = data[i]!;
  data[i] = data[j]!;
  data[j] = t;
}

function lessAt<T>(data: T[], i: number, j: number, less: Less<T>): boolean {
  return less(data[i]!, data[j]!);
}

function bitLength(n: number): number {
  // Stryker disable next-line ConditionalExpression: equivalent — callers pass n > 1 (goSort) or n > 12 (breakPatterns), never 0
  return n === 0 ? 0 : Math.floor(Math.log2(n)) + 1;
}

function insertionSort<T>(data: T[], a: number, b: number, less: Less<T>): void {
  // Stryker disable next-line ArithmeticOperator: equivalent — for i = a - 1 and i = a the inner loop's j > a fails at once
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && lessAt(data, j, j - 1, less); j--) swap(data, j, j - 1);
  }
}

function siftDown<T>(data: T[], lo: number, hi: number, first: number, less: Less<T>): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && lessAt(data, first + child, first + child + 1, less)) child++;
    if (!lessAt(data, first + root, first + child, less)) return;
    swap(data, first + root, first + child);
    root = child;
  }
}

function heapSort<T>(data: T[], a: number, b: number, less: Less<T>): void {
  const first = a;
  const hi = b - a;
  for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(data, i, hi, first, less);
  for (let i = hi - 1; i >= 0; i--) {
    swap(data, first, first + i);
    siftDown(data, 0, i, first, less);
  }
}

const enum Hint {
  Unknown,
  Increasing,
  Decreasing,
}

function pdqsort<T>(data: T[], a: number, b: number, limit: number, less: Less<T>): void {
  const maxInsertion = 12;
  let wasBalanced = true;
  let wasPartitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= maxInsertion) {
      insertionSort(data, a, b, less);
      return;
    }
    if (limit === 0) {
      heapSort(data, a, b, less);
      return;
    }
    if (!wasBalanced) {
      breakPatterns(data, a, b);
      limit--;
    }
    let [pivot, hint] = choosePivot(data, a, b, less);
    if (hint === Hint.Decreasing) {
      reverseRange(data, a, b);
      pivot = b - 1 - (pivot - a);
      hint = Hint.Increasing;
    }
    if (wasBalanced && wasPartitioned && hint === Hint.Increasing) {
      if (partialInsertionSort(data, a, b, less)) return;
    }
    if (a > 0 && !lessAt(data, a - 1, pivot, less)) {
      a = partitionEqual(data, a, b, pivot, less);
      continue;
    }
    const [mid, alreadyPartitioned] = partition(data, a, b, pivot, less);
    wasPartitioned = alreadyPartitioned;
    const leftLen = mid - a;
    const rightLen = b - mid;
    const balanceThreshold = Math.floor(length / 8);
    if (leftLen < rightLen) {
      wasBalanced = leftLen >= balanceThreshold;
      pdqsort(data, a, mid, limit, less);
      a = mid + 1;
    } else {
      wasBalanced = rightLen >= balanceThreshold;
      pdqsort(data, mid + 1, b, limit, less);
      b = mid;
    }
  }
}

function partition<T>(data: T[], a: number, b: number, pivot: number, less: Less<T>): [number, boolean] {
  swap(data, a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && lessAt(data, i, a, less)) i++;
  while (i <= j && !lessAt(data, j, a, less)) j--;
  if (i > j) {
    swap(data, j, a);
    return [j, true];
  }
  swap(data, i, j);
  i++;
  j--;
  for (;;) {
    while (i <= j && lessAt(data, i, a, less)) i++;
    while (i <= j && !lessAt(data, j, a, less)) j--;
    if (i > j) break;
    swap(data, i, j);
    i++;
    j--;
  }
  swap(data, j, a);
  return [j, false];
}

function partitionEqual<T>(data: T[], a: number, b: number, pivot: number, less: Less<T>): number {
  swap(data, a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !lessAt(data, a, i, less)) i++;
    while (i <= j && lessAt(data, a, j, less)) j--;
    if (i > j) break;
    swap(data, i, j);
    i++;
    j--;
  }
  return i;
}

function partialInsertionSort<T>(data: T[], a: number, b: number, less: Less<T>): boolean {
  const maxSteps = 5;
  const shortestShifting = 50;
  let i = a + 1;
  for (let step = 0; step < maxSteps; step++) {
    while (i < b && !lessAt(data, i, i - 1, less)) i++;
    if (i === b) return true;
    if (b - a < shortestShifting) return false;
    swap(data, i, i - 1);
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!lessAt(data, j, j - 1, less)) break;
        swap(data, j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!lessAt(data, j, j - 1, less)) break;
        swap(data, j, j - 1);
      }
    }
  }
  return false;
}

/** Go's xorshift64 (13, 7, 17), seeded with the slice length; deterministic, as in Go. */
function breakPatterns<T>(data: T[], a: number, b: number): void {
  // Here, not at the top of the module, so that mutation testing runs the golden-data tests
  // against a changed mask (a value computed while the module loads is tied to no test).
  const MASK64 = (1n << 64n) - 1n;
  const length = b - a;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent — pdqsort calls this only for more than 12 elements
  if (length < 8) return;
  let random = BigInt(length);
  const next = (): bigint => {
    random ^= (random << 13n) & MASK64;
    random ^= random >> 7n;
    random ^= (random << 17n) & MASK64;
    return random;
  };
  const modulus = BigInt(2 ** bitLength(length));
  const start = a + Math.floor(length / 4) * 2 - 1;
  for (let idx = start; idx <= start + 2; idx++) {
    let other = Number(next() & (modulus - 1n));
    if (other >= length) other -= length;
    swap(data, idx, a + other);
  }
}

function choosePivot<T>(data: T[], a: number, b: number, less: Less<T>): [number, Hint] {
  const shortestNinther = 50;
  const maxSwaps = 4 * 3;
  const l = b - a;
  const swaps = { count: 0 };
  // Stryker disable next-line ArithmeticOperator: equivalent — × 1 and ÷ 1 are the same
  let i = a + Math.floor(l / 4) * 1;
  let j = a + Math.floor(l / 4) * 2;
  let k = a + Math.floor(l / 4) * 3;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent — pdqsort chooses a pivot only for more than 12 elements
  if (l >= 8) {
    if (l >= shortestNinther) {
      i = median(data, i - 1, i, i + 1, swaps, less);
      j = median(data, j - 1, j, j + 1, swaps, less);
      k = median(data, k - 1, k, k + 1, swaps, less);
    }
    j = median(data, i, j, k, swaps, less);
  }
  if (swaps.count === 0) return [j, Hint.Increasing];
  if (swaps.count === maxSwaps) return [j, Hint.Decreasing];
  return [j, Hint.Unknown];
}

function order2<T>(data: T[], a: number, b: number, swaps: { count: number }, less: Less<T>): [number, number] {
  if (lessAt(data, b, a, less)) {
    swaps.count++;
    return [b, a];
  }
  return [a, b];
}

function median<T>(data: T[], a: number, b: number, c: number, swaps: { count: number }, less: Less<T>): number {
  [a, b] = order2(data, a, b, swaps, less);
  [b, c] = order2(data, b, c, swaps, less);
  [a, b] = order2(data, a, b, swaps, less);
  void a;
  void c;
  return b;
}

function reverseRange<T>(data: T[], a: number, b: number): void {
  let i = a;
  let j = b - 1;
  while (i < j) {
    swap(data, i, j);
    i++;
    j--;
  }
}

function swapRange<T>(data: T[], a: number, b: number, n: number): void {
  for (let i = 0; i < n; i++) swap(data, a + i, b + i);
}

function symMerge<T>(data: T[], a: number, m: number, b: number, less: Less<T>): void {
  if (m - a === 1) {
    let i = m;
    let j = b;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (lessAt(data, h, a, less)) i = h + 1;
      else j = h;
    }
    for (let k = a; k < i - 1; k++) swap(data, k, k + 1);
    return;
  }
  if (b - m === 1) {
    let i = a;
    let j = m;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (!lessAt(data, m, h, less)) i = h + 1;
      else j = h;
    }
    for (let k = m; k > i; k--) swap(data, k, k - 1);
    return;
  }
  const mid = (a + b) >>> 1;
  const n = mid + m;
  let start: number;
  let r: number;
  if (m > mid) {
    start = n - b;
    r = mid;
  } else {
    start = a;
    r = m;
  }
  const p = n - 1;
  while (start < r) {
    const c = (start + r) >>> 1;
    if (!lessAt(data, p - c, c, less)) start = c + 1;
    else r = c;
  }
  const end = n - start;
  if (start < m && m < end) rotate(data, start, m, end);
  if (a < start && start < mid) symMerge(data, a, start, mid, less);
  if (mid < end && end < b) symMerge(data, mid, end, b, less);
}

function rotate<T>(data: T[], a: number, m: number, b: number): void {
  let i = m - a;
  let j = b - m;
  while (i !== j) {
    // Stryker disable next-line EqualityOperator: equivalent — i !== j inside the loop, so > and >= agree
    if (i > j) {
      swapRange(data, m - i, m, j);
      i -= j;
    } else {
      swapRange(data, m - i, m + j - i, i);
      j -= i;
    }
  }
  swapRange(data, m - i, m, i);
}
