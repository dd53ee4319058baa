import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each case runs real processes (redocly, npm, git, the CLIs); two cores under a full `npm test` are slow.
    testTimeout: 60_000,
    // One file at a time: the rating fixtures, the temporary repository and the tarball install each
    // start many processes, and turbo runs other packages' tests beside them.
    fileParallelism: false,
    hookTimeout: 300_000,
  },
});
