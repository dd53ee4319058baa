import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // `*.test-d.ts` files are type tests: checked by the TypeScript compiler, never executed.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // A hang bound, not a speed check: see the root README, "Time bounds in tests".
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
