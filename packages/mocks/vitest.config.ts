import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starting five real Prism processes on 2 cores takes a few seconds.
    hookTimeout: 120_000,
    // A hang bound, not a speed check: see the root README, "Time bounds in tests".
    testTimeout: 120_000,
  },
});
