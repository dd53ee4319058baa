// Each API's client puts its credentials where its spec says, with the right content type, and
// reports non-2xx answers as ApiError (result objects by default, thrown on request).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  createDitoClient,
  createHellotextClient,
  createM1dasClient,
  createRockstatClient,
  createTtoClient,
} from '../src/index.js';
import { json, scriptedFetch } from './fake-fetch.js';

const baseUrl = 'http://127.0.0.1:9/base/';
const noRetry = { retry: false } as const;
const track = {
  type: 'track',
  event: 'order_completed',
  userId: 'user_123',
  properties: { order_id: 'ORD-456', total: 99.99 },
} as const;

describe('m1das credentials', () => {
  it.each([
    [
      'header',
      (sent: { headers: Headers; url: URL }) => expect(sent.headers.get('x-write-key')).toBe('keyId:keySecret'),
    ],
    [
      'basic',
      (sent: { headers: Headers; url: URL }) =>
        expect(sent.headers.get('authorization')).toBe(`Basic ${Buffer.from('keyId:keySecret:').toString('base64')}`),
    ],
    [
      'query',
      (sent: { headers: Headers; url: URL }) => expect(sent.url.searchParams.get('writekey')).toBe('keyId:keySecret'),
    ],
  ] as const)('auth: %s', async (auth, check) => {
    const { fetch, requests } = scriptedFetch(json(200, { ok: true }));
    const client = createM1dasClient({ baseUrl, writeKey: 'keyId:keySecret', auth, fetch, ...noRetry });
    const { data, error } = await client.POST('/api/s/{event-type}', {
      params: { path: { 'event-type': 'track' } },
      body: track,
    });
    expect(error).toBeUndefined();
    expect(data).toEqual({ ok: true });
    const [sent] = requests;
    expect(sent!.url.pathname).toBe('/base/api/s/track');
    expect(sent!.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(sent!.body)).toEqual(track);
    check(sent!);
  });
});

describe('tto credentials', () => {
  it('adds api_key to JSON bodies, keeping a caller-supplied one', async () => {
    const { fetch, requests } = scriptedFetch(json(200, {}));
    const client = createTtoClient({ baseUrl, apiKey: 'your_api_key_here', fetch, ...noRetry });
    await client.POST('/v1/track', { body: { type: 'track', event: 'Purchase', user_id: 'user_12345' } });
    await client.POST('/v1/alias', {
      body: { api_key: 'explicit', user_id: 'registered_user_123', previous_id: 'anonymous_session_456' },
    });
    expect(JSON.parse(requests[0]!.body)).toEqual({
      api_key: 'your_api_key_here',
      type: 'track',
      event: 'Purchase',
      user_id: 'user_12345',
    });
    expect(JSON.parse(requests[1]!.body).api_key).toBe('explicit');
    expect(requests.every((sent) => !sent.url.searchParams.has('api_key'))).toBe(true);
  });

  it('puts api_key in the query for settings, which has no body', async () => {
    const { fetch, requests } = scriptedFetch(json(200, {}));
    await createTtoClient({ baseUrl, apiKey: 'your_api_key_here', fetch, ...noRetry }).POST('/v1/settings');
    expect(requests[0]!.url.searchParams.get('api_key')).toBe('your_api_key_here');
  });
});

describe('dito credentials', () => {
  it('form-encodes the body, serialises event to JSON and signs with the SHA-1 of the secret (never the secret)', async () => {
    const { fetch, requests } = scriptedFetch(json(200, {}));
    const client = createDitoClient({ baseUrl, apiKey: 'SUA_API_KEY', secret: 'SUA_SECRET_KEY', fetch, ...noRetry });
    const event = {
      action: 'nome-do-evento',
      revenue: 10.12,
      created_at: '2015-06-22 19:21:18 -0300',
      data: { cor: 'azul' },
    };
    await client.POST('/users/{id}', {
      params: { path: { id: 'ID_DO_SEU_USUARIO' } },
      body: { event, encoding: 'base64' },
    });
    const [sent] = requests;
    expect(sent!.url.pathname).toBe('/base/users/ID_DO_SEU_USUARIO');
    expect(sent!.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(sent!.body));
    expect(form).toEqual({
      event: JSON.stringify(event),
      encoding: 'base64',
      id_type: 'id',
      network_name: 'pt',
      platform_api_key: 'SUA_API_KEY',
      sha1_signature: createHash('sha1').update('SUA_SECRET_KEY').digest('hex'),
    });
    expect(sent!.body).not.toContain('SUA_SECRET_KEY');
  });
});

describe('hellotext and rockstat', () => {
  it('hellotext sends a Bearer token', async () => {
    const { fetch, requests } = scriptedFetch(json(201, { state: 'ok' }));
    const { data } = await createHellotextClient({ baseUrl, token: 'ALK_token', fetch, ...noRetry }).POST(
      '/v1/attribution/events',
      {
        body: { action: 'product.purchased', product: 'vxqQJ3Yg', profile: 'PROFILE_ID' },
      },
    );
    expect(data).toEqual({ state: 'ok' });
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer ALK_token');
  });

  it('rockstat sends no credentials and passes path and query', async () => {
    const { fetch, requests } = scriptedFetch(json(200, { key: 'in.gen.calltrack.call', id: '6462462774336290816' }));
    const { data } = await createRockstatClient({ baseUrl, fetch, ...noRetry }).GET(
      '/{service}/{event_name}/{project_id}',
      {
        params: {
          path: { service: 'calltrack', event_name: 'call', project_id: 99 },
          query: { params: { param: 'myparamvalue' } },
        },
      },
    );
    expect(data?.key).toBe('in.gen.calltrack.call');
    expect(requests[0]!.url.pathname).toBe('/base/calltrack/call/99');
    expect(requests[0]!.url.searchParams.get('param')).toBe('myparamvalue');
    expect(requests[0]!.headers.has('authorization')).toBe(false);
  });
});

describe('errors', () => {
  const problem = {
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    detail: "The request does not match the API's schema.",
    errors: [{ in: 'body', pointer: '/event', detail: 'required' }],
  };

  it('returns an ApiError with status, parsed problem and response', async () => {
    const { fetch } = scriptedFetch(
      new Response(JSON.stringify(problem), { status: 400, headers: { 'content-type': 'application/problem+json' } }),
    );
    const { data, error, response } = await createHellotextClient({ baseUrl, token: 't', fetch, ...noRetry }).POST(
      '/v1/attribution/events',
      { body: { action: 'x', profile: 'p' } },
    );
    expect(data).toBeUndefined();
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.status).toBe(400);
    expect(error?.problem?.errors?.[0]?.pointer).toBe('/event');
    expect(error?.response).toBe(response);
    expect(error?.message).toContain("does not match the API's schema");
  });

  it('is never undefined for an empty error body', async () => {
    const { fetch } = scriptedFetch(new Response(null, { status: 401 }));
    const { error } = await createHellotextClient({ baseUrl, token: 't', fetch, ...noRetry }).POST(
      '/v1/attribution/events',
      { body: { action: 'x', profile: 'p' } },
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.status).toBe(401);
    expect(error?.body).toBeUndefined();
  });

  it('throws instead when throwOnError is set', async () => {
    const { fetch } = scriptedFetch(json(413, { title: 'Payload Too Large', status: 413 }), json(201, { state: 'ok' }));
    const client = createHellotextClient({ baseUrl, token: 't', fetch, throwOnError: true, ...noRetry });
    await expect(client.POST('/v1/attribution/events', { body: { action: 'x', profile: 'p' } })).rejects.toMatchObject({
      name: 'ApiError',
      status: 413,
    });
    const { data } = await client.POST('/v1/attribution/events', { body: { action: 'x', profile: 'p' } });
    expect(data.state).toBe('ok');
  });

  it('retries through the client transport', async () => {
    const { fetch, requests } = scriptedFetch(json(503, {}), json(201, { state: 'ok' }));
    const client = createHellotextClient({ baseUrl, token: 't', fetch, retry: { minDelayMs: 1 } });
    const { data } = await client.POST('/v1/attribution/events', { body: { action: 'x', profile: 'p' } });
    expect(data?.state).toBe('ok');
    expect(requests).toHaveLength(2);
    expect(requests[1]!.headers.get('authorization')).toBe('Bearer t');
  });
});
