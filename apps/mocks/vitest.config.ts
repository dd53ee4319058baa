import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starting five real Prism processes on 2 cores takes a few seconds.
    hookTimeout: 90_000,
    testTimeout: 30_000,
  },
});
