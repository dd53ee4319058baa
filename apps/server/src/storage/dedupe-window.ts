/**
 * The message ids of the most recent events, in memory, for deduplicating retries.
 *
 * A unique index on random message ids costs one dirtied B-tree page per event in every commit
 * (measured: ~5× the cost of the rest of the insert), so the store keeps no such index; instead it
 * remembers the last `capacity` (source, messageId) pairs here and rebuilds them from the event log
 * at start-up. Keys are 53-bit hashes mapped to row ids: a hit is only a candidate, which the store
 * confirms by reading that row, so a hash collision never drops an event.
 */
export class DedupeWindow {
  private readonly rowIdByKey = new Map<number, number>();
  /** Ring of remembered (key, rowId) in arrival order; the oldest is overwritten first. */
  private readonly ringKeys: Float64Array;
  private readonly ringRowIds: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`dedupe capacity must be a non-negative integer, got ${capacity}`);
    this.ringKeys = new Float64Array(capacity);
    this.ringRowIds = new Float64Array(capacity);
  }

  get size(): number {
    return this.rowIdByKey.size;
  }

  /** The row id remembered for this pair, if any: a candidate duplicate to confirm. */
  candidate(source: string, messageId: string): number | undefined {
    return this.rowIdByKey.get(keyOf(source, messageId));
  }

  /** Remembers the pair as stored in `rowId`, forgetting the oldest pair when full. */
  remember(source: string, messageId: string, rowId: number): void {
    if (this.capacity === 0) return;
    const key = keyOf(source, messageId);
    if (this.filled === this.capacity) {
      const oldKey = this.ringKeys[this.next]!;
      // A later remember() of the same key owns the entry now; leave it.
      if (this.rowIdByKey.get(oldKey) === this.ringRowIds[this.next]) this.rowIdByKey.delete(oldKey);
    } else {
      this.filled += 1;
    }
    this.ringKeys[this.next] = key;
    this.ringRowIds[this.next] = rowId;
    this.next = (this.next + 1) % this.capacity;
    this.rowIdByKey.set(key, rowId);
  }
}

/** A 53-bit hash of the pair (two 32-bit multiplicative lanes), exact as a JS number. */
function keyOf(source: string, messageId: string): number {
  let high = 0x9e3779b9;
  let low = 0x85ebca6b ^ source.length;
  // The seed holds the source's length, so ('ab','c') and ('a','bc') differ.
  const text = `${source}\n${messageId}`;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    high = Math.imul(high ^ code, 0x85ebca77);
    low = Math.imul(low ^ code, 0xc2b2ae3d);
  }
  high = Math.imul(high ^ (high >>> 16), 0x7feb352d) ^ Math.imul(low ^ (low >>> 15), 0x846ca68b);
  low = Math.imul(low ^ (low >>> 16), 0x27d4eb2f) ^ Math.imul(high ^ (high >>> 13), 0x165667b1);
  return (high & 0x1fffff) * 0x100000000 + (low >>> 0);
}
