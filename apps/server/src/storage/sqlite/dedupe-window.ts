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
  /**
   * An open-addressing hash table (linear probing), at most half full, whose slots hold a position
   * in the ring plus one (0: empty); the ring holds every remembered (key, rowId) in arrival order,
   * the oldest forgotten first. 4 bytes a slot and 16 a ring entry, allocated once, nothing for the
   * garbage collector (a Map of numbers took ~75 bytes a pair; slots holding the key and row id
   * themselves, 16 bytes each, took twice this).
   */
  private readonly slots: Uint32Array;
  private readonly mask: number;
  private readonly ringKeys: Float64Array;
  private readonly ringRowIds: Float64Array;
  private next = 0;
  private filled = 0;
  private stored = 0;

  constructor(readonly capacity: number) {
    // A slot holds a ring position plus one in 32 bits.
    if (!Number.isSafeInteger(capacity) || capacity < 0 || capacity > MAX_CAPACITY)
      throw new RangeError(`dedupe capacity must be an integer from 0 to ${MAX_CAPACITY}, got ${capacity}`);
    this.slots = new Uint32Array(2 ** Math.ceil(Math.log2(Math.max(2, capacity * 2))));
    this.mask = this.slots.length - 1;
    this.ringKeys = new Float64Array(capacity);
    this.ringRowIds = new Float64Array(capacity);
  }

  /**
   * Memory the window holds, allocated up front: 4 bytes per hash-table slot (at least twice the
   * capacity, rounded up to a power of two) and 16 per ring entry — 24 to 32 bytes per entry.
   */
  get memoryBytes(): number {
    return this.slots.byteLength + this.ringKeys.byteLength + this.ringRowIds.byteLength;
  }

  /** Pairs remembered now. */
  get size(): number {
    return this.stored;
  }

  /** The row id remembered for this pair, if any: a candidate duplicate to confirm. */
  candidate(source: string, messageId: string): number | undefined {
    const position = this.slots[this.find(keyOf(source, messageId))]!;
    return position === 0 ? undefined : this.ringRowIds[position - 1];
  }

  /** Remembers the pair as stored in `rowId`, forgetting the oldest pair when full. */
  remember(source: string, messageId: string, rowId: number): void {
    if (this.capacity === 0) return;
    const key = keyOf(source, messageId);
    if (this.filled === this.capacity) {
      // A later remember() of the same key owns the slot now (it points further on); leave it.
      const oldSlot = this.find(this.ringKeys[this.next]!);
      if (this.slots[oldSlot] === this.next + 1) this.remove(oldSlot);
    } else {
      this.filled += 1;
    }
    this.ringKeys[this.next] = key;
    this.ringRowIds[this.next] = rowId;
    const slot = this.find(key);
    if (this.slots[slot] === 0) this.stored += 1;
    this.slots[slot] = this.next + 1;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private find(key: number): number {
    let slot = this.home(key);
    for (let position = this.slots[slot]!; position !== 0; position = this.slots[slot]!) {
      if (this.ringKeys[position - 1] === key) return slot;
      slot = (slot + 1) & this.mask;
    }
    return slot;
  }

  private home(key: number): number {
    return (key >>> 0) & this.mask;
  }

  /** Empties a slot, moving later entries of its probe run back so that every lookup still finds them. */
  private remove(slot: number): void {
    let hole = slot;
    for (let next = (hole + 1) & this.mask; this.slots[next] !== 0; next = (next + 1) & this.mask) {
      const home = this.home(this.ringKeys[this.slots[next]! - 1]!);
      // Move the entry into the hole unless its home lies cyclically in (hole, next].
      const homeAfterHole = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (homeAfterHole) continue;
      this.slots[hole] = this.slots[next]!;
      hole = next;
    }
    this.slots[hole] = 0;
    this.stored -= 1;
  }
}

/** The most pairs a window holds: a slot keeps a ring position plus one in 32 bits. */
export const MAX_CAPACITY = 2 ** 32 - 2;

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
  // Never 0, which marks an empty slot.
  return (high & 0x1fffff) * 0x100000000 + (low >>> 0) || 1;
}
