/**
 * Opening the SQLite event database: WAL journal, synchronous=FULL (a commit is on disk before it
 * returns), schema migrations. Shared by the store's start-up check and its writer thread.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Schema migrations: entry N upgrades PRAGMA user_version N to N+1.
 * Append only; never edit one that has shipped.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id           INTEGER PRIMARY KEY AUTOINCREMENT,
     api          TEXT NOT NULL,
     source       TEXT NOT NULL,
     type         TEXT NOT NULL,
     event_name   TEXT,
     user_id      TEXT,
     anonymous_id TEXT,
     message_id   TEXT,
     timestamp    TEXT,
     received_at  TEXT NOT NULL,
     payload      TEXT NOT NULL
   );
   CREATE UNIQUE INDEX events_message_id_source ON events (message_id, source) WHERE message_id IS NOT NULL;
   CREATE INDEX events_api ON events (api);
   CREATE INDEX events_source ON events (source);
   CREATE INDEX events_type ON events (type);
   CREATE INDEX events_received_at ON events (received_at);`,
  // Keep only the indexes whose keys grow with time (cheap to append to). The random message-id
  // index dirtied one page per event and cut write throughput ~5×; dedupe now uses an in-memory
  // window. `api` and `type` filters scan in id order, which is quick for common values.
  `DROP INDEX events_message_id_source;
   DROP INDEX events_api;
   DROP INDEX events_type;`,
  // Readiness's own row: while appends fail, the probe rewrites it in a committed transaction (a real
  // write, needing the write lock and WAL space as an append does) to learn when writes work again.
  `CREATE TABLE write_probe (
     id        INTEGER PRIMARY KEY CHECK (id = 1),
     probed_at TEXT NOT NULL
   );`,
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/** A path naming a file (not `:memory:`, an anonymous temporary database or a `file:` URI). */
export function isFilePath(path: string): boolean {
  return path !== '' && path !== ':memory:' && !path.startsWith('file:');
}

/** Opens (creating if needed, with its folder) and migrates the database. Throws, saying why, if it cannot. */
export function openEventDatabase(path: string, busyTimeoutMs: number): Database.Database {
  if (isFilePath(path)) makeFolder(dirname(path));
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    migrate(db);
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // The open error is the one worth reporting.
    }
    if (isFilePath(path) && (error as { code?: string }).code === 'SQLITE_CANTOPEN') throw whyNotOpened(path, error);
    throw error;
  }
}

/**
 * Creates the missing folders of `dir` one at a time. Not `mkdirSync(…, { recursive: true })`: under
 * /proc that loops forever (mkdir answers ENOENT although the parent exists), and a start-up that
 * hangs says nothing.
 */
function makeFolder(dir: string): void {
  const missing: string[] = [];
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  if (!statSync(existing).isDirectory()) throw new Error(`${existing} is not a folder`);
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      // Another process (a second server starting) may have just made it.
      if ((error as { code?: string }).code === 'EEXIST' && statSync(folder).isDirectory()) continue;
      throw new Error(`cannot create the folder ${folder}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** SQLite says only "unable to open database file"; the file system says why. */
function whyNotOpened(path: string, error: unknown): Error {
  if (existsSync(path) && statSync(path).isDirectory())
    return new Error(`${path} is a folder, not a file`, { cause: error });
  const existed = existsSync(path);
  try {
    closeSync(openSync(path, existed ? 'r+' : 'wx'));
    if (!existed) unlinkSync(path);
  } catch (reason) {
    return new Error((reason as Error).message, { cause: error });
  }
  return error as Error;
}

function migrate(db: Database.Database): void {
  const readVersion = () => db.pragma('user_version', { simple: true }) as number;
  if (readVersion() > MIGRATIONS.length) {
    throw new Error(`schema version ${readVersion()} is newer than this server knows (${MIGRATIONS.length})`);
  }
  // Up to date (the usual case): no write lock needed, so opening works while another connection writes.
  if (readVersion() === MIGRATIONS.length) return;
  MIGRATIONS.forEach((sql, index) => {
    const applyOnce = db.transaction(() => {
      // Re-read under the write lock: another process may have migrated meanwhile.
      if (readVersion() > index) return;
      db.exec(sql);
      db.pragma(`user_version = ${index + 1}`);
    });
    applyOnce.immediate();
  });
}
