import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Under CI, a missing SDL corpus fails the run instead of skipping its tests.
    globalSetup: ["test/support/require-corpus.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests start real servers on loopback; keep the 2-core CI machine from oversubscribing.
    maxWorkers: 2,
  },
});
