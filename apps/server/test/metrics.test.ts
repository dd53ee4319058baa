// The metrics in-process (src/metrics.ts): labels by API and operationId, event outcomes from the
// store's append results, the store's observer and status, and the metrics listener's route.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createMetrics, listenMetrics, type Metrics } from '../src/metrics.js';
import { openSqliteStore, type SqliteEventStore } from '../src/storage/sqlite/event-store.js';
import { adminToken, testConfig } from './helpers.js';

let dir: string;
let store: SqliteEventStore;
let metrics: Metrics;
let app: Awaited<ReturnType<typeof buildApp>>['app'];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trackspec-metrics-test-'));
  store = openSqliteStore(join(dir, 'events.sqlite'), { dedupeWindow: 1000 });
  metrics = createMetrics(store);
  ({ app } = await buildApp({ config: testConfig(join(dir, 'events.sqlite')), store, metrics }));
});
afterEach(async () => {
  await app.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A sample's value (a histogram's by its `_count`/`_sum` name); 0 when absent. */
const value = async (name: string, labels: Record<string, string> = {}) => {
  const metric =
    metrics.registry.getSingleMetric(name) ?? metrics.registry.getSingleMetric(name.replace(/_(count|sum)$/, ''));
  const { values } = await metric!.get();
  const matches = (sample: { metricName?: string; labels: Record<string, unknown> }) =>
    (sample.metricName ?? name) === name &&
    Object.entries(labels).every(([key, wanted]) => String(sample.labels[key]) === wanted) &&
    Object.keys(sample.labels).every((key) => key in labels);
  return values.find(matches)?.value ?? 0;
};
const track = (messageId: string | undefined, key = 'keyId:keySecret') =>
  app.inject({
    method: 'POST',
    url: '/m1das/api/s/track',
    headers: { 'x-write-key': key },
    payload: { type: 'track', event: 'e', userId: 'u', ...(messageId ? { messageId } : {}) },
  });

describe('metrics', () => {
  it('counts requests by API, operationId and status, and events by outcome', async () => {
    expect((await track('a')).statusCode).toBe(200);
    expect((await track('a')).statusCode).toBe(200);
    expect((await track('b')).statusCode).toBe(200);
    expect((await track('c', 'wrong')).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/admin/events', headers: {} })).statusCode).toBe(401);
    const batch = await app.inject({
      method: 'POST',
      url: '/m1das/v1/batch',
      headers: { 'x-write-key': 'keyId:keySecret' },
      payload: {
        batch: [
          { type: 'track', event: 'e', userId: 'u', messageId: 'b' },
          { type: 'identify', userId: 'u' },
        ],
      },
    });
    expect(batch.statusCode).toBe(200);
    expect(
      await value('trackspec_http_requests_total', { api: 'm1das', operation: 'ingestEvent', status: '200' }),
    ).toBe(3);
    expect(
      await value('trackspec_http_requests_total', { api: 'm1das', operation: 'ingestEvent', status: '401' }),
    ).toBe(1);
    expect(
      await value('trackspec_http_requests_total', { api: 'm1das', operation: 'ingestBatch', status: '200' }),
    ).toBe(1);
    expect(await value('trackspec_events_total', { api: 'm1das', outcome: 'accepted' })).toBe(3);
    expect(await value('trackspec_events_total', { api: 'm1das', outcome: 'deduplicated' })).toBe(2);
    // A 4xx of the admin API is not a rejected event.
    expect(await value('trackspec_events_total', { api: 'm1das', outcome: 'rejected' })).toBe(1);
    expect(await value('trackspec_events_total', { api: 'admin', outcome: 'rejected' })).toBe(0);
    expect(await value('trackspec_store_commit_events_count')).toBeGreaterThanOrEqual(3);
    expect(await value('trackspec_store_commit_events_sum')).toBe(5);
    // a, b, and the identify's message id, which the server fills in.
    expect(await value('trackspec_dedupe_window_entries')).toBe(3);
    expect(await value('trackspec_dedupe_window_capacity')).toBe(1000);
    expect(await value('trackspec_store_writer_queue_depth')).toBe(0);
    expect(await value('trackspec_store_writer_restarts_total')).toBe(0);
  });

  it("gives the writer thread's heap, which the process' heap figures leave out", async () => {
    expect((await track('a')).statusCode).toBe(200);
    const used = await value('trackspec_store_thread_heap_bytes', { kind: 'used' });
    const total = await value('trackspec_store_thread_heap_bytes', { kind: 'total' });
    // A live isolate's heap: megabytes, never the request thread's own figure.
    expect(used).toBeGreaterThan(1e6);
    expect(total).toBeGreaterThanOrEqual(used);
    expect(total).not.toBe(await value('nodejs_heap_size_total_bytes'));
  });

  it('leaves the docs and unknown paths out', async () => {
    await app.inject({ method: 'GET', url: '/nowhere' });
    await app.inject({ method: 'GET', url: '/admin/events', headers: { authorization: `Bearer ${adminToken}` } });
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/nowhere/);
    expect(text).toMatch(/trackspec_http_requests_total\{api="admin",operation="\w+",status="200"\} 1/);
  });

  it('serves the text format on its own listener', async () => {
    const listener = await listenMetrics(metrics, { host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`${listener.origin}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await response.text()).toMatch(/^# HELP trackspec_http_requests_total /m);
      expect((await fetch(`${listener.origin}/`)).status).toBe(404);
    } finally {
      await listener.close();
    }
  });
});
