import { defineConfig } from "vitest/config";

// Simulations in tests take seconds on a 2-core machine: a generous per-test timeout; files run in
// parallel workers (forks) so one slow file doesn't hold the others.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
