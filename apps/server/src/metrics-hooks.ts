/**
 * What feeds the Prometheus metrics (src/metrics.ts) from the app: the answered operations and the
 * stored events. Apart from metrics.ts so that the app loads prom-client only when metrics are on.
 */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';
import type { EventStore } from './storage/event-store.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by the router on every operation's route. */
    api?: string;
    operationId?: string;
  }
}

/** Counts every answered operation by API, operationId and status, and an ingest API's 4xx as a rejected event. */
export function instrumentRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const { api, operationId } = request.routeOptions.config;
    if (!api || !operationId) return; // not an operation (the docs, an unknown path)
    metrics.requests.inc({ api, operation: operationId, status: String(reply.statusCode) });
    metrics.requestSeconds.observe({ api, operation: operationId }, reply.elapsedTime / 1000);
    if (api !== 'admin' && reply.statusCode >= 400 && reply.statusCode < 500)
      metrics.events.inc({ api, outcome: 'rejected' });
  });
}

/** The store as the handlers see it, counting each appended event accepted or deduplicated by API. */
export function countingStore(store: EventStore, metrics: Metrics): EventStore {
  return {
    async append(events) {
      const results = await store.append(events);
      results.forEach(({ duplicate }, index) => {
        metrics.events.inc({ api: events[index]!.api, outcome: duplicate ? 'deduplicated' : 'accepted' });
      });
      return results;
    },
    list: (filter) => store.list(filter),
    get: (id) => store.get(id),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
