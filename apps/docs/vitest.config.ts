import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A real browser rendering 2-3 MB pages on 2 cores: give each page time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
