/**
 * What one mock received, oldest first, bounded: past the limit the oldest entries drop, and the
 * log counts them, so a consumer's test can tell a short list from a truncated one.
 */
import type { components } from './generated/received.js';

/** One request as a mock received it, judged against the spec (`GET /__trackspec/received`). */
export type ReceivedRequest = components['schemas']['ReceivedRequest'];

/** The answer of `GET /__trackspec/received`. */
export type ReceivedList = components['schemas']['ReceivedList'];

export interface ReceivedFilter {
  operationId?: string;
  /** Only entries after the one with this id. */
  since?: string;
  /** At most this many entries (the oldest that match). */
  limit?: number;
}

/** How many entries a mock keeps when no `receivedLimit` (`--received-limit`) is given. */
export const defaultReceivedLimit = 10_000;

export class ReceivedLog {
  readonly #capacity: number;
  #entries: ReceivedRequest[] = [];
  #nextId = 1;
  #dropped = 0;

  constructor(capacity = defaultReceivedLimit) {
    // 0 keeps nothing: every request is only counted in `dropped` (a long load run with no memory to spare).
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new Error(`received limit must be a non-negative integer, got ${capacity}`);
    this.#capacity = capacity;
  }

  add(entry: Omit<ReceivedRequest, 'id'>): ReceivedRequest {
    const stored = { id: String(this.#nextId++), ...entry };
    this.#entries.push(stored);
    // Dropping in chunks keeps a full log from shifting its whole array on every request.
    if (this.#entries.length > this.#capacity + Math.ceil(this.#capacity / 8)) this.#trim();
    return stored;
  }

  list({ operationId, since, limit }: ReceivedFilter = {}): ReceivedList {
    this.#trim();
    const after = since === undefined ? 0 : Number(since);
    const entries: ReceivedRequest[] = [];
    for (const entry of this.#entries) {
      if (limit !== undefined && entries.length >= limit) break;
      if (Number(entry.id) <= after) continue;
      if (operationId !== undefined && entry.operationId !== operationId) continue;
      entries.push(entry);
    }
    return { entries, dropped: this.#dropped };
  }

  clear(): void {
    this.#entries = [];
    this.#dropped = 0;
  }

  #trim(): void {
    const excess = this.#entries.length - this.#capacity;
    if (excess <= 0) return;
    this.#entries.splice(0, excess);
    this.#dropped += excess;
  }
}
