import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const key = { 'x-write-key': 'keyId:keySecret' };
const track = {
  type: 'track',
  event: 'purchase_completed',
  userId: 'user@example.com',
  properties: { order_id: 'ORD-456', total: 99.99 },
};

describe('POST /m1das/api/s/{event-type}', () => {
  it.each([
    ['X-Write-Key header', { 'x-write-key': 'keyId:keySecret' }, ''],
    [
      'Basic with the documented trailing colon',
      { authorization: `Basic ${Buffer.from('keyId:keySecret:').toString('base64')}` },
      '',
    ],
    [
      'Basic with a trailing newline (the vendor example)',
      { authorization: `Basic ${Buffer.from('keyId:keySecret:\n').toString('base64')}` },
      '',
    ],
    ['Basic without the colon', { authorization: `Basic ${Buffer.from('keyId:keySecret').toString('base64')}` }, ''],
    ['writekey query parameter', {}, '?writekey=keyId:keySecret'],
  ])('accepts the write key as %s', async (_, headers, query) => {
    const response = await t.app.inject({ method: 'POST', url: `/m1das/api/s/track${query}`, headers, payload: track });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true });
    const [stored] = await t.events();
    expect(stored).toMatchObject({
      api: 'm1das',
      source: 'shop',
      type: 'track',
      eventName: 'purchase_completed',
      userId: 'user@example.com',
    });
  });

  it.each([
    ['no credentials', {}, 401],
    ['an unknown key', { 'x-write-key': 'nope' }, 401],
    ['a malformed Basic header', { authorization: 'Basic %%%' }, 401],
  ])('rejects %s without echoing secrets', async (_, headers, status) => {
    const response = await t.app.inject({ method: 'POST', url: '/m1das/api/s/track', headers, payload: track });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).not.toContain('nope');
    expect(await t.events()).toEqual([]);
  });

  it('takes the type from the path, and from the body on /api/s/event', async () => {
    await t.app.inject({ method: 'POST', url: '/m1das/api/s/page', headers: key, payload: { userId: 'u' } });
    const missing = await t.app.inject({
      method: 'POST',
      url: '/m1das/api/s/event',
      headers: key,
      payload: { userId: 'u' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([expect.objectContaining({ in: 'body', pointer: '/type' })]);
    await t.app.inject({
      method: 'POST',
      url: '/m1das/api/s/event',
      headers: key,
      payload: { type: 'identify', userId: 'u' },
    });
    expect((await t.events()).map((event) => event.type)).toEqual(['page', 'identify']);
  });

  it('applies the per-type rules once the path has set the type', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/m1das/api/s/track',
      headers: key,
      payload: { userId: 'u' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toContainEqual(expect.objectContaining({ pointer: '/event' }));
  });

  it('sets receivedAt, fills messageId, and corrects timestamp for clock skew', async () => {
    // The client's clock is 10 minutes behind: it says it sent at 11:50:05 an event of 11:50:00.
    await t.app.inject({
      method: 'POST',
      url: '/m1das/api/s/track',
      headers: key,
      payload: { ...track, timestamp: '2026-11-23T11:50:00.000Z', sentAt: '2026-11-23T11:50:05.000Z' },
    });
    const [stored] = await t.events();
    expect(stored!.receivedAt).toBe('2026-11-23T12:00:00.000Z');
    expect(stored!.timestamp).toBe('2026-11-23T11:59:55.000Z');
    expect(stored!.payload.originalTimestamp).toBe('2026-11-23T11:50:00.000Z');
    expect(stored!.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('acknowledges a repeated messageId but stores it once, per source', async () => {
    const send = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/m1das/api/s/track', headers, payload: { ...track, messageId: 'm-1' } });
    expect((await send(key)).statusCode).toBe(200);
    expect((await send(key)).statusCode).toBe(200);
    expect((await send({ 'x-write-key': 'blogKey:blogSecret' })).statusCode).toBe(200);
    expect((await t.events('messageId=m-1')).map((event) => event.source)).toEqual(['shop', 'blog']);
  });

  it('accepts text/plain JSON (browser beacons) and gzip bodies', async () => {
    const beacon = await t.app.inject({
      method: 'POST',
      url: '/m1das/api/s/track',
      headers: { ...key, 'content-type': 'text/plain' },
      payload: JSON.stringify(track),
    });
    expect(beacon.statusCode).toBe(200);
    const gzipped = await t.app.inject({
      method: 'POST',
      url: '/m1das/api/s/track',
      headers: { ...key, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify(track)),
    });
    expect(gzipped.statusCode).toBe(200);
    expect(await t.events()).toHaveLength(2);
  });

  it.each([
    [
      'an event over 32 KB',
      { 'content-type': 'application/json' },
      JSON.stringify({ ...track, properties: { blob: 'x'.repeat(33 * 1024) } }),
      413,
    ],
    [
      'a gzip bomb (decompressed size counts)',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync(JSON.stringify({ ...track, properties: { blob: 'x'.repeat(5 * 1024 * 1024) } })),
      413,
    ],
    ['a body that is not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'not gzip', 400],
    [
      'an unsupported encoding',
      { 'content-type': 'application/json', 'content-encoding': 'br' },
      JSON.stringify(track),
      415,
    ],
    ['invalid JSON', { 'content-type': 'application/json' }, '{"type":', 400],
    ['an undeclared media type', { 'content-type': 'application/xml' }, '<track/>', 415],
  ])('answers %s with a problem (%s)', async (_, headers, payload, status) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/m1das/api/s/track',
      headers: { ...key, ...headers },
      payload,
    });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ status, title: expect.any(String) });
    expect(await t.events()).toEqual([]);
  });

  it('answers CORS preflights (the spec says browsers call it)', async () => {
    const response = await t.app.inject({
      method: 'OPTIONS',
      url: '/m1das/api/s/track',
      headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('x-write-key');
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('content-encoding');
  });
});

describe('POST /m1das/v1/batch', () => {
  const batch = {
    batch: [
      {
        type: 'page',
        properties: { title: 'Ejemplo de página', url: 'https://example.com/' },
        userId: 'user@example.com',
        timestamp: '2023-04-12T13:28:02.531Z',
        context: { locale: 'es' },
      },
      {
        type: 'track',
        event: 'button_clicked',
        userId: 'user@example.com',
        properties: { button: 'signup' },
        timestamp: '2023-04-12T13:28:05.000Z',
      },
    ],
    writeKey: 'keyId:keySecret',
    context: { device: { type: 'desktop' }, locale: 'en-US' },
  };

  it('takes the key from the body and merges context into each event, the event winning', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/m1das/v1/batch', payload: batch });
    expect(response.json()).toEqual({ ok: true, receivedEvents: 2, okEvents: 2 });
    const stored = await t.events();
    expect(stored.map((event) => event.payload.context)).toEqual([
      { device: { type: 'desktop' }, locale: 'es' },
      { device: { type: 'desktop' }, locale: 'en-US' },
    ]);
  });

  it.each(['/m1das/v1/batch', '/m1das/v1/b'])(
    'on %s, stores no write key: neither the body one nor the one the browser SDK puts in every event',
    async (url) => {
      const response = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify({
          ...batch,
          batch: batch.batch.map((event) => ({ ...event, writeKey: 'keyId:keySecret' })),
        }),
      });
      expect(response.json()).toEqual({ ok: true, receivedEvents: 2, okEvents: 2 });
      const stored = await t.events();
      expect(stored.map((event) => [event.source, event.type])).toEqual([
        ['shop', 'page'],
        ['shop', 'track'],
      ]);
      expect(JSON.stringify(stored)).not.toContain('keySecret');
    },
  );

  it('prefers header credentials and rejects a batch with no key anywhere', async () => {
    const { writeKey: _key, ...keyless } = batch;
    expect((await t.app.inject({ method: 'POST', url: '/m1das/v1/batch', payload: keyless })).statusCode).toBe(401);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/m1das/v1/batch',
          headers: { 'x-write-key': 'blogKey:blogSecret' },
          payload: batch,
        })
      ).statusCode,
    ).toBe(200);
    expect((await t.events()).every((event) => event.source === 'blog')).toBe(true);
  });

  it('reports an event over 32 KB in errors and stores the others', async () => {
    const big = {
      type: 'track',
      event: 'big',
      userId: 'u',
      messageId: 'big-1',
      properties: { blob: 'x'.repeat(33 * 1024) },
    };
    const response = await t.app.inject({
      method: 'POST',
      url: '/m1das/v1/batch',
      payload: { ...batch, batch: [...batch.batch, big] },
    });
    expect(response.json()).toMatchObject({
      ok: false,
      receivedEvents: 3,
      okEvents: 2,
      errors: [expect.stringMatching(/^Message ID: big-1: /)],
    });
    expect(await t.events()).toHaveLength(2);
  });

  it('rejects a whole request over 500 KB with 413', async () => {
    const many = Array.from({ length: 40 }, (_, index) => ({
      type: 'track',
      event: 'e',
      userId: 'u',
      properties: { blob: 'x'.repeat(15 * 1024), index },
    }));
    const response = await t.app.inject({ method: 'POST', url: '/m1das/v1/batch', payload: { ...batch, batch: many } });
    expect(response.statusCode).toBe(413);
    expect(await t.events()).toEqual([]);
  });

  it('accepts what Segment SDKs send: gzip, Basic "key:" and sentAt', async () => {
    const body = {
      batch: batch.batch.map((event) => ({ ...event, messageId: `${event.type}-1` })),
      sentAt: '2023-04-12T13:28:06.000Z',
    };
    const response = await t.app.inject({
      method: 'POST',
      url: '/m1das/v1/batch',
      headers: {
        authorization: `Basic ${Buffer.from('keyId:keySecret:').toString('base64')}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      payload: gzipSync(JSON.stringify(body)),
    });
    expect(response.statusCode).toBe(200);
    const stored = await t.events();
    // The envelope's sentAt (1 s after the last event) corrects both timestamps to the server's clock.
    expect(stored.map((event) => event.timestamp)).toEqual(['2026-11-23T11:59:56.531Z', '2026-11-23T11:59:59.000Z']);
  });
});
