// Type tests (compiled, never run): every operation is callable with checked path, query and
// body; wrong or missing fields and unknown paths do not compile; results are typed.
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ApiError,
  apiFacts,
  createApiClient,
  createDitoClient,
  createHellotextClient,
  createM1dasClient,
  createRockstatClient,
  createTtoClient,
} from '../src/index.js';

const baseUrl = 'http://127.0.0.1:4010';
const m1das = createM1dasClient({ baseUrl, writeKey: 'k' });
const tto = createTtoClient({ baseUrl, apiKey: 'k' });
const dito = createDitoClient({ baseUrl, apiKey: 'k', secret: 's' });
const hellotext = createHellotextClient({ baseUrl, token: 't' });
const rockstat = createRockstatClient({ baseUrl });

describe('paths and parameters', () => {
  it('rejects unknown paths and methods the spec does not declare', () => {
    // @ts-expect-error not a path of the m1das spec
    void m1das.POST('/api/s/screen', {});
    // @ts-expect-error the hellotext endpoint has no GET
    void hellotext.GET('/v1/attribution/events');
  });

  it('checks path parameters against the spec', () => {
    void m1das.POST('/api/s/{event-type}', { params: { path: { 'event-type': 'page' } }, body: { userId: 'u' } });
    // @ts-expect-error `screen` is not one of the documented event types
    void m1das.POST('/api/s/{event-type}', { params: { path: { 'event-type': 'screen' } }, body: { userId: 'u' } });
    void rockstat.GET('/{service}/{event_name}/{project_id}', {
      // @ts-expect-error project_id is an integer
      params: { path: { service: 's', event_name: 'e', project_id: 'x' } },
    });
  });
});

describe('bodies', () => {
  it('requires required fields and checks field types', () => {
    // @ts-expect-error hellotext needs `action`
    void hellotext.POST('/v1/attribution/events', { body: { profile: 'PROFILE_ID' } });
    void dito.POST('/users/{id}', {
      params: { path: { id: 'u' } },
      // @ts-expect-error `revenue` of a Dito event is a number
      body: { event: { action: 'comprou', revenue: 'ten' } },
    });
    // @ts-expect-error a batch needs `batch`
    void m1das.POST('/v1/batch', { body: { writeKey: 'k' } });
    // @ts-expect-error alias needs previous_id
    void tto.POST('/v1/alias', { body: { user_id: 'u' } });
  });

  it('lets the client fill the credentials it was created with', () => {
    void tto.POST('/v1/track', { body: { event: 'Purchase', user_id: 'user_12345' } });
    void dito.POST('/users/{id}', { params: { path: { id: 'u' } }, body: { event: { action: 'comprou' } } });
    void dito.POST('/users/{id}', { params: { path: { id: 'u' } }, body: { event: '{"action":"comprou"}' } });
  });
});

describe('results', () => {
  it('types data from the documented 2xx and error as ApiError', async () => {
    const result = await hellotext.POST('/v1/attribution/events', { body: { action: 'a', profile: 'p' } });
    if (result.error) {
      expectTypeOf(result.error).toEqualTypeOf<ApiError<NonNullable<typeof result.error.body>>>();
      expectTypeOf(result.error.status).toBeNumber();
    } else {
      expectTypeOf(result.data.state).toEqualTypeOf<'ok'>();
    }
  });

  it('returns data directly in throwing mode', async () => {
    const throwing = createRockstatClient({ baseUrl, throwOnError: true });
    const { data } = await throwing.GET('/{service}', {
      params: { path: { service: 'calltrack' }, query: { name: 'call' } },
    });
    expectTypeOf(data.key).toBeString();
    expectTypeOf(data.id).toBeString();
  });
});

describe('the generic client', () => {
  it('types paths and results from the API named, and credentials by its security scheme names', async () => {
    const client = createApiClient('hellotext', { baseUrl, credentials: { bearerToken: 't' }, throwOnError: true });
    const { data } = await client.POST('/v1/attribution/events', { body: { action: 'a', profile: 'p' } });
    expectTypeOf(data.state).toEqualTypeOf<'ok'>();
    // @ts-expect-error hellotext needs `action`
    void client.POST('/v1/attribution/events', { body: { profile: 'p' } });
    // @ts-expect-error not a security scheme of the hellotext spec
    createApiClient('hellotext', { baseUrl, credentials: { writeKeyHeader: 'k' } });
    // @ts-expect-error not a registered API
    createApiClient('sixth', { baseUrl });
  });

  it('exposes the facts as literal types (the m1das batch limits are numbers known at compile time)', () => {
    expectTypeOf(apiFacts.m1das.operations.ingestBatch.maxEventBytes).toBeNumber();
    expectTypeOf<keyof typeof apiFacts.m1das.securitySchemes>().toEqualTypeOf<
      'writeKeyHeader' | 'basicAuth' | 'writeKeyQuery'
    >();
  });
});
