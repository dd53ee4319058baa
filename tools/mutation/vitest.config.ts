import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A hang bound, not a speed check: see the root README, "Time bounds in tests".
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
