import { describe, expect, it } from 'vitest';
import { DedupeWindow } from '../../src/storage/sqlite/dedupe-window.js';

describe('DedupeWindow', () => {
  it('answers the row remembered for a (source, messageId) pair', () => {
    const window = new DedupeWindow(10);
    window.remember('web', 'm-1', 7);
    expect(window.candidate('web', 'm-1')).toBe(7);
    expect(window.candidate('ios', 'm-1')).toBeUndefined();
    expect(window.candidate('web', 'm-2')).toBeUndefined();
  });

  it('keeps pairs that only concatenate alike apart', () => {
    const window = new DedupeWindow(10);
    window.remember('ab', 'c', 1);
    expect(window.candidate('a', 'bc')).toBeUndefined();
  });

  it('forgets the oldest pair when full', () => {
    const window = new DedupeWindow(2);
    window.remember('s', 'a', 1);
    window.remember('s', 'b', 2);
    window.remember('s', 'c', 3);
    expect([window.candidate('s', 'a'), window.candidate('s', 'b'), window.candidate('s', 'c')]).toEqual([
      undefined,
      2,
      3,
    ]);
    expect(window.size).toBe(2);
  });

  it('keeps a pair remembered again after its older entry leaves the ring', () => {
    const window = new DedupeWindow(2);
    window.remember('s', 'a', 1);
    window.remember('s', 'a', 5); // a collision or a re-store: the newer row wins
    window.remember('s', 'b', 6);
    expect(window.candidate('s', 'a')).toBe(5);
  });

  it('remembers nothing with capacity 0 and refuses a negative capacity or one past 32-bit positions', () => {
    const window = new DedupeWindow(0);
    window.remember('s', 'a', 1);
    expect(window.candidate('s', 'a')).toBeUndefined();
    expect(() => new DedupeWindow(-1)).toThrow(RangeError);
    expect(() => new DedupeWindow(2 ** 32 - 1)).toThrow(/from 0 to 4294967294/);
  });

  it('spreads 200,000 random ids without a collision', () => {
    const window = new DedupeWindow(200_000);
    for (let index = 0; index < 200_000; index++) window.remember('src', crypto.randomUUID(), index);
    expect(window.size).toBe(200_000);
  });
});

describe('DedupeWindow under churn', () => {
  it('answers exactly like a reference model while the ring wraps many times', () => {
    // A small window and many keys: entries are removed from the middle of probe runs all the time.
    const capacity = 64;
    const window = new DedupeWindow(capacity);
    const recent: Array<[string, number]> = [];
    let seed = 42;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let rowId = 1; rowId <= 20_000; rowId++) {
      const id = `m-${Math.floor(random() * 500)}`;
      // Remember only what the store would: pairs not already in the window.
      if (window.candidate('s', id) === undefined) {
        window.remember('s', id, rowId);
        recent.push([id, rowId]);
        if (recent.length > capacity) recent.shift();
      }
      if (rowId % 97 === 0) {
        const expected = new Map(recent);
        for (let probe = 0; probe < 500; probe++)
          expect(window.candidate('s', `m-${probe}`)).toBe(expected.get(`m-${probe}`));
        expect(window.size).toBe(expected.size);
      }
    }
  });
});

describe('DedupeWindow memory (the cost the config documents: 24–32 bytes an entry)', () => {
  it.each([
    [1_000, 24, 32],
    [600_000, 24, 32],
    [1_000_000, 24, 25], // the default: 24 MB
    [1_048_576, 24, 24],
  ])('%i entries take %i–%i bytes each', (capacity, least, most) => {
    const perEntry = new DedupeWindow(capacity).memoryBytes / capacity;
    expect(perEntry).toBeGreaterThanOrEqual(least);
    expect(perEntry).toBeLessThanOrEqual(most);
  });
});
