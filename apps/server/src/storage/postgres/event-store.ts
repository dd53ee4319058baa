/**
 * EventStore on PostgreSQL, for several server replicas on one database. Every append is answered
 * after the COMMIT that holds its events (synchronous_commit on), and concurrent appends share that
 * transaction (group commit): appends queue while the write connections are busy, and each free
 * connection takes everything queued as one transaction. Writes are COPYs (pg-copy-streams), chosen
 * by measurement over multi-row INSERTs (see the README).
 *
 * Ids are 64-bit snowflakes made by this replica with a worker id leased from the database
 * (lease.ts), so replicas never make the same one and the ids follow time. Retries are
 * deduplicated in the database, across replicas, through the unique dedupe keys of message_keys
 * (schema.ts): optimistically COPYed, and on a conflict the group's transaction is redone with
 * INSERT … ON CONFLICT DO NOTHING to tell the duplicates and find their earlier events.
 *
 * Opened by connect.ts; appends queue in group-commit-queue.ts, and group-writes.ts writes each group.
 */
import type pg from 'pg';
import { messageOf } from '../error-message.js';
import type { AppendResult, EventFilter, EventPage, EventStore, NewEvent, StoredEvent } from '../event-store.js';
import { StoreUnavailableError } from '../event-store.js';
import { GroupCommitQueue, type GroupCommitStats, type PendingAppend } from '../group-commit-queue.js';
import { WriteHealth } from '../write-health.js';
import { postgresFailureReason } from './failure-reason.js';
import { GroupWriter, type WrittenGroup } from './group-writes.js';
import type { WorkerLease } from './lease.js';
import {
  GET_EVENT_SQL,
  type PostgresEventRow,
  parseEventId,
  toPostgresEventPage,
  toPostgresListQuery,
  toPostgresStoredEvent,
} from './rows.js';
import { maintainKeyPartitions } from './schema.js';

interface PostgresStoreStats extends GroupCommitStats {
  /** Transactions redone because a dedupe key conflicted (a duplicate across groups or replicas). */
  redoneForDuplicates: number;
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

const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

export class PostgresStore implements PostgresEventStore {
  private readonly groups: GroupWriter;
  private writing = 0;
  private readonly inFlight = new Set<Promise<void>>();
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
  private readonly queue = new GroupCommitQueue({
    counters: this.counters,
    writes: this.writes,
    flush: () => this.flush(),
  });

  constructor(
    private readonly writePool: pg.Pool,
    private readonly readPool: pg.Pool,
    private readonly lease: WorkerLease,
    private readonly writeConnections: number,
    private readonly log: (message: string) => void,
  ) {
    this.groups = new GroupWriter(writePool, lease, this.counters);
    this.maintenanceTimer = setInterval(() => void this.maintain().catch(() => {}), MAINTENANCE_INTERVAL_MS);
    this.maintenanceTimer.unref();
  }

  async append(events: readonly NewEvent[]): Promise<AppendResult[]> {
    this.assertWritable();
    return this.queue.add(events);
  }

  get workerId(): number {
    return this.lease.workerId;
  }

  async list(filter: EventFilter): Promise<EventPage> {
    this.assertOpen();
    const query = toPostgresListQuery(filter);
    const { rows } = await this.read<PostgresEventRow>(query.text, query.values);
    return toPostgresEventPage(rows, query.limit);
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    this.assertOpen();
    const eventId = parseEventId(id);
    if (eventId === undefined) return undefined;
    const { rows } = await this.read<PostgresEventRow>(GET_EVENT_SQL, [eventId]);
    return rows[0] && toPostgresStoredEvent(rows[0]);
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
      this.queue.cancelFlush();
      while (this.queue.length > 0 || this.inFlight.size > 0) {
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
    while (this.queue.length > 0 && this.writing < this.writeConnections) {
      const appends = this.queue.take();
      this.writing += 1;
      const done = this.commitGroup(appends).finally(() => {
        this.writing -= 1;
        this.inFlight.delete(done);
        // What queued meanwhile goes at once: it has waited for a connection already.
        if (this.queue.length > 0) this.flush();
      });
      this.inFlight.add(done);
    }
  }

  private async commitGroup(appends: readonly PendingAppend[]): Promise<void> {
    let group: WrittenGroup;
    try {
      group = await this.groups.write(appends);
    } catch (error) {
      this.counters.failedTransactions += 1;
      if (error instanceof Error && 'code' in error && error.code === '23514') this.maintainSoon();
      this.queue.fail(appends, error);
      return;
    }
    this.counters.transactions += 1;
    // The group's rows are its appends' rows, one append after another.
    this.queue.settle(appends, (_, firstRow) => ({ ids: group.ids, duplicates: group.duplicates, first: firstRow }));
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
