// The SQLite store as its callers use it: the shared EventStore cases (event-store-cases.ts), and what
// only SQLite has: its write lock, in-memory databases.
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/storage/event-store.js';
import { openSqliteStore } from '../../src/storage/sqlite-event-store.js';
import { eventStoreCases } from './event-store-cases.js';
import { event, onCleanup, open, otherConnection, rowCount, useTempDatabase } from './helpers.js';

useTempDatabase();

eventStoreCases({
  open: async () => open(),
  rowCount: async () => rowCount(),
  messageCount: async (messageId) =>
    (otherConnection().prepare('SELECT count(*) AS n FROM events WHERE message_id = ?').get(messageId) as { n: number })
      .n,
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
});

describe('in memory', () => {
  it('works in memory', async () => {
    const store = openSqliteStore(':memory:');
    onCleanup(() => store.close());
    const [result] = await store.append([event()]);
    expect(await store.get(result!.id)).toBeDefined();
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
