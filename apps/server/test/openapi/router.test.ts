import type { OpenApiDocument } from '@trackspec/specs';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { type ApiHandlers, mountApi } from '../../src/openapi/router.js';

const document = {
  openapi: '3.1.0',
  info: { title: 'tiny', version: '1' },
  paths: {
    '/things/{thing-id}': {
      get: {
        operationId: 'getThing',
        parameters: [{ name: 'thing-id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { '200': { description: 'ok' } },
      },
    },
  },
} as unknown as OpenApiDocument;

const mount = (handlers: ApiHandlers) =>
  mountApi(Fastify(), { api: 'tiny', document, prefix: '/tiny', handlers, defaultBodyLimit: 1024 });

describe('mountApi', () => {
  it('refuses to start when an operation has no handler', () => {
    expect(() => mount({})).toThrow(/Operations without a handler: getThing/);
  });

  it('refuses to start when a handler has no operation', () => {
    expect(() =>
      mount({ getThing: async () => ({ status: 200 }), deleteThing: async () => ({ status: 204 }) }),
    ).toThrow(/Handlers without an operation: deleteThing/);
  });

  it('routes spec paths (hyphenated parameter names included) with coerced, validated parameters', async () => {
    const app = Fastify();
    const seen: unknown[] = [];
    expect(
      mountApi(app, {
        api: 'tiny',
        document,
        prefix: '/tiny',
        handlers: {
          getThing: async ({ params, operation }) => {
            seen.push([params, `${operation.method} ${operation.path}`]);
            return { status: 200, body: { ok: true } };
          },
        },
        defaultBodyLimit: 1024,
      }),
    ).toEqual(['GET /tiny/things/{thing-id}']);
    expect((await app.inject({ method: 'GET', url: '/tiny/things/42' })).json()).toEqual({ ok: true });
    // The handler is given the operation the router serves, as the router compiled it.
    expect(seen).toEqual([[{ 'thing-id': 42 }, 'get /things/{thing-id}']]);
    await app.close();
  });

  it('mounts under a prefix without its trailing slash', async () => {
    const app = Fastify();
    const handlers = { getThing: async () => ({ status: 200, body: { ok: true } }) };
    expect(mountApi(app, { api: 'tiny', document, prefix: '/v1/tiny/', handlers, defaultBodyLimit: 1024 })).toEqual([
      'GET /v1/tiny/things/{thing-id}',
    ]);
    expect((await app.inject({ method: 'GET', url: '/v1/tiny/things/42' })).statusCode).toBe(200);
    await app.close();
  });
});
