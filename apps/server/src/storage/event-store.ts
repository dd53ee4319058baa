/**
 * The storage boundary of the ingest server. Handlers depend only on this
 * interface, so a PostgreSQL implementation can replace SQLite later.
 */

/** An accepted message, as a handler hands it to the store. */
export interface NewEvent {
  /** Registry name of the API that received it, e.g. 'm1das'. */
  api: string;
  /** Source id from the server config. */
  source: string;
  /** 'track' | 'identify' | 'page' | 'group' | 'alias' | 'event' | 'webhook' | ... */
  type: string;
  eventName?: string | null;
  userId?: string | null;
  anonymousId?: string | null;
  /** Dedupe key within `source`; null/undefined means never deduplicated. */
  messageId?: string | null;
  /** ISO 8601 event time as the sender gave it. */
  timestamp?: string | null;
  /** ISO 8601 time the server received it; stores may normalise it to UTC. */
  receivedAt: string;
  /** JSON-serialisable stored message. */
  payload: unknown;
}

export interface StoredEvent {
  id: string;
  api: string;
  source: string;
  type: string;
  eventName: string | null;
  userId: string | null;
  anonymousId: string | null;
  messageId: string | null;
  timestamp: string | null;
  receivedAt: string;
  payload: unknown;
}

export interface AppendResult {
  /** Id of the stored row; for a duplicate, the id of the earlier row. */
  id: string;
  duplicate: boolean;
}

export interface EventFilter {
  api?: string;
  source?: string;
  type?: string;
  messageId?: string;
  /** Inclusive lower bound on receivedAt (ISO 8601). */
  from?: string;
  /** Exclusive upper bound on receivedAt (ISO 8601). */
  to?: string;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
  /** Page size, a positive integer; callers enforce their own maximum. */
  limit: number;
}

export interface EventPage {
  events: StoredEvent[];
  /** Cursor for the next page, or null when this page is the last. */
  nextCursor: string | null;
}

/** The store cannot accept writes or reads right now; the server answers 503. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** A list cursor that this store did not issue; the server answers 400. */
export class InvalidCursorError extends Error {
  constructor(message = 'invalid cursor', options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidCursorError';
  }
}

/**
 * What a store tells the metrics (src/metrics.ts) as it works: every implementation (SQLite here, a
 * PostgreSQL one alike) calls `committed` once per committed transaction (a group commit).
 */
export interface StoreObserver {
  /** A transaction committed: how long it took (seconds) and how many events it held (stored and duplicates). */
  committed(seconds: number, events: number): void;
}

/** What a store reports when metrics are scraped. */
export interface StoreStatus {
  /** Requests waiting on the store's writer: appends queued for the next group and requests sent, unanswered. */
  queueDepth: number;
  /** Writers (the SQLite writer thread; a PostgreSQL store's connection) started again after one died. */
  writerRestarts: number;
  /** Message ids remembered for deduplication now (as of the last commit), and how many the window holds. */
  dedupeWindowSize: number;
  dedupeWindowCapacity: number;
}

/** A V8 heap's size, in bytes. */
export interface HeapSize {
  usedBytes: number;
  totalBytes: number;
}

export interface EventStore {
  /**
   * Stores the events durably (committed and synced) before resolving.
   * A repeated (source, messageId) within the store's dedupe window (its
   * most recent events) is not stored again and resolves as duplicate, with
   * the earlier event's id. All events of one call are stored atomically. Results are in
   * the order of `events`.
   */
  append(events: readonly NewEvent[]): Promise<AppendResult[]>;
  /**
   * Events ordered by id ascending; `from` inclusive and `to` exclusive on
   * receivedAt. Rejects with InvalidCursorError for a cursor it did not issue.
   */
  list(filter: EventFilter): Promise<EventPage>;
  get(id: string): Promise<StoredEvent | undefined>;
  /**
   * Resolves when the store can read and write (readiness probe); rejects with StoreUnavailableError otherwise
   * (a StoreNotWritableError, write-health.ts, says why). After a write has failed, resolves only once a
   * write has committed again: the store then probes with a small real write of its own.
   */
  ping(): Promise<void>;
  /** Finishes pending writes, then releases the store; later calls reject. */
  close(): Promise<void>;
  /** Metrics hooks (optional, so test doubles need not implement them): the store's observer... */
  observe?(observer: StoreObserver): void;
  /** ...and its state when scraped. */
  status?(): StoreStatus;
  /**
   * The heap of the store's own thread (the SQLite writer's isolate), which the process' heap
   * figures leave out; undefined when the store has no thread or the runtime cannot say.
   */
  threadHeap?(): Promise<HeapSize | undefined>;
}
