/**
 * The Fastify application: body parsing (JSON, form, text, gzip); every registered API served from
 * its spec, each server path it lives under an encapsulated plugin (see `mountApi`: the APIs under
 * their base paths, the admin API under its own and its probes at the root); the rendered docs as
 * a plugin under `/docs`; and one error handler that answers every failure with problem details
 * and never leaks internals.
 */
import { apis, credentialNamesOf, loadDereferenced, type OpenApiDocument } from '@trackspec/specs';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { registerBodyParsers } from './body-parsers.js';
import { basePath, keyedSources, type ServerConfig } from './config.js';
import { docsPlugin } from './docs.js';
import { answerUnreadableRequest, registerErrorHandling } from './error-handling.js';
import { handlerFactoryOf } from './handlers/index.js';
import { createSnowflake } from './ids/snowflake.js';
import { registerLingeringClose } from './lingering-close.js';
import type { Metrics } from './metrics.js';
import { countingStore, instrumentRequests } from './metrics-hooks.js';
import { mountApi } from './openapi/router.js';
import { urlRedactor } from './redact.js';
import { Sources } from './sources.js';
import type { EventStore } from './storage/event-store.js';

export interface AppOptions {
  config: ServerConfig;
  store: EventStore;
  logger?: FastifyServerOptions['logger'];
  /** Clock, injectable for tests. */
  now?: () => Date;
  /** Prometheus metrics to feed (src/metrics.ts); served on their own listener by main.ts. */
  metrics?: Metrics;
}

export interface App {
  app: FastifyInstance;
  /** `METHOD /path` of every mounted operation, per API. */
  routes: Record<string, string[]>;
}

export async function buildApp({
  config,
  store: bareStore,
  logger = false,
  now = () => new Date(),
  metrics,
}: AppOptions): Promise<App> {
  const documents = new Map(apis.map(({ name }) => [name, loadDereferenced(name)]));
  const app = Fastify({
    logger: logger === false ? false : redactingLogger(logger, [...documents.values()]),
    // Two lines per request ("incoming request", "request completed") cost a collector a large share of
    // each event's CPU; they are written at debug and trace only. Failures (5xx) are logged at any level.
    logController: new LogController({ disableRequestLogging: !logsEveryRequest(logger) }),
    bodyLimit: config.defaultBodyLimit,
    trustProxy: true,
    return503OnClosing: true,
    forceCloseConnections: false,
    clientErrorHandler: answerUnreadableRequest,
  });
  registerBodyParsers(app);
  registerErrorHandling(app);
  registerLingeringClose(app, config.lingeringClose);
  if (metrics) instrumentRequests(app, metrics);
  const store = metrics ? countingStore(bareStore, metrics) : bareStore;

  const sources = new Sources(keyedSources(config));
  const ids = createSnowflake({ workerId: config.workerId });
  const routes: Record<string, string[]> = {};
  for (const [api, document] of documents) {
    const factory = handlerFactoryOf(api);
    routes[api] = mountApi(app, {
      api,
      document,
      prefix: basePath(config, api),
      handlers: factory({ api, document, store, sources, ids, now }),
      defaultBodyLimit: config.defaultBodyLimit,
      findSource: (key) => sources.byKey(api, key),
    });
  }
  await app.register(docsPlugin, { prefix: '/docs' });
  return { app, routes };
}

function logsEveryRequest(logger: AppOptions['logger']): boolean {
  if (logger === true) return false; // pino's default level, info
  const level = logger ? (logger as { level?: string }).level : undefined;
  return level === 'debug' || level === 'trace';
}

/**
 * Credentials go where the specs say; logs show neither those headers (requests are logged without
 * headers at all) nor those query parameters.
 */
function redactingLogger(
  logger: Exclude<FastifyServerOptions['logger'], false | undefined>,
  documents: readonly OpenApiDocument[],
): FastifyServerOptions['logger'] {
  const credentials = credentialNamesOf(documents);
  const redactUrl = urlRedactor(credentials.query);
  return {
    ...(logger === true ? {} : logger),
    serializers: {
      req: (request) => ({ method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }),
    },
    redact: credentials.headers.map((name) => `req.headers["${name}"]`),
  };
}
