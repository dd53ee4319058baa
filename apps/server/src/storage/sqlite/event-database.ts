/**
 * The synchronous core of the SQLite store: one connection, group-committed inserts with
 * deduplication against a window of recent message ids, and the read queries. It runs on the
 * store's writer thread (writer-thread.ts), so fsyncs and B-tree work never block the thread that
 * serves HTTP.
 */
import type Database from 'better-sqlite3';
import {
  COLUMN_COUNT,
  type ColumnValue,
  EQUALITY_FILTER_COLUMNS,
  INSERT_COLUMNS,
  type ListQuery,
  type SqliteEventRow,
} from '../event-rows.js';
import { DedupeWindow } from './dedupe-window.js';

const SOURCE = INSERT_COLUMNS.indexOf('source');
const MESSAGE_ID = INSERT_COLUMNS.indexOf('message_id');

/** Per appended row: its id (the earlier row's for a duplicate), and 1 where it was a duplicate. */
export interface AppendOutcome {
  ids: Float64Array;
  duplicates: Uint8Array;
  /** Number of the transaction that stored the group (groups committed together share it). */
  transaction: number;
  /** Set by the writer thread for the metrics: the transaction's duration (s), its events, the dedupe window's size after it. */
  commit?: { seconds: number; events: number; dedupeSize: number };
}

const SELECT_COLUMNS = `id, ${INSERT_COLUMNS.join(', ')}`;
const INSERT_CHUNK = 10;

export class EventDatabase {
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  /** Insert statements by number of rows, each prepared once. */
  private readonly inserts = new Map<number, Database.Statement>();
  private readonly findMessageKeyById: Database.Statement;
  private readonly findById: Database.Statement;
  private readonly readCheck: Database.Statement;
  private readonly probeWrite: Database.Statement;
  /** List statements keyed by the set of filters used, each prepared once. */
  private readonly listStatements = new Map<string, Database.Statement>();
  private readonly dedupe: DedupeWindow;
  private transactions = 0;

  /** Message ids in the dedupe window now. */
  get dedupeSize(): number {
    return this.dedupe.size;
  }

  /** How many transactions append() has begun (committed or not); the last one's number. */
  get transactionCount(): number {
    return this.transactions;
  }

  constructor(
    private readonly db: Database.Database,
    dedupeWindow: number,
  ) {
    // IMMEDIATE takes the write lock up front, so lock waits happen in BEGIN
    // (bounded by busy_timeout) and never half-way through a group.
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.findMessageKeyById = db.prepare('SELECT source, message_id FROM events WHERE id = ?').raw();
    this.findById = db.prepare(`SELECT ${SELECT_COLUMNS} FROM events WHERE id = ?`);
    this.readCheck = db.prepare('SELECT id FROM events ORDER BY id DESC LIMIT 1');
    this.probeWrite = db.prepare(
      'INSERT INTO write_probe (id, probed_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at',
    );
    this.dedupe = loadDedupeWindow(db, dedupeWindow);
  }

  /**
   * Inserts every group's rows (`values` flat, COLUMN_COUNT per row) in one committed transaction,
   * or none of them: one fsync for all the groups that gathered while the last commit ran.
   */
  append(groups: ReadonlyArray<readonly ColumnValue[]>): AppendOutcome[] {
    const transaction = ++this.transactions;
    const rows = groups.flat();
    const count = rows.length / COLUMN_COUNT;
    const ids = new Float64Array(count);
    const duplicates = new Uint8Array(count);
    // Rows of this transaction by (source, messageId), for duplicates inside it.
    const firstRow = new Map<string, number>();
    const duplicateOf: Array<[row: number, first: number]> = [];
    const inserts: number[] = [];
    for (let row = 0; row < count; row++) {
      const source = rows[row * COLUMN_COUNT + SOURCE]!;
      const messageId = rows[row * COLUMN_COUNT + MESSAGE_ID];
      if (messageId == null) {
        inserts.push(row);
        continue;
      }
      const key = `${source.length}:${source}${messageId}`;
      const first = firstRow.get(key);
      if (first !== undefined) {
        duplicateOf.push([row, first]);
        duplicates[row] = 1;
        continue;
      }
      const earlier = this.storedDuplicate(source, messageId);
      if (earlier !== undefined) {
        ids[row] = earlier;
        duplicates[row] = 1;
        continue;
      }
      firstRow.set(key, row);
      inserts.push(row);
    }

    this.abandonOpenTransaction();
    this.begin.run();
    try {
      this.insertRows(rows, inserts, ids);
      this.commit.run();
    } catch (error) {
      this.abandonOpenTransaction();
      throw error;
    }
    // Only now, committed, do the new rows count for deduplication.
    for (const [row, first] of duplicateOf) ids[row] = ids[first]!;
    for (const row of firstRow.values()) {
      this.dedupe.remember(rows[row * COLUMN_COUNT + SOURCE]!, rows[row * COLUMN_COUNT + MESSAGE_ID]!, ids[row]!);
    }
    // Each group's share of the outcome, in order.
    let offset = 0;
    return groups.map((group) => {
      const length = group.length / COLUMN_COUNT;
      const outcome = {
        ids: ids.slice(offset, offset + length),
        duplicates: duplicates.slice(offset, offset + length),
        transaction,
      };
      offset += length;
      return outcome;
    });
  }

  /** The id of a stored row with this pair in the dedupe window, confirmed by reading it (the window keeps hashes). */
  private storedDuplicate(source: string, messageId: string): number | undefined {
    const candidate = this.dedupe.candidate(source, messageId);
    if (candidate === undefined) return undefined;
    const earlier = this.findMessageKeyById.get(candidate) as [string, string | null] | undefined;
    return earlier?.[0] === source && earlier[1] === messageId ? candidate : undefined;
  }

  /**
   * Inserts the listed rows, INSERT_CHUNK per statement (fewer calls into SQLite: ~40 % more rows
   * per second than one per statement), and records their ids. Under the write lock rowids are
   * handed out one after another, so a statement's rows end at lastInsertRowid.
   */
  private insertRows(rows: readonly ColumnValue[], inserts: readonly number[], ids: Float64Array): void {
    for (let start = 0; start < inserts.length; start += INSERT_CHUNK) {
      const chunk = inserts.slice(start, start + INSERT_CHUNK);
      const params: ColumnValue[] = [];
      for (const row of chunk) {
        for (let column = 0; column < COLUMN_COUNT; column++) params.push(rows[row * COLUMN_COUNT + column]!);
      }
      const { changes, lastInsertRowid } = this.insertStatement(chunk.length).run(params);
      if (changes !== chunk.length) throw new Error(`inserted ${changes} of ${chunk.length} rows`);
      const last = Number(lastInsertRowid);
      chunk.forEach((row, index) => {
        ids[row] = last - chunk.length + 1 + index;
      });
    }
  }

  private insertStatement(rowCount: number): Database.Statement {
    let statement = this.inserts.get(rowCount);
    if (!statement) {
      const row = `(${INSERT_COLUMNS.map(() => '?').join(', ')})`;
      const values = Array(rowCount).fill(row).join(', ');
      statement = this.db.prepare(`INSERT INTO events (${INSERT_COLUMNS.join(', ')}) VALUES ${values}`);
      this.inserts.set(rowCount, statement);
    }
    return statement;
  }

  list(query: ListQuery): SqliteEventRow[] {
    const conditions = ['id > @afterId'];
    const params: Record<string, string | number> = { afterId: query.afterId, take: query.take };
    for (const [name, column] of EQUALITY_FILTER_COLUMNS) {
      const value = query[name];
      if (value === undefined) continue;
      conditions.push(`${column} = @${name}`);
      params[name] = value;
    }
    if (query.from !== undefined) {
      conditions.push('received_at >= @from');
      params.from = query.from;
    }
    if (query.to !== undefined) {
      conditions.push('received_at < @to');
      params.to = query.to;
    }
    return this.listStatement(conditions).all(params) as SqliteEventRow[];
  }

  get(id: number): SqliteEventRow | undefined {
    return this.findById.get(id) as SqliteEventRow | undefined;
  }

  /** Throws unless a read works and the write lock can be taken now (nothing is written). */
  ping(): void {
    this.readCheck.get();
    this.abandonOpenTransaction();
    try {
      this.begin.run();
      this.rollback.run();
    } catch (error) {
      this.abandonOpenTransaction();
      throw error;
    }
  }

  /**
   * Readiness's write while appends fail: its own row rewritten in a committed transaction, which needs the
   * write lock and room for the WAL as an append does. Writes no event; throws as an append would.
   */
  probe(): void {
    this.abandonOpenTransaction();
    this.begin.run();
    try {
      this.probeWrite.run(new Date().toISOString());
      this.commit.run();
    } catch (error) {
      this.abandonOpenTransaction();
      throw error;
    }
  }

  close(): void {
    this.db.close();
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

  private listStatement(conditions: readonly string[]): Database.Statement {
    const key = conditions.join(' AND ');
    let statement = this.listStatements.get(key);
    if (!statement) {
      statement = this.db.prepare(`SELECT ${SELECT_COLUMNS} FROM events WHERE ${key} ORDER BY id LIMIT @take`);
      this.listStatements.set(key, statement);
    }
    return statement;
  }
}

/**
 * The window of the most recent message ids, read back from the event log, oldest first. The rows
 * stream through one at a time: reading them all into an array first (1,000,000 rows) grew the
 * writer thread's heap by hundreds of MB that it then kept.
 */
function loadDedupeWindow(db: Database.Database, capacity: number): DedupeWindow {
  const window = new DedupeWindow(capacity);
  if (capacity === 0) return window;
  // The oldest row of the window: the capacity-th newest with a message id (none: the log is shorter).
  const oldest = db
    .prepare('SELECT id FROM events WHERE message_id IS NOT NULL ORDER BY id DESC LIMIT 1 OFFSET ?')
    .pluck()
    .get(capacity - 1) as number | undefined;
  const rows = db
    .prepare('SELECT id, source, message_id FROM events WHERE message_id IS NOT NULL AND id >= ? ORDER BY id')
    .raw()
    .iterate(oldest ?? 0) as IterableIterator<[number, string, string]>;
  for (const [id, source, messageId] of rows) window.remember(source, messageId, id);
  return window;
}
