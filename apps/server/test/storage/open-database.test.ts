// Opening and migrating the database file (open-database.ts), through the store.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/storage/event-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/event-store.js';
import { SQLITE_SCHEMA_VERSION } from '../../src/storage/sqlite/open-database.js';
import { dir, file, otherConnection, useTempDatabase } from './helpers.js';

useTempDatabase();

describe('opening the database', () => {
  it('uses WAL and migrates idempotently on reopen', async () => {
    await openSqliteStore(file).close();
    await openSqliteStore(file).close();
    const db = otherConnection();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").all();
    expect(indexes.map((i) => (i as { name: string }).name).sort()).toEqual(['events_received_at', 'events_source']);
  });

  it('refuses a database from a newer schema version', async () => {
    await openSqliteStore(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openSqliteStore(file)).toThrow(/newer/);
  });

  it('creates every missing folder of the path', async () => {
    await openSqliteStore(join(dir, 'a', 'b', 'c', 'events.db')).close();
    expect(statSync(join(dir, 'a', 'b', 'c', 'events.db')).isFile()).toBe(true);
  });

  it('fails to open where no database can be created', () => {
    // A regular file where the directory should be stops even root.
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    expect(() => openSqliteStore(join(blocker, 'events.db'))).toThrow(StoreUnavailableError);
  });
});
