// What Segment-protocol clients really send to m1das (x-trackspec-json-any-label): JSON under
// axios' and curl's form label, gzip in any case, text/plain; a real form still gets 415.
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const key = { 'x-write-key': 'keyId:keySecret' };
const batch = {
  batch: [
    { type: 'track', event: 'Signed Up', userId: 'u1', properties: { plan: 'pro' }, messageId: 'm-1' },
    { type: 'identify', userId: 'u1', traits: { email: 'u1@example.com' }, messageId: 'm-2' },
  ],
};
const form = 'application/x-www-form-urlencoded';

describe('m1das: JSON whatever its label', () => {
  it.each([
    [
      'gzip JSON labelled as a form (axios default on a Buffer)',
      { 'content-type': form, 'content-encoding': 'gzip' },
      gzipSync(JSON.stringify(batch)),
    ],
    ['plain JSON labelled as a form (curl -d)', { 'content-type': form }, JSON.stringify(batch)],
    [
      'gzip JSON with Content-Encoding in upper case',
      { 'content-type': 'application/json', 'content-encoding': 'GZIP' },
      gzipSync(JSON.stringify(batch)),
    ],
    [
      'gzip text/plain with a mixed-case encoding',
      { 'content-type': 'text/plain', 'content-encoding': 'Gzip' },
      gzipSync(JSON.stringify(batch)),
    ],
    ['JSON labelled application/octet-stream', { 'content-type': 'application/octet-stream' }, JSON.stringify(batch)],
  ])('%s: stored field by field', async (_, headers, payload) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/m1das/v1/batch',
      headers: { ...key, ...headers },
      payload,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ ok: true, receivedEvents: 2, okEvents: 2 });
    const events = await t.events();
    expect(events.map((event) => event.payload.messageId).sort()).toEqual(['m-1', 'm-2']);
    const track = events.find((event) => event.type === 'track')!;
    expect(track.payload).toMatchObject(batch.batch[0]!);
    expect(events.find((event) => event.type === 'identify')!.payload).toMatchObject(batch.batch[1]!);
  });

  it('reads a single event labelled as a form as JSON too', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/m1das/api/s/track',
      headers: { ...key, 'content-type': form },
      payload: JSON.stringify({ event: 'Clicked', userId: 'u2' }),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect((await t.events())[0]!.payload).toMatchObject({ event: 'Clicked', userId: 'u2', type: 'track' });
  });

  it.each([
    ['a real form', { 'content-type': form }, 'batch=1&writeKey=keyId%3AkeySecret', 415],
    ['a gzip real form', { 'content-type': form, 'content-encoding': 'gzip' }, gzipSync('a=b'), 415],
    ['JSON-looking but broken', { 'content-type': form }, '{"batch": [', 400],
    ['JSON under a form label that breaks the schema', { 'content-type': form }, '{"batch": "nope"}', 400],
    ['XML', { 'content-type': 'application/xml' }, '<batch/>', 415],
  ])('%s stays a %s-class refusal', async (_, headers, payload, status) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/m1das/v1/batch',
      headers: { ...key, ...headers },
      payload,
    });
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await t.events()).toEqual([]);
  });

  it('keeps other APIs strict: a form label on hellotext is 415 even with JSON bytes', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/hellotext/v1/attribution/events',
      headers: { authorization: 'Bearer ALK_token', 'content-type': form },
      payload: JSON.stringify({ action: 'a', profile: 'p' }),
    });
    expect(response.statusCode).toBe(415);
  });
});
