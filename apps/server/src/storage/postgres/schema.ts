/**
 * The PostgreSQL store's schema: versioned migrations applied once however many replicas start
 * together (a session advisory lock serialises them; each re-reads the version under it), and the
 * daily partitions of the dedupe keys (created ahead, dropped once past the dedupe horizon).
 */
import type pg from 'pg';

/** SQLSTATE of trackspec_lease_day's failure (a class of our own). */
export const LEASE_NOT_HELD = 'TS001';

/**
 * Migrations: entry N upgrades schema version N to N+1 (rows of schema_migrations). Append only;
 * never edit one that has shipped.
 */
const MIGRATIONS: readonly string[] = [
  `-- Events, keyed by the writing replica's snowflake id (time-ordered, so the primary key, the list
   -- order and its keyset cursor follow arrival time). payload is json, not jsonb: it keeps the message
   -- as sent, including \\u0000 escapes and lone surrogates that jsonb rejects.
   CREATE TABLE events (
     id           bigint PRIMARY KEY,
     api          text NOT NULL,
     source       text NOT NULL,
     type         text NOT NULL,
     event_name   text,
     user_id      text,
     anonymous_id text,
     message_id   text,
     "timestamp"  text,
     received_at  timestamptz NOT NULL,
     payload      json NOT NULL
   );
   CREATE INDEX events_source_id ON events (source, id);
   CREATE INDEX events_received_at ON events (received_at);

   -- Dedupe keys: md5 of (source, message id) as a uuid (16 bytes, whatever the id's length), in daily
   -- partitions. Each event's key goes into the partitions of the day it was stored and the next, so
   -- any two writes of a key less than 24 hours apart meet in one partition's unique index.
   CREATE TABLE message_keys (
     day      date NOT NULL,
     key      uuid NOT NULL,
     event_id bigint NOT NULL,
     PRIMARY KEY (key, day)
   ) PARTITION BY RANGE (day);

   -- Snowflake worker ids, leased to running replicas (holder) until expires_at.
   CREATE TABLE worker_leases (
     worker_id   smallint PRIMARY KEY CHECK (worker_id BETWEEN 0 AND 1023),
     holder      uuid,
     holder_name text,
     expires_at  timestamptz NOT NULL DEFAULT '-infinity',
     renewed_at  timestamptz
   );
   INSERT INTO worker_leases (worker_id) SELECT generate_series(0, 1023);

   -- First statement of every write transaction: fails unless the replica still holds its lease (by the
   -- database's clock), and gives the day whose key partitions the transaction writes.
   CREATE FUNCTION trackspec_lease_day(worker smallint, lease_holder uuid) RETURNS date
   LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM 1 FROM worker_leases
       WHERE worker_id = worker AND holder = lease_holder AND expires_at > now();
     IF NOT FOUND THEN
       RAISE EXCEPTION 'worker id % is not leased to this replica', worker USING ERRCODE = '${LEASE_NOT_HELD}';
     END IF;
     RETURN (now() AT TIME ZONE 'UTC')::date;
   END $$;`,
  `-- Readiness's scratch table: while a replica's appends fail, its probe empties it and writes one row
   -- (which replica, when) in a committed transaction, to learn when writes work again. Emptied each time
   -- (TRUNCATE gives it a new, empty file), so the row needs a fresh page of disk as an event does: a row
   -- rewritten in place could fit in its page's free space while the disk is full.
   CREATE TABLE write_probes (
     worker_id smallint NOT NULL,
     probed_at timestamptz NOT NULL
   );`,
];

export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Keys of the session advisory locks. Arbitrary constants: they only need to differ from any other
 * application's locks in the same database.
 */
const MIGRATION_LOCK = 7_351_962_001;
const MAINTENANCE_LOCK = 7_351_962_002;

/** How many days of key partitions exist ahead of today, so a day never starts without one. */
const DAYS_AHEAD = 3;

/**
 * Brings the schema to POSTGRES_SCHEMA_VERSION, each migration in its own transaction, and creates the
 * key partitions. Waits for another replica that is migrating. Throws for a database newer than this server.
 */
export async function migrate(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    const current = rows[0]?.version ?? 0;
    if (current > MIGRATIONS.length)
      throw new Error(`database schema version ${current} is newer than this server knows (${MIGRATIONS.length})`);
    for (let version = current; version < MIGRATIONS.length; version++) {
      await client.query('BEGIN');
      try {
        await client.query(MIGRATIONS[version]!);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version + 1]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    await maintainKeyPartitions(client);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}

/**
 * Creates the key partitions from yesterday to DAYS_AHEAD days ahead and drops older ones (their keys are
 * past the horizon: a write of today looks only in today's partition). Skips the round when another
 * replica is doing it. Dropping a partition locks its parent: the short lock_timeout keeps writers from
 * queueing behind it for long (the next round tries again).
 */
export async function maintainKeyPartitions(client: pg.ClientBase): Promise<{ created: string[]; dropped: string[] }> {
  const created: string[] = [];
  const dropped: string[] = [];
  const { rows: locked } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
    MAINTENANCE_LOCK,
  ]);
  if (!locked[0]?.locked) return { created, dropped };
  try {
    await client.query("SET lock_timeout = '2s'");
    const { rows } = await client.query<{ day: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day
         FROM generate_series((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + $1::int, '1 day') AS day`,
      [DAYS_AHEAD],
    );
    const wanted = rows.map((row) => row.day);
    const existing = await keyPartitions(client);
    for (const day of wanted) {
      if (existing.has(day)) continue;
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF message_keys
           FOR VALUES FROM ('${day}') TO (('${day}'::date + 1))`,
      );
      created.push(day);
    }
    const oldest = wanted[0]!;
    for (const [day, table] of existing) {
      if (day >= oldest) continue;
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      dropped.push(day);
    }
  } finally {
    await client.query('RESET lock_timeout');
    await client.query('SELECT pg_advisory_unlock($1)', [MAINTENANCE_LOCK]);
  }
  return { created, dropped };
}

/** The key partitions that exist, by day (YYYY-MM-DD) → table name. */
async function keyPartitions(client: pg.ClientBase): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT child.relname AS name
       FROM pg_inherits
       JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
       JOIN pg_class child ON child.oid = pg_inherits.inhrelid
      WHERE parent.relname = 'message_keys' AND parent.relnamespace = to_regnamespace(current_schema())::oid`,
  );
  const partitions = new Map<string, string>();
  for (const { name } of rows) {
    const match = /^message_keys_(\d{4})(\d{2})(\d{2})$/.exec(name);
    if (match) partitions.set(`${match[1]}-${match[2]}-${match[3]}`, name);
  }
  return partitions;
}

function partitionName(day: string): string {
  return `message_keys_${day.replaceAll('-', '')}`;
}
