// SQLite's deduplication window and transactions (event-database.ts), through the store; the dedupe
// cases every store shares are in event-store-cases.ts.
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/storage/event-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/event-store.js';
import { SQLITE_SCHEMA_VERSION } from '../../src/storage/sqlite/open-database.js';
import { event, file, open, otherConnection, rowCount, useTempDatabase } from './helpers.js';

useTempDatabase();

describe('deduplication', () => {
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
    const results = await reopened.append([
      event({ messageId: 'new' }),
      event({ messageId: 'mid' }),
      event({ messageId: 'old' }),
    ]);
    expect(results.map((r) => r.duplicate)).toEqual([true, true, false]);
  });

  it('rebuilds the window oldest first: a full window forgets the oldest stored event next', async () => {
    const first = openSqliteStore(file);
    for (const messageId of ['older', 'newer']) await first.append([event({ messageId })]);
    await first.close();

    const reopened = open({ dedupeWindow: 2 });
    expect((await reopened.append([event({ messageId: 'latest' })]))[0]!.duplicate).toBe(false);
    const results = await reopened.append([event({ messageId: 'newer' }), event({ messageId: 'older' })]);
    expect(results.map((r) => r.duplicate)).toEqual([true, false]);
  });

  it.each([
    [2, [false, true, true]],
    [3, [true, true, true]],
    [10, [true, true, true]],
  ])(
    'rebuilds a window of %i from the events that have a message id, skipping those without',
    async (dedupeWindow, duplicates) => {
      const first = openSqliteStore(file);
      for (const messageId of ['a', null, 'b', null, null, 'c', null])
        await first.append([event({ messageId, source: 'web' })]);
      await first.close();

      const reopened = open({ dedupeWindow });
      const results = await reopened.append(['a', 'b', 'c'].map((messageId) => event({ messageId, source: 'web' })));
      expect(results.map((result) => result.duplicate)).toEqual(duplicates);
    },
  );

  it('deduplicates events written before the dedupe index was dropped (schema 1)', async () => {
    const first = openSqliteStore(file);
    const [stored] = await first.append([event({ messageId: 'kept' })]);
    await first.close();
    const old = otherConnection();
    // Back to schema 1 as a server of the previous version left it (without what later migrations add).
    old.exec(`CREATE UNIQUE INDEX events_message_id_source ON events (message_id, source) WHERE message_id IS NOT NULL;
              CREATE INDEX events_api ON events (api); CREATE INDEX events_type ON events (type);
              DROP TABLE write_probe;
              PRAGMA user_version = 1;`);
    old.close();

    const migrated = open();
    expect(await migrated.append([event({ messageId: 'kept' })])).toEqual([{ id: stored!.id, duplicate: true }]);
    const check = otherConnection();
    expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
  });
});

describe('failures', () => {
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
});
