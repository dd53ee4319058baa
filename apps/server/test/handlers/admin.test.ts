import { loadDereferenced } from '@trackspec/specs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notReadyDetail } from '../../src/handlers/admin.js';
import { WRITE_FAILURE_REASONS } from '../../src/storage/write-health.js';
import { adminToken, createTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const auth = { authorization: `Bearer ${adminToken}` };
const track = (messageId: string) => ({ type: 'track', event: 'e', userId: 'u', messageId });

describe('admin API', () => {
  it('lists events across APIs with filters and cursor pagination', async () => {
    for (let index = 0; index < 5; index++)
      await t.app.inject({
        method: 'POST',
        url: '/m1das/api/s/track',
        headers: { 'x-write-key': 'keyId:keySecret' },
        payload: track(`m-${index}`),
      });
    await t.app.inject({ method: 'GET', url: '/rockstat/calltrack/call' });
    const ids: string[] = [];
    let cursor = '';
    do {
      const page = await t.app.inject({
        method: 'GET',
        url: `/admin/events?api=m1das&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: auth,
      });
      expect(page.statusCode).toBe(200);
      ids.push(...page.json().events.map((event: { messageId: string }) => event.messageId));
      cursor = page.json().nextCursor ?? '';
    } while (cursor);
    expect(ids).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
    expect(await t.events('type=webhook')).toHaveLength(1);
    expect(await t.events('from=2026-11-23T12:00:00.001Z')).toEqual([]);
  });

  it('gets one event, and 404 for an unknown id', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/m1das/api/s/track',
      headers: { 'x-write-key': 'keyId:keySecret' },
      payload: track('one'),
    });
    const [stored] = await t.events();
    expect((await t.app.inject({ method: 'GET', url: `/admin/events/${stored!.id}`, headers: auth })).json()).toEqual(
      stored,
    );
    const missing = await t.app.inject({ method: 'GET', url: '/admin/events/999999', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ["a source's write key", { authorization: 'Bearer keyId:keySecret' }],
  ])('refuses %s', async (_, headers) => {
    expect((await t.app.inject({ method: 'GET', url: '/admin/events', headers })).statusCode).toBe(401);
  });

  it('rejects a bad cursor and a bad limit with 400 naming the parameter', async () => {
    const cursor = await t.app.inject({ method: 'GET', url: '/admin/events?cursor=garbage', headers: auth });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().errors).toEqual([expect.objectContaining({ in: 'query', pointer: '/cursor' })]);
    const limit = await t.app.inject({ method: 'GET', url: '/admin/events?limit=0', headers: auth });
    expect(limit.json().errors).toEqual([expect.objectContaining({ in: 'query', pointer: '/limit' })]);
  });

  it('serves unauthenticated probes at the server root', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it("documents each reason /readyz's 503 can name, worded as the server sends it", () => {
    // biome-ignore lint/suspicious/noExplicitAny: a walk into the dereferenced document
    const notReady = (loadDereferenced('admin') as any).paths['/readyz'].get.responses['503'];
    const examples = Object.values(notReady.content['application/problem+json'].examples) as Array<{
      value: { detail: string };
    }>;
    expect(examples.map((example) => example.value.detail).sort()).toEqual(
      WRITE_FAILURE_REASONS.map(notReadyDetail).sort(),
    );
  });
});
