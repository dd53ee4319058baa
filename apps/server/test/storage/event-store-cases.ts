/**
 * The EventStore contract, written once and run against every store (sqlite-event-store.test.ts,
 * postgres-event-store.test.ts): storing and reading, lists and cursors, group commit, deduplication,
 * durability across reopen, and close.
 */
import { describe, expect, it } from 'vitest';
import {
  type EventFilter,
  type EventStore,
  InvalidCursorError,
  type NewEvent,
  StoreUnavailableError,
} from '../../src/storage/event-store.js';
import { event } from './helpers.js';

/** What both stores count; `transactions` counts committed group commits. */
export interface StoreStats {
  appendCalls: number;
  transactions: number;
  failedTransactions: number;
  eventsStored: number;
  duplicates: number;
}

export type TestStore = EventStore & { stats(): StoreStats };

export interface StoreUnderTest {
  /** Opens a store on the current test's database (a fresh one per test; reopening keeps it); closed after the test. */
  open(): Promise<TestStore>;
  /** Rows in the events table, counted through a connection of its own. */
  rowCount(): Promise<number>;
  /** Rows with this message id, counted through a connection of its own. */
  messageCount(messageId: string): Promise<number>;
}

const byId = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : 1);

export function eventStoreCases(store: StoreUnderTest): void {
  describe('storing and reading', () => {
    it('stores events and reads them back by id and in lists', async () => {
      const events = await store.open();
      const input = [event(), event({ type: 'identify', eventName: undefined, messageId: undefined })];
      const results = await events.append(input);

      expect(results).toEqual([
        { id: expect.stringMatching(/^\d+$/), duplicate: false },
        { id: expect.stringMatching(/^\d+$/), duplicate: false },
      ]);
      const first = await events.get(results[0]!.id);
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
      const second = await events.get(results[1]!.id);
      expect(second).toMatchObject({ type: 'identify', eventName: null, messageId: null });

      const page = await events.list({ limit: 10 });
      expect(page.events.map((e) => e.id)).toEqual(results.map((r) => r.id));
      expect(page.nextCursor).toBeNull();
    });

    it('answers undefined for ids it does not have', async () => {
      const events = await store.open();
      await events.append([event()]);
      for (const id of ['999', '0', '-1', 'abc', '', '1.5', '99999999999999999999']) {
        expect(await events.get(id)).toBeUndefined();
      }
    });

    it('stores receivedAt as UTC so range filters compare correctly', async () => {
      const events = await store.open();
      const [result] = await events.append([event({ receivedAt: '2025-06-01T14:00:00+02:00' })]);
      expect((await events.get(result!.id))?.receivedAt).toBe('2025-06-01T12:00:00.000Z');
    });

    it('rejects a call with an event it cannot store, without storing any of that call', async () => {
      const events = await store.open();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const good = events.append([event()]);
      await expect(events.append([event(), event({ payload: cyclic })])).rejects.toThrow(TypeError);
      await expect(events.append([event({ payload: 1n })])).rejects.toThrow(TypeError);
      await expect(events.append([event({ receivedAt: 'yesterday' })])).rejects.toThrow(RangeError);
      await expect(events.append([event({ source: '' })])).rejects.toThrow(TypeError);
      // A bad call fails alone; the call queued beside it is stored.
      await expect(good).resolves.toHaveLength(1);
      expect(await store.rowCount()).toBe(1);
    });

    it('resolves an empty append without writing', async () => {
      const events = await store.open();
      await expect(events.append([])).resolves.toEqual([]);
      expect(events.stats().transactions).toBe(0);
    });
  });

  describe('list', () => {
    async function seed(events: TestStore) {
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
      const results = await events.append(spec.map((s) => event(s)));
      return spec.map((s, i) => ({ ...s, id: results[i]!.id }));
    }

    it('applies each filter, ordered by id', async () => {
      const events = await store.open();
      const seeded = await seed(events);
      const ids = async (filter: Omit<EventFilter, 'limit'>) =>
        (await events.list({ ...filter, limit: 100 })).events.map((e) => e.id);
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
      const events = await store.open();
      const seeded = await seed(events);

      const walk = async (filter: { source?: string }, limit: number) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await events.list({ ...filter, limit, cursor });
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
      const events = await store.open();
      await seed(events);
      const issued = (await events.list({ limit: 1 })).nextCursor!;
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
        encode('99999999999999999999'),
        'x'.repeat(100),
      ];
      for (const cursor of foreign) {
        await expect(events.list({ limit: 5, cursor }), cursor).rejects.toBeInstanceOf(InvalidCursorError);
      }
    });

    it('rejects a limit that is not a positive integer', async () => {
      const events = await store.open();
      for (const limit of [0, -1, 1.5, Number.NaN]) {
        await expect(events.list({ limit })).rejects.toThrow(RangeError);
      }
    });
  });

  describe('group commit', () => {
    it('writes 200 concurrent appends in far fewer transactions', async () => {
      const events = await store.open();
      const calls = Array.from({ length: 200 }, (_, i) =>
        events.append([event({ messageId: `c-${i}-a` }), event({ messageId: `c-${i}-b` })]),
      );
      const results = await Promise.all(calls);

      expect(results.flat()).toHaveLength(400);
      expect(new Set(results.flat().map((r) => r.id)).size).toBe(400);
      expect(await store.rowCount()).toBe(400);
      const stats = events.stats();
      expect(stats).toMatchObject({ appendCalls: 200, eventsStored: 400, failedTransactions: 0 });
      expect(stats.transactions).toBeLessThanOrEqual(2);
    });

    it('keeps each call together and in order', async () => {
      const events = await store.open();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          events.append([event({ eventName: `${i}:0` }), event({ eventName: `${i}:1` })]),
        ),
      );
      const listed = (await events.list({ limit: 100 })).events.map((e) => e.id);
      for (const [i, [first, second]] of results.entries()) {
        // Next to each other in the store's order, the call's first event first.
        expect(listed.indexOf(second!.id)).toBe(listed.indexOf(first!.id) + 1);
        expect(byId(first!.id, second!.id)).toBe(-1);
        expect((await events.get(first!.id))?.eventName).toBe(`${i}:0`);
      }
    });

    it('resolves only after the transaction is committed', async () => {
      const events = await store.open();
      const visibleOnResolve = await events
        .append([event({ messageId: 'committed' })])
        .then(() => store.messageCount('committed'));
      expect(visibleOnResolve).toBe(1);
    });

    it('uses one transaction per turn for appends awaited one by one', async () => {
      const events = await store.open();
      for (let i = 0; i < 5; i++) await events.append([event()]);
      expect(events.stats()).toMatchObject({ appendCalls: 5, transactions: 5 });
    });

    it('answers the readiness probe when healthy', async () => {
      const events = await store.open();
      await expect(events.ping()).resolves.toBeUndefined();
    });
  });

  describe('deduplication', () => {
    it('stores a repeated (source, messageId) once and answers the first id', async () => {
      const events = await store.open();
      const [first] = await events.append([event({ messageId: 'same' })]);
      const [again] = await events.append([event({ messageId: 'same', payload: { changed: true } })]);

      expect(first).toEqual({ id: expect.any(String), duplicate: false });
      expect(again).toEqual({ id: first!.id, duplicate: true });
      expect(await store.rowCount()).toBe(1);
      expect((await events.get(first!.id))?.payload).not.toEqual({ changed: true });
    });

    it('keeps the same messageId from different sources apart', async () => {
      const events = await store.open();
      const results = await events.append([
        event({ source: 'web', messageId: 'same' }),
        event({ source: 'ios', messageId: 'same' }),
      ]);
      expect(results.map((r) => r.duplicate)).toEqual([false, false]);
      expect(results[0]!.id).not.toBe(results[1]!.id);
      expect(await store.rowCount()).toBe(2);
    });

    it('never deduplicates events without a messageId', async () => {
      const events = await store.open();
      const results = await events.append([event({ messageId: null }), event({ messageId: undefined })]);
      const more = await events.append([event({ messageId: null })]);
      expect([...results, ...more].map((r) => r.duplicate)).toEqual([false, false, false]);
      expect(await store.rowCount()).toBe(3);
    });

    it('deduplicates within one call and across calls in one group commit', async () => {
      const events = await store.open();
      const [oneCall, otherCall] = await Promise.all([
        events.append([event({ messageId: 'a' }), event({ messageId: 'b' }), event({ messageId: 'a' })]),
        events.append([event({ messageId: 'b' })]),
      ]);
      expect(oneCall).toEqual([
        { id: expect.any(String), duplicate: false },
        { id: expect.any(String), duplicate: false },
        { id: oneCall[0]!.id, duplicate: true },
      ]);
      expect(otherCall).toEqual([{ id: oneCall[1]!.id, duplicate: true }]);
      expect(await store.rowCount()).toBe(2);
      expect(events.stats()).toMatchObject({ transactions: 1, eventsStored: 2, duplicates: 2 });
    });
  });

  describe('durability and lifecycle', () => {
    it('keeps data, ids and dedupe across close and reopen', async () => {
      const events = await store.open();
      const [first] = await events.append([event({ messageId: 'durable', payload: { kept: 1 } })]);
      await events.close();

      const reopened = await store.open();
      expect((await reopened.get(first!.id))?.payload).toEqual({ kept: 1 });
      expect(await reopened.append([event({ messageId: 'durable' })])).toEqual([{ id: first!.id, duplicate: true }]);
      const [next] = await reopened.append([event()]);
      expect(byId(first!.id, next!.id)).toBe(-1);
    });

    it('commits pending appends on close, then rejects further calls', async () => {
      const events = await store.open();
      const pending = events.append([event({ messageId: 'last' })]);
      await events.close();
      await expect(pending).resolves.toEqual([{ id: expect.any(String), duplicate: false }]);

      await expect(events.append([event()])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(events.list({ limit: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(events.get('1')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(events.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(events.close()).resolves.toBeUndefined();
      expect(await store.rowCount()).toBe(1);
    });
  });
}
