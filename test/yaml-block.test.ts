/**
 * The block-style reader (src/sdl/yaml-block.ts) is only a faster way to the tree the js-yaml path
 * (src/sdl/yaml-fast.ts) builds: for every text it accepts, tree, value and node count must be
 * identical, and everything it does not model must be handed on (undefined). lint-fuzz.test.ts
 * checks the same agreement on thousands of mutated SDLs; this file names the forms it models, the
 * ones it must refuse, and checks that it reads nearly the whole corpus (else it saves nothing).
 */
import { describe, expect, it } from "vitest";
import { blockParse } from "../src/sdl/yaml-block.js";
import { fastParse } from "../src/sdl/yaml-fast.js";
import { parseYaml } from "../src/sdl/yaml.js";
import { CORPUS_MISSING, HAS_CORPUS, corpusFiles, readCorpus } from "./support/corpus.js";

/** Asserts the reader accepts `text` and reads it exactly as the js-yaml path does. */
function expectSameAsJsYaml(text: string): void {
  const block = blockParse(text);
  expect(block, "the block reader should accept this text").toBeDefined();
  expect(block).toStrictEqual(fastParse(text));
}

const ACCEPTED: Record<string, string> = {
  "nested mappings and lists": "version: '2.0'\nservices:\n  web:\n    image: nginx:1.27\n    expose:\n      - port: 80\n        as: 8080\n        to:\n          - global: true\n",
  "a list at its key's own level": "a:\n- x\n- y\nb: 1\n",
  "scalar types of the core schema": "s: text\ni: 42\nn: -7\nz: -0\nf: 0.5\nnf: -0.0\nt: true\nT: True\nf2: FALSE\nnu: null\ntilde: ~\nsize: 512Mi\ncpu: 100m\nver: 1.2.3\n",
  "empty values, placed where the next token starts": "a:\nb:\n  c:\n\n# comment\nd: x\ne:\n",
  "an empty value before a quoted key": "a:\n  b:\n\"c\": 1\n",
  "quoted scalars and keys": "'a b': \"x \\\"y\\\" \\\\ \\/ \\n \\t\"\nc: 'it''s'\nd: \"\"\ne: ''\n",
  "comments everywhere": "# head\na: 1 # trailing\n  # indented comment\nb: # empty, with a comment\nc: x#not-a-comment\n",
  "a leading document marker": "---\na: 1\n",
  "a document marker after a comment": "# c\n--- # starts here\na: 1\n",
  "an indented root mapping": "---\n  a: 1\n  b:\n    - x\n",
  "flow lists and an empty mapping as values": "a: []\nb: [x, \"y\", 'z', 1, true]\nc: {}\nd: [ spaced , items ]\n",
  "literal block scalars with each chomping": "a: |\n  line 1\n\n  line 3\nb: |-\n  strip\n\n\nc: |+\n  keep\n\n\nd: end\n",
  "folded block scalars, with more-indented lines": "a: >\n  one\n  two\n\n  three\n    indented\n  four\nb: >-\n  x\n  y\nc: end\n",
  "a block scalar as a list item": "args:\n  - >-\n    python3 -m server\n    --port 8000\n  - |\n    #!/bin/sh\n    echo hi\n",
  "a block scalar at the end of a file without a final line break": "a: |\n  text",
  "block scalars with only empty lines": "a: |\n\nb: >+\n\n\nc: 1\n",
  "white-space-only lines inside block scalars": "a: |\n  x\n      \n  y\nb: >\n  x\n     \n  y\n",
  "CRLF line breaks": "a: 1\r\nb:\r\n  - x\r\n  - 'y'\r\nc: |\r\n  l1\r\n  l2\r\n",
  "keys that need pointer escaping": "a/b~c:\n  x: 1\n",
  "plain scalars with colons and dashes": "url: http://example.com:8080/x\nflag: -c\nneg: -1x\ntime: 12:30\n",
  "list items that are mappings": "root:\n  - a: 1\n    b: 2\n  - c: 3\n",
};

const REFUSED: Record<string, string> = {
  "a tab": "a:\n\tb: 1\n",
  "a lone CR": "a: 1\rb: 2\n",
  "a byte-order mark": "\ufeffa: 1\n",
  "a NUL byte": "a: \u0000\n",
  "a flow mapping with entries": "a: {b: 1}\n",
  "a nested flow list": "a: [[1]]\n",
  "a flow list over two lines": "a: [1,\n  2]\n",
  "a multi-line plain scalar": "a: one\n  two\n",
  "a multi-line quoted scalar": "a: \"one\n  two\"\n",
  "an escape it does not model": 'a: "\\u00e9"\n',
  "an anchor and an alias": "a: &x 1\nb: *x\n",
  "a tag": "a: !!str 1\n",
  "a number in another spelling": "a: 0x1F\n",
  "an integer with a leading zero": "a: 007\n",
  "an exponent": "a: 1e3\n",
  "a non-string key": "1: a\n",
  "a boolean key": "true: a\n",
  "an integer-like quoted key": "'80': a\n",
  "a duplicate key": "a: 1\na: 2\n",
  "a merge key": "<<: {}\n",
  "a __proto__ key": "__proto__: 1\n",
  "white space before a key's colon": "a : 1\n",
  "two documents": "a: 1\n---\nb: 2\n",
  "a document end marker": "a: 1\n...\n",
  "a directive": "%YAML 1.2\n---\na: 1\n",
  "an empty list item": "a:\n  - \n  - x\n",
  "a flow collection as a list item": "a:\n  - {}\n",
  "a compact nested list": "a:\n  - - x\n",
  "a block scalar with an indentation indicator": "a: |2\n   x\n",
  "white space before a block scalar's first text line": "a: |\n   \n  x\n",
  "a scalar document": "just text\n",
  "a list at the root": "- a\n",
  "an explicit key": "? a\n: b\n",
  "nesting deeper than 50 levels": Array.from({ length: 60 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + "\n",
};

describe("block-style reader", () => {
  describe("reads these exactly as the js-yaml path does", () => {
    for (const [name, text] of Object.entries(ACCEPTED)) it(name, () => expectSameAsJsYaml(text));
  });

  describe("hands these on to the js-yaml path", () => {
    for (const [name, text] of Object.entries(REFUSED)) it(name, () => expect(blockParse(text)).toBeUndefined());
  });

  it("is the path parseYaml takes first: its tree comes back with positions and pointers", () => {
    const parsed = parseYaml("a:\n  - x: 1\n");
    expect(parsed.problems).toEqual([]);
    expect(parsed.root).toStrictEqual(blockParse("a:\n  - x: 1\n")!.root);
    expect(parsed.plain).toEqual({ a: [{ x: 1 }] });
  });

  it.skipIf(!HAS_CORPUS)(`reads at least 95% of awesome-akash, each file exactly as the js-yaml path does${HAS_CORPUS ? "" : ` (${CORPUS_MISSING})`}`, () => {
    const files = corpusFiles("awesome-akash");
    let accepted = 0;
    const disagreements: string[] = [];
    for (const file of files) {
      const text = readCorpus("awesome-akash", file);
      const block = blockParse(text);
      if (block === undefined) continue;
      accepted++;
      try {
        expect(block).toStrictEqual(fastParse(text));
      } catch {
        disagreements.push(file);
      }
    }
    expect(disagreements).toEqual([]);
    // Files it refuses still lint correctly (through js-yaml), but each costs the slower path.
    expect(accepted / files.length).toBeGreaterThanOrEqual(0.95);
  });
});
