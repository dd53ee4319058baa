import type { Target } from '../../src/target.js';

declare module 'vitest' {
  export interface ProvidedContext {
    target: Target;
  }
}
