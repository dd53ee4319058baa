/**
 * `expect(mock).toHaveReceived(operationId, partial?)` for vitest: import `@trackspec/mocks/vitest`
 * once (a setup file, or the test) and await the assertion. It passes when the mock received a
 * request for that operation whose body — or any object nested in it, such as one event of a batch
 * — holds `partial` (a deep subset; asymmetric matchers such as `expect.any(String)` work at any
 * level). The failure lists what the mock received for that operation.
 */
import { expect } from 'vitest';
import { type MockTarget, received } from './received.js';

declare module 'vitest' {
  // Vitest 5's declaration: R is what a matcher returns, T the type of the value under test.
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> {
    /** Awaited: asks the mock. Passes when it received `operationId` with a body (or a nested object) holding `partial`. */
    toHaveReceived(operationId: string, partial?: unknown): Promise<void>;
  }
}

type Equals = (actual: unknown, expected: unknown) => boolean;

/** Whether `actual` holds `expected`: objects member by member (more members allowed), arrays item by item. */
function holds(actual: unknown, expected: unknown, equals: Equals): boolean {
  if (expected && typeof expected === 'object' && !('asymmetricMatch' in expected)) {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual) !== Array.isArray(expected)) return false;
    if (Array.isArray(expected))
      return (
        expected.length === (actual as unknown[]).length &&
        expected.every((item, index) => holds((actual as unknown[])[index], item, equals))
      );
    return Object.entries(expected).every(
      ([name, value]) => name in actual && holds((actual as Record<string, unknown>)[name], value, equals),
    );
  }
  return equals(actual, expected);
}

/** The body and every object or array nested in it, outermost first. */
function* nestedValues(value: unknown): Generator<unknown> {
  yield value;
  if (value && typeof value === 'object') for (const member of Object.values(value)) yield* nestedValues(member);
}

expect.extend({
  async toHaveReceived(mock: MockTarget, operationId: string, partial?: unknown) {
    const entries = await received(mock, { operationId });
    const equals: Equals = (actual, expected) => this.equals(actual, expected);
    const matching = entries.filter(
      (entry) => partial === undefined || [...nestedValues(entry.body)].some((value) => holds(value, partial, equals)),
    );
    const wanted = `${operationId}${partial === undefined ? '' : ` with ${this.utils.printExpected(partial)}`}`;
    return {
      pass: matching.length > 0,
      message: () =>
        matching.length > 0
          ? `expected the mock not to have received ${wanted}, but it did (${matching.length}×, ids ${matching.map((entry) => entry.id).join(', ')})`
          : `expected the mock to have received ${wanted}; it received ${entries.length} ${operationId} request(s)${
              entries.length
                ? `:\n${entries.map((entry) => `  #${entry.id} ${this.utils.printReceived(entry.body)}`).join('\n')}`
                : ''
            }`,
    };
  },
});
