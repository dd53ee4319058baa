/**
 * 64-bit time-ordered ids ("snowflakes"), written as decimal strings the way
 * the Rockstat API answers them (e.g. "6462462774336290816").
 *
 * Layout, high to low: 1 zero sign bit | 41 bits ms since epoch | 10 bits worker id | 12 bits sequence.
 * Unique across processes with distinct worker ids, and across restarts because time moves on.
 */

export const SNOWFLAKE_DEFAULT_EPOCH_MS = Date.UTC(2020, 0, 1);
export const MAX_WORKER_ID = 1023;

const TIMESTAMP_BITS = 41n;
const WORKER_BITS = 10n;
const SEQUENCE_BITS = 12n;
const MAX_TIMESTAMP = Number((1n << TIMESTAMP_BITS) - 1n);
const MAX_SEQUENCE = Number((1n << SEQUENCE_BITS) - 1n);
const MAX_ID = (1n << (TIMESTAMP_BITS + WORKER_BITS + SEQUENCE_BITS)) - 1n;

export interface SnowflakeOptions {
  /** 0..1023, distinct for every process that generates ids concurrently. */
  workerId: number;
  /** Start of the 41-bit ms range (about 69 years). Default 2020-01-01T00:00:00Z. */
  epochMs?: number;
  /** Clock in ms since the Unix epoch; injectable for tests. */
  now?: () => number;
}

export interface Snowflake {
  /** The next id as a decimal string. */
  next(): string;
  nextBigInt(): bigint;
}

export interface SnowflakeParts {
  /** Unix ms of the id's timestamp (epoch already added). */
  timestampMs: number;
  workerId: number;
  sequence: number;
}

export function createSnowflake({
  workerId,
  epochMs = SNOWFLAKE_DEFAULT_EPOCH_MS,
  now = Date.now,
}: SnowflakeOptions): Snowflake {
  if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
    throw new RangeError(`workerId must be an integer in 0..${MAX_WORKER_ID}, got ${workerId}`);
  }
  if (!Number.isSafeInteger(epochMs)) throw new RangeError(`epochMs must be an integer, got ${epochMs}`);

  const workerBits = BigInt(workerId) << SEQUENCE_BITS;
  let lastTimestamp = -1;
  let sequence = 0;

  /** Ms since epoch; only the id's final timestamp is range-checked, so a clock stepped far back is harmless. */
  const readClock = (): number => Math.floor(now()) - epochMs;

  const nextTimestampAfter = (last: number): number => {
    let timestamp = readClock();
    // The clock was stepped back: waiting for it could block for seconds,
    // so borrow the next millisecond instead; the clock soon passes it.
    if (timestamp < last) return last + 1;
    // Sequence exhausted within this ms: spin (under 1 ms) until it ends.
    while (timestamp <= last) timestamp = readClock();
    return timestamp;
  };

  const nextBigInt = (): bigint => {
    // A clock that went backwards keeps the last timestamp, so ids never decrease.
    let timestamp = Math.max(readClock(), lastTimestamp);
    if (timestamp === lastTimestamp) {
      sequence = (sequence + 1) & MAX_SEQUENCE;
      if (sequence === 0) timestamp = nextTimestampAfter(lastTimestamp);
    } else {
      sequence = 0;
    }
    if (!(timestamp >= 0 && timestamp <= MAX_TIMESTAMP)) {
      throw new RangeError(`clock is outside the 41-bit ms range starting at epoch ${epochMs}`);
    }
    lastTimestamp = timestamp;
    return (BigInt(timestamp) << (WORKER_BITS + SEQUENCE_BITS)) | workerBits | BigInt(sequence);
  };

  return { nextBigInt, next: () => nextBigInt().toString() };
}

/** Splits an id into its parts; `epochMs` must be the one it was made with. */
export function parseSnowflake(id: string | bigint, epochMs = SNOWFLAKE_DEFAULT_EPOCH_MS): SnowflakeParts {
  if (typeof id === 'string' && !/^\d{1,20}$/.test(id)) throw new RangeError(`not a snowflake id: ${id}`);
  const value = BigInt(id);
  if (value < 0n || value > MAX_ID) throw new RangeError(`not a snowflake id: ${id}`);
  return {
    timestampMs: Number(value >> (WORKER_BITS + SEQUENCE_BITS)) + epochMs,
    workerId: Number((value >> SEQUENCE_BITS) & BigInt(MAX_WORKER_ID)),
    sequence: Number(value & BigInt(MAX_SEQUENCE)),
  };
}
