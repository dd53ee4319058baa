/**
 * EventStore on PostgreSQL, for several server replicas on one database. Every append is answered
 * after the COMMIT that holds its events (synchronous_commit on), and concurrent appends share that
 * transaction (group commit): appends queue while the write connections are busy, and each free
 * connection takes everything queued as one transaction. Writes are COPYs (pg-copy-streams), chosen
 * by measurement over multi-row INSERTs (see the README).
 *
 * Ids are 64-bit snowflakes made by this replica with a worker id leased from the database
 * (postgres-lease.ts), so replicas never make the same one and the ids follow time. Retries are
 * deduplicated in the database, across replicas, through the unique dedupe keys of message_keys
 * (postgres-schema.ts): optimistically COPYed, and on a conflict the group's transaction is redone with
 * INSERT … ON CONFLICT DO NOTHING to tell the duplicates and find their earlier events.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createSnowflake, type Snowflake } from '../ids/snowflake.js';
import { messageOf } from './error-message.js';
import { COLUMN_COUNT, type ColumnValue, INSERT_COLUMNS, toColumnValues } from './event-rows.js';
import {
  type AppendResult,
  type EventFilter,
  type EventPage,
  type EventStore,
  type NewEvent,
  type StoredEvent,
  StoreUnavailableError,
} from './event-store.js';
import { postgresFailureReason } from './postgres-failure-reason.js';
import { WorkerLease } from './postgres-lease.js';
import {
  COPY_EVENT_COLUMNS,
  eventsCopyText,
  GET_EVENT_SQL,
  keysCopyText,
  messageKey,
  messageOfRow,
  type PostgresEventRow,
  parameterValue,
  parseEventId,
  toEventPage,
  toPostgresListQuery,
  toStoredEvent,
} from './postgres-rows.js';
import { maintainKeyPartitions, migrate } from './postgres-schema.js';
import { WriteHealth } from './write-health.js';

export interface PostgresTlsOptions {
  /** PEM file of the CA that signed the server's certificate (default: the system's CAs). */
  caFile?: string;
  /** PEM files of a client certificate and its key, when the server asks for one. */
  certFile?: string;
  keyFile?: string;
  /** Verify the server's certificate and name (default true). */
  rejectUnauthorized?: boolean;
}

export interface PostgresStoreOptions {
  /** Connections per replica (default 4): `writeConnections` for group commits, the rest for reads and the lease. */
  poolSize?: number;
  /** How many group-commit transactions may run at once (default 2). */
  writeConnections?: number;
  /** Longest a statement may run before PostgreSQL cancels it (default 5000 ms); also the connect timeout. */
  statementTimeoutMs?: number;
  /** Time to live of the worker-id lease (default 30 s); renewed every third of it. */
  leaseTtlMs?: number;
  /** TLS to the database (also possible with `sslmode` in the URL). */
  tls?: PostgresTlsOptions;
  /** Where the store reports what it recovers from by itself (lease renewals, partition upkeep). */
  log?: (message: string) => void;
}

interface PostgresStoreStats {
  appendCalls: number;
  transactions: number;
  /** Transactions redone because a dedupe key conflicted (a duplicate across groups or replicas). */
  redoneForDuplicates: number;
  failedTransactions: number;
  eventsStored: number;
  duplicates: number;
}

export interface PostgresEventStore extends EventStore {
  /** The snowflake worker id this replica leased; its other generated ids must use it too. */
  readonly workerId: number;
  stats(): PostgresStoreStats;
  /** Renews the worker-id lease now (the store does it every third of its time to live by itself). */
  renewLease(): Promise<void>;
  /** Creates upcoming and drops expired dedupe-key partitions now (also hourly by itself). */
  maintain(): Promise<{ created: string[]; dropped: string[] }>;
}

const DEFAULTS = { poolSize: 4, writeConnections: 2, statementTimeoutMs: 5_000, leaseTtlMs: 30_000 };
const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

interface PendingAppend {
  values: ColumnValue[];
  count: number;
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

/** A group's rows: flat insert values, an id per row, and what deduplication found. */
interface Group {
  values: ColumnValue[];
  ids: string[];
  duplicates: Uint8Array;
  /** The first row of each key in the group, to be stored unless the database already has the key. */
  keyed: Array<{ key: string; eventId: string; row: number }>;
  /** Rows that repeat a key earlier in the group, with that earlier row. */
  repeats: Array<[row: number, first: number]>;
  /** Rows without a message id (never deduplicated). */
  unkeyed: number[];
}

/**
 * Up to this many rows a group is written with one statement (its own transaction), above it with COPYs in
 * a transaction: one statement costs one round trip where the COPY path costs four (BEGIN, two COPYs,
 * COMMIT), most of a small group's time; COPY text is cheaper to build and to parse than arrays of every
 * column, which wins for large groups. Measured: see the README.
 */
const SMALL_GROUP_ROWS = 32;

/**
 * The small-group statement. The final SELECT reads the lease check, so it runs even when the group has
 * no keys; it fails the whole statement unless the lease is held, and gives the day of the key partitions.
 */
const SMALL_GROUP_SQL = `WITH lease AS (SELECT trackspec_lease_day($1::smallint, $2::uuid) AS day),
  keys AS (
    INSERT INTO message_keys (day, key, event_id)
    SELECT lease.day + days.offset_days, input.key, input.event_id
      FROM lease, unnest($3::uuid[], $4::bigint[]) AS input (key, event_id), (VALUES (0), (1)) AS days (offset_days)
  ),
  stored AS (
    INSERT INTO events (${COPY_EVENT_COLUMNS})
    SELECT * FROM unnest($5::bigint[], ${INSERT_COLUMNS.map((column, index) => `$${index + 6}::${column === 'received_at' ? 'timestamptz' : column === 'payload' ? 'json' : 'text'}[]`).join(', ')})
  )
SELECT day FROM lease`;

/** A failure to write the keys because one is already stored: the group is redone to sort out duplicates. */
class KeyConflict extends Error {}

/**
 * Connects, migrates (once across replicas), leases a worker id and returns the store. Throws
 * StoreUnavailableError, saying why, if any of that fails.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresEventStore> {
  const settings = { ...DEFAULTS, ...options };
  if (!Number.isInteger(settings.writeConnections) || settings.writeConnections < 1)
    throw new RangeError(`writeConnections must be a positive integer, got ${settings.writeConnections}`);
  if (!Number.isInteger(settings.poolSize) || settings.poolSize < settings.writeConnections + 1)
    throw new RangeError(
      `poolSize must be an integer above writeConnections (${settings.writeConnections}), got ${settings.poolSize}`,
    );
  const config: pg.PoolConfig = {
    connectionString: url,
    statement_timeout: settings.statementTimeoutMs,
    // Our transactions never wait on the client for long; one that does has lost its process.
    idle_in_transaction_session_timeout: settings.statementTimeoutMs * 4,
    connectionTimeoutMillis: settings.statementTimeoutMs,
    application_name: 'trackspec',
    options: '-c TimeZone=UTC -c synchronous_commit=on',
    keepAlive: true,
    ...(options.tls ? { ssl: tlsSettings(options.tls) } : {}),
  };
  const where = redactUrl(url);
  const writePool = new pg.Pool({ ...config, max: settings.writeConnections });
  const readPool = new pg.Pool({ ...config, max: settings.poolSize - settings.writeConnections });
  const log = options.log ?? (() => {});
  for (const pool of [writePool, readPool]) {
    // A connection that breaks while idle, or between two queries of ours, must not crash the process:
    // the next query on it fails instead, and the pool replaces it.
    pool.on('error', (error) => log(`PostgreSQL connection lost: ${messageOf(error)}`));
    pool.on('connect', (client) => client.on('error', () => {}));
  }
  try {
    const client = await readPool.connect();
    try {
      await migrate(client);
    } finally {
      client.release();
    }
    const lease = await WorkerLease.acquire({
      ttlMs: settings.leaseTtlMs,
      query: (text, values) => readPool.query(text, values),
      onProblem: log,
    });
    return new PostgresStore(writePool, readPool, lease, settings.writeConnections, log);
  } catch (error) {
    await Promise.allSettled([writePool.end(), readPool.end()]);
    throw new StoreUnavailableError(`cannot open the event store at ${where}: ${messageOf(error)}`, { cause: error });
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

/** Whether a `database` setting names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

function tlsSettings(tls: PostgresTlsOptions): pg.PoolConfig['ssl'] {
  return {
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
    ...(tls.caFile ? { ca: readFileSync(tls.caFile, 'utf8') } : {}),
    ...(tls.certFile ? { cert: readFileSync(tls.certFile, 'utf8') } : {}),
    ...(tls.keyFile ? { key: readFileSync(tls.keyFile, 'utf8') } : {}),
  };
}

class PostgresStore implements PostgresEventStore {
  private readonly ids: Snowflake;
  private pending: PendingAppend[] = [];
  private writing = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private flushScheduled: NodeJS.Immediate | undefined;
  private closing: Promise<void> | undefined;
  private readonly maintenanceTimer: NodeJS.Timeout;
  private maintaining: Promise<{ created: string[]; dropped: string[] }> | undefined;
  private readonly writes = new WriteHealth({ reasonOf: postgresFailureReason, probe: () => this.probeWrite() });
  private readonly counters: PostgresStoreStats = {
    appendCalls: 0,
    transactions: 0,
    redoneForDuplicates: 0,
    failedTransactions: 0,
    eventsStored: 0,
    duplicates: 0,
  };

  constructor(
    private readonly writePool: pg.Pool,
    private readonly readPool: pg.Pool,
    private readonly lease: WorkerLease,
    private readonly writeConnections: number,
    private readonly log: (message: string) => void,
  ) {
    this.ids = createSnowflake({ workerId: lease.workerId });
    this.maintenanceTimer = setInterval(() => void this.maintain().catch(() => {}), MAINTENANCE_INTERVAL_MS);
    this.maintenanceTimer.unref();
  }

  get workerId(): number {
    return this.lease.workerId;
  }

  async append(events: readonly NewEvent[]): Promise<AppendResult[]> {
    this.assertWritable();
    // Checked and serialised before queueing, so a bad event fails its own call, not the group.
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
    const query = toPostgresListQuery(filter);
    const { rows } = await this.read<PostgresEventRow>(query.text, query.values);
    return toEventPage(rows, query.limit);
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    this.assertOpen();
    const eventId = parseEventId(id);
    if (eventId === undefined) return undefined;
    const { rows } = await this.read<PostgresEventRow>(GET_EVENT_SQL, [eventId]);
    return rows[0] && toStoredEvent(rows[0]);
  }

  /**
   * Asks the database whether this replica holds its lease (a read, which writes need too: a replica whose
   * lease another took cannot write); after a failed append, a probe write instead (write-health.ts).
   */
  async ping(): Promise<void> {
    this.assertOpen();
    await this.writes.ready(async () => {
      this.lease.assertHeld();
      await this.readPool.query('SELECT trackspec_lease_day($1::smallint, $2::uuid)', [
        this.lease.workerId,
        this.lease.holder,
      ]);
    });
  }

  renewLease(): Promise<void> {
    return this.lease.renewNow();
  }

  maintain(): Promise<{ created: string[]; dropped: string[] }> {
    this.maintaining ??= (async () => {
      const client = await this.readPool.connect();
      try {
        return await maintainKeyPartitions(client);
      } finally {
        client.release();
        this.maintaining = undefined;
      }
    })();
    return this.maintaining;
  }

  /** Idempotent. Appends accepted before it still get their commit; then the lease is released. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.maintenanceTimer);
      if (this.flushScheduled) clearImmediate(this.flushScheduled);
      this.flushScheduled = undefined;
      while (this.pending.length > 0 || this.inFlight.size > 0) {
        this.flush();
        await Promise.allSettled([...this.inFlight]);
      }
      await this.lease.release().catch(() => {});
      await Promise.allSettled([this.writePool.end(), this.readPool.end()]);
    })();
    return this.closing;
  }

  stats(): PostgresStoreStats {
    return { ...this.counters };
  }

  /**
   * Readiness's write while appends fail: under the lease check, the probe table emptied and one row written,
   * in one committed transaction on a write connection (one simple query is one transaction). TRUNCATE makes
   * the row need a fresh page, as an event does (see the migration). Values are ours: an integer and a uuid.
   */
  private async probeWrite(): Promise<void> {
    this.assertWritable();
    const { workerId, holder } = this.lease;
    await this.writePool.query(
      `SELECT trackspec_lease_day(${workerId}::smallint, '${holder}'::uuid);
       TRUNCATE write_probes;
       INSERT INTO write_probes (worker_id, probed_at) VALUES (${workerId}, now())`,
    );
  }

  /** Starts a transaction for everything queued on each free write connection. */
  private flush(): void {
    while (this.pending.length > 0 && this.writing < this.writeConnections) {
      const appends = this.pending;
      this.pending = [];
      this.counters.appendCalls += appends.length;
      this.writing += 1;
      const done = this.commitGroup(appends).finally(() => {
        this.writing -= 1;
        this.inFlight.delete(done);
        // What queued meanwhile goes at once: it has waited for a connection already.
        if (this.pending.length > 0) this.flush();
      });
      this.inFlight.add(done);
    }
  }

  private async commitGroup(appends: readonly PendingAppend[]): Promise<void> {
    let group: Group;
    try {
      group = this.prepareGroup(appends);
      await this.write(group);
    } catch (error) {
      this.counters.failedTransactions += 1;
      if (error instanceof Error && 'code' in error && error.code === '23514') this.maintainSoon();
      const failure =
        error instanceof StoreUnavailableError
          ? error
          : new StoreUnavailableError(`could not store events: ${messageOf(error)}`, { cause: error });
      this.writes.failed(failure);
      for (const { reject } of appends) reject(failure);
      return;
    }
    this.writes.committed();
    this.counters.transactions += 1;
    let row = 0;
    for (const { count, resolve } of appends) {
      const results: AppendResult[] = new Array(count);
      for (let index = 0; index < count; index++, row++) {
        const duplicate = group.duplicates[row] === 1;
        if (duplicate) this.counters.duplicates += 1;
        else this.counters.eventsStored += 1;
        results[index] = { id: group.ids[row]!, duplicate };
      }
      resolve(results);
    }
  }

  /** Gives every row an id, and sorts out the keys repeated within the group. */
  private prepareGroup(appends: readonly PendingAppend[]): Group {
    const values = appends.length === 1 ? appends[0]!.values : appends.flatMap((append) => append.values);
    const count = appends.reduce((sum, append) => sum + append.count, 0);
    const group: Group = {
      values,
      ids: new Array(count),
      duplicates: new Uint8Array(count),
      keyed: [],
      repeats: [],
      unkeyed: [],
    };
    const firstRowOfKey = new Map<string, number>();
    for (let row = 0; row < count; row++) {
      group.ids[row] = this.ids.next();
      const { source, messageId } = messageOfRow(values, row);
      if (messageId === null) {
        group.unkeyed.push(row);
        continue;
      }
      const key = messageKey(source, messageId);
      const first = firstRowOfKey.get(key);
      if (first !== undefined) {
        group.repeats.push([row, first]);
        group.duplicates[row] = 1;
        continue;
      }
      firstRowOfKey.set(key, row);
      group.keyed.push({ key, eventId: group.ids[row]!, row });
    }
    return group;
  }

  /**
   * Stores the group in one transaction: assuming its keys are new (one statement for a small group,
   * COPYs for a large one), or, when a key is already stored, sorting out the duplicates.
   */
  private async write(group: Group): Promise<void> {
    const client = await this.writePool.connect();
    let broken: Error | undefined;
    try {
      try {
        if (group.ids.length <= SMALL_GROUP_ROWS) await this.writeSmallGroup(client, group);
        else await this.transaction(client, (day, nextDay) => this.writeAssumingNewKeys(client, group, day, nextDay));
      } catch (error) {
        if (!(error instanceof KeyConflict)) throw error;
        this.counters.redoneForDuplicates += 1;
        await this.transaction(client, (day, nextDay) => this.writeSortingDuplicates(client, group, day, nextDay));
      }
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      // A connection whose transaction failed is dropped rather than trusted (it may be half-broken).
      client.release(broken);
    }
    for (const [row, first] of group.repeats) group.ids[row] = group.ids[first]!;
  }

  /**
   * BEGIN, the lease check (which also gives the database's day), `body`, COMMIT; ROLLBACK on failure.
   * The lease is checked in the transaction itself, so no write commits after the lease lapsed.
   */
  private async transaction(
    client: pg.PoolClient,
    body: (day: string, nextDay: string) => Promise<void>,
  ): Promise<void> {
    this.lease.assertHeld();
    try {
      // One round trip; the values are ours (an integer and a uuid), not input.
      const results = (await client.query(
        `BEGIN; SELECT to_char(day, 'YYYY-MM-DD') AS day, to_char(day + 1, 'YYYY-MM-DD') AS next_day
           FROM trackspec_lease_day(${this.lease.workerId}::smallint, '${this.lease.holder}'::uuid) AS day`,
      )) as unknown as pg.QueryResult<{ day: string; next_day: string }>[];
      const { day, next_day } = results[1]!.rows[0]!;
      await body(day, next_day);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  /**
   * A small group as one statement, its own transaction (one round trip instead of four): the lease
   * check, the keys and the events. A key that is already stored aborts it with KeyConflict.
   */
  private async writeSmallGroup(client: pg.PoolClient, group: Group): Promise<void> {
    this.lease.assertHeld();
    const rows = [...group.unkeyed, ...group.keyed.map(({ row }) => row)];
    const columns: ColumnValue[][] = INSERT_COLUMNS.map(() => new Array(rows.length));
    rows.forEach((row, index) => {
      for (let column = 0; column < COLUMN_COUNT; column++)
        columns[column]![index] = parameterValue(group.values[row * COLUMN_COUNT + column]!);
    });
    try {
      await client.query({
        name: 'trackspec_append_small_group',
        text: SMALL_GROUP_SQL,
        values: [
          this.lease.workerId,
          this.lease.holder,
          group.keyed.map(({ key }) => key),
          group.keyed.map(({ eventId }) => eventId),
          rows.map((row) => group.ids[row]),
          ...columns,
        ],
      });
    } catch (error) {
      throw asKeyConflict(error);
    }
  }

  /** COPYs the keys and the events; a key that is already stored aborts it with KeyConflict. */
  private async writeAssumingNewKeys(client: pg.PoolClient, group: Group, day: string, nextDay: string) {
    if (group.keyed.length > 0) {
      try {
        await copy(
          client,
          'COPY message_keys (day, key, event_id) FROM STDIN',
          keysCopyText(day, nextDay, group.keyed),
        );
      } catch (error) {
        throw asKeyConflict(error);
      }
    }
    await this.copyEvents(client, group, [...group.unkeyed, ...group.keyed.map(({ row }) => row)]);
  }

  /**
   * Inserts the keys skipping those already stored (waiting for a transaction that holds one, elsewhere,
   * to end), marks those rows as duplicates of the stored events, and COPYs the rest.
   */
  private async writeSortingDuplicates(client: pg.PoolClient, group: Group, day: string, nextDay: string) {
    const keys = group.keyed.map(({ key }) => key);
    const eventIds = group.keyed.map(({ eventId }) => eventId);
    const { rows: inserted } = await client.query<{ key: string }>(
      `INSERT INTO message_keys (day, key, event_id)
       SELECT days.day, input.key, input.event_id
         FROM unnest($1::uuid[], $2::bigint[]) AS input (key, event_id)
        CROSS JOIN (VALUES ($3::date), ($4::date)) AS days (day)
       ON CONFLICT DO NOTHING
       RETURNING key::text AS key`,
      [keys, eventIds, day, nextDay],
    );
    // A key is new only if both of its days were free: one conflicting day means it was stored before.
    const daysInserted = new Map<string, number>();
    for (const { key } of inserted) daysInserted.set(key, (daysInserted.get(key) ?? 0) + 1);
    const stored = group.keyed.filter(({ key }) => daysInserted.get(key) !== 2);
    if (stored.length > 0) {
      const halfInserted = stored.filter(({ key }) => daysInserted.has(key));
      if (halfInserted.length > 0)
        await client.query('DELETE FROM message_keys WHERE day IN ($1, $2) AND key = ANY($3) AND event_id = ANY($4)', [
          day,
          nextDay,
          halfInserted.map(({ key }) => key),
          halfInserted.map(({ eventId }) => eventId),
        ]);
      const { rows: earlier } = await client.query<{ key: string; event_id: string }>(
        'SELECT key::text AS key, event_id FROM message_keys WHERE day IN ($1, $2) AND key = ANY($3)',
        [day, nextDay, stored.map(({ key }) => key)],
      );
      const earlierId = new Map(earlier.map((row) => [row.key, row.event_id]));
      for (const { key, row } of stored) {
        const id = earlierId.get(key);
        // Cannot happen while keys are only dropped with their partition; fail rather than guess.
        if (id === undefined) throw new Error(`dedupe key ${key} conflicted but its event cannot be found`);
        group.ids[row] = id;
        group.duplicates[row] = 1;
      }
    }
    const newRows = group.keyed.filter(({ row }) => group.duplicates[row] !== 1).map(({ row }) => row);
    await this.copyEvents(client, group, [...group.unkeyed, ...newRows]);
  }

  private async copyEvents(client: pg.PoolClient, group: Group, rows: number[]): Promise<void> {
    if (rows.length === 0) return;
    await copy(client, `COPY events (${COPY_EVENT_COLUMNS}) FROM STDIN`, eventsCopyText(group.values, rows, group.ids));
  }

  private async read<Row extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<Row>> {
    try {
      return await this.readPool.query<Row>(text, values);
    } catch (error) {
      throw new StoreUnavailableError(`event store read failed: ${messageOf(error)}`, { cause: error });
    }
  }

  /** A write found no key partition for its day: make them now rather than at the next hourly round. */
  private maintainSoon(): void {
    void this.maintain().then(
      ({ created }) => created.length && this.log(`created dedupe-key partitions ${created.join(', ')}`),
      (error: unknown) => this.log(`dedupe-key partition upkeep failed: ${messageOf(error)}`),
    );
  }

  private assertOpen(): void {
    if (this.closing) throw new StoreUnavailableError('event store is closed');
  }

  private assertWritable(): void {
    this.assertOpen();
    this.lease.assertHeld();
  }
}

/** A unique violation on the dedupe keys as KeyConflict; any other error as it is. */
function asKeyConflict(error: unknown): unknown {
  const { code, table } = error as { code?: string; table?: string };
  return code === '23505' && table?.startsWith('message_keys') ? new KeyConflict(messageOf(error)) : error;
}

/** Runs one COPY … FROM STDIN with `text` as its whole input. */
function copy(client: pg.PoolClient, sql: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(text);
  });
}
