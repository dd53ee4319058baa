/**
 * SQLite serves one server process: a second server on the same file would keep its own dedupe window
 * (letting duplicates through) and could share a worker id. So a server holds an exclusive lock on a
 * small companion file (`<database>-server.lock`, itself a SQLite database) while its store is open; the
 * operating system drops the lock when the process ends, however it ends (kill -9 included).
 */
import Database from 'better-sqlite3';
import { messageOf } from '../error-message.js';
import { StoreUnavailableError } from '../event-store.js';

export interface ServerLock {
  release(): void;
}

/** Takes the lock of the database file at `path`; throws StoreUnavailableError, saying what to do, if another process holds it. */
export function lockForThisServer(path: string): ServerLock {
  const lockPath = `${path}-server.lock`;
  let lock: Database.Database | undefined;
  try {
    lock = new Database(lockPath, { timeout: 0 });
    lock.pragma('locking_mode = EXCLUSIVE');
    // Held until release(): never committed, nothing written.
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock?.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY')
      throw new StoreUnavailableError(
        `${path} is in use by another trackspec server. SQLite serves one server process; to run several replicas, ` +
          'store events in PostgreSQL instead (database: postgres://user@host:port/db, or TRACKSPEC_DATABASE).',
        { cause: error },
      );
    throw new StoreUnavailableError(`cannot lock ${lockPath}: ${messageOf(error)}`, { cause: error });
  }
  const held = lock;
  return { release: () => held.open && held.close() };
}
