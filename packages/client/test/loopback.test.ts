// The clients with the built-in fetch (no injected one) against a real HTTP server on loopback:
// the path where openapi-fetch builds an OutgoingRequest and the transport sends a plain URL and
// init. What arrives must be what the spec says, and timeouts and aborts must still bound a call.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDitoClient, createM1dasClient, createTtoClient } from '../src/index.js';

interface Received {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

const received: Received[] = [];
let hang = false;
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received.push({
      method: request.method!,
      url: new URL(request.url!, 'http://loopback'),
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    if (hang) return; // never answers: only the client's timeout or abort ends the call
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
let baseUrl: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const last = () => received.at(-1)!;

describe('clients on the built-in fetch', () => {
  it('sends an m1das event with the write key in the header, as JSON', async () => {
    const client = createM1dasClient({ baseUrl, writeKey: 'keyId:keySecret', retry: false });
    const { data } = await client.POST('/api/s/{event-type}', {
      params: { path: { 'event-type': 'track' } },
      body: { type: 'track', event: 'e', userId: 'u' },
    });
    expect(data).toEqual({ ok: true });
    expect(last()).toMatchObject({
      method: 'POST',
      headers: { 'x-write-key': 'keyId:keySecret', 'content-type': 'application/json' },
    });
    expect(last().url.pathname).toBe('/base/api/s/track');
    expect(JSON.parse(last().body)).toEqual({ type: 'track', event: 'e', userId: 'u' });
  });

  it('puts the key in the query, and in a JSON body, where those APIs want it', async () => {
    await createM1dasClient({ baseUrl, writeKey: 'k', auth: 'query' }).POST('/api/s/{event-type}', {
      params: { path: { 'event-type': 'page' } },
      body: { type: 'page' },
    });
    expect(last().url.searchParams.get('writekey')).toBe('k');
    await createTtoClient({ baseUrl, apiKey: 'your_api_key_here' }).POST('/v1/track', {
      body: { type: 'track', event: 'Purchase', user_id: 'user_12345' },
    });
    expect(JSON.parse(last().body)).toMatchObject({ api_key: 'your_api_key_here', event: 'Purchase' });
  });

  it('sends a signed Dito form', async () => {
    await createDitoClient({ baseUrl, apiKey: 'SUA_API_KEY', secret: 'SUA_SECRET_KEY' }).POST('/users/{id}', {
      params: { path: { id: 'u1' } },
      body: { event: { action: 'comprou' } },
    });
    expect(last().headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(last().body))).toMatchObject({
      platform_api_key: 'SUA_API_KEY',
      event: '{"action":"comprou"}',
    });
  });

  it('times out an attempt the server never answers, and honours the caller abort', async () => {
    hang = true;
    try {
      const client = createM1dasClient({ baseUrl, writeKey: 'k', retry: false, timeoutMs: 100 });
      const call = () =>
        client.POST('/api/s/{event-type}', {
          params: { path: { 'event-type': 'track' } },
          body: { type: 'track', event: 'e', userId: 'u' },
        });
      await expect(call()).rejects.toMatchObject({ name: 'TimeoutError' });

      const controller = new AbortController();
      const noTimeout = createM1dasClient({ baseUrl, writeKey: 'k', timeoutMs: 0 });
      const pending = noTimeout.POST('/api/s/{event-type}', {
        params: { path: { 'event-type': 'track' } },
        body: { type: 'track', event: 'e', userId: 'u' },
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(new Error('caller gave up')), 50);
      await expect(pending).rejects.toThrow('caller gave up');
    } finally {
      hang = false;
    }
  });
});
