/**
 * The Fastify application: body parsing (JSON, form, text, gzip), one spec-driven mount per
 * registered API under its base path, CORS where a spec asks for it, the rendered docs, and a
 * central error handler that answers every failure with problem details and never leaks internals.
 */
import { createGunzip } from 'node:zlib';
import { apis, loadDereferenced } from '@trackspec/specs';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { ServerConfig } from './config.js';
import { registerDocs } from './docs.js';
import type { ApiContext } from './handlers/context.js';
import { handlerFactories } from './handlers/index.js';
import { createSnowflake } from './ids/snowflake.js';
import { mountApi } from './openapi/router.js';
import { HttpProblem, problem, problemContentType } from './problems.js';
import { credentialLocations, requestHeaders, urlRedactor } from './redact.js';
import { Sources } from './sources.js';
import type { EventStore } from './storage/event-store.js';
import { StoreUnavailableError } from './storage/event-store.js';

export interface AppOptions {
  config: ServerConfig;
  store: EventStore;
  logger?: FastifyServerOptions['logger'];
  /** Clock, injectable for tests. */
  now?: () => Date;
}

export interface App {
  app: FastifyInstance;
  /** `METHOD /path` of every mounted operation, per API. */
  routes: Record<string, string[]>;
}

export function basePath(config: ServerConfig, api: string): string {
  return config.basePaths[api] ?? `/${api}`;
}

export async function buildApp({ config, store, logger = false, now = () => new Date() }: AppOptions): Promise<App> {
  const documents = new Map(apis.map(({ name }) => [name, loadDereferenced(name)]));
  // Credentials go where the specs say; logs show neither those headers (requests are logged
  // without headers at all) nor those query parameters.
  const credentials = credentialLocations([...documents.values()]);
  const redactUrl = urlRedactor(credentials.query);
  const app = Fastify({
    logger:
      logger === false
        ? false
        : {
            ...(logger === true ? {} : logger),
            serializers: {
              req: (request) => ({ method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }),
            },
            redact: credentials.headers.map((name) => `req.headers["${name}"]`),
          },
    bodyLimit: config.defaultBodyLimit,
    trustProxy: true,
    return503OnClosing: true,
    forceCloseConnections: false,
  });

  // Bodies: an empty one is no body, whatever its type (the TTO guide's settings curl sends
  // `Content-Type: application/json` with nothing); JSON is Fastify's parser; forms become objects
  // of strings; any other type is buffered so that the router answers 415 naming what the
  // operation accepts.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('bodyBytes', undefined);
  // Every text parser records the body's size first (see FastifyRequest.bodyBytes).
  type TextParser = (
    request: FastifyRequest,
    body: string,
    done: (error: Error | null, value?: unknown) => void,
  ) => void;
  const addTextParser = (type: string, parse: TextParser) =>
    app.addContentTypeParser(type, { parseAs: 'string' }, (request, body, done) => {
      request.bodyBytes = Buffer.byteLength(body as string);
      parse(request, body as string, done);
    });
  addTextParser('application/json', (request, body, done) =>
    body.trim() === '' ? done(null, undefined) : parseJson(request, body, done),
  );
  addTextParser('text/plain', (_request, body, done) => done(null, body === '' ? undefined : body));
  addTextParser('application/x-www-form-urlencoded', (_request, body, done) =>
    done(null, body === '' ? undefined : Object.fromEntries(new URLSearchParams(body))),
  );
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // gzip bodies (Segment SDKs send them); the body limit applies to the decompressed bytes.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (!encoding || encoding === 'identity') return payload;
    if (encoding !== 'gzip')
      throw new HttpProblem(415, `Content-Encoding ${encoding} is not supported; send gzip or identity.`);
    delete request.headers['content-length'];
    const gunzip = createGunzip();
    payload.on('error', (error) => gunzip.destroy(error));
    return payload.pipe(gunzip);
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body, headers } = toProblem(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).headers(headers).type(problemContentType).send(JSON.stringify(body));
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .type(problemContentType)
      .send(JSON.stringify(problem(404, `Nothing at ${request.method} ${redactUrl(request.url).split('?')[0]}.`)));
  });

  const sources = new Sources(config.sources);
  const ids = createSnowflake({ workerId: config.workerId });
  const routes: Record<string, string[]> = {};
  for (const [name, document] of documents) {
    const factory = handlerFactories[name];
    if (!factory) throw new Error(`No handlers for API "${name}": add its factory to src/handlers/index.ts`);
    const context: ApiContext = { api: name, document, store, sources, ids, now, config };
    const prefix = basePath(config, name);
    if (document['x-trackspec-cors'] === true) registerCors(app, prefix, requestHeaders(document));
    routes[name] = mountApi(app, {
      api: name,
      document,
      prefix,
      handlers: factory(context),
      defaultBodyLimit: config.defaultBodyLimit,
    });
  }
  await registerDocs(app, '/docs');
  return { app, routes };
}

function toProblem(error: unknown): { status: number; body: object; headers: Record<string, string> } {
  if (error instanceof HttpProblem) return { status: error.status, body: error.toProblem(), headers: error.headers };
  if (error instanceof StoreUnavailableError)
    return {
      status: 503,
      body: problem(503, 'The event store is unavailable; nothing was stored. Retry later.'),
      headers: { 'retry-after': '1' },
    };
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  const code = fastifyError.code ?? '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, body: problem(413, 'The request body is larger than this operation accepts.'), headers: {} };
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { status: 415, body: problem(415, 'This Content-Type is not accepted.'), headers: {} };
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR')
    return { status: 400, body: problem(400, 'The body is not valid gzip.'), headers: {} };
  if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return {
      status: 400,
      body: problem(400, 'The body is not valid JSON.', [{ in: 'body', pointer: '', detail: 'is not valid JSON' }]),
      headers: {},
    };
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500)
    return { status, body: problem(status, 'The request could not be processed.'), headers: {} };
  return { status: 500, body: problem(500, 'An unexpected error occurred; it has been logged.'), headers: {} };
}

/** CORS for browser-called APIs: any origin, the methods and headers the specs use, preflights answered. */
function registerCors(app: FastifyInstance, prefix: string, headers: readonly string[]): void {
  const allowHeaders = headers.join(', ');
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(`${prefix}/`)) return;
    reply.header('access-control-allow-origin', '*');
    if (request.method === 'OPTIONS') {
      reply.code(204).headers({
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': allowHeaders,
        'access-control-max-age': '86400',
      });
      return reply.send();
    }
  });
  app.options(`${prefix}/*`, async (_request, reply) => reply.code(204).send());
}
