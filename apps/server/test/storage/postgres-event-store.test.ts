// The PostgreSQL store against a real throw-away cluster: the shared EventStore cases
// (event-store-cases.ts), and what only this store has: several replicas on one database,
// worker-id leases, migrations, dedupe-key partitions, and the database going away.
import { freeLoopbackPort, startPostgres } from '@trackspec/harness';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../src/storage/event-store.js';
import { openPostgresStore } from '../../src/storage/postgres/connect.js';
import { messageKey } from '../../src/storage/postgres/rows.js';
import { LEASE_NOT_HELD, POSTGRES_SCHEMA_VERSION } from '../../src/storage/postgres/schema.js';
import { eventStoreCases } from './event-store-cases.js';
import { event } from './helpers.js';
import { connect, databaseUrl, onCleanup, openStore, queryValue, usePostgres } from './postgres-helpers.js';

usePostgres();

eventStoreCases({
  open: () => openStore(),
  rowCount: async () => Number(await queryValue<string>('SELECT count(*) FROM events')),
  messageCount: async (messageId) =>
    Number(await queryValue<string>('SELECT count(*) FROM events WHERE message_id = $1', [messageId])),
});

describe('several replicas on one database', () => {
  it('migrates once when replicas start together, and each leases its own worker id', async () => {
    const replicas = await Promise.all(Array.from({ length: 4 }, () => openStore()));
    expect(new Set(replicas.map((replica) => replica.workerId)).size).toBe(4);
    expect(await queryValue<number>('SELECT max(version) FROM schema_migrations')).toBe(POSTGRES_SCHEMA_VERSION);
    expect(Number(await queryValue<string>('SELECT count(*) FROM schema_migrations'))).toBe(POSTGRES_SCHEMA_VERSION);
    const held = await queryValue<number[]>(
      'SELECT array_agg(worker_id ORDER BY worker_id) FROM worker_leases WHERE expires_at > now()',
    );
    expect(held).toEqual(replicas.map((replica) => replica.workerId).sort((a, b) => a - b));
  });

  it('stores a message id sent to two replicas at once only once', async () => {
    const [first, second] = await Promise.all([openStore(), openStore()]);
    const rounds = 50;
    const results = await Promise.all(
      Array.from({ length: rounds }, (_, i) =>
        Promise.all([
          first.append([event({ messageId: `both-${i}` })]),
          second.append([event({ messageId: `both-${i}` })]),
        ]),
      ),
    );
    for (const [[a], [b]] of results) {
      expect(a!.id).toBe(b!.id);
      expect([a!.duplicate, b!.duplicate].sort()).toEqual([false, true]);
    }
    expect(Number(await queryValue<string>('SELECT count(*) FROM events'))).toBe(rounds);
    expect(first.stats().duplicates + second.stats().duplicates).toBe(rounds);
  });

  it('lists from the shared database with a cursor that stays put while another replica inserts', async () => {
    const [reader, writer] = await Promise.all([openStore(), openStore()]);
    const seeded = await reader.append(Array.from({ length: 30 }, (_, i) => event({ messageId: `seed-${i}` })));
    const seen: string[] = [];
    let cursor: string | undefined;
    let inserted = 0;
    do {
      const page = await reader.list({ limit: 7, cursor, source: 'web' });
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
      // The other replica's events are newer (later ids): they come after the seeded ones, never in between.
      await writer.append([event({ messageId: `during-${inserted++}` })]);
    } while (cursor);
    expect(seen.slice(0, 30)).toEqual(seeded.map((r) => r.id));
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('worker-id lease', () => {
  it('frees the worker id on close, for the next replica after a short guard', async () => {
    const first = await openStore();
    await first.close();
    expect(
      await queryValue<boolean>(
        "SELECT expires_at < now() + interval '3 seconds' FROM worker_leases WHERE worker_id = $1",
        [first.workerId],
      ),
    ).toBe(true);
  });

  it('refuses writes (never acknowledging one) once the database says the lease has expired, until renewed', async () => {
    const store = await openStore();
    await store.append([event({ messageId: 'before' })]);
    const admin = await connect();
    await admin.query("UPDATE worker_leases SET expires_at = now() - interval '1 second' WHERE worker_id = $1", [
      store.workerId,
    ]);
    const refused = await store.append([event({ messageId: 'lapsed' })]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect((refused as Error).cause).toMatchObject({ code: LEASE_NOT_HELD });

    // Nobody took the id meanwhile, so the lease is renewed and writes resume.
    await store.renewLease();
    await expect(store.append([event({ messageId: 'lapsed' })])).resolves.toEqual([
      { id: expect.any(String), duplicate: false },
    ]);
    expect(Number(await queryValue<string>("SELECT count(*) FROM events WHERE message_id = 'lapsed'"))).toBe(1);
  });

  it('stops answering for good once another replica has taken its worker id', async () => {
    const store = await openStore();
    const admin = await connect();
    await admin.query('UPDATE worker_leases SET holder = gen_random_uuid() WHERE worker_id = $1', [store.workerId]);
    await store.renewLease();
    await expect(store.append([event()])).rejects.toThrow(/taken by another replica/);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Number(await queryValue<string>('SELECT count(*) FROM events'))).toBe(0);
  });

  it('is not ready once the database says another replica took its worker id, before its renewal finds out', async () => {
    const store = await openStore();
    await store.ping();
    const admin = await connect();
    await admin.query('UPDATE worker_leases SET holder = gen_random_uuid() WHERE worker_id = $1', [store.workerId]);
    await expect(store.ping()).rejects.toMatchObject({ name: 'StoreNotWritableError', reason: 'lease-lost' });
  });

  it('after a failed append, pings by committing a probe row of its own (no event) until one commits', async () => {
    const store = await openStore();
    const probes = () => queryValue<string>('SELECT count(*) FROM write_probes WHERE worker_id = $1', [store.workerId]);
    await store.ping();
    expect(await probes()).toBe('0'); // the usual ping writes nothing
    const admin = await connect();
    // The database's clock says the lease lapsed; renewing it is all the replica needs.
    await admin.query("UPDATE worker_leases SET expires_at = now() - interval '1 second' WHERE worker_id = $1", [
      store.workerId,
    ]);
    await expect(store.append([event()])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toMatchObject({ reason: 'lease-lost', cause: { code: LEASE_NOT_HELD } });
    expect(await probes()).toBe('0');

    await store.renewLease();
    await expect(store.ping()).resolves.toBeUndefined();
    expect(await probes()).toBe('1');
    expect(Number(await queryValue<string>('SELECT count(*) FROM events'))).toBe(0);
  });
});

describe('dedupe-key partitions', () => {
  it('keeps each key in the partitions of its day and the next, so a retry within 24 hours always meets it', async () => {
    const store = await openStore();
    const [stored] = await store.append([event({ messageId: 'keyed' })]);
    const days = await queryValue<string[]>(
      `SELECT array_agg(to_char(day, 'YYYY-MM-DD') ORDER BY day) FROM message_keys WHERE event_id = $1`,
      [stored!.id],
    );
    const today = await queryValue<string>(`SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`);
    const tomorrow = await queryValue<string>(`SELECT to_char((now() AT TIME ZONE 'UTC')::date + 1, 'YYYY-MM-DD')`);
    expect(days).toEqual([today, tomorrow]);
  });

  it('answers a retry of an event stored yesterday as a duplicate of it', async () => {
    const store = await openStore();
    // As yesterday's write left it: the key in yesterday's and today's partitions.
    const [earlier] = await store.append([event({ messageId: 'other' })]);
    const admin = await connect();
    await admin.query(
      `INSERT INTO message_keys (day, key, event_id)
       SELECT (now() AT TIME ZONE 'UTC')::date + offset_days, $1::uuid, $2 FROM (VALUES (-1), (0)) AS d (offset_days)`,
      [messageKey('web', 'from-yesterday'), earlier!.id],
    );
    expect(await store.append([event({ messageId: 'from-yesterday' })])).toEqual([
      { id: earlier!.id, duplicate: true },
    ]);
    // Its key now has no half-inserted leftover for tomorrow.
    expect(
      Number(
        await queryValue<string>('SELECT count(*) FROM message_keys WHERE key = $1', [
          messageKey('web', 'from-yesterday'),
        ]),
      ),
    ).toBe(2);
  });

  it('creates partitions ahead and drops those past the horizon', async () => {
    const store = await openStore();
    const admin = await connect();
    await admin.query(
      "CREATE TABLE message_keys_20200101 PARTITION OF message_keys FOR VALUES FROM ('2020-01-01') TO ('2020-01-02')",
    );
    const { dropped } = await store.maintain();
    expect(dropped).toEqual(['2020-01-01']);
    const partitions = await queryValue<number>(
      "SELECT count(*)::int FROM pg_inherits WHERE inhparent = 'message_keys'::regclass",
    );
    // Yesterday, today and three days ahead.
    expect(partitions).toBe(5);
  });
});

describe('migrations', () => {
  it('refuses a database from a newer schema version', async () => {
    await (await openStore()).close();
    const admin = await connect();
    await admin.query('INSERT INTO schema_migrations (version) VALUES ($1)', [POSTGRES_SCHEMA_VERSION + 1]);
    await expect(openPostgresStore(databaseUrl)).rejects.toThrow(/newer than this server knows/);
  });
});

describe('what is stored', () => {
  it('keeps columns and payloads with tabs, newlines, backslashes, NULs and unpaired surrogates', async () => {
    const store = await openStore();
    const awkward = 'tab\there\nnew\\line\r\u0000nul \ud800 end';
    const [result] = await store.append([
      event({ eventName: awkward, userId: awkward, messageId: awkward, payload: { text: awkward, [awkward]: 1 } }),
    ]);
    const stored = await store.get(result!.id);
    // The payload is kept exactly; columns cannot hold U+0000 or unpaired surrogates (U+FFFD instead).
    expect(stored?.payload).toEqual({ text: awkward, [awkward]: 1 });
    const inColumn = awkward.replace('\u0000', '\uFFFD').replace('\ud800', '\uFFFD');
    expect(stored).toMatchObject({ eventName: inColumn, userId: inColumn, messageId: inColumn });
    expect(await store.append([event({ messageId: awkward })])).toEqual([{ id: result!.id, duplicate: true }]);
    // Ids differing only in an unpaired surrogate are different messages.
    expect((await store.append([event({ messageId: awkward.replace('\ud800', '\ud801') })]))[0]!.duplicate).toBe(false);
  });

  it('rolls back the whole group when an insert fails mid-transaction, and recovers', async () => {
    const store = await openStore();
    await store.append([event({ messageId: 'before' })]);
    const admin = await connect();
    await admin.query(`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
                       BEGIN RAISE EXCEPTION 'boom refused'; END $$;
                       CREATE TRIGGER refuse_boom BEFORE INSERT ON events FOR EACH ROW
                       WHEN (NEW.type = 'boom') EXECUTE FUNCTION refuse_boom()`);
    const mixed = store.append([event({ messageId: 'ok-1' }), event({ type: 'boom' }), event({ messageId: 'ok-2' })]);
    const beside = store.append([event({ messageId: 'beside' })]);
    await expect(mixed).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(beside).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Number(await queryValue<string>('SELECT count(*) FROM events'))).toBe(1);
    expect(Number(await queryValue<string>('SELECT count(*) FROM message_keys'))).toBe(2);

    await admin.query('DROP TRIGGER refuse_boom ON events');
    expect(await store.append([event({ messageId: 'ok-1' })])).toEqual([{ id: expect.any(String), duplicate: false }]);
  });
});

describe('the database going away', () => {
  it('answers 503-style failures while PostgreSQL is down, then recovers without reopening the store', async () => {
    // A cluster of its own: restarting the shared one would replay every other test's CREATE DATABASE.
    const own = await startPostgres();
    onCleanup(() => own.stop());
    const store = await openPostgresStore(own.url);
    onCleanup(() => store.close());
    const count = async () => {
      const client = new pg.Client({ connectionString: own.url });
      await client.connect();
      const { rows } = await client.query('SELECT array_agg(message_id ORDER BY id) AS ids FROM events');
      await client.end();
      return rows[0].ids as string[];
    };
    await store.append([event({ messageId: 'before' })]);
    await own.stopServer('immediate');
    try {
      const during = await store.append([event({ messageId: 'during' })]).catch((error: unknown) => error);
      expect(during).toBeInstanceOf(StoreUnavailableError);
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.list({ limit: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await own.startServer();
    }
    // Back without reopening the store: at once, or, if PostgreSQL was down longer than the lease is trusted
    // without renewal (a slow restart on a busy machine), after the next renewal attempt (every second).
    const after = await vi.waitFor(
      async () => {
        const result = await store.append([event({ messageId: 'after' })]).catch((error: unknown) => error);
        expect(result).not.toBeInstanceOf(StoreUnavailableError);
        return result;
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(after).toEqual([{ id: expect.any(String), duplicate: false }]);
    expect(await count()).toEqual(['before', 'after']);
  });

  it('fails to open, naming the database without its password, when it cannot connect', async () => {
    const unreachable = `postgres://someone:secret-password@127.0.0.1:${await freeLoopbackPort()}/nowhere`;
    const error = await openPostgresStore(unreachable, { statementTimeoutMs: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/cannot open the event store at postgres:\/\/someone:\*\*\*@127\.0\.0\.1/);
    expect((error as Error).message).not.toContain('secret-password');
  });
});
