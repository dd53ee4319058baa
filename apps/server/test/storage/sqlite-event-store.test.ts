// The SQLite store as its callers use it: the shared EventStore cases (event-store-cases.ts), and what
// only SQLite has: its write lock, one server process per file, in-memory databases.
import { startServerProcess } from '@trackspec/harness';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/storage/event-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/event-store.js';
import { eventStoreCases } from './event-store-cases.js';
import { event, file, onCleanup, open, otherConnection, rowCount, useTempDatabase } from './helpers.js';

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

  it('after a failed append, pings by committing a probe row of its own (no event) until one commits', async () => {
    const store = open({ busyTimeoutMs: 50 });
    const probes = () => otherConnection().prepare('SELECT probed_at FROM write_probe').all();
    await store.ping();
    expect(probes()).toEqual([]); // the usual ping writes nothing
    const locker = otherConnection();
    locker.exec('BEGIN IMMEDIATE');
    await expect(store.append([event()])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toMatchObject({ name: 'StoreNotWritableError', reason: 'write-failed' });
    expect(probes()).toEqual([]);

    locker.exec('ROLLBACK');
    await expect(store.ping()).resolves.toBeUndefined();
    expect(probes()).toEqual([{ probed_at: expect.any(String) }]);
    expect(rowCount()).toBe(0);
  });
});

describe('one server process per file', () => {
  it('refuses a second store on a file while the first is open, pointing to PostgreSQL', async () => {
    const first = open();
    expect(() => openSqliteStore(file)).toThrow(/in use by another trackspec server.*PostgreSQL/s);
    await first.close();
    // Closing releases it.
    const second = open();
    await expect(second.append([event()])).resolves.toHaveLength(1);
  });

  it('refuses to start a second server process on the same file, with that message', async () => {
    const running = await startServerProcess({ database: file });
    onCleanup(() => running.stop({ removeData: false }));
    const refused = await startServerProcess({ database: file }).catch((error: unknown) => error);
    expect(String(refused)).toMatch(/in use by another trackspec server.*several replicas.*postgres:\/\//s);
    // The first one is unaffected.
    const health = await fetch(`${running.origin}/readyz`);
    expect(health.status).toBe(200);
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
