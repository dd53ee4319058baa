import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mts'],
    // `*.test-d.mts` files are type tests: checked by the TypeScript compiler, never executed.
    typecheck: { enabled: true, include: ['test/**/*.test-d.mts'], tsconfig: './tsconfig.json' },
  },
});
