/**
 * Why the in-house router: the same m1das operation (`POST /api/s/{event-type}`, validation only,
 * a handler answering {"ok":true}, no storage) served three ways on loopback — trackspec's router,
 * fastify-openapi-glue and openapi-backend — checked for the behaviours the specs need, then
 * loaded with autocannon. Prints a table; not part of `npm test`.
 *
 *   npm run bench:router --workspace @trackspec/bench
 */

import { mountApi } from '@trackspec/server/router';
import { loadBundled, loadDereferenced } from '@trackspec/specs';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { OpenAPIBackend } from 'openapi-backend';

const ok = { ok: true };
const track = JSON.stringify({
  type: 'track',
  event: 'purchase_completed',
  userId: 'user@example.com',
  properties: { order_id: 'ORD-456', total: 99.99 },
});

async function trackspec(): Promise<FastifyInstance> {
  const app = Fastify();
  mountApi(app, {
    api: 'm1das',
    document: loadDereferenced('m1das'),
    prefix: '',
    defaultBodyLimit: 1 << 20,
    // Any present key is a known source: the comparison is of routing and validation.
    findSource: () => ({ id: 'bench', api: 'm1das' }),
    handlers: {
      ingestEvent: async () => ({ status: 200, body: ok }),
      ingestBatch: async () => ({ status: 200, body: ok }),
    },
  });
  app.setErrorHandler((error: { status?: number; statusCode?: number }, _request, reply) =>
    reply.code(error.status ?? error.statusCode ?? 500).send({}),
  );
  return app;
}

async function glue(): Promise<FastifyInstance> {
  // Fastify's own Ajv (draft-07, strict) refuses the spec outright ("unknown keyword: discriminator"):
  // strict mode off is the least it needs.
  const app = Fastify({ ajv: { customOptions: { strict: false } } });
  await app.register(openapiGlue, {
    specification: loadBundled('m1das'),
    serviceHandlers: { ingestEvent: async () => ok, ingestBatch: async () => ok },
    securityHandlers: {
      writeKeyHeader: async (request: { headers: Record<string, string> }) => {
        if (!request.headers['x-write-key']) throw new Error('missing');
      },
      basicAuth: async () => {
        throw new Error('not sent');
      },
      writeKeyQuery: async () => {
        throw new Error('not sent');
      },
    },
  });
  return app;
}

async function backend(): Promise<FastifyInstance> {
  const api = new OpenAPIBackend({
    definition: loadBundled('m1das') as never,
    // Its document check is OpenAPI 3.0's: it rejects 3.1 members (e.g. info.summary) of this Redocly-valid document.
    quick: true,
    handlers: {
      ingestEvent: async () => ({ status: 200, body: ok }),
      ingestBatch: async () => ({ status: 200, body: ok }),
      validationFail: async () => ({ status: 400, body: {} }),
      notFound: async () => ({ status: 404, body: {} }),
      unauthorizedHandler: async () => ({ status: 401, body: {} }),
    },
    securityHandlers: {
      writeKeyHeader: (context) => Boolean(context.request.headers['x-write-key']),
      basicAuth: () => false,
      writeKeyQuery: () => false,
    },
  });
  await api.init();
  const app = Fastify();
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.all('/*', async (request, reply) => {
    const { status, body } = (await api.handleRequest({
      method: request.method,
      path: request.url.split('?')[0]!,
      query: request.query as never,
      body: request.body,
      headers: request.headers as never,
    })) as { status: number; body: unknown };
    return reply.code(status).send(body);
  });
  return app;
}

/** The behaviours trackspec needs, as requests and the status each should get. */
const checks: [string, { body: string; type: string; headers?: Record<string, string> }, number][] = [
  ['vendor track example', { body: track, type: 'application/json' }, 200],
  ['wrong type (userId: 5)', { body: '{"userId":5}', type: 'application/json' }, 400],
  ['JSON in text/plain validated (contentSchema)', { body: '{"userId":5}', type: 'text/plain' }, 400],
  ['if/then rule (track needs event)', { body: '{"type":"track","userId":"u"}', type: 'application/json' }, 400],
  ['missing credentials', { body: track, type: 'application/json', headers: { 'x-write-key': '' } }, 401],
];

const rows: string[] = [];
for (const [name, build] of [
  ['trackspec router', trackspec],
  ['fastify-openapi-glue', glue],
  ['openapi-backend', backend],
] as const) {
  const app = await build();
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const results = [];
  for (const [label, request, expected] of checks) {
    const response = await fetch(`${address}/api/s/track`, {
      method: 'POST',
      headers: { 'content-type': request.type, 'x-write-key': 'k', ...request.headers },
      body: request.body,
    });
    results.push(`${response.status === expected ? 'ok' : `NO (${response.status})`} ${label}`);
  }
  // Throughput only means something where the vendor example is served.
  const serves = results[0]!.startsWith('ok');
  const load = serves
    ? await autocannon({
        url: `${address}/api/s/track`,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-write-key': 'k' },
        body: track,
        connections: 10,
        duration: 5,
      })
    : undefined;
  const figures = load
    ? `${String(Math.round(load.requests.average)).padStart(7)} req/s  p50 ${load.latency.p50} ms  p99 ${load.latency.p99} ms  non-2xx ${load.non2xx + load.errors}`
    : '      — (does not serve the operation)';
  rows.push(`${name.padEnd(22)} ${figures}\n    ${results.join('\n    ')}`);
  await app.close();
}
console.log(
  `Router choice, m1das POST /api/s/{event-type} (validation only, no storage), 10 connections × 5 s, Node ${process.version}:\n${rows.join('\n')}`,
);
