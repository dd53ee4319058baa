// The proxy in front of a real server: requests of any body (gzip, large, too large) reach the server
// unchanged and, without a mutation, every answer comes back as the server gave it; with one, only the
// answers it fits change, and each change is counted.
import { gzipSync } from 'node:zlib';
import { type ServerProcess, startServerProcess } from '@trackspec/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../src/catalogue.js';
import { type MutatingProxy, startMutatingProxy } from '../src/proxy.js';

let server: ServerProcess;
let proxy: MutatingProxy;

beforeAll(async () => {
  server = await startServerProcess();
  proxy = await startMutatingProxy(server);
});

afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
});

/** A m1das batch of `events` events of about 10 KB each (the spec's limit per event is 32 KB). */
const batch = (events: number) =>
  JSON.stringify({
    batch: Array.from({ length: events }, () => ({
      type: 'track',
      event: 'proxied',
      userId: 'proxy-test',
      properties: { pad: 'x'.repeat(10_000) },
    })),
  });

/** The server fills in message ids: they differ between two sendings of the same batch. */
const withoutIds = (answer: { text: string }) => ({
  ...answer,
  text: answer.text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>'),
});

/** The same request to the server directly and through the proxy: status, media type and body text. */
async function bothWays(path: string, init: RequestInit) {
  const ask = async (origin: string) => {
    const response = await fetch(`${origin}${path}`, init);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };
  return { direct: await ask(server.origin), proxied: await ask(proxy.origin) };
}

const m1das = (body: BodyInit, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json', 'x-write-key': server.credentials.m1das!.writeKeyHeader!, ...headers },
});

describe('the mutating proxy', () => {
  it('forwards gzip, large and too-large bodies unchanged and, without a mutation, answers as the server does', async () => {
    proxy.use(undefined);
    const cases = {
      gzip: m1das(gzipSync(batch(2)), { 'content-encoding': 'gzip' }),
      large: m1das(batch(40)),
      tooLarge: m1das(batch(60)),
      form: m1das('a=b', { 'content-type': 'application/x-www-form-urlencoded' }),
    };
    const statuses: Record<string, number> = {};
    for (const [name, init] of Object.entries(cases)) {
      const { direct, proxied } = await bothWays('/m1das/v1/batch', init);
      expect(withoutIds(proxied), name).toEqual(withoutIds(direct));
      statuses[name] = proxied.status;
    }
    expect(statuses).toEqual({ gzip: 200, large: 200, tooLarge: 413, form: 415 });
    expect(proxy.changes()).toEqual([]);
  });

  it('plants the current mutation only in the answers of the APIs it is set for, and counts them', async () => {
    const documentedStatus = catalogue.find((mutation) => mutation.name === 'documented-status')!;
    proxy.use(documentedStatus, ['m1das']);
    const mutated = await fetch(`${proxy.origin}/m1das/v1/batch`, m1das(batch(1)));
    expect(mutated.status).toBe(400);
    expect(mutated.headers.get('content-type')).toBe('application/problem+json');
    expect((await mutated.json()).status).toBe(400);
    const elsewhere = await fetch(`${proxy.origin}/healthz`);
    expect(elsewhere.status).toBe(200);
    expect(proxy.changes()).toEqual([
      expect.objectContaining({
        api: 'm1das',
        operationId: 'ingestBatch',
        from: expect.objectContaining({ status: 200 }),
      }),
    ]);
  });
});
