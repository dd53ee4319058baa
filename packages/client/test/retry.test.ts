import { describe, expect, it } from 'vitest';
import { backoffMs, createTransport, isRetriableStatus, retryAfterMs } from '../src/retry.js';
import { json, scriptedFetch } from './fake-fetch.js';

const request = () =>
  new Request('http://127.0.0.1/v1/batch', {
    method: 'POST',
    body: '{"batch":[]}',
    headers: { 'content-type': 'application/json' },
  });
const fast = { minDelayMs: 1, maxDelayMs: 5, random: () => 0.5 };

describe('isRetriableStatus', () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [501, false],
    [505, false],
    [400, false],
    [401, false],
    [413, false],
    [200, false],
  ])('%i → %s', (status, expected) => {
    expect(isRetriableStatus(status)).toBe(expected);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Mon, 23 Nov 2026 12:00:05 GMT', 5000],
    ['Mon, 23 Nov 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('%s → %s', (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});

describe('backoffMs', () => {
  it('grows exponentially with full jitter and a cap', () => {
    const options = { minDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4].map((attempt) => backoffMs(attempt, { ...options, random: () => 0.999 }))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(backoffMs(3, { ...options, random: () => 0 })).toBe(0);
  });
});

describe('createTransport', () => {
  it('retries 5xx and 429, then returns the success, resending the same body', async () => {
    const { fetch, requests } = scriptedFetch(json(503, {}), json(429, {}), json(200, { ok: true }));
    const response = await createTransport({ fetch, retry: fast })(request());
    expect(response.status).toBe(200);
    expect(requests.map((sent) => sent.body)).toEqual(['{"batch":[]}', '{"batch":[]}', '{"batch":[]}']);
  });

  it.each([400, 401, 413, 501, 505])('does not retry %i', async (status) => {
    const { fetch, requests } = scriptedFetch(json(status, {}), json(200, {}));
    expect((await createTransport({ fetch, retry: fast })(request())).status).toBe(status);
    expect(requests).toHaveLength(1);
  });

  it('gives up after the configured number of retries and returns the last answer', async () => {
    const { fetch, requests } = scriptedFetch(json(500, { n: 1 }));
    const response = await createTransport({ fetch, retry: { ...fast, retries: 2 } })(request());
    expect(response.status).toBe(500);
    expect(requests).toHaveLength(3);
  });

  it('retries network errors and rethrows the last one', async () => {
    const { fetch, requests } = scriptedFetch(new TypeError('fetch failed'));
    await expect(createTransport({ fetch, retry: { ...fast, retries: 1 } })(request())).rejects.toThrow('fetch failed');
    expect(requests).toHaveLength(2);
  });

  it('waits for Retry-After', async () => {
    const { fetch } = scriptedFetch(json(503, {}, { 'retry-after': '1' }), json(200, {}));
    const started = performance.now();
    await createTransport({ fetch, retry: fast })(request());
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('does not wait for a Retry-After beyond maxRetryAfterMs', async () => {
    const { fetch, requests } = scriptedFetch(json(503, {}, { 'retry-after': '3600' }), json(200, {}));
    expect((await createTransport({ fetch, retry: { ...fast, maxRetryAfterMs: 1000 } })(request())).status).toBe(503);
    expect(requests).toHaveLength(1);
  });

  it('times out a hanging attempt, retries it, and honours the caller abort', async () => {
    let calls = 0;
    // The transport hands each attempt its signal (timeout and caller abort combined).
    const hanging = (_input: Request, init?: { signal?: AbortSignal }) =>
      new Promise<Response>((resolve, reject) => {
        calls++;
        if (calls === 2) return resolve(json(200, {}));
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
      });
    expect((await createTransport({ fetch: hanging, retry: fast, timeoutMs: 50 })(request())).status).toBe(200);

    const controller = new AbortController();
    const pending = createTransport({ fetch: hanging, retry: fast, timeoutMs: 0 })(
      new Request(request(), { signal: controller.signal }),
    );
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
  });

  it('sends once when retries are disabled', async () => {
    const { fetch, requests } = scriptedFetch(json(503, {}));
    await createTransport({ fetch, retry: false })(request());
    expect(requests).toHaveLength(1);
  });
});
