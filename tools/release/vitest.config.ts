import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each case runs real processes (redocly, npm, git, the CLIs); two cores under a full `npm test` are slow.
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
