/**
 * EventStore on SQLite (better-sqlite3): WAL journal with synchronous=FULL so an acknowledged event
 * survives a crash or power loss, and group commit so that durability costs one fsync per group of
 * requests rather than per request. The connection lives on a writer thread (writer-thread.ts, reached
 * through writer-connection.ts): while it commits one group, this thread goes on parsing and validating
 * the next, which the writer then commits together. Retries are deduplicated against a window of recent
 * message ids held in memory (dedupe-window.ts), not a unique index.
 */
import { messageOf } from '../error-message.js';
import { parseRowId, type SqliteEventRow, toListQuery, toSqliteEventPage, toSqliteStoredEvent } from '../event-rows.js';
import {
  type AppendResult,
  type EventFilter,
  type EventPage,
  type EventStore,
  type HeapSize,
  type NewEvent,
  type StoredEvent,
  type StoreObserver,
  type StoreStatus,
  StoreUnavailableError,
} from '../event-store.js';
import { GroupCommitQueue, type GroupCommitStats, type PendingAppend } from '../group-commit-queue.js';
import { WriteHealth } from '../write-health.js';
import type { AppendOutcome } from './event-database.js';
import { sqliteFailureReason } from './failure-reason.js';
import { isFilePath, openEventDatabase } from './open-database.js';
import { lockForThisServer, type ServerLock } from './server-lock.js';
import { WriterConnection } from './writer-connection.js';
import type { WriterSettings } from './writer-protocol.js';

export interface SqliteStoreOptions {
  /**
   * How long a write waits for another connection's lock before failing (the
   * writer thread waits; requests get 503). Default 2000 ms.
   */
  busyTimeoutMs?: number;
  /**
   * How many of the most recent events with a message id are remembered for
   * deduplication (default 1,000,000; 24–32 bytes each). A retry of an
   * event older than that is stored again.
   */
  dedupeWindow?: number;
  /** The writer thread's entry module (tests wrap it to make the thread die). */
  writerEntry?: URL;
}

export interface SqliteEventStore extends EventStore {
  stats(): GroupCommitStats;
  observe(observer: StoreObserver): void;
  status(): StoreStatus;
}

const DEFAULT_BUSY_TIMEOUT_MS = 2000;
const DEFAULT_DEDUPE_WINDOW = 1_000_000;

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
  let lock: ServerLock | undefined;
  // Open and migrate here first, so that a bad path fails the caller now, not its first request.
  if (isFilePath(path)) {
    try {
      openEventDatabase(path, settings.busyTimeoutMs).close();
    } catch (error) {
      throw new StoreUnavailableError(`cannot open event store at ${path}: ${messageOf(error)}`, { cause: error });
    }
    lock = lockForThisServer(path);
  }
  return new SqliteStore(settings, options.writerEntry, lock);
}

class SqliteStore implements SqliteEventStore {
  private readonly writer: WriterConnection;
  private readonly queue: GroupCommitQueue;
  /** The writer's number of the last transaction counted in the stats. */
  private lastTransaction = 0;
  private closing: Promise<void> | undefined;
  private observer: StoreObserver | undefined;
  private dedupeSize = 0;
  private readonly writes: WriteHealth;
  private readonly counters: GroupCommitStats = {
    appendCalls: 0,
    transactions: 0,
    failedTransactions: 0,
    eventsStored: 0,
    duplicates: 0,
  };

  constructor(
    private readonly settings: WriterSettings,
    writerEntry: URL | undefined,
    private readonly lock: ServerLock | undefined,
  ) {
    this.writer = new WriterConnection(settings, (error) => this.failPending(error), writerEntry);
    this.writes = new WriteHealth({
      reasonOf: sqliteFailureReason,
      probe: () => this.writer.call({ kind: 'probe' }),
    });
    this.queue = new GroupCommitQueue({ counters: this.counters, writes: this.writes, flush: () => this.flush() });
  }

  async append(events: readonly NewEvent[]): Promise<AppendResult[]> {
    this.assertOpen();
    return this.queue.add(events);
  }

  async list(filter: EventFilter): Promise<EventPage> {
    this.assertOpen();
    const query = toListQuery(filter);
    const rows = (await this.writer.call({ kind: 'list', query })) as SqliteEventRow[];
    return toSqliteEventPage(rows, filter.limit);
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    this.assertOpen();
    const rowId = parseRowId(id);
    if (rowId === undefined) return undefined;
    const row = (await this.writer.call({ kind: 'get', id: rowId })) as SqliteEventRow | undefined;
    return row && toSqliteStoredEvent(row);
  }

  /** A read and the write lock (nothing written); after a failed append, a probe write instead (write-health.ts). */
  async ping(): Promise<void> {
    this.assertOpen();
    await this.writes.ready(() => this.writer.call({ kind: 'ping' }));
  }

  /** Idempotent, so several shutdown hooks may call it. Appends accepted before it still get their commit. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.queue.cancelFlush();
      // The writer answers in order: these appends are committed before it closes.
      this.flush();
      try {
        await this.writer.close();
      } catch (error) {
        throw new StoreUnavailableError(`cannot close event store: ${messageOf(error)}`, { cause: error });
      } finally {
        this.lock?.release();
      }
    })();
    return this.closing;
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  observe(observer: StoreObserver): void {
    this.observer = observer;
  }

  threadHeap(): Promise<HeapSize | undefined> {
    return this.writer.heap();
  }

  status(): StoreStatus {
    return {
      queueDepth: this.queue.length + this.writer.outstanding,
      writerRestarts: this.writer.restarts,
      dedupeWindowSize: this.dedupeSize,
      dedupeWindowCapacity: this.settings.dedupeWindow,
    };
  }

  /**
   * Sends every pending append to the writer as one group, without waiting for the groups before
   * it: the writer commits whatever has queued in one transaction.
   */
  private flush(): void {
    const group = this.queue.take();
    if (group.length === 0) return;
    this.writer.call({ kind: 'append', groups: group.map((append) => append.values) }).then(
      (result) => this.settleGroup(group, result as AppendOutcome[]),
      (error: unknown) => {
        const transaction = (error as { transaction?: number }).transaction;
        if (transaction !== undefined && transaction > this.lastTransaction) {
          this.lastTransaction = transaction;
          this.counters.failedTransactions += 1;
        }
        this.queue.fail(group, error);
      },
    );
  }

  /** Resolves each append of the group with its outcome (the writer answers one per append, in order). */
  private settleGroup(group: readonly PendingAppend[], outcomes: readonly AppendOutcome[]): void {
    this.queue.settle(group, (index) => {
      const { ids, duplicates, transaction, commit } = outcomes[index]!;
      // Several appends share one transaction; count it once.
      if (transaction > this.lastTransaction) {
        this.lastTransaction = transaction;
        this.counters.transactions += 1;
        if (commit) {
          this.dedupeSize = commit.dedupeSize;
          this.observer?.committed(commit.seconds, commit.events);
        }
      }
      return { ids, duplicates, first: 0 };
    });
  }

  /**
   * The writer died: appends not yet sent to it fail with it too (none was acknowledged). The next
   * writer numbers its transactions from 1 again, so the count of the last one seen starts over.
   */
  private failPending(error: StoreUnavailableError): void {
    this.lastTransaction = 0;
    this.queue.rejectQueued(error);
  }

  private assertOpen(): void {
    if (this.closing) throw new StoreUnavailableError('event store is closed');
    if (this.writer.down) throw this.writer.down;
  }
}
