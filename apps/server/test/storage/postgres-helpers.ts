/** What the PostgreSQL store tests share: a throw-away cluster per test file and a fresh database per test. */
import { type PostgresCluster, startPostgres } from '@trackspec/harness';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { openPostgresStore, type PostgresStoreOptions } from '../../src/storage/postgres/connect.js';
import type { PostgresEventStore } from '../../src/storage/postgres/event-store.js';

export let cluster: PostgresCluster;
/** The current test's database. */
export let databaseUrl: string;
const cleanups: Array<() => unknown> = [];
let databases = 0;

/** Starts a cluster for the calling file and gives each test a new database, cleaning up after each. */
export function usePostgres(): void {
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(() => cluster?.stop());
  beforeEach(async () => {
    databases += 1;
    databaseUrl = await cluster.createDatabase(`test_${databases}`);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
}

/** Runs after the current test, newest first. */
export function onCleanup(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** A store on the current test's database, closed after the test. */
export async function openStore(options?: PostgresStoreOptions): Promise<PostgresEventStore> {
  const store = await openPostgresStore(databaseUrl, options);
  onCleanup(() => store.close());
  return store;
}

/** A connection of its own to the current test's database, as another process would have. */
export async function connect(url = databaseUrl): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  onCleanup(() => client.end());
  return client;
}

export async function queryValue<T>(sql: string, values: unknown[] = []): Promise<T> {
  const client = await connect();
  const { rows } = await client.query(sql, values);
  return Object.values(rows[0] as object)[0] as T;
}
