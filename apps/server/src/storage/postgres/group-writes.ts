/**
 * How the PostgreSQL store writes one group of appends, in one transaction: every row gets a snowflake
 * id, keys repeated within the group are sorted out, and the group is written assuming its dedupe keys
 * are new (one statement for a small group, COPYs for a large one); when a key is already stored (a
 * retry across groups or replicas), the transaction is redone with INSERT … ON CONFLICT DO NOTHING to
 * tell the duplicates and find their earlier events. Each transaction checks the replica's lease.
 */
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createSnowflake, type Snowflake } from '../../ids/snowflake.js';
import { messageOf } from '../error-message.js';
import { COLUMN_COUNT, type ColumnValue, INSERT_COLUMNS } from '../event-rows.js';
import type { PendingAppend } from '../group-commit-queue.js';
import type { WorkerLease } from './lease.js';
import { COPY_EVENT_COLUMNS, eventsCopyText, keysCopyText, messageKey, messageOfRow, parameterValue } from './rows.js';

/** What a written group gives back: each row's id (the earlier event's for a duplicate), and 1 where it was one. */
export interface WrittenGroup {
  ids: string[];
  duplicates: Uint8Array;
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

export class GroupWriter {
  private readonly ids: Snowflake;

  constructor(
    private readonly writePool: pg.Pool,
    private readonly lease: WorkerLease,
    /** The store's counters, where transactions redone to sort out duplicates are counted. */
    private readonly counters: { redoneForDuplicates: number },
  ) {
    this.ids = createSnowflake({ workerId: lease.workerId });
  }

  /** Stores the appends as one group, in one transaction; rejects if nothing of it was stored. */
  async write(appends: readonly PendingAppend[]): Promise<WrittenGroup> {
    const group = this.prepareGroup(appends);
    await this.store(group);
    return group;
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
  private async store(group: Group): Promise<void> {
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
