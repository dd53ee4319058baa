import { describe, expect, it } from 'vitest';
import { createSnowflake, MAX_WORKER_ID, parseSnowflake, SNOWFLAKE_DEFAULT_EPOCH_MS } from '../../src/ids/snowflake.js';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

/** A clock that returns the given readings in turn, then repeats the last one. */
function scriptedClock(readings: number[]): () => number {
  let index = 0;
  return () => readings[Math.min(index++, readings.length - 1)]!;
}

function expectStrictlyIncreasing(ids: readonly bigint[]): void {
  for (let i = 1; i < ids.length; i++) {
    if (ids[i]! <= ids[i - 1]!) throw new Error(`id ${i} (${ids[i]}) is not above id ${i - 1} (${ids[i - 1]})`);
  }
}

describe('createSnowflake', () => {
  it('is strictly increasing over 100k ids from the real clock', () => {
    const snowflake = createSnowflake({ workerId: 7 });
    const ids = Array.from({ length: 100_000 }, () => snowflake.nextBigInt());
    expectStrictlyIncreasing(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('writes ids as 1..20 digit decimal strings', () => {
    const snowflake = createSnowflake({ workerId: MAX_WORKER_ID });
    for (let i = 0; i < 1000; i++) expect(snowflake.next()).toMatch(/^[1-9]\d{0,19}$/);
    // The smallest possible id is a short string, not zero-padded.
    const first = createSnowflake({ workerId: 0, epochMs: T0, now: () => T0 }).next();
    expect(first).toBe('0');
    const second = createSnowflake({ workerId: 1, epochMs: T0, now: () => T0 }).next();
    expect(second).toBe(String(1 << 12));
  });

  it('starts a new sequence each millisecond', () => {
    const snowflake = createSnowflake({ workerId: 3, now: scriptedClock([T0, T0, T0 + 1]) });
    expect([snowflake.next(), snowflake.next(), snowflake.next()].map((id) => parseSnowflake(id))).toEqual([
      { timestampMs: T0, workerId: 3, sequence: 0 },
      { timestampMs: T0, workerId: 3, sequence: 1 },
      { timestampMs: T0 + 1, workerId: 3, sequence: 0 },
    ]);
  });

  it('waits for the next millisecond when the 4096 ids of one are used up', () => {
    // The clock stays on T0 for 4096 ids plus five more readings, then moves on.
    let reads = 0;
    const now = () => (++reads <= 4096 + 5 ? T0 : T0 + 1);
    const snowflake = createSnowflake({ workerId: 9, now });
    const parts = Array.from({ length: 4097 }, () => parseSnowflake(snowflake.next()));

    expect(parts[4095]).toEqual({ timestampMs: T0, workerId: 9, sequence: 4095 });
    expect(parts[4096]).toEqual({ timestampMs: T0 + 1, workerId: 9, sequence: 0 });
    expect(reads).toBeGreaterThan(4097); // it polled the clock until the millisecond ended
  });

  it('never issues a smaller or repeated id when the clock goes backwards', () => {
    const readings = [T0 + 100, T0 + 101, T0 + 50, T0 + 50, T0 - 5000, T0 + 101, T0 + 102];
    const snowflake = createSnowflake({ workerId: 1, now: scriptedClock(readings) });
    const ids = readings.map(() => snowflake.nextBigInt());
    expectStrictlyIncreasing(ids);
    // While behind, it keeps the last timestamp and counts on in the sequence.
    expect(parseSnowflake(ids[3]!)).toEqual({ timestampMs: T0 + 101, workerId: 1, sequence: 2 });
  });

  it('does not block when the sequence runs out while the clock is behind', () => {
    let reads = 0;
    // After the first reading the clock jumps back one minute and stays there.
    const now = () => (reads++ === 0 ? T0 : T0 - 60_000);
    const snowflake = createSnowflake({ workerId: 2, now });
    const ids = Array.from({ length: 3 * 4096 }, () => snowflake.nextBigInt());
    expectStrictlyIncreasing(ids);
    expect(parseSnowflake(ids.at(-1)!).timestampMs).toBe(T0 + 2);
  });

  it('gives different workers disjoint ids for the same clock', () => {
    const now = () => T0;
    const seen = new Set<string>();
    for (const workerId of [0, 1, 2, 512, MAX_WORKER_ID]) {
      const snowflake = createSnowflake({ workerId, now });
      for (let i = 0; i < 4096; i++) seen.add(snowflake.next());
    }
    expect(seen.size).toBe(5 * 4096);
  });

  it('rejects worker ids outside 0..1023', () => {
    for (const workerId of [-1, 1024, 1.5, Number.NaN]) {
      expect(() => createSnowflake({ workerId })).toThrow(RangeError);
    }
    expect(() => createSnowflake({ workerId: 0 })).not.toThrow();
    expect(() => createSnowflake({ workerId: 1023 })).not.toThrow();
  });

  it('refuses a clock before its epoch', () => {
    const snowflake = createSnowflake({ workerId: 0, now: () => SNOWFLAKE_DEFAULT_EPOCH_MS - 1 });
    expect(() => snowflake.next()).toThrow(RangeError);
  });
});

describe('parseSnowflake', () => {
  it('round-trips the parts of an id', () => {
    const snowflake = createSnowflake({ workerId: 777, now: () => T0 });
    snowflake.next();
    const id = snowflake.next();
    expect(parseSnowflake(id)).toEqual({ timestampMs: T0, workerId: 777, sequence: 1 });
    expect(parseSnowflake(BigInt(id))).toEqual(parseSnowflake(id));
  });

  it('uses the epoch the id was made with', () => {
    const epochMs = Date.UTC(2015, 0, 1);
    const id = createSnowflake({ workerId: 4, epochMs, now: () => T0 }).next();
    expect(parseSnowflake(id, epochMs).timestampMs).toBe(T0);
  });

  it('reads an id of the size the Rockstat API answers with', () => {
    expect(parseSnowflake('6462462774336290816').workerId).toBeGreaterThanOrEqual(0);
  });

  it('rejects text that is not a 63-bit decimal id', () => {
    for (const id of ['', '-1', '12a', '1e5', ' 1', '9223372036854775808', '123456789012345678901']) {
      expect(() => parseSnowflake(id)).toThrow(RangeError);
    }
  });
});
