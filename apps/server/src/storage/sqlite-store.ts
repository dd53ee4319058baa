/**
 * EventStore on SQLite (better-sqlite3): WAL journal with synchronous=FULL so
 * an acknowledged event survives a crash or power loss, and group commit so
 * that durability costs one fsync per event-loop turn rather than per request.
 * Retries are deduplicated against a window of recent message ids held in
 * memory (see dedupe-window.ts), not a unique index.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DedupeWindow } from './dedupe-window.js';
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

export interface SqliteStoreOptions {
  /**
   * How long a statement waits for another connection's lock before failing.
   * better-sqlite3 waits synchronously, blocking the event loop, so keep it
   * short. Default 2000 ms.
   */
  busyTimeoutMs?: number;
  /**
   * How many of the most recent events with a message id are remembered for
   * deduplication (default 1,000,000; about 40 bytes each). A retry of an
   * event older than that is stored again.
   */
  dedupeWindow?: number;
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

/**
 * Schema migrations: entry N upgrades PRAGMA user_version N to N+1.
 * Append only; never edit one that has shipped.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id           INTEGER PRIMARY KEY AUTOINCREMENT,
     api          TEXT NOT NULL,
     source       TEXT NOT NULL,
     type         TEXT NOT NULL,
     event_name   TEXT,
     user_id      TEXT,
     anonymous_id TEXT,
     message_id   TEXT,
     timestamp    TEXT,
     received_at  TEXT NOT NULL,
     payload      TEXT NOT NULL
   );
   -- One index on the (random) message ids serves both dedupe and the admin filter: each random
   -- key dirties its own page per commit, and a second such index cost ~15 % of write throughput.
   CREATE UNIQUE INDEX events_message_id_source ON events (message_id, source) WHERE message_id IS NOT NULL;
   CREATE INDEX events_api ON events (api);
   CREATE INDEX events_source ON events (source);
   CREATE INDEX events_type ON events (type);
   CREATE INDEX events_received_at ON events (received_at);`,
  // Keep only the indexes whose keys grow with time (cheap to append to). The random message-id
  // index dirtied one page per event and cut write throughput ~5×; dedupe now uses an in-memory
  // window. `api` and `type` filters scan in id order, which is quick for common values.
  `DROP INDEX events_message_id_source;
   DROP INDEX events_api;
   DROP INDEX events_type;`,
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

const DEFAULT_BUSY_TIMEOUT_MS = 2000;
const DEFAULT_DEDUPE_WINDOW = 1_000_000;

const EVENT_COLUMNS =
  'id, api, source, type, event_name, user_id, anonymous_id, message_id, timestamp, received_at, payload';

/** The bound parameters of the insert statement, one per column. */
interface EventParams {
  api: string;
  source: string;
  type: string;
  event_name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  message_id: string | null;
  timestamp: string | null;
  received_at: string;
  payload: string;
}

interface EventRow extends EventParams {
  id: number;
}

interface PendingAppend {
  params: EventParams[];
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

type Statement = Database.Statement;

/**
 * Opens (creating if needed) the database file and migrates its schema.
 * Synchronous, as better-sqlite3 is; throws StoreUnavailableError if the file
 * cannot be opened or migrated. `':memory:'` gives a private in-memory store.
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteEventStore {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let db: Database.Database | undefined;
  try {
    if (isFilePath(path)) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: busyTimeoutMs });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    migrate(db);
    return new SqliteStore(db, options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW);
  } catch (error) {
    closeQuietly(db);
    throw new StoreUnavailableError(`cannot open event store at ${path}: ${messageOf(error)}`, { cause: error });
  }
}

function closeQuietly(db: Database.Database | undefined): void {
  try {
    db?.close();
  } catch {
    // The open error is the one worth reporting.
  }
}

function isFilePath(path: string): boolean {
  // '' is an anonymous temporary database; 'file:' URIs name their own location.
  return path !== '' && path !== ':memory:' && !path.startsWith('file:');
}

function migrate(db: Database.Database): void {
  const readVersion = () => db.pragma('user_version', { simple: true }) as number;
  if (readVersion() > MIGRATIONS.length) {
    throw new Error(`schema version ${readVersion()} is newer than this server knows (${MIGRATIONS.length})`);
  }
  MIGRATIONS.forEach((sql, index) => {
    const applyOnce = db.transaction(() => {
      // Re-read under the write lock: another process may have migrated meanwhile.
      if (readVersion() > index) return;
      db.exec(sql);
      db.pragma(`user_version = ${index + 1}`);
    });
    applyOnce.immediate();
  });
}

class SqliteStore implements SqliteEventStore {
  private readonly db: Database.Database;
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;
  private readonly insert: Statement;
  private readonly findMessageKeyById: Statement;
  private readonly findById: Statement;
  private readonly readCheck: Statement;
  /** List statements keyed by the set of filters used, each prepared once. */
  private readonly listStatements = new Map<string, Statement>();

  private readonly dedupe: DedupeWindow;
  private pending: PendingAppend[] = [];
  private flushScheduled: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly counters: SqliteStoreStats = {
    appendCalls: 0,
    transactions: 0,
    failedTransactions: 0,
    eventsStored: 0,
    duplicates: 0,
  };

  constructor(db: Database.Database, dedupeWindow: number) {
    this.db = db;
    // IMMEDIATE takes the write lock up front, so lock waits happen in BEGIN
    // (bounded by busy_timeout) and never half-way through a batch.
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.insert = db.prepare(
      `INSERT INTO events (api, source, type, event_name, user_id, anonymous_id, message_id, timestamp, received_at, payload)
       VALUES (@api, @source, @type, @event_name, @user_id, @anonymous_id, @message_id, @timestamp, @received_at, @payload)`,
    );
    this.findMessageKeyById = db.prepare('SELECT source, message_id FROM events WHERE id = ?');
    this.findById = db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`);
    this.readCheck = db.prepare('SELECT id FROM events ORDER BY id DESC LIMIT 1');
    this.dedupe = loadDedupeWindow(db, dedupeWindow);
  }

  async append(events: readonly NewEvent[]): Promise<AppendResult[]> {
    this.assertOpen();
    // Serialise before queueing so a bad event fails its own call, not the batch.
    const params = events.map(toParams);
    if (params.length === 0) return [];
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.pending.push({ params, resolve, reject });
      // setImmediate (not a microtask) also gathers requests parsed in the same I/O phase.
      this.flushScheduled ??= setImmediate(() => {
        this.flushScheduled = undefined;
        this.flush();
      });
    });
  }

  async list(filter: EventFilter): Promise<EventPage> {
    this.assertOpen();
    const { limit } = filter;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);

    const conditions: string[] = ['id > @afterId'];
    const params: Record<string, string | number> = {
      afterId: filter.cursor === undefined ? 0 : decodeCursor(filter.cursor),
      // One extra row tells whether another page exists.
      take: limit + 1,
    };
    const equalities = [
      ['api', 'api', filter.api],
      ['source', 'source', filter.source],
      ['type', 'type', filter.type],
      ['messageId', 'message_id', filter.messageId],
    ] as const;
    for (const [name, column, value] of equalities) {
      if (value === undefined) continue;
      conditions.push(`${column} = @${name}`);
      params[name] = value;
    }
    if (filter.from !== undefined) {
      conditions.push('received_at >= @from');
      params.from = normaliseTime(filter.from, 'from');
    }
    if (filter.to !== undefined) {
      conditions.push('received_at < @to');
      params.to = normaliseTime(filter.to, 'to');
    }

    const rows = this.read(() => this.listStatement(conditions).all(params) as EventRow[]);
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
    const row = this.read(() => this.findById.get(rowId) as EventRow | undefined);
    return row && toStoredEvent(row);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    try {
      this.readCheck.get();
      // Taking the write lock proves a write could start now; nothing is written.
      this.abandonOpenTransaction();
      this.begin.run();
      this.rollback.run();
    } catch (error) {
      this.abandonOpenTransaction();
      throw new StoreUnavailableError(`event store is not ready: ${messageOf(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    // Idempotent, so several shutdown hooks may call it.
    if (this.closed) return;
    this.closed = true;
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    // Appends accepted before close still get their commit.
    this.flush();
    try {
      this.db.close();
    } catch (error) {
      throw new StoreUnavailableError(`cannot close event store: ${messageOf(error)}`, { cause: error });
    }
  }

  stats(): SqliteStoreStats {
    return { ...this.counters };
  }

  /** Writes every pending append in one transaction, then settles all their promises. */
  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.counters.appendCalls += batch.length;

    let results: AppendResult[][];
    const remembered: Array<[EventParams, number]> = [];
    try {
      results = this.inWriteTransaction(() => batch.map(({ params }) => params.map((p) => this.insertOne(p, remembered))));
    } catch (error) {
      // Nothing of the transaction was stored, so nothing of it may count as a duplicate later.
      for (const [params, rowId] of remembered) this.dedupe.forget(params.source, params.message_id!, rowId);
      this.counters.failedTransactions += 1;
      for (const { reject } of batch) {
        reject(new StoreUnavailableError(`could not store events: ${messageOf(error)}`, { cause: error }));
      }
      return;
    }

    this.counters.transactions += 1;
    batch.forEach(({ resolve }, index) => {
      const callResults = results[index] ?? [];
      for (const { duplicate } of callResults) {
        if (duplicate) this.counters.duplicates += 1;
        else this.counters.eventsStored += 1;
      }
      resolve(callResults);
    });
  }

  private insertOne(params: EventParams, remembered: Array<[EventParams, number]>): AppendResult {
    const messageId = params.message_id;
    if (messageId !== null) {
      const candidate = this.dedupe.candidate(params.source, messageId);
      if (candidate !== undefined) {
        // Confirm by reading the row: the window stores hashes, and this may be a collision.
        const earlier = this.findMessageKeyById.get(candidate) as { source: string; message_id: string | null } | undefined;
        if (earlier?.source === params.source && earlier.message_id === messageId) return { id: String(candidate), duplicate: true };
      }
    }
    const rowId = Number(this.insert.run(params).lastInsertRowid);
    if (messageId !== null) {
      this.dedupe.remember(params.source, messageId, rowId);
      remembered.push([params, rowId]);
    }
    return { id: String(rowId), duplicate: false };
  }

  private inWriteTransaction<T>(work: () => T): T {
    this.abandonOpenTransaction();
    this.begin.run();
    try {
      const result = work();
      this.commit.run();
      return result;
    } catch (error) {
      this.abandonOpenTransaction();
      throw error;
    }
  }

  /**
   * Rolls back a transaction left open by a failure, so the next write starts
   * clean instead of nesting in a dead one. SQLite may already have rolled back
   * (e.g. after SQLITE_FULL); a failing rollback must not mask the first error.
   */
  private abandonOpenTransaction(): void {
    if (!this.db.inTransaction) return;
    try {
      this.rollback.run();
    } catch {
      // The next BEGIN reports whatever is still wrong.
    }
  }

  private listStatement(conditions: readonly string[]): Statement {
    const key = conditions.join(' AND ');
    let statement = this.listStatements.get(key);
    if (!statement) {
      statement = this.db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE ${key} ORDER BY id LIMIT @take`);
      this.listStatements.set(key, statement);
    }
    return statement;
  }

  /** Runs a read, reporting SQLite failures as unavailability; other errors are bugs and pass through. */
  private read<T>(query: () => T): T {
    try {
      return query();
    } catch (error) {
      if (error instanceof Database.SqliteError) {
        throw new StoreUnavailableError(`could not read events: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('event store is closed');
  }
}

/** The window of the most recent message ids, read back from the event log (newest rows last). */
function loadDedupeWindow(db: Database.Database, capacity: number): DedupeWindow {
  const window = new DedupeWindow(capacity);
  if (capacity === 0) return window;
  const rows = db
    .prepare('SELECT id, source, message_id FROM events WHERE message_id IS NOT NULL ORDER BY id DESC LIMIT ?')
    .raw()
    .all(capacity) as Array<[number, string, string]>;
  for (let index = rows.length - 1; index >= 0; index--) {
    const [id, source, messageId] = rows[index]!;
    window.remember(source, messageId, id);
  }
  return window;
}

function toParams(event: NewEvent, index: number): EventParams {
  const field = (name: string) => `events[${index}].${name}`;
  const payload = JSON.stringify(event.payload);
  if (payload === undefined) throw new TypeError(`${field('payload')} is not JSON-serialisable`);
  return {
    api: requiredText(event.api, field('api')),
    source: requiredText(event.source, field('source')),
    type: requiredText(event.type, field('type')),
    event_name: optionalText(event.eventName, field('eventName')),
    user_id: optionalText(event.userId, field('userId')),
    anonymous_id: optionalText(event.anonymousId, field('anonymousId')),
    message_id: optionalText(event.messageId, field('messageId')),
    timestamp: optionalText(event.timestamp, field('timestamp')),
    // One UTC format for every row keeps the text range filters on received_at correct.
    received_at: normaliseTime(event.receivedAt, field('receivedAt')),
    payload,
  };
}

function requiredText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

function optionalText(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string or null`);
  return value;
}

/** ISO 8601 in, UTC `YYYY-MM-DDTHH:mm:ss.sssZ` out, so text order is time order. */
function normaliseTime(value: unknown, name: string): string {
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
