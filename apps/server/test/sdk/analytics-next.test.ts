// Segment's browser SDK (@segment/analytics-next), bundled here with esbuild (no CDN), in a page that
// Debian's Chromium opens on another origin: its page, track and identify calls cross origins to the
// real app (CORS preflight, `text/plain` bodies, Basic credentials) and every event reads back
// through the admin API field by field.
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { launchChromium, openPage } from '@trackspec/harness/browser';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, listStoredEvents, type StoredEventJson, type TestApp } from '../helpers.js';

const writeKey = 'keyId:keySecret';

/** The SDK's npm package as one browser script exposing `window.Segment`. */
async function bundleSdk(): Promise<string> {
  const result = await build({
    stdin: {
      contents: "export { AnalyticsBrowser } from '@segment/analytics-next';",
      resolveDir: createRequire(import.meta.url)
        .resolve('@segment/analytics-next')
        .replace(/node_modules\/.*$/, ''),
    },
    bundle: true,
    format: 'iife',
    globalName: 'Segment',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Serves the page and the bundle from an origin of its own (another port is another origin). */
async function servePage(script: string): Promise<{ origin: string; server: Server }> {
  const html = '<!doctype html><meta charset="utf-8"><title>shop</title><script src="/sdk.js"></script><p>shop</p>';
  const server = createServer((request, response) => {
    if (request.url === '/sdk.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (request.url?.startsWith('/pricing')) return response.writeHead(200, { 'content-type': 'text/html' }).end(html);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // `localhost` for the page and `127.0.0.1` for the API: two origins on loopback.
  return { origin: `http://localhost:${(server.address() as AddressInfo).port}`, server };
}

let t: TestApp;
let apiOrigin: string;
let page: { origin: string; server: Server };
let browser: Browser;
beforeAll(async () => {
  t = await createTestApp();
  apiOrigin = await t.app.listen({ host: '127.0.0.1', port: 0 });
  page = await servePage(await bundleSdk());
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  page?.server.close();
  await t?.close();
});

type DeliveryStrategy = { strategy: 'standard' } | { strategy: 'batching'; config: { size: number; timeout: number } };

interface Delivery {
  method: string;
  url: string;
  status: number;
  contentType?: string;
  authorization?: string;
  allowOrigin?: string;
}

/**
 * Loads the SDK in a page on its own origin with `deliveryStrategy`, makes a page, an identify and a
 * track call (message ids prefixed with the strategy's name) and waits until the three are stored.
 */
async function sendThreeCalls(deliveryStrategy: DeliveryStrategy) {
  const prefix = deliveryStrategy.strategy;
  const tab = await openPage(browser);
  const problems: string[] = [];
  const deliveries: Delivery[] = [];
  // Only the two loopback origins: a request anywhere else (a CDN) is aborted and fails the test.
  await tab.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(page.origin) || url.startsWith(apiOrigin)) return route.continue();
    problems.push(`external request: ${url}`);
    return route.abort();
  });
  tab.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // A refused CORS preflight shows here (and in the console), never as a response.
  tab.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  tab.on('response', (response) => {
    if (!response.url().startsWith(apiOrigin)) return;
    if (response.status() >= 400) void response.text().then((text) => problems.push(`${response.url()}: ${text}`));
    deliveries.push({
      method: response.request().method(),
      url: response.url(),
      status: response.status(),
      contentType: response.request().headers()['content-type'],
      authorization: response.request().headers().authorization,
      allowOrigin: response.headers()['access-control-allow-origin'],
    });
  });
  await tab.goto(`${page.origin}/pricing?plan=pro`);

  const apiHost = `${new URL(apiOrigin).host}/m1das/v1`;
  await tab.evaluate(
    async ({ apiHost, writeKey, deliveryStrategy, prefix }) => {
      const { AnalyticsBrowser } = (window as unknown as { Segment: typeof import('@segment/analytics-next') }).Segment;
      // Settings given inline, so the SDK fetches nothing from Segment's CDN.
      const [analytics] = await AnalyticsBrowser.load(
        {
          writeKey,
          cdnSettings: {
            integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol: 'http', deliveryStrategy } },
          },
        },
        { disableClientPersistence: true },
      );
      await analytics.page('Shop', 'Pricing', { plan: 'pro' }, { messageId: `${prefix}-page-1` });
      await analytics.identify(
        'browser-user',
        { email: 'browser@example.com', plan: 'pro' },
        { messageId: `${prefix}-identify-1` },
      );
      await analytics.track(
        'Order Completed',
        { revenue: 42.5, products: [{ sku: 'A-1', quantity: 2 }] },
        { messageId: `${prefix}-track-1` },
      );
    },
    { apiHost, writeKey, deliveryStrategy, prefix },
  );

  // The SDK resolves a call once its plugins ran; its delivery may still be on the wire (or in the batch).
  // Waits for the three to be stored; if they never are, the caller's assertions say which are missing.
  let events: StoredEventJson[] = [];
  await vi
    .waitFor(
      async () => {
        events = (await listStoredEvents(apiOrigin, 'm1das')).filter((event) =>
          event.messageId.startsWith(`${prefix}-`),
        );
        expect(events.length).toBeGreaterThanOrEqual(3);
      },
      { timeout: 10_000, interval: 100 },
    )
    .catch(() => undefined);
  await tab.close();
  return { problems, posts: deliveries.filter((delivery) => delivery.method === 'POST'), events, prefix };
}

/** Each of the three calls is stored as the SDK sent it, without the write key. */
function expectStoredAsSent(events: StoredEventJson[], prefix: string): void {
  const byId = new Map(events.map((event) => [event.messageId, event]));
  expect([...byId.keys()].sort()).toEqual([`${prefix}-identify-1`, `${prefix}-page-1`, `${prefix}-track-1`]);
  for (const event of events) {
    expect(event).toMatchObject({ api: 'm1das', source: expect.any(String) });
    expect(event.payload).not.toHaveProperty('writeKey');
    expect(event.payload).toMatchObject({
      context: {
        library: { name: 'analytics.js' },
        page: { url: `${page.origin}/pricing?plan=pro`, path: '/pricing', search: '?plan=pro', title: 'shop' },
      },
    });
    expect(typeof event.anonymousId).toBe('string');
  }
  expect(byId.get(`${prefix}-page-1`)).toMatchObject({ type: 'page', eventName: 'Pricing' });
  expect(byId.get(`${prefix}-page-1`)!.payload).toMatchObject({
    type: 'page',
    category: 'Shop',
    name: 'Pricing',
    properties: { plan: 'pro', url: `${page.origin}/pricing?plan=pro` },
  });
  expect(byId.get(`${prefix}-identify-1`)).toMatchObject({ type: 'identify', userId: 'browser-user' });
  expect(byId.get(`${prefix}-identify-1`)!.payload).toMatchObject({
    traits: { email: 'browser@example.com', plan: 'pro' },
  });
  // identify stores the user: the SDK sends the id on the calls that follow.
  expect(byId.get(`${prefix}-track-1`)).toMatchObject({
    type: 'track',
    eventName: 'Order Completed',
    userId: 'browser-user',
  });
  expect(byId.get(`${prefix}-track-1`)!.payload).toMatchObject({
    event: 'Order Completed',
    properties: { revenue: 42.5, products: [{ sku: 'A-1', quantity: 2 }] },
  });
}

/** Every delivery was accepted, as the SDK labels it, and cross-origin with Basic credentials. */
function expectDeliveredCrossOrigin(posts: Delivery[]): void {
  for (const post of posts) {
    expect(post.status).toBe(200);
    expect(post.contentType).toBe('text/plain');
    // Basic credentials make the request non-simple: Chromium preflighted it, and the server allowed it.
    expect(post.authorization).toBe(`Basic ${btoa(`${writeKey}:`)}`);
    expect(post.allowOrigin).toBe('*');
  }
}

describe('@segment/analytics-next in Chromium against the server', () => {
  it('sends page, track and identify cross-origin; each is stored as sent, without the write key', async () => {
    const { problems, posts, events, prefix } = await sendThreeCalls({ strategy: 'standard' });
    expect(problems).toEqual([]);
    expect(posts.map((post) => new URL(post.url).pathname).sort()).toEqual([
      '/m1das/v1/i',
      '/m1das/v1/p',
      '/m1das/v1/t',
    ]);
    expectDeliveredCrossOrigin(posts);
    expectStoredAsSent(events, prefix);
  });

  it('with the batching strategy, sends the three calls in one batch to /v1/b; each is stored as sent', async () => {
    const { problems, posts, events, prefix } = await sendThreeCalls({
      strategy: 'batching',
      config: { size: 3, timeout: 1_000 },
    });
    expect(problems).toEqual([]);
    expect(posts.map((post) => new URL(post.url).pathname)).toEqual(['/m1das/v1/b']);
    expectDeliveredCrossOrigin(posts);
    expectStoredAsSent(events, prefix);
  });
});
