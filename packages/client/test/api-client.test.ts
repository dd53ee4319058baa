// The generic client: credentials by security scheme name, placed where the spec's facts say and
// only on the operations whose security asks for them; any registered API by name, any other from
// its generated facts.
import { describe, expect, it } from 'vitest';
import { type ApiFacts, createApiClient } from '../src/index.js';
import { json, scriptedFetch } from './fake-fetch.js';

const baseUrl = 'http://127.0.0.1:9/base';
const noRetry = { retry: false } as const;
const basic = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;

describe('createApiClient by registry name', () => {
  it('sends a bearer credential given by scheme name (hellotext)', async () => {
    const { fetch, requests } = scriptedFetch(json(201, { state: 'ok' }));
    const client = createApiClient('hellotext', { baseUrl, credentials: { bearerToken: 'ALK_x' }, fetch, ...noRetry });
    const { data } = await client.POST('/v1/attribution/events', { body: { action: 'a', profile: 'p' } });
    expect(data).toEqual({ state: 'ok' });
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer ALK_x');
  });

  it('takes the first security alternative whose schemes all have a credential (m1das)', async () => {
    const { fetch, requests } = scriptedFetch(json(200, { ok: true }));
    const send = (credentials: Parameters<typeof createApiClient<'m1das'>>[1]['credentials']) =>
      createApiClient('m1das', { baseUrl, credentials, fetch, ...noRetry }).POST('/api/s/{event-type}', {
        params: { path: { 'event-type': 'track' } },
        body: { type: 'track', event: 'e', userId: 'u' },
      });
    await send({ writeKeyHeader: 'h', basicAuth: 'b:', writeKeyQuery: 'q' });
    await send({ basicAuth: 'keyId:keySecret:', writeKeyQuery: 'q' });
    await send({ writeKeyQuery: 'keyId:keySecret' });
    await send({});
    const [all, basicAndQuery, query, none] = requests;
    expect(all!.headers.get('x-write-key')).toBe('h');
    expect(all!.headers.has('authorization')).toBe(false);
    expect(all!.url.searchParams.has('writekey')).toBe(false);
    expect(basicAndQuery!.headers.get('authorization')).toBe(basic('keyId:keySecret:'));
    expect(basicAndQuery!.url.searchParams.has('writekey')).toBe(false);
    expect(query!.url.searchParams.get('writekey')).toBe('keyId:keySecret');
    expect(query!.url.pathname).toBe('/base/api/s/track');
    const names: string[] = [];
    none!.headers.forEach((_, name) => void names.push(name));
    expect(names.filter((name) => /auth|key/i.test(name))).toEqual([]);
    expect(none!.url.search).toBe('');
  });

  it('sends credentials only to operations whose security asks for them (admin probes have none)', async () => {
    const { fetch, requests } = scriptedFetch(json(200, { status: 'ok' }));
    const client = createApiClient('admin', { baseUrl, credentials: { adminToken: 'secret' }, fetch, ...noRetry });
    await client.GET('/events', { params: { query: {} } });
    await client.GET('/healthz');
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer secret');
    expect(requests[1]!.headers.has('authorization')).toBe(false);
  });

  it('puts an apiKey query credential in the query of the operation that declares it (tto settings)', async () => {
    const { fetch, requests } = scriptedFetch(json(200, {}));
    const client = createApiClient('tto', { baseUrl, credentials: { apiKey: 'k' }, fetch, ...noRetry });
    await client.POST('/v1/settings');
    await client.POST('/v1/track', { body: { api_key: 'in-body', event: 'e', user_id: 'u' } });
    expect(requests[0]!.url.searchParams.get('api_key')).toBe('k');
    expect(requests[1]!.url.searchParams.has('api_key')).toBe(false);
  });

  it("serialises object query parameters as OpenAPI's default form style (rockstat params)", async () => {
    const { fetch, requests } = scriptedFetch(json(200, { key: 'k', id: '1' }));
    await createApiClient('rockstat', { baseUrl, fetch, ...noRetry }).GET('/{service}', {
      params: { path: { service: 'calltrack' }, query: { name: 'call', params: { a: '1', b: '2' } } },
    });
    expect(Object.fromEntries(requests[0]!.url.searchParams)).toEqual({ name: 'call', a: '1', b: '2' });
  });

  it('refuses a name the client was not built with', () => {
    expect(() => createApiClient('sixth' as 'm1das', { baseUrl })).toThrow(/Unknown API "sixth".*m1das/);
  });
});

describe('createApiClient from facts', () => {
  // Facts of an API this build does not know, shaped as packages/types generates them.
  const facts = {
    securitySchemes: {
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'session' },
      oauth: { type: 'oauth2' },
      tls: { type: 'mutualTLS' },
      queryKey: { type: 'apiKey', in: 'query', name: 'key' },
    },
    operations: {
      both: { method: 'get', path: '/both', security: [['sessionCookie', 'queryKey']], anonymous: false },
      oauth: { method: 'post', path: '/oauth', security: [['oauth'], []], anonymous: true },
    },
  } as const satisfies ApiFacts;
  type Paths = {
    '/both': { get: { responses: { 200: { content: { 'application/json': object } } } } };
    '/oauth': { post: { responses: { 200: { content: { 'application/json': object } } } } };
  };

  it('places every scheme of the chosen alternative (cookie and query together), oauth2 as a bearer token', async () => {
    const { fetch, requests } = scriptedFetch(json(200, {}));
    const client = createApiClient<Paths, typeof facts>(facts, {
      baseUrl,
      credentials: { sessionCookie: 's1', queryKey: 'q1', oauth: 'tok' },
      headers: { Cookie: 'theme=dark' },
      fetch,
      ...noRetry,
    });
    await client.GET('/both');
    await client.POST('/oauth');
    expect(requests[0]!.headers.get('cookie')).toBe('theme=dark; session=s1');
    expect(requests[0]!.url.searchParams.get('key')).toBe('q1');
    expect(requests[0]!.headers.has('authorization')).toBe(false);
    expect(requests[1]!.headers.get('authorization')).toBe('Bearer tok');
  });

  it('sends nothing when no alternative is complete', async () => {
    const { fetch, requests } = scriptedFetch(json(200, {}));
    await createApiClient<Paths, typeof facts>(facts, { baseUrl, credentials: { sessionCookie: 's1' }, fetch }).GET(
      '/both',
    );
    expect(requests[0]!.headers.has('cookie')).toBe(false);
    expect(requests[0]!.url.search).toBe('');
  });

  it('refuses a credential it cannot send (mutual TLS)', () => {
    expect(() => createApiClient<Paths, typeof facts>(facts, { baseUrl, credentials: { tls: 'x' } })).toThrow(
      /cannot send a credential for security scheme tls/,
    );
  });

  it('works with caller middleware (real Request objects) as with the light request', async () => {
    const { fetch, requests } = scriptedFetch(json(200, {}));
    const seen: string[] = [];
    const middleware = [{ onRequest: ({ request }: { request: Request }) => void seen.push(request.url) }];
    await createApiClient<Paths, typeof facts>(facts, {
      baseUrl,
      credentials: { sessionCookie: 's1', queryKey: 'q1' },
      middleware,
      fetch,
    }).GET('/both');
    expect(seen).toEqual(['http://127.0.0.1:9/base/both?key=q1']);
    expect(requests[0]!.headers.get('cookie')).toBe('session=s1');
  });
});
