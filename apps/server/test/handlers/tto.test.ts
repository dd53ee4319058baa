import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const track = {
  type: 'track',
  api_key: 'your_api_key_here',
  msg_id: 'unique_message_id_123',
  user_id: 'user_12345',
  event: 'Purchase',
  properties: { revenue: 299.99, currency: 'USD', product_id: 'PROD_001' },
  timestamp: '1767174918',
  traits: { name: 'alelos', email: '1234567@123.com', phone: '12345678' },
};

describe('tto', () => {
  it('stores a track with the key in the body, timestamp in seconds, and does not keep the key', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/tto/v1/track', payload: track });
    expect(response.statusCode).toBe(200);
    const [stored] = await t.events();
    expect(stored).toMatchObject({
      api: 'tto',
      source: 'tto-main',
      type: 'track',
      eventName: 'Purchase',
      userId: 'user_12345',
      messageId: 'unique_message_id_123',
      timestamp: '2025-12-31T09:55:18.000Z',
    });
    expect(JSON.stringify(stored!.payload)).not.toContain('your_api_key_here');
  });

  it.each([
    ['a missing api_key', { ...track, api_key: undefined }, 400],
    ['an unknown api_key', { ...track, api_key: 'stolen?' }, 401],
  ])('rejects %s', async (_, payload, status) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/tto/v1/track',
      payload: JSON.parse(JSON.stringify(payload)),
    });
    expect(response.statusCode).toBe(status);
    expect(response.body).not.toContain('stolen?');
  });

  it('deduplicates msg_id within a source', async () => {
    for (let index = 0; index < 3; index++)
      expect((await t.app.inject({ method: 'POST', url: '/tto/v1/track', payload: track })).statusCode).toBe(200);
    expect(await t.events('api=tto')).toHaveLength(1);
  });

  it('records an alias as an identity link', async () => {
    const alias = {
      type: 'alias',
      api_key: 'your_api_key_here',
      msg_id: 'unique_alias_id_789',
      user_id: 'registered_user_123',
      previous_id: 'anonymous_session_456',
      timestamp: '1767174918',
    };
    expect((await t.app.inject({ method: 'POST', url: '/tto/v1/alias', payload: alias })).statusCode).toBe(200);
    const [stored] = await t.events('type=alias');
    expect(stored).toMatchObject({
      userId: 'registered_user_123',
      payload: { previous_id: 'anonymous_session_456', user_id: 'registered_user_123' },
    });
  });

  it("answers settings with the key's own source only", async () => {
    const main = await t.app.inject({ method: 'POST', url: '/tto/v1/settings?api_key=your_api_key_here' });
    expect(main.json()).toMatchObject({ source_id: 'tto-main', name: 'Main source' });
    const other = await t.app.inject({ method: 'POST', url: '/tto/v1/settings?api_key=other_key' });
    expect(other.json()).toMatchObject({ source_id: 'tto-other' });
    expect(other.body).not.toContain('Main source');
    expect((await t.app.inject({ method: 'POST', url: '/tto/v1/settings' })).statusCode).toBe(401);
  });

  it("never accepts one API's key for another (an m1das key on tto)", async () => {
    expect(
      (await t.app.inject({ method: 'POST', url: '/tto/v1/track', payload: { ...track, api_key: 'keyId:keySecret' } }))
        .statusCode,
    ).toBe(401);
  });
});

describe('the vendor curl for settings', () => {
  it('works as printed: Content-Type JSON with no body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/tto/v1/settings?api_key=your_api_key_here',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(200);
  });
});
