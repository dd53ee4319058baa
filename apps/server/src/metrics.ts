/**
 * Prometheus metrics (prom-client), served on their own listener (config `metrics`: host, default
 * loopback, and port; absent: no metrics), never on the public port: an operator scrapes it from the
 * host or a private network, and the specs stay the whole public surface.
 *
 * - requests by API, operationId and status, and their duration (`instrumentRequests` in metrics-hooks.ts, one
 *   onResponse hook on the app; the router labels each operation's route);
 * - events accepted, deduplicated (from the store's append results) and rejected (a 4xx answer to
 *   an ingest API's operation: one per request, whatever it held) by API (`countingStore`);
 * - the store's commit latency and group size (its StoreObserver), writer queue depth and
 *   restarts, dedupe window fill (its StoreStatus, read when scraped), and the heap of its own thread;
 * - Node's process metrics (prom-client's defaults).
 */
import Fastify, { type FastifyPluginAsync } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { EventStore } from './storage/event-store.js';

export interface MetricsConfig {
  host: string;
  port: number;
}

export interface Metrics {
  registry: Registry;
  requests: Counter<'api' | 'operation' | 'status'>;
  requestSeconds: Histogram<'api' | 'operation'>;
  events: Counter<'api' | 'outcome'>;
}

/** The registry with every metric; the store's are fed by its observer and read from its status. */
export function createMetrics(store: EventStore): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const metrics: Metrics = {
    registry,
    requests: new Counter({
      name: 'trackspec_http_requests_total',
      help: 'Requests answered, by API, operationId and HTTP status.',
      labelNames: ['api', 'operation', 'status'],
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'trackspec_http_request_duration_seconds',
      help: 'Time to answer a request, by API and operationId.',
      labelNames: ['api', 'operation'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    events: new Counter({
      name: 'trackspec_events_total',
      help: 'Events by API and outcome: accepted (stored), deduplicated (a retry, not stored again), rejected (a request answered 4xx).',
      labelNames: ['api', 'outcome'],
      registers,
    }),
  };
  const commitSeconds = new Histogram({
    name: 'trackspec_store_commit_duration_seconds',
    help: "Duration of the store's committed transactions (group commits, fsync included).",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers,
  });
  const commitEvents = new Histogram({
    name: 'trackspec_store_commit_events',
    help: "Events per committed transaction (the group commit's size: stored and duplicates).",
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
    registers,
  });
  store.observe?.({
    committed(seconds, events) {
      commitSeconds.observe(seconds);
      commitEvents.observe(events);
    },
  });
  const status = () => store.status?.();
  new Gauge({
    name: 'trackspec_store_writer_queue_depth',
    help: "Requests waiting on the store's writer: appends queued for the next group and requests sent, unanswered.",
    registers,
    collect() {
      this.set(status()?.queueDepth ?? 0);
    },
  });
  new Counter({
    name: 'trackspec_store_writer_restarts_total',
    help: "Times the store's writer was started again after it died.",
    registers,
    collect() {
      this.reset();
      this.inc(status()?.writerRestarts ?? 0);
    },
  });
  new Gauge({
    name: 'trackspec_dedupe_window_entries',
    help: 'Message ids remembered for deduplication (as of the last commit).',
    registers,
    collect() {
      this.set(status()?.dedupeWindowSize ?? 0);
    },
  });
  new Gauge({
    name: 'trackspec_dedupe_window_capacity',
    help: 'How many message ids the dedupe window holds (config dedupeWindow).',
    registers,
    collect() {
      this.set(status()?.dedupeWindowCapacity ?? 0);
    },
  });
  new Gauge({
    name: 'trackspec_store_thread_heap_bytes',
    help: "V8 heap of the store's own thread (the SQLite writer), which nodejs_heap_size_* leave out: used and total.",
    labelNames: ['kind'],
    registers,
    async collect() {
      const heap = await store.threadHeap?.();
      if (!heap) return;
      this.set({ kind: 'used' }, heap.usedBytes);
      this.set({ kind: 'total' }, heap.totalBytes);
    },
  });
  return metrics;
}

/** `GET /metrics`: the registry in Prometheus' text format. */
export const metricsPlugin: FastifyPluginAsync<{ metrics: Metrics }> = async (scope, { metrics }) => {
  scope.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};

/** The metrics listener, apart from the public one; resolves with its origin and a way to close it. */
export async function listenMetrics(
  metrics: Metrics,
  { host, port }: MetricsConfig,
): Promise<{ origin: string; close(): Promise<void> }> {
  const server = Fastify({ logger: false });
  await server.register(metricsPlugin, { metrics });
  await server.listen({ host, port });
  const address = server.server.address() as { port: number };
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () => server.close(),
  };
}
