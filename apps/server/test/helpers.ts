/** A real app (all APIs, real SQLite in a temp file) for app.inject tests, with a settable clock. */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiNames, listOperations, loadDereferenced, type OperationRef } from '@trackspec/specs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import type { ServerConfig } from '../src/config.js';
import type { EventStore } from '../src/storage/event-store.js';
import { openSqliteStore } from '../src/storage/sqlite/event-store.js';

/** A stored event as the admin API returns it; tests read its members directly. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read nested members without narrowing
export type StoredEventJson = Record<string, any>;

export const adminToken = 'test-admin-token';
export const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

export const testConfig = (database: string): ServerConfig => ({
  host: '127.0.0.1',
  port: 0,
  database,
  dedupeWindow: 1000,
  workerId: 7,
  adminToken,
  basePaths: {},
  defaultBodyLimit: 1024 * 1024,
  sqlite: { busyTimeoutMs: 2000 },
  announceCredentials: false,
  shutdownDrainMs: 0,
  lingeringClose: { timeMs: 30_000, idleTimeoutMs: 5_000, maxBytes: 64 * 1024 * 1024 },
  sources: [
    { id: 'shop', api: 'm1das', keys: ['keyId:keySecret'] },
    { id: 'blog', api: 'm1das', keys: ['blogKey:blogSecret'] },
    { id: 'tto-main', api: 'tto', keys: ['your_api_key_here'], settings: { name: 'Main source' } },
    { id: 'tto-other', api: 'tto', keys: ['other_key'] },
    { id: 'dito-app', api: 'dito', keys: ['SUA_API_KEY'], secret: 'SUA_SECRET_KEY' },
    { id: 'ht', api: 'hellotext', keys: ['ALK_token'] },
    { id: 'calls', api: 'rockstat', projectIds: [99] },
    { id: 'rockstat-default', api: 'rockstat' },
  ],
});

export interface TestApp {
  app: FastifyInstance;
  store: EventStore;
  clock: { now: Date };
  /** Stored events through the admin API (as an operator would read them). */
  events(query?: string): Promise<StoredEventJson[]>;
  close(): Promise<void>;
}

export async function createTestApp(): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'trackspec-server-test-'));
  const store = openSqliteStore(join(dir, 'events.sqlite'));
  const clock = { now: new Date('2026-11-23T12:00:00.000Z') };
  const { app } = await buildApp({ config: testConfig(join(dir, 'events.sqlite')), store, now: () => clock.now });
  return {
    app,
    store,
    clock,
    async events(query = '') {
      const response = await app.inject({
        method: 'GET',
        url: `/admin/events?limit=1000${query ? `&${query}` : ''}`,
        headers: { authorization: `Bearer ${adminToken}` },
      });
      if (response.statusCode !== 200) throw new Error(`admin list failed: ${response.statusCode} ${response.body}`);
      return response.json().events;
    },
    async close() {
      await app.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The stored events of one API, read through the admin API of a listening server (as an operator would). */
export async function listStoredEvents(origin: string, api: string): Promise<StoredEventJson[]> {
  const response = await fetch(`${origin}/admin/events?api=${api}&limit=100`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  if (response.status !== 200) throw new Error(`admin API answered ${response.status}`);
  return ((await response.json()) as { events: StoredEventJson[] }).events;
}

/** Every operation the server serves (the specs' `paths`, webhooks left out), with its API's name. */
export const servedOperations: ReadonlyArray<{ api: string; operation: OperationRef }> = apiNames.flatMap((api) =>
  listOperations(loadDereferenced(api))
    .filter((operation) => operation.source === 'paths')
    .map((operation) => ({ api, operation })),
);
