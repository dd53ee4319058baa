/**
 * The event store the config names: PostgreSQL when `database` is a postgres:// URL (one of several
 * replicas), the embedded SQLite store otherwise. A database that cannot be opened rejects with a
 * StoreUnavailableError whose message is what main.ts prints; any other rejection is a bug.
 */
import type { ServerConfig } from './config.js';
import { messageOf } from './storage/error-message.js';
import { type EventStore, StoreUnavailableError } from './storage/event-store.js';
import { isPostgresUrl } from './storage/postgres/url.js';
import { openSqliteStore } from './storage/sqlite/event-store.js';

export interface OpenedStore {
  store: EventStore;
  /** The config to run with: on PostgreSQL, with the worker id the replica leased. */
  config: ServerConfig;
}

/** `log`: what the store recovers from by itself (PostgreSQL reports it; SQLite has nothing to say). */
export async function openStore(config: ServerConfig, log: (message: string) => void): Promise<OpenedStore> {
  if (!isPostgresUrl(config.database)) {
    const store = openSqliteStore(config.database, {
      dedupeWindow: config.dedupeWindow,
      busyTimeoutMs: config.sqlite.busyTimeoutMs,
    });
    return { store, config };
  }
  // Whatever stops PostgreSQL from opening (refused, TLS, auth, no free worker id) is the database's fault.
  // The driver (pg) only for PostgreSQL.
  const { openPostgresStore } = await import('./storage/postgres/connect.js');
  const store = await openPostgresStore(config.database, { ...config.postgres, log }).catch((error: unknown) => {
    throw new StoreUnavailableError(messageOf(error), { cause: error });
  });
  // The replica's other generated ids (Rockstat's) use the worker id it leased, too.
  return { store, config: { ...config, workerId: store.workerId } };
}
