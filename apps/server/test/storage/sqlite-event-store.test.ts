// The store as its callers use it: storing and reading, lists, group commit, failures and close.
import { describe, expect, it } from 'vitest';
import { InvalidCursorError, type NewEvent, StoreUnavailableError } from '../../src/storage/event-store.js';
import { openSqliteStore, type SqliteEventStore } from '../../src/storage/sqlite-event-store.js';
import { event, file, onCleanup, open, otherConnection, rowCount, useTempDatabase } from './helpers.js';

useTempDatabase();

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
    const foreign = [
      '',
      'not a cursor!',
      `${issued}=`,
      encode('abc'),
      encode('0'),
      encode('-3'),
      encode('01'),
      'x'.repeat(100),
    ];
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
      Array.from({ length: 20 }, (_, i) =>
        store.append([event({ eventName: `${i}:0` }), event({ eventName: `${i}:1` })]),
      ),
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

  it('answers the readiness probe when healthy', async () => {
    const store = open();
    await expect(store.ping()).resolves.toBeUndefined();
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
    onCleanup(() => store.close());
    const [result] = await store.append([event()]);
    expect(await store.get(result!.id)).toBeDefined();
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
