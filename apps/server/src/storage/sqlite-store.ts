/**
 * EventStore on SQLite (better-sqlite3): WAL journal with synchronous=FULL so an acknowledged event
 * survives a crash or power loss, and group commit so that durability costs one fsync per group of
 * requests rather than per request. The connection lives on a writer thread (sqlite-writer.ts):
 * while it commits one group, this thread goes on parsing and validating the next, which the
 * writer then commits together. Retries are deduplicated against a window of recent message ids
 * held in memory (dedupe-window.ts), not a unique index.
 */
import { Worker } from 'node:worker_threads';
import { isFilePath, openEventDatabase } from './sqlite-database.js';
import { COLUMN_COUNT, INSERT_COLUMNS, type AppendOutcome, type InsertColumn, type ColumnValue, type EventRow, type ListQuery } from './sqlite-events.js';
import {
  InvalidCursorError,
  StoreUnavailableError,
  type AppendResult,
  type EventFilter,
  type EventPage,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from './event-store.js';

export { SQLITE_SCHEMA_VERSION } from './sqlite-database.js';

export interface SqliteStoreOptions {
  /**
   * How long a write waits for another connection's lock before failing (the
   * writer thread waits; requests get 503). Default 2000 ms.
   */
  busyTimeoutMs?: number;
  /**
   * How many of the most recent events with a message id are remembered for
   * deduplication (default 1,000,000; about 48 bytes each). A retry of an
   * event older than that is stored again.
   */
  dedupeWindow?: number;
  /** The writer thread's entry module (tests wrap it to make the thread die). */
  writerEntry?: URL;
}

/** Counters for tests and ops; `transactions` counts committed group commits. */
export interface SqliteStoreStats {
  appendCalls: number;
  transactions: number;
  failedTransactions: number;
  eventsStored: number;
  duplicates: number;
}

export interface SqliteEventStore extends EventStore {
  stats(): SqliteStoreStats;
}

/** What the writer thread is started with. */
export interface WriterSettings {
  path: string;
  busyTimeoutMs: number;
  dedupeWindow: number;
}

/** Requests to the writer thread, answered in order, one reply each. */
export type WriterRequest = { seq: number } & (
  | { kind: 'append'; groups: ColumnValue[][] }
  | { kind: 'list'; query: ListQuery }
  | { kind: 'get'; id: number }
  | { kind: 'ping' }
  | { kind: 'close' }
);
type RequestBody = WriterRequest extends infer R ? (R extends { seq: number } ? Omit<R, 'seq'> : never) : never;

export interface WriterError {
  message: string;
  code?: string;
  /** SQLite itself failed (or could not open): the store is unavailable, the server answers 503. */
  unavailable: boolean;
  /** For a failed append: the writer's number of the transaction that failed. */
  transaction?: number;
}

export type WriterReply = { seq: number } & ({ ok: true; result: unknown } | { ok: false; error: WriterError });

const DEFAULT_BUSY_TIMEOUT_MS = 2000;
const DEFAULT_DEDUPE_WINDOW = 1_000_000;


interface PendingAppend {
  values: ColumnValue[];
  count: number;
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

/**
 * Opens (creating if needed) the database file, migrates its schema and starts the writer thread.
 * Throws StoreUnavailableError if the file cannot be opened or migrated. `':memory:'` gives a
 * private in-memory store.
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteEventStore {
  const settings: WriterSettings = {
    path,
    busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    dedupeWindow: options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW,
  };
  // Open and migrate here first, so that a bad path fails the caller now, not its first request.
  if (isFilePath(path)) {
    try {
      openEventDatabase(path, settings.busyTimeoutMs).close();
    } catch (error) {
      throw new StoreUnavailableError(`cannot open event store at ${path}: ${messageOf(error)}`, { cause: error });
    }
  }
  return new SqliteStore(settings, options.writerEntry ?? writerUrl);
}

const writerUrl = new URL('./sqlite-writer.bootstrap.mjs', import.meta.url);

class SqliteStore implements SqliteEventStore {
  private writer: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve(result: unknown): void; reject(error: unknown): void }>();
  /** Set while there is no writer thread (it died and is being restarted); calls reject with it. */
  private down: StoreUnavailableError | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  /** When the current writer started, and how many in a row died soon after starting. */
  private startedAt = 0;
  private quickDeaths = 0;

  private pending: PendingAppend[] = [];
  /** The writer's number of the last transaction counted in the stats. */
  private lastTransaction = 0;
  private flushScheduled: NodeJS.Immediate | undefined;
  private closing: Promise<void> | undefined;
  private readonly counters: SqliteStoreStats = {
    appendCalls: 0,
    transactions: 0,
    failedTransactions: 0,
    eventsStored: 0,
    duplicates: 0,
  };

  constructor(
    private readonly settings: WriterSettings,
    private readonly writerEntry: URL,
  ) {
    this.writer = this.startWriter();
  }

  private startWriter(): Worker {
    const writer = new Worker(this.writerEntry, { workerData: this.settings });
    // Only outstanding requests keep the process alive (see call()).
    writer.unref();
    writer.on('message', (reply: WriterReply) => this.settle(reply));
    let gone = false;
    const onGone = (what: string, cause?: Error) => {
      if (gone) return; // 'error' is followed by 'exit'
      gone = true;
      this.writerGone(new StoreUnavailableError(`the store's writer thread ${what}`, cause ? { cause } : {}));
    };
    writer.on('error', (error) => onGone(`failed: ${error.message}`, error));
    writer.on('exit', (code) => onGone(`exited (code ${code})`));
    this.startedAt = Date.now();
    return writer;
  }

  async append(events: readonly NewEvent[]): Promise<AppendResult[]> {
    this.assertOpen();
    // Serialise before queueing so a bad event fails its own call, not the group.
    const values = toColumnValues(events);
    if (events.length === 0) return [];
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.pending.push({ values, count: events.length, resolve, reject });
      // setImmediate (not a microtask) also gathers requests parsed in the same I/O phase.
      this.flushScheduled ??= setImmediate(() => {
        this.flushScheduled = undefined;
        this.flush();
      });
    });
  }

  async list(filter: EventFilter): Promise<EventPage> {
    this.assertOpen();
    const { cursor, limit, from, to, ...equalities } = filter;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const query: ListQuery = {
      ...equalities,
      afterId: cursor === undefined ? 0 : decodeCursor(cursor),
      // One extra row tells whether another page exists.
      take: limit + 1,
    };
    if (from !== undefined) query.from = normaliseTime(from, 'from');
    if (to !== undefined) query.to = normaliseTime(to, 'to');

    const rows = (await this.call({ kind: 'list', query })) as EventRow[];
    const pageRows = rows.slice(0, limit);
    const last = pageRows.at(-1);
    return {
      events: pageRows.map(toStoredEvent),
      nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
    };
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    this.assertOpen();
    const rowId = parseRowId(id);
    if (rowId === undefined) return undefined;
    const row = (await this.call({ kind: 'get', id: rowId })) as EventRow | undefined;
    return row && toStoredEvent(row);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    try {
      await this.call({ kind: 'ping' });
    } catch (error) {
      throw new StoreUnavailableError(`event store is not ready: ${messageOf(error)}`, { cause: error });
    }
  }

  /** Idempotent, so several shutdown hooks may call it. Appends accepted before it still get their commit. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.flushScheduled) clearImmediate(this.flushScheduled);
      this.flushScheduled = undefined;
      // The writer answers in order: these appends are committed before it closes.
      this.flush();
      if (this.down) {
        clearTimeout(this.restartTimer);
        return;
      }
      const exited = new Promise((resolve) => this.writer.once('exit', resolve));
      try {
        await this.call({ kind: 'close' });
      } catch (error) {
        throw new StoreUnavailableError(`cannot close event store: ${messageOf(error)}`, { cause: error });
      }
      await exited;
    })();
    return this.closing;
  }

  stats(): SqliteStoreStats {
    return { ...this.counters };
  }

  /**
   * Sends every pending append to the writer as one group, without waiting for the groups before
   * it: the writer commits whatever has queued in one transaction.
   */
  private flush(): void {
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    this.counters.appendCalls += group.length;
    this.call({ kind: 'append', groups: group.map((append) => append.values) }).then(
      (result) => this.settleGroup(group, result as AppendOutcome[]),
      (error: unknown) => {
        const transaction = (error as { transaction?: number }).transaction;
        if (transaction !== undefined && transaction > this.lastTransaction) {
          this.lastTransaction = transaction;
          this.counters.failedTransactions += 1;
        }
        const failure = error instanceof StoreUnavailableError ? error : new StoreUnavailableError(`could not store events: ${messageOf(error)}`, { cause: error });
        for (const { reject } of group) reject(failure);
      },
    );
  }

  /** Resolves each append of the group with its outcome (the writer answers one per append, in order). */
  private settleGroup(group: readonly PendingAppend[], outcomes: readonly AppendOutcome[]): void {
    group.forEach(({ count, resolve }, index) => {
      const { ids, duplicates, transaction } = outcomes[index]!;
      // Several appends share one transaction; count it once.
      if (transaction > this.lastTransaction) {
        this.lastTransaction = transaction;
        this.counters.transactions += 1;
      }
      const results: AppendResult[] = new Array(count);
      for (let row = 0; row < count; row++) {
        const duplicate = duplicates[row] === 1;
        if (duplicate) this.counters.duplicates += 1;
        else this.counters.eventsStored += 1;
        results[row] = { id: String(ids[row]), duplicate };
      }
      resolve(results);
    });
  }

  private call(body: RequestBody): Promise<unknown> {
    if (this.down) return Promise.reject(this.down);
    const seq = ++this.seq;
    if (this.waiting.size === 0) this.writer.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.writer.postMessage({ ...body, seq } as WriterRequest);
    });
  }

  private settle(reply: WriterReply): void {
    const waiter = this.waiting.get(reply.seq);
    if (!waiter) return;
    this.waiting.delete(reply.seq);
    // Closing holds the process until the thread has exited.
    if (this.waiting.size === 0 && !this.closing) this.writer.unref();
    if (reply.ok) {
      waiter.resolve(reply.result);
      return;
    }
    const { message, code, unavailable, transaction } = reply.error;
    const cause = Object.assign(new Error(message), code ? { code } : {});
    const error = unavailable ? new StoreUnavailableError(`event store failed: ${message}`, { cause }) : cause;
    waiter.reject(Object.assign(error, transaction === undefined ? {} : { transaction }));
  }

  /**
   * The writer thread is gone: what waited on it fails (nothing of it was acknowledged), and, unless
   * the store is closing, a new writer starts — at once after a long life, after a growing pause
   * (0.5 s doubling, at most 30 s) when writers keep dying young, so a writer that cannot start
   * does not spin. Meanwhile every call fails fast with StoreUnavailableError (the server's 503).
   */
  private writerGone(error: StoreUnavailableError): void {
    this.down = error;
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
    const pending = this.pending;
    this.pending = [];
    for (const { reject } of pending) reject(error);
    if (this.closing) return;
    this.quickDeaths = Date.now() - this.startedAt < 10_000 ? this.quickDeaths + 1 : 0;
    const pause = this.quickDeaths === 0 ? 0 : Math.min(30_000, 500 * 2 ** (this.quickDeaths - 1));
    this.restartTimer = setTimeout(() => {
      this.down = undefined;
      this.writer = this.startWriter();
    }, pause);
    this.restartTimer.unref();
  }

  private assertOpen(): void {
    if (this.closing) throw new StoreUnavailableError('event store is closed');
    if (this.down) throw this.down;
  }
}

/** Each insert column's value from an event (the event's index is for error messages), checked and normalised. */
const COLUMN_VALUES: Record<InsertColumn, (event: NewEvent, index: number) => ColumnValue> = {
  api: (event, index) => requiredText(event.api, index, 'api'),
  source: (event, index) => requiredText(event.source, index, 'source'),
  type: (event, index) => requiredText(event.type, index, 'type'),
  event_name: (event, index) => optionalText(event.eventName, index, 'eventName'),
  user_id: (event, index) => optionalText(event.userId, index, 'userId'),
  anonymous_id: (event, index) => optionalText(event.anonymousId, index, 'anonymousId'),
  message_id: (event, index) => optionalText(event.messageId, index, 'messageId'),
  timestamp: (event, index) => optionalText(event.timestamp, index, 'timestamp'),
  // One UTC format for every row keeps the text range filters on received_at correct.
  received_at: (event, index) => normaliseTime(event.receivedAt, `events[${index}].receivedAt`),
  payload: (event, index) => {
    const payload = JSON.stringify(event.payload);
    if (payload === undefined) throw new TypeError(`events[${index}].payload is not JSON-serialisable`);
    return payload;
  },
};
const columnValues = INSERT_COLUMNS.map((column) => COLUMN_VALUES[column]);

/** The insert values of the events, COLUMN_COUNT per event, in INSERT_COLUMNS order. */
function toColumnValues(events: readonly NewEvent[]): ColumnValue[] {
  const values: ColumnValue[] = new Array(events.length * COLUMN_COUNT);
  let offset = 0;
  for (let index = 0; index < events.length; index++) {
    for (const value of columnValues) values[offset++] = value(events[index]!, index);
  }
  return values;
}

function requiredText(value: unknown, index: number, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`events[${index}].${name} must be a non-empty string`);
  return value;
}

function optionalText(value: unknown, index: number, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new TypeError(`events[${index}].${name} must be a string or null`);
  return value;
}

const CANONICAL_UTC = /^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** ISO 8601 in, UTC `YYYY-MM-DDTHH:mm:ss.sssZ` out, so text order is time order. */
function normaliseTime(value: unknown, name: string): string {
  // Already in that form (as every receivedAt the server sets is): nothing to do.
  if (typeof value === 'string' && value.length === 24 && CANONICAL_UTC.test(value)) return value;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be an ISO 8601 date-time, got ${String(value)}`);
  return new Date(ms).toISOString();
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: String(row.id),
    api: row.api,
    source: row.source,
    type: row.type,
    eventName: row.event_name,
    userId: row.user_id,
    anonymousId: row.anonymous_id,
    messageId: row.message_id,
    timestamp: row.timestamp,
    receivedAt: row.received_at,
    payload: JSON.parse(row.payload) as unknown,
  };
}

/** Row ids are positive integers; anything else names no event. */
function parseRowId(text: string): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}

function encodeCursor(id: number): string {
  return Buffer.from(String(id), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  // Node's base64url decoder skips junk, so accept only the exact encoding we issue.
  const id = /^[A-Za-z0-9_-]{1,32}$/.test(cursor)
    ? parseRowId(Buffer.from(cursor, 'base64url').toString('utf8'))
    : undefined;
  if (id === undefined || encodeCursor(id) !== cursor) throw new InvalidCursorError();
  return id;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
