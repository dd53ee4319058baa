// Segment's own Node SDK (@segment/analytics-node) against the real app listening on loopback:
// its batches (HTTP Basic with the write key, JSON to `${host}${path}`) are accepted and every event
// reads back through the admin API field by field.
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listStoredEvents, type TestApp } from '../helpers.js';

// (tools/harness depends on this workspace, so the app is listened on here rather than spawned by it.)
let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await createTestApp();
  origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => t?.close());

describe('@segment/analytics-node against the server', () => {
  it('sends track, identify, page and group; each is stored as sent', async () => {
    const requests: { url: string; status: number }[] = [];
    const analytics = new Analytics({
      writeKey: 'keyId:keySecret',
      // The SDK resolves `path` against `host` (new URL(path, host)), so the API's base path goes in `path`.
      host: origin,
      path: '/m1das/v1/batch',
      flushAt: 4,
      maxRetries: 0,
    });
    analytics.on('http_response', ({ url, status }) => requests.push({ url, status }));
    const errors: unknown[] = [];
    analytics.on('error', (error) => errors.push(error));
    const timestamp = new Date('2026-12-01T10:00:00.000Z');
    analytics.track({
      userId: 'node-user',
      event: 'Order Completed',
      properties: { revenue: 42.5, products: [{ sku: 'A-1', quantity: 2 }] },
      messageId: 'node-track-1',
      timestamp,
    });
    analytics.identify({
      userId: 'node-user',
      traits: { email: 'node@example.com', plan: 'pro' },
      messageId: 'node-identify-1',
    });
    analytics.page({
      anonymousId: 'anon-node',
      name: 'Pricing',
      properties: { url: 'http://127.0.0.1/pricing' },
      messageId: 'node-page-1',
    });
    analytics.group({ userId: 'node-user', groupId: 'acme', traits: { employees: 10 }, messageId: 'node-group-1' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.url).toBe(`${origin}/m1das/v1/batch`);
      expect(request.status).toBe(200);
    }

    const events = await listStoredEvents(origin, 'm1das');
    const byId = new Map(events.map((event) => [event.messageId, event]));
    expect([...byId.keys()].sort()).toEqual(['node-group-1', 'node-identify-1', 'node-page-1', 'node-track-1']);

    const track = byId.get('node-track-1')!;
    expect(track).toMatchObject({ api: 'm1das', type: 'track', eventName: 'Order Completed', userId: 'node-user' });
    expect(track.payload).toMatchObject({
      type: 'track',
      event: 'Order Completed',
      userId: 'node-user',
      properties: { revenue: 42.5, products: [{ sku: 'A-1', quantity: 2 }] },
      originalTimestamp: timestamp.toISOString(),
      context: { library: { name: '@segment/analytics-node' } },
    });
    expect(byId.get('node-identify-1')!.payload).toMatchObject({
      type: 'identify',
      userId: 'node-user',
      traits: { email: 'node@example.com', plan: 'pro' },
    });
    expect(byId.get('node-page-1')).toMatchObject({ type: 'page', anonymousId: 'anon-node' });
    expect(byId.get('node-page-1')!.payload).toMatchObject({
      name: 'Pricing',
      properties: { url: 'http://127.0.0.1/pricing' },
    });
    expect(byId.get('node-group-1')!.payload).toMatchObject({
      type: 'group',
      groupId: 'acme',
      traits: { employees: 10 },
    });
  });
});
