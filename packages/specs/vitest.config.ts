import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // These tests wait for nothing but the CPU (Ajv compiling the specs' schemas on first use), so the
    // bound only catches a hang. Beside the rest of `npm test` on 2 cores (builds and typechecks of every
    // package at once) a 100 ms first test was seen taking 7 s, past vitest's default 5 s.
    testTimeout: 30_000,
  },
});
