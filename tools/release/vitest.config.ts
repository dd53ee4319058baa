import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A hang bound, not a speed check: see the root README, "Time bounds in tests".
    testTimeout: 120_000,
    // One file at a time: the rating fixtures, the temporary repository and the tarball install each
    // start many processes, and turbo runs other packages' tests beside them.
    fileParallelism: false,
    hookTimeout: 300_000,
  },
});
