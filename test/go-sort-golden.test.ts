/**
 * Go's exact order of ties, as golden data that Go itself produced (tools/oracles/gosort-oracle, built by
 * scripts/build-tools.sh). A provider recomputes the manifest hash with Go's sort package, so a tie
 * the TypeScript port breaks differently is a 422; "sorted and a permutation" cannot catch that,
 * only Go's own answer for the same input can. The committed file is checked against a fresh run of
 * the Go program whenever the binary is built (always in CI), so it provably is Go's output.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sortedNames } from "../src/sdl/expose.js";
import { compareCodePoints, goSort, goStringLess } from "../src/sdl/go-sort.js";
import { lintText } from "../src/sdl/lint.js";
import { buildManifest } from "../src/sdl/manifest.js";
import { EndpointKind, sortedAttributes, sortEndpoints, type ResourceEndpoint } from "../src/sdl/resources.js";
import { PROJECT_ROOT } from "./support/corpus.js";
import { describeGoOracleOutput } from "./support/go-oracle.js";

/** One input and Go's answer: `output[i]` is the input position of the element Go put at i. */
interface GoldenCase {
  n: number;
  input: number[];
  output: number[];
}

interface Golden {
  /** The string keys; a `sort` input element is an index into this list. */
  keys: string[];
  /** `keys` after Go's `sort.Strings`. */
  keysSorted: string[];
  /** `sort.Sort` by key (Go's string `<`), as for attributes and a group's services. */
  sort: GoldenCase[];
  /** `sort.SliceStable` with the storage-volume comparator; an element is size * 3 + persistence. */
  stable: GoldenCase[];
  /** `sort.Sort` of integer keys running downwards (some repeated), which pdqsort reverses first. */
  descending: GoldenCase[];
}

const GOLDEN_FILE = join(PROJECT_ROOT, "test", "fixtures", "go-sort-golden.json");
const goldenText = readFileSync(GOLDEN_FILE, "utf8");
const golden = JSON.parse(goldenText) as Golden;
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Every size whose order differs from Go's, with the first differing place (at most 10 listed). */
function differences(cases: readonly GoldenCase[], order: (c: GoldenCase) => number[]): string[] {
  const found: string[] = [];
  for (const c of cases) {
    const got = order(c);
    const at = c.output.findIndex((want, i) => got[i] !== want);
    if (at >= 0 || got.length !== c.output.length) {
      found.push(`n=${c.n}: at position ${at}, Go has input #${c.output[at]}, got #${got[at]}`);
    }
  }
  return found.length > 10 ? [...found.slice(0, 10), `…and ${found.length - 10} more sizes`] : found;
}

/** "U+E000 U+1F600": the keys are mostly invisible or look alike when printed as text. */
const codePoints = (s: string): string =>
  s === "" ? "(empty)" : [...s].map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`).join(" ");

const keyOf = (c: GoldenCase, position: number): string => golden.keys[c.input[position]!]!;

describeGoOracleOutput("gosort-oracle", "test/fixtures/go-sort-golden.json", goldenText, "Go's sort package");

describe("Go's sort.Sort order of ties (golden data from Go)", () => {
  it("covers every n = 1..300 with ties that Go leaves out of input order", () => {
    expect(golden.sort.map((c) => c.n)).toEqual(range(1, 300));
    // A stable sort (what Array.prototype.sort is) disagrees with Go for most sizes beyond 12:
    // without that the data could not tell pdqsort from any correct sort.
    const stableOrder = (c: GoldenCase) => c.input.map((_, i) => i).sort((a, b) => compareCodePoints(keyOf(c, a), keyOf(c, b)));
    const beyond12 = golden.sort.filter((c) => c.n > 12);
    expect(beyond12.filter((c) => differences([c], stableOrder).length > 0).length).toBeGreaterThan(beyond12.length / 2);
  });

  it("matches Go's order of ties for n = 1..300 (goSort, insertion sort up to 12 elements, pdqsort beyond)", () => {
    const order = (c: GoldenCase) =>
      goSort(
        c.input.map((_, position) => ({ key: keyOf(c, position), position })),
        (a, b) => goStringLess(a.key, b.key),
      ).map((x) => x.position);
    expect(differences(golden.sort, order)).toEqual([]);
  });

  it("sortedAttributes gives Go's sort.Sort(types.Attributes) order for n = 1..300", () => {
    const order = (c: GoldenCase) =>
      sortedAttributes(c.input.map((_, position) => ({ key: keyOf(c, position), value: String(position) }))).map((a) => Number(a.value));
    expect(differences(golden.sort, order)).toEqual([]);
  });

  it("sortEndpoints gives Go's sort.Sort(Endpoints) order for n = 1..300", () => {
    // pdqsort's moves depend only on less's answers, so numbering the keys in Go's order
    // (keysSorted) gives sequence numbers that Go would leave in exactly the golden order.
    const order = (c: GoldenCase) => {
      const endpoints = c.input.map((k): ResourceEndpoint => ({ kind: EndpointKind.LEASED_IP, sequenceNumber: golden.keysSorted.indexOf(golden.keys[k]!) }));
      const positions = new Map(endpoints.map((e, position) => [e, position]));
      return sortEndpoints(endpoints).map((e) => positions.get(e)!);
    };
    expect(differences(golden.sort, order)).toEqual([]);
  });

  it("orders strings beyond U+FFFF by code point as Go does", () => {
    // the keys hold pairs that UTF-16 unit order (JavaScript's `<`) puts the other way round
    expect([...golden.keys].sort()).not.toEqual(golden.keysSorted);
    expect(golden.keys.some((k) => [...k].some((ch) => ch.codePointAt(0)! > 0xffff))).toBe(true);
    expect(golden.keys.some((k) => [...k].some((ch) => ch.codePointAt(0)! >= 0xe000 && ch.codePointAt(0)! <= 0xffff))).toBe(true);

    expect(sortedNames(golden.keys)).toEqual(golden.keysSorted);
    for (const a of golden.keys) {
      for (const b of golden.keys) {
        expect(goStringLess(a, b), `${codePoints(a)} < ${codePoints(b)}`).toBe(golden.keysSorted.indexOf(a) < golden.keysSorted.indexOf(b));
      }
    }
  });
});

describe("Go's sort.Sort order for keys that run downwards (golden data from Go)", () => {
  const order = (c: GoldenCase) =>
    goSort(
      c.input.map((key, position) => ({ key, position })),
      (a, b) => a.key < b.key,
    ).map((x) => x.position);

  it("matches Go, whose pattern detection reverses the input first (n of 50 and more), ties included", () => {
    expect(golden.descending.map((c) => c.n)).toEqual([13, 20, 33, 49, 50, 51, 64, 100, 128, 200, 257, 300]);
    expect(differences(golden.descending, order)).toEqual([]);
  });

  it("has ties whose order the reversal decides: a stable sort disagrees with Go wherever Go reverses", () => {
    const stableOrder = (c: GoldenCase) => c.input.map((_, i) => i).sort((a, b) => c.input[a]! - c.input[b]!);
    const reversed = golden.descending.filter((c) => c.n >= 50);
    expect(reversed.filter((c) => differences([c], stableOrder).length > 0)).toEqual(reversed);
  });
});

describe("Go's sort.SliceStable order of storage volumes (golden data from Go)", () => {
  /**
   * An SDL whose one compute profile has the case's volumes: element e is a volume of (e / 3 + 1)
   * GiB with no attributes (e % 3 = 0), `persistent: false` (1) or `persistent: true` (2), named
   * "v" and its input position, as in the Go program.
   */
  function sdlWithVolumes(c: GoldenCase): string {
    const volumes = c.input.map((e, position) => {
      const attributes = ["", ", attributes: {persistent: false}", ", attributes: {persistent: true, class: beta2}"][e % 3]!;
      return `        - {name: v${position}, size: ${Math.floor(e / 3) + 1}Gi${attributes}}`;
    });
    return [
      'version: "2.0"',
      "services:",
      "  web: {image: nginx, expose: [{port: 80, as: 80, to: [{global: true}]}]}",
      "profiles:",
      "  compute:",
      "    web:",
      "      resources:",
      "        cpu: {units: 1}",
      "        memory: {size: 512Mi}",
      "        storage:",
      ...volumes,
      "  placement:",
      "    dc: {pricing: {web: {denom: uakt, amount: 100}}}",
      "deployment:",
      "  web: {dc: {profile: web, count: 1}}",
      "",
    ].join("\n");
  }

  it("covers n = 1..100, 150, 200 and 300, with volumes that are each 'less' than the other", () => {
    expect(golden.stable.map((c) => c.n)).toEqual([...range(1, 100), 150, 200, 300]);
    // Two volumes of one size that are not persistent are each "less" than the other; Go leaves
    // them in reverse input order, which a sort that took them for equal would not: the data must
    // hold such pairs, or it could not tell the two apart.
    const reversedTies = golden.stable.filter((c) =>
      c.output.some((later, i) => c.output.slice(i + 1).some((earlier) => earlier < later && c.input[earlier] === c.input[later] && c.input[later]! % 3 !== 2)),
    );
    expect(reversedTies.length).toBeGreaterThan(golden.stable.length / 2);
  });

  it("the manifest builder's volume order matches Go's sort.SliceStable for every case", () => {
    const order = (c: GoldenCase) => {
      const { sdl } = lintText(sdlWithVolumes(c));
      if (!sdl) throw new Error(`n=${c.n}: the test SDL did not decode`);
      return buildManifest(sdl)[0]!.services[0]!.resources.storage.map((v) => Number(v.name.slice(1)));
    };
    expect(differences(golden.stable, order)).toEqual([]);
  });
});
