// Mutation testing of the core modules (CONTRIBUTING.md, "Mutation testing"). Run it with
// `npm run mutate` (every mutant; refreshes the committed baseline) or `npm run mutate:ci` (only
// the mutants whose code or covering tests changed since the baseline). Stryker 10 needs Node 22+.
import { readFileSync } from "node:fs";

/**
 * deploy.ts is mutated only in its reconcile section: the lines from the "Reconcile the state file
 * with the chain" banner to the next banner. Found by the banners rather than by fixed line
 * numbers, so an edit above the section cannot silently move the range onto other code.
 */
function reconcileRange(file) {
  const lines = readFileSync(file, "utf8").split("\n");
  const start = lines.findIndex((l) => l.includes("// Reconcile the state file with the chain"));
  const banner = (l) => /^\s*\/\/ -{20,}$/.test(l);
  // The banner is three lines (rule, title, rule); the section ends before the next one's first rule.
  const end = lines.findIndex((l, i) => i > start + 1 && banner(l) && lines[i + 2] !== undefined && banner(lines[i + 2]));
  if (start < 0 || end < 0) throw new Error(`${file}: the reconcile section's banners are gone; update stryker.config.mjs`);
  return `${file}:${start + 3}-${end}`;
}

/** The modules whose scores CI holds at 80% or more (scripts/mutation-scores.mjs reads this list). */
export const MUTATE = [
  "src/sdl/rules/*.ts",
  "src/sdl/manifest.ts",
  "src/sdl/go-sort.ts",
  "src/sdl/units.ts",
  "src/dns/merge.ts",
  "src/dns/namecheap/*.ts",
  "src/deploy/state.ts",
  "src/deploy/compare.ts",
  "src/deploy/amounts.ts",
  "src/deploy/bids.ts",
  reconcileRange("src/deploy/deploy.ts"),
  "src/provider/jwt.ts",
  "src/chain/retry.ts",
  "src/chain/errors.ts",
];

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.config.ts" },
  // Only the test files that exercise these modules in the test process: mutants are switched on
  // inside it, so tests that run the code in child processes (the deploy end-to-end tests, the
  // built CLI) or that only start real servers and tools cannot kill any and would only cost time.
  testFiles: [
    "test/sdl-*.test.ts",
    "test/go-sort-golden.test.ts",
    "test/units-golden.test.ts",
    "test/lint-config.test.ts",
    "test/lint-fast-paths.test.ts",
    "test/lint-fuzz.test.ts",
    "test/lint-suggestions.test.ts",
    "test/lint-corpus-parity.test.ts",
    "test/rule-docs.test.ts",
    "test/chain-messages.test.ts",
    "test/chain-comet-rpc.test.ts",
    "test/chain-wallet.test.ts",
    "test/chain-client.test.ts",
    "test/chain-retry.test.ts",
    "test/chain-errors.test.ts",
    "test/dns-merge.test.ts",
    "test/dns-zone-rows.test.ts",
    "test/dns-apply.test.ts",
    "test/dns-client.test.ts",
    "test/dns-namecheap-settings.test.ts",
    "test/dns-namecheap-answers.test.ts",
    "test/dns-property.test.ts",
    "test/dns-cli.test.ts",
    "test/dns-secrets.test.ts",
    "test/deploy-state.test.ts",
    "test/deploy-state-file-rules.test.ts",
    "test/deploy-bids.test.ts",
    "test/deploy-bid-rules.test.ts",
    "test/deploy-amounts.test.ts",
    "test/deploy-prices.test.ts",
    "test/deploy-plan.test.ts",
    "test/deploy-decide-change.test.ts",
    "test/deploy-reconcile.test.ts",
    "test/provider-jwt.test.ts",
    "test/provider-client.test.ts",
    "test/lease-streams.test.ts",
  ],
  coverageAnalysis: "perTest",
  // Static mutants change a value computed while a module loads (a rule catalog's text, a table, a
  // top-level regex). Which test reads it is unknown, so each would run every test file above:
  // Stryker estimated 97% of a run's time for 54% of the mutants. They are reported as ignored
  // (scripts/mutation-scores.mjs counts them per module); everything a function does at run time
  // is tested.
  ignoreStatic: true,
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  mutate: MUTATE,
  // The sandbox is a copy of the project; these are large and no test here reads them.
  ignorePatterns: ["test-artifacts", "docs/api", "reports", ".cache"],
  // Unpacked there by scripts/mutate.mjs from the committed test/mutation/stryker-incremental.json.gz.
  incrementalFile: ".stryker-tmp/stryker-incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  // The per-module floor of 80% is checked by scripts/mutation-scores.mjs; Stryker's own is global.
  thresholds: { high: 90, low: 80, break: null },
  concurrency: 2,
  timeoutMS: 10_000,
};
