// Deduplication and transactions (event-database.ts), through the store.
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/storage/event-store.js';
import { SQLITE_SCHEMA_VERSION } from '../../src/storage/open-database.js';
import { openSqliteStore } from '../../src/storage/sqlite-event-store.js';
import { event, file, open, otherConnection, rowCount, useTempDatabase } from './helpers.js';

useTempDatabase();

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
    const results = await reopened.append([
      event({ messageId: 'new' }),
      event({ messageId: 'mid' }),
      event({ messageId: 'old' }),
    ]);
    expect(results.map((r) => r.duplicate)).toEqual([true, true, false]);
  });

  it('deduplicates events written before the dedupe index was dropped (schema 1)', async () => {
    const first = openSqliteStore(file);
    const [stored] = await first.append([event({ messageId: 'kept' })]);
    await first.close();
    const old = otherConnection();
    // Back to schema 1 as a server of the previous version left it.
    old.exec(`CREATE UNIQUE INDEX events_message_id_source ON events (message_id, source) WHERE message_id IS NOT NULL;
              CREATE INDEX events_api ON events (api); CREATE INDEX events_type ON events (type);
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
