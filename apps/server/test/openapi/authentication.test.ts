import { createHash } from 'node:crypto';
import type { OpenApiDocument } from '@trackspec/specs';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../src/config.js';
import { registerErrorHandling } from '../../src/error-handling.js';
import { type ApiHandlers, mountApi } from '../../src/openapi/router.js';

// A tiny API with what no vendor spec uses yet: a cookie key, and a signed body with a JSON string.
const document = {
  openapi: '3.1.0',
  info: { title: 'tiny', version: '1' },
  components: { securitySchemes: { sessionCookie: { type: 'apiKey', in: 'cookie', name: 'session' } } },
  paths: {
    '/read': {
      get: { operationId: 'read', security: [{ sessionCookie: [] }], responses: { '200': { description: 'ok' } } },
    },
    '/signed': {
      post: {
        operationId: 'signed',
        security: [],
        requestBody: {
          required: true,
          'x-body-credential': 'key',
          'x-body-signatures': [
            { field: 'rsa_signature', algorithm: 'rsa' },
            { field: 'sha1_signature', algorithm: 'sha1-hex' },
          ],
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['key', 'event'],
                properties: {
                  key: { type: 'string' },
                  rsa_signature: { type: 'string' },
                  sha1_signature: { type: 'string' },
                  event: {
                    type: 'string',
                    contentMediaType: 'application/json',
                    contentSchema: { type: 'object', required: ['action'] },
                  },
                },
              },
            },
          },
        },
        responses: { '200': { description: 'ok' }, '401': { description: 'no' } },
      },
    },
  },
} as unknown as OpenApiDocument;

const source: SourceConfig = { id: 'src-1', api: 'tiny', keys: ['the-key'], secret: 'the-secret' };
const seen: unknown[] = [];
const handlers: ApiHandlers = {
  read: async ({ source: from }) => ({ status: 200, body: { source: from?.id } }),
  signed: async ({ source: from, carriedJson }) => {
    seen.push(carriedJson.get('/event'));
    return { status: 200, body: { source: from?.id } };
  },
};
const app = Fastify();
registerErrorHandling(app);
mountApi(app, {
  api: 'tiny',
  document,
  prefix: '/tiny',
  handlers,
  defaultBodyLimit: 4096,
  findSource: (key) => (source.keys?.includes(key) ? source : undefined),
});
afterAll(() => app.close());

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const post = (body: object) => app.inject({ method: 'POST', url: '/tiny/signed', payload: body });
const event = '{"action":"bought"}';

describe('authentication, as the spec places credentials', () => {
  it('reads an API key from its cookie, among others', async () => {
    const answer = await app.inject({ method: 'GET', url: '/tiny/read', headers: { cookie: 'a=1; session=the-key' } });
    expect(answer.json()).toEqual({ source: 'src-1' });
    const wrong = await app.inject({ method: 'GET', url: '/tiny/read', headers: { cookie: 'session=other' } });
    expect(wrong.statusCode).toBe(401);
    const missing = await app.inject({ method: 'GET', url: '/tiny/read', headers: { cookie: 'a=1' } });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().detail).toMatch(/`session` cookie/);
  });

  it('checks a body signature it can make from the secret, and hands over the JSON a string carries, parsed', async () => {
    const answer = await post({ key: 'the-key', sha1_signature: sha1('the-secret'), event });
    expect(answer.json()).toEqual({ source: 'src-1' });
    expect(seen).toEqual([{ action: 'bought' }]);
    // Compared as lowercase hex.
    expect((await post({ key: 'the-key', sha1_signature: sha1('the-secret').toUpperCase(), event })).statusCode).toBe(
      200,
    );
  });

  it('refuses a wrong signature, a missing one, and a request that carries only one it cannot check', async () => {
    const wrong = await post({ key: 'the-key', sha1_signature: sha1('another secret'), event });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().detail).toBe('The `sha1_signature` is not valid for this API key.');
    const missing = await post({ key: 'the-key', event });
    expect(missing.statusCode).toBe(401);
    const rsaOnly = await post({ key: 'the-key', rsa_signature: 'c2lnbmF0dXJl', event });
    expect(rsaOnly.statusCode).toBe(401);
    expect(rsaOnly.json().detail).toBe(
      'This server verifies `sha1_signature` (sha1-hex of the secret); `rsa_signature` is not supported.',
    );
  });

  it('refuses a key that belongs to no source before it looks at the signature', async () => {
    const answer = await post({ key: 'not-a-key', sha1_signature: sha1('the-secret'), event });
    expect(answer.statusCode).toBe(401);
    expect(answer.json().detail).toMatch(/`key` body field is not valid/);
  });
});
