import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const auth = { authorization: 'Bearer ALK_token' };

describe('hellotext', () => {
  it.each([
    [
      'by profile',
      { action: 'product.purchased', product: 'vxqQJ3Yg', profile: 'PROFILE_ID' },
      { userId: 'PROFILE_ID', anonymousId: null },
    ],
    [
      'by session',
      { action: 'product.purchased', product_id: 'vxqQJ3Yg', session_id: 'HELLOTEXT_SESSION_ID' },
      { userId: null, anonymousId: 'HELLOTEXT_SESSION_ID' },
    ],
  ])('tracks %s with 201 {"state":"ok"}', async (_, payload, ids) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/hellotext/v1/attribution/events',
      headers: auth,
      payload,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ state: 'ok' });
    expect((await t.events())[0]).toMatchObject({
      api: 'hellotext',
      source: 'ht',
      eventName: 'product.purchased',
      ...ids,
    });
  });

  it.each([
    ['neither profile nor session', auth, { action: 'product.purchased' }, 400],
    ['no token', {}, { action: 'a', profile: 'p' }, 401],
    ['a token of another scheme', { authorization: 'Token ALK_token' }, { action: 'a', profile: 'p' }, 401],
    ['an unknown token', { authorization: 'Bearer ALK_other' }, { action: 'a', profile: 'p' }, 401],
  ])('rejects %s', async (_, headers, payload, status) => {
    expect(
      (await t.app.inject({ method: 'POST', url: '/hellotext/v1/attribution/events', headers, payload })).statusCode,
    ).toBe(status);
  });
});
