import { describe, expect, it } from 'vitest';
import { jsonDepth } from '../src/json-depth.js';

/** The plain definition, one character at a time: what the fast scan must agree with. */
function referenceDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') {
      deepest = Math.max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if ((char === ']' || char === '}') && depth > 0) depth--;
  }
  return deepest;
}

/** A seeded generator, so a failure names a text that reproduces. */
function randomTexts(count: number, seed = 1): string[] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  const alphabet = ['[', ']', '{', '}', '"', '\\', 'a', ':', ',', ' ', '1'];
  return Array.from({ length: count }, () =>
    Array.from({ length: next() % 40 }, () => alphabet[next() % alphabet.length]).join(''),
  );
}

describe('jsonDepth', () => {
  it.each([
    ['1', 0],
    ['{}', 1],
    ['[{"a":[1,{"b":"[[[{{{\\"[["}]}]', 4],
    ['["\\\\"]', 1], // an escaped backslash, then the string ends
    ['["\\\\\\"[["]', 1], // backslash, escaped quote: still inside the string
    ['["[[[', 1], // a string that never ends
    ['"\\', 0],
    ['[[""]]', 2],
  ])('%s nests %i deep', (text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it('agrees with the one-character-at-a-time definition on 20,000 random texts, with and without a limit', () => {
    for (const text of randomTexts(20_000)) {
      expect(jsonDepth(text), text).toBe(referenceDepth(text));
      expect(jsonDepth(text, 2), text).toBe(referenceDepth(text, 2));
    }
  });

  it('stops at the limit without recursion', () => {
    expect(jsonDepth('['.repeat(1_000_000))).toBe(1_000_000);
    expect(jsonDepth('['.repeat(1_000_000), 10)).toBe(11);
  });
});
