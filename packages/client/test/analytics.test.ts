import { describe, expect, it, vi } from 'vitest';
import { apiFacts, createAnalytics, EventRejectedError, type QueuedEvent } from '../src/index.js';
import { json, scriptedFetch } from './fake-fetch.js';

const baseUrl = 'http://127.0.0.1:9';
const ok = (count: number) => json(200, { ok: true, receivedEvents: count, okEvents: count });
const okForBatch = async (request: Request) => {
  const { batch } = (await request.clone().json()) as { batch: unknown[] };
  return ok(batch.length);
};

function setup(options: Parameters<typeof createAnalytics>[0] = {}, ...answers: Parameters<typeof scriptedFetch>) {
  const { fetch, requests } = scriptedFetch(...(answers.length ? answers : [okForBatch]));
  const failures: { error: Error; events: QueuedEvent[] }[] = [];
  const analytics = createAnalytics({
    baseUrl,
    writeKey: 'keyId:keySecret',
    fetch,
    retry: { minDelayMs: 1 },
    flushInterval: 60_000,
    onError: (error, events) => failures.push({ error, events }),
    ...options,
  });
  const bodies = () => requests.map((sent) => JSON.parse(sent.body) as { batch: QueuedEvent[]; sentAt: string });
  return { analytics, requests, bodies, failures };
}

describe('Analytics queue', () => {
  it('sends a batch when flushAt events are queued, filling messageId, timestamp and sentAt', async () => {
    const { analytics, requests, bodies } = setup({ flushAt: 3 });
    analytics.track({
      event: 'order_completed',
      userId: 'user_123',
      properties: { order_id: 'ORD-456', total: 99.99 },
    });
    analytics.identify({ userId: 'user_123', traits: { email: 'user@example.com' } });
    expect(requests).toHaveLength(0);
    analytics.page({ userId: 'user_123', messageId: 'mine', timestamp: '2023-04-12T13:28:02.531Z' });
    const result = await analytics.flush();
    expect(result).toEqual({ sent: 3, failed: 0 });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url.pathname).toBe('/v1/batch');
    expect(requests[0]!.headers.get('x-write-key')).toBe('keyId:keySecret');
    const [{ batch, sentAt }] = bodies() as [{ batch: QueuedEvent[]; sentAt: string }];
    expect(batch.map((event) => event.type)).toEqual(['track', 'identify', 'page']);
    expect(batch[0]!.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(String(batch[0]!.timestamp))).not.toBeNaN();
    expect(batch[2]).toMatchObject({ messageId: 'mine', timestamp: '2023-04-12T13:28:02.531Z' });
    expect(Date.parse(sentAt)).not.toBeNaN();
  });

  it('sends after flushInterval, not before', async () => {
    // The queue's clock is faked: the test moves it, so a busy machine cannot make the interval late
    // (a real 20 ms interval once took over 2 s to be observed under a full test run).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { analytics, requests } = setup({ flushAt: 100, flushInterval: 20 });
      analytics.track({ event: 'button_clicked', userId: 'u' });
      await vi.advanceTimersByTimeAsync(19);
      expect(analytics.pending).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      // The timer has taken the batch off the queue; flush() then only waits for that send to end.
      expect(analytics.pending).toBe(0);
      await analytics.flush();
      expect(requests).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  // The limits of the m1das spec's /v1/batch request body, as the client was generated with them.
  const { maxEventBytes, maxBodyBytes } = apiFacts.m1das.operations.ingestBatch;
  /** A track event of exactly `bytes` bytes of JSON once the queue has added messageId and timestamp. */
  const eventOf = (bytes: number) => {
    const frame = { event: 'big', userId: 'u', properties: { blob: '' } };
    const filled = { ...frame, type: 'track', messageId: crypto.randomUUID(), timestamp: new Date().toISOString() };
    return { ...frame, properties: { blob: 'x'.repeat(bytes - JSON.stringify(filled).length) } };
  };

  it("rejects an event over the spec's x-max-event-bytes locally, with a clear error, and takes one at the limit", () => {
    const { analytics, requests } = setup();
    expect(() => analytics.track(eventOf(maxEventBytes + 1))).toThrow(EventRejectedError);
    expect(() => analytics.track(eventOf(maxEventBytes + 1))).toThrow(
      new RegExp(`is ${maxEventBytes + 1} bytes of JSON; the API accepts at most ${maxEventBytes}$`),
    );
    expect(analytics.pending).toBe(0);
    analytics.track(eventOf(maxEventBytes));
    expect(analytics.pending).toBe(1);
    expect(requests).toHaveLength(0);
  });

  it("keeps every batch within the spec's x-max-body-bytes of /v1/batch by default", async () => {
    const { analytics, requests } = setup({ flushAt: 1_000 });
    const count = Math.ceil((2 * maxBodyBytes) / maxEventBytes);
    for (let index = 0; index < count; index++) analytics.track(eventOf(maxEventBytes));
    expect(await analytics.flush()).toEqual({ sent: count, failed: 0 });
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const sent of requests)
      expect(new TextEncoder().encode(sent.body).byteLength).toBeLessThanOrEqual(maxBodyBytes);
    // Full batches, not one event each: the queue packs up to the limit.
    expect(requests.length).toBeLessThanOrEqual(3);
  });

  it('keeps every batch under maxBatchBytes', async () => {
    const { analytics, requests } = setup({ flushAt: 1_000, maxBatchBytes: 5_000 });
    for (let index = 0; index < 30; index++)
      analytics.track({ event: 'e', userId: 'u', properties: { filler: 'y'.repeat(500) } });
    expect(await analytics.flush()).toEqual({ sent: 30, failed: 0 });
    expect(requests.length).toBeGreaterThan(1);
    for (const sent of requests) expect(new TextEncoder().encode(sent.body).byteLength).toBeLessThanOrEqual(5_000);
    expect(requests.reduce((count, sent) => count + JSON.parse(sent.body).batch.length, 0)).toBe(30);
  });

  it('retries a failed batch with the client transport', async () => {
    const { analytics, requests, failures } = setup({}, json(503, {}), okForBatch);
    analytics.track({ event: 'e', userId: 'u' });
    expect(await analytics.flush()).toEqual({ sent: 1, failed: 0 });
    expect(requests).toHaveLength(2);
    expect(failures).toEqual([]);
  });

  it('reports a batch that failed for good to onError, with its events', async () => {
    const { analytics, failures } = setup({}, json(400, { title: 'Bad Request', status: 400 }));
    analytics.track({ event: 'e', userId: 'u' });
    analytics.track({ event: 'f', userId: 'u' });
    expect(await analytics.flush()).toEqual({ sent: 0, failed: 2 });
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toMatchObject({ name: 'ApiError', status: 400 });
    expect(failures[0]!.events.map((event) => (event as { event?: string }).event)).toEqual(['e', 'f']);
  });

  it('reports the events the API refused inside an accepted batch', async () => {
    const { analytics, failures } = setup(
      {},
      json(200, { ok: false, receivedEvents: 2, okEvents: 1, errors: ['Message ID: bad-1: event is too long'] }),
    );
    analytics.track({ event: 'fine', userId: 'u', messageId: 'good-1' });
    analytics.track({ event: 'x'.repeat(200), userId: 'u', messageId: 'bad-1' });
    expect(await analytics.flush()).toEqual({ sent: 1, failed: 1 });
    expect(failures[0]!.events.map((event) => event.messageId)).toEqual(['bad-1']);
    expect(failures[0]!.error.message).toContain('event is too long');
  });

  it('closeAndFlush sends the rest and refuses new events', async () => {
    const { analytics, requests } = setup({ flushAt: 100 });
    analytics.group({ userId: 'u', groupId: 'g1' });
    expect(await analytics.closeAndFlush()).toEqual({ sent: 1, failed: 0 });
    expect(requests).toHaveLength(1);
    expect(() => analytics.track({ event: 'late', userId: 'u' })).toThrow(/closed/);
  });
});
