import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidCursorError, StoreUnavailableError, type NewEvent } from '../../src/storage/event-store.js';
import { SQLITE_SCHEMA_VERSION } from '../../src/storage/open-database.js';
import { openSqliteStore, type SqliteEventStore, type SqliteStoreOptions } from '../../src/storage/sqlite-event-store.js';

let dir: string;
let file: string;
const cleanups: Array<() => unknown> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trackspec-store-'));
  // A missing subdirectory checks that the store creates it.
  file = join(dir, 'data', 'events.db');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function open(options?: SqliteStoreOptions): SqliteEventStore {
  const store = openSqliteStore(file, options);
  cleanups.push(() => store.close());
  return store;
}

/** A second, independent connection to the same file, as another process would have. */
function otherConnection(): Database.Database {
  const db = new Database(file);
  cleanups.push(() => db.open && db.close());
  return db;
}

let seq = 0;
function event(overrides: Partial<NewEvent> = {}): NewEvent {
  seq += 1;
  return {
    api: 'm1das',
    source: 'web',
    type: 'track',
    eventName: `Event ${seq}`,
    userId: 'user-1',
    anonymousId: null,
    messageId: `msg-${seq}`,
    timestamp: '2025-06-01T12:00:00.000Z',
    receivedAt: '2025-06-01T12:00:01.000Z',
    payload: { n: seq, nested: { ok: true, list: [1, 'two', null] } },
    ...overrides,
  };
}

function rowCount(): number {
  return (otherConnection().prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
}

describe('openSqliteStore', () => {
  it('stores events and reads them back by id and in lists', async () => {
    const store = open();
    const input = [event(), event({ type: 'identify', eventName: undefined, messageId: undefined })];
    const results = await store.append(input);

    expect(results).toEqual([
      { id: expect.stringMatching(/^\d+$/), duplicate: false },
      { id: expect.stringMatching(/^\d+$/), duplicate: false },
    ]);
    const first = await store.get(results[0]!.id);
    expect(first).toEqual({
      id: results[0]!.id,
      api: 'm1das',
      source: 'web',
      type: 'track',
      eventName: input[0]!.eventName,
      userId: 'user-1',
      anonymousId: null,
      messageId: input[0]!.messageId,
      timestamp: '2025-06-01T12:00:00.000Z',
      receivedAt: '2025-06-01T12:00:01.000Z',
      payload: input[0]!.payload,
    });
    const second = await store.get(results[1]!.id);
    expect(second).toMatchObject({ type: 'identify', eventName: null, messageId: null });

    const page = await store.list({ limit: 10 });
    expect(page.events.map((e) => e.id)).toEqual(results.map((r) => r.id));
    expect(page.nextCursor).toBeNull();
  });

  it('answers undefined for ids it does not have', async () => {
    const store = open();
    await store.append([event()]);
    for (const id of ['999', '0', '-1', 'abc', '', '1.5', '99999999999999999999']) {
      expect(await store.get(id)).toBeUndefined();
    }
  });

  it('stores receivedAt as UTC so range filters compare correctly', async () => {
    const store = open();
    const [result] = await store.append([event({ receivedAt: '2025-06-01T14:00:00+02:00' })]);
    expect((await store.get(result!.id))?.receivedAt).toBe('2025-06-01T12:00:00.000Z');
  });

  it('rejects a call with an event it cannot store, without storing any of that call', async () => {
    const store = open();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const good = store.append([event()]);
    await expect(store.append([event(), event({ payload: cyclic })])).rejects.toThrow(TypeError);
    await expect(store.append([event({ payload: 1n })])).rejects.toThrow(TypeError);
    await expect(store.append([event({ receivedAt: 'yesterday' })])).rejects.toThrow(RangeError);
    await expect(store.append([event({ source: '' })])).rejects.toThrow(TypeError);
    // A bad call fails alone; the call queued beside it is stored.
    await expect(good).resolves.toHaveLength(1);
    expect(rowCount()).toBe(1);
  });

  it('resolves an empty append without writing', async () => {
    const store = open();
    await expect(store.append([])).resolves.toEqual([]);
    expect(store.stats().transactions).toBe(0);
  });
});

describe('deduplication', () => {
  it('stores a repeated (source, messageId) once and answers the first id', async () => {
    const store = open();
    const [first] = await store.append([event({ messageId: 'same' })]);
    const [again] = await store.append([event({ messageId: 'same', payload: { changed: true } })]);

    expect(first).toEqual({ id: expect.any(String), duplicate: false });
    expect(again).toEqual({ id: first!.id, duplicate: true });
    expect(rowCount()).toBe(1);
    expect((await store.get(first!.id))?.payload).not.toEqual({ changed: true });
  });

  it('keeps the same messageId from different sources apart', async () => {
    const store = open();
    const results = await store.append([
      event({ source: 'web', messageId: 'same' }),
      event({ source: 'ios', messageId: 'same' }),
    ]);
    expect(results.map((r) => r.duplicate)).toEqual([false, false]);
    expect(results[0]!.id).not.toBe(results[1]!.id);
    expect(rowCount()).toBe(2);
  });

  it('never deduplicates events without a messageId', async () => {
    const store = open();
    const results = await store.append([event({ messageId: null }), event({ messageId: undefined })]);
    const more = await store.append([event({ messageId: null })]);
    expect([...results, ...more].map((r) => r.duplicate)).toEqual([false, false, false]);
    expect(rowCount()).toBe(3);
  });

  it('deduplicates within one call and across calls in one group commit', async () => {
    const store = open();
    const [oneCall, otherCall] = await Promise.all([
      store.append([event({ messageId: 'a' }), event({ messageId: 'b' }), event({ messageId: 'a' })]),
      store.append([event({ messageId: 'b' })]),
    ]);
    expect(oneCall).toEqual([
      { id: expect.any(String), duplicate: false },
      { id: expect.any(String), duplicate: false },
      { id: oneCall[0]!.id, duplicate: true },
    ]);
    expect(otherCall).toEqual([{ id: oneCall[1]!.id, duplicate: true }]);
    expect(rowCount()).toBe(2);
    expect(store.stats()).toMatchObject({ transactions: 1, eventsStored: 2, duplicates: 2 });
  });

  it('deduplicates within its window of recent events only', async () => {
    const store = open({ dedupeWindow: 2 });
    const [a] = await store.append([event({ messageId: 'a' })]);
    await store.append([event({ messageId: 'b' })]);
    expect(await store.append([event({ messageId: 'a' })])).toEqual([{ id: a!.id, duplicate: true }]);
    await store.append([event({ messageId: 'c' })]);
    // 'a' is now older than the two most recent events, so a retry is stored again.
    const [late] = await store.append([event({ messageId: 'a' })]);
    expect(late!.duplicate).toBe(false);
    expect(rowCount()).toBe(4);
  });

  it('rebuilds the window from the newest stored events on reopen', async () => {
    const first = openSqliteStore(file);
    for (const messageId of ['old', 'mid', 'new']) await first.append([event({ messageId })]);
    await first.close();

    const reopened = open({ dedupeWindow: 2 });
    const results = await reopened.append([event({ messageId: 'new' }), event({ messageId: 'mid' }), event({ messageId: 'old' })]);
    expect(results.map((r) => r.duplicate)).toEqual([true, true, false]);
  });

  it('deduplicates events written before the dedupe index was dropped (schema 1)', async () => {
    const first = openSqliteStore(file);
    const [stored] = await first.append([event({ messageId: 'kept' })]);
    await first.close();
    const old = otherConnection();
    // Back to schema 1 as a server of the previous version left it.
    old.exec(`CREATE UNIQUE INDEX events_message_id_source ON events (message_id, source) WHERE message_id IS NOT NULL;
              CREATE INDEX events_api ON events (api); CREATE INDEX events_type ON events (type); PRAGMA user_version = 1;`);
    old.close();

    const migrated = open();
    expect(await migrated.append([event({ messageId: 'kept' })])).toEqual([{ id: stored!.id, duplicate: true }]);
    const check = otherConnection();
    expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
  });
});

describe('list', () => {
  async function seed(store: SqliteEventStore) {
    const hour = (h: number) => `2025-06-01T${String(h).padStart(2, '0')}:00:00.000Z`;
    const spec: Array<Partial<NewEvent>> = [];
    for (let i = 0; i < 24; i++) {
      spec.push({
        api: i % 2 === 0 ? 'm1das' : 'rockstat',
        source: i % 3 === 0 ? 'web' : 'ios',
        type: i % 4 === 0 ? 'identify' : 'track',
        messageId: `m-${i}`,
        receivedAt: hour(i),
      });
    }
    const results = await store.append(spec.map((s) => event(s)));
    return spec.map((s, i) => ({ ...s, id: results[i]!.id }));
  }

  it('applies each filter, ordered by id', async () => {
    const store = open();
    const seeded = await seed(store);
    const ids = async (filter: Omit<Parameters<SqliteEventStore['list']>[0], 'limit'>) =>
      (await store.list({ ...filter, limit: 100 })).events.map((e) => e.id);
    const expected = (keep: (s: (typeof seeded)[number]) => boolean) => seeded.filter(keep).map((s) => s.id);

    expect(await ids({})).toEqual(seeded.map((s) => s.id));
    expect(await ids({ api: 'rockstat' })).toEqual(expected((s) => s.api === 'rockstat'));
    expect(await ids({ source: 'web' })).toEqual(expected((s) => s.source === 'web'));
    expect(await ids({ type: 'identify' })).toEqual(expected((s) => s.type === 'identify'));
    expect(await ids({ messageId: 'm-5' })).toEqual(expected((s) => s.messageId === 'm-5'));
    expect(await ids({ api: 'm1das', source: 'web', type: 'identify' })).toEqual(
      expected((s) => s.api === 'm1das' && s.source === 'web' && s.type === 'identify'),
    );
    // from is inclusive, to exclusive; offsets are compared as instants.
    expect(await ids({ from: '2025-06-01T05:00:00.000Z', to: '2025-06-01T08:00:00Z' })).toEqual(
      seeded.slice(5, 8).map((s) => s.id),
    );
    expect(await ids({ from: '2025-06-01T22:00:00+02:00' })).toEqual(seeded.slice(20).map((s) => s.id));
    expect(await ids({ to: '2025-06-01T02:00:00.000Z', api: 'm1das' })).toEqual([seeded[0]!.id]);
    expect(await ids({ api: 'nope' })).toEqual([]);
  });

  it('pages with a cursor without gaps or repeats', async () => {
    const store = open();
    const seeded = await seed(store);

    const walk = async (filter: { source?: string }, limit: number) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list({ ...filter, limit, cursor });
        expect(page.events.length).toBeLessThanOrEqual(limit);
        seen.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      return { seen, pages };
    };

    expect(await walk({}, 7)).toEqual({ seen: seeded.map((s) => s.id), pages: 4 });
    // An exact multiple of the page size ends without an empty trailing page.
    expect(await walk({}, 8)).toEqual({ seen: seeded.map((s) => s.id), pages: 3 });
    expect(await walk({ source: 'ios' }, 5)).toEqual({
      seen: seeded.filter((s) => s.source === 'ios').map((s) => s.id),
      pages: 4,
    });
  });

  it('rejects cursors it did not issue', async () => {
    const store = open();
    await seed(store);
    const issued = (await store.list({ limit: 1 })).nextCursor!;
    expect(issued).toMatch(/^[A-Za-z0-9_-]+$/);

    const encode = (text: string) => Buffer.from(text).toString('base64url');
    const foreign = ['', 'not a cursor!', `${issued}=`, encode('abc'), encode('0'), encode('-3'), encode('01'), 'x'.repeat(100)];
    for (const cursor of foreign) {
      await expect(store.list({ limit: 5, cursor }), cursor).rejects.toBeInstanceOf(InvalidCursorError);
    }
  });

  it('rejects a limit that is not a positive integer', async () => {
    const store = open();
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await expect(store.list({ limit })).rejects.toThrow(RangeError);
    }
  });
});

describe('group commit', () => {
  it('writes 200 concurrent appends in far fewer transactions', async () => {
    const store = open();
    const calls = Array.from({ length: 200 }, (_, i) =>
      store.append([event({ messageId: `c-${i}-a` }), event({ messageId: `c-${i}-b` })]),
    );
    const results = await Promise.all(calls);

    expect(results.flat()).toHaveLength(400);
    expect(new Set(results.flat().map((r) => r.id)).size).toBe(400);
    expect(rowCount()).toBe(400);
    const stats = store.stats();
    expect(stats).toMatchObject({ appendCalls: 200, eventsStored: 400, failedTransactions: 0 });
    expect(stats.transactions).toBeLessThanOrEqual(2);
  });

  it('keeps each call together and in order', async () => {
    const store = open();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.append([event({ eventName: `${i}:0` }), event({ eventName: `${i}:1` })])),
    );
    for (const [i, [first, second]] of results.entries()) {
      expect(Number(second!.id)).toBe(Number(first!.id) + 1);
      expect((await store.get(first!.id))?.eventName).toBe(`${i}:0`);
    }
  });

  it('resolves only after the transaction is committed', async () => {
    const store = open();
    const reader = otherConnection();
    const visibleOnResolve = await store
      .append([event({ messageId: 'committed' })])
      .then(() => reader.prepare("SELECT count(*) AS n FROM events WHERE message_id = 'committed'").get());
    expect(visibleOnResolve).toEqual({ n: 1 });
  });

  it('uses one transaction per turn for appends awaited one by one', async () => {
    const store = open();
    for (let i = 0; i < 5; i++) await store.append([event()]);
    expect(store.stats()).toMatchObject({ appendCalls: 5, transactions: 5 });
  });
});

describe('failures', () => {
  // Tests run as root, where chmod does not stop writes; another connection
  // holding the write lock past a short busy_timeout fails writes for anyone.
  it('rejects every append of a batch while another connection holds the write lock, then recovers', async () => {
    const store = open({ busyTimeoutMs: 50 });
    const locker = otherConnection();
    locker.exec('BEGIN IMMEDIATE');

    const attempts = [store.append([event(), event()]), store.append([event()])];
    for (const attempt of attempts) {
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).cause).toMatchObject({ code: 'SQLITE_BUSY' });
    }
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(store.stats()).toMatchObject({ failedTransactions: 1, transactions: 0 });

    locker.exec('ROLLBACK');
    await expect(store.ping()).resolves.toBeUndefined();
    await expect(store.append([event()])).resolves.toHaveLength(1);
    expect(rowCount()).toBe(1);
  });

  it('waits for a locked database on its writer thread, so the calling thread keeps running', async () => {
    const store = open({ busyTimeoutMs: 400 });
    await store.ping(); // the writer thread is up
    const locker = otherConnection();
    locker.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    const error = await store.append([event()]).catch((e: unknown) => e);
    clearInterval(ticker);
    locker.exec('ROLLBACK');
    expect(error).toBeInstanceOf(StoreUnavailableError);
    // Blocked in SQLite's busy wait on this thread, the interval could not have run more than once.
    expect(ticks).toBeGreaterThan(5);
  });

  it.each([
    ['ABORT', 'the store rolls back'],
    ['ROLLBACK', 'SQLite rolls back'],
  ])('rolls back the whole batch when an insert fails mid-transaction (RAISE(%s): %s)', async (action) => {
    const store = open();
    await store.append([event({ messageId: 'before' })]);
    // A trigger from another connection makes one insert fail inside the transaction.
    const admin = otherConnection();
    admin.exec(`CREATE TRIGGER fail_boom BEFORE INSERT ON events WHEN NEW.type = 'boom'
                BEGIN SELECT RAISE(${action}, 'boom refused'); END`);

    const mixed = store.append([event({ messageId: 'ok-1' }), event({ type: 'boom' }), event({ messageId: 'ok-2' })]);
    const beside = store.append([event({ messageId: 'beside' })]);
    await expect(mixed).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(beside).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(rowCount()).toBe(1);

    admin.exec('DROP TRIGGER fail_boom');
    const [ok] = await store.append([event({ messageId: 'ok-1' })]);
    expect(ok!.duplicate).toBe(false);
    expect(rowCount()).toBe(2);
  });

  it('restarts a writer thread that dies, failing only what it had not acknowledged', async () => {
    const store = open({ writerEntry: new URL('./fixtures/dying-writer.mjs', import.meta.url) });
    const [before] = await store.append([event({ messageId: 'before' })]);

    const error = await store.append([event({ source: 'kill-the-writer' })]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/writer thread exited/);
    // Down until the new writer is up: calls fail fast, as the readiness probe does.
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);

    await vi.waitFor(() => store.ping(), { timeout: 10_000, interval: 100 });
    // The new writer sees what the old one committed, dedupe window included.
    expect(await store.append([event({ messageId: 'before' })])).toEqual([{ id: before!.id, duplicate: true }]);
    expect(rowCount()).toBe(1);
  });

  it('answers the readiness probe when healthy', async () => {
    const store = open();
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('fails to open where no database can be created', () => {
    // A regular file where the directory should be stops even root.
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    expect(() => openSqliteStore(join(blocker, 'events.db'))).toThrow(StoreUnavailableError);
  });
});

describe('durability and lifecycle', () => {
  it('keeps data, ids and dedupe across close and reopen', async () => {
    const store = openSqliteStore(file);
    const [first] = await store.append([event({ messageId: 'durable', payload: { kept: 1 } })]);
    await store.close();

    const reopened = open();
    expect((await reopened.get(first!.id))?.payload).toEqual({ kept: 1 });
    expect(await reopened.append([event({ messageId: 'durable' })])).toEqual([{ id: first!.id, duplicate: true }]);
    const [next] = await reopened.append([event()]);
    expect(Number(next!.id)).toBeGreaterThan(Number(first!.id));
  });

  it('uses WAL and migrates idempotently on reopen', async () => {
    await openSqliteStore(file).close();
    await openSqliteStore(file).close();
    const db = otherConnection();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").all();
    expect(indexes.map((i) => (i as { name: string }).name).sort()).toEqual(
      ['events_received_at', 'events_source'],
    );
  });

  it('refuses a database from a newer schema version', async () => {
    await openSqliteStore(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openSqliteStore(file)).toThrow(/newer/);
  });

  it('commits pending appends on close, then rejects further calls', async () => {
    const store = openSqliteStore(file);
    const pending = store.append([event({ messageId: 'last' })]);
    await store.close();
    await expect(pending).resolves.toEqual([{ id: expect.any(String), duplicate: false }]);

    await expect(store.append([event()])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.list({ limit: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.get('1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.close()).resolves.toBeUndefined();
    expect(rowCount()).toBe(1);
  });

  it('works in memory', async () => {
    const store = openSqliteStore(':memory:');
    cleanups.push(() => store.close());
    const [result] = await store.append([event()]);
    expect(await store.get(result!.id)).toBeDefined();
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
