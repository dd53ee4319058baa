/** What the store tests share: a temporary database file per test, a second connection to it, and events. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach } from 'vitest';
import type { NewEvent } from '../../src/storage/event-store.js';
import {
  openSqliteStore,
  type SqliteEventStore,
  type SqliteStoreOptions,
} from '../../src/storage/sqlite/event-store.js';

/** The current test's temporary directory and database file (set by useTempDatabase). */
export let dir: string;
export let file: string;
const cleanups: Array<() => unknown> = [];

/** Gives each test of the calling file a fresh `dir` and `file`, and removes them after it (clean-ups first). */
export function useTempDatabase(): void {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trackspec-store-'));
    // A missing subdirectory checks that the store creates it.
    file = join(dir, 'data', 'events.db');
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Runs after the current test, newest first, before its directory is removed. */
export function onCleanup(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

export function open(options?: SqliteStoreOptions): SqliteEventStore {
  const store = openSqliteStore(file, options);
  onCleanup(() => store.close());
  return store;
}

/** A second, independent connection to the same file, as another process would have. */
export function otherConnection(): Database.Database {
  const db = new Database(file);
  onCleanup(() => db.open && db.close());
  return db;
}

let seq = 0;
export function event(overrides: Partial<NewEvent> = {}): NewEvent {
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

export function rowCount(): number {
  return (otherConnection().prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
}
