/**
 * The typed client against the real server with a body over the operation's limit: the server
 * refuses it before reading it whole, and the client, retries on, gets that 413 as its typed
 * `ApiError` after one attempt. A 413 is permanent: sending the same body again cannot help, and
 * a refusal lost to a reset would have turned into retries.
 */
import { ApiError, createTtoClient } from '@trackspec/client';
import { type ServerProcess, startServerProcess } from '@trackspec/harness';
import { defaultMaxBodyBytes, getOperation, loadDereferenced } from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(() => server?.stop());

describe('the client and an over-limit body', () => {
  it.each([
    ['just over the limit', (limit: number) => limit],
    ['three times the limit', (limit: number) => 3 * limit],
    ['12 MB', () => 12_000_000],
  ])('%s: one attempt, a typed 413', async (_label, noteBytes) => {
    const limit =
      getOperation(loadDereferenced('tto'), 'track').requestBody?.limits.maxBodyBytes ?? defaultMaxBodyBytes;
    let attempts = 0;
    const client = createTtoClient({
      baseUrl: server.urls.tto!,
      apiKey: server.credentials.tto!.apiKey!,
      retry: { retries: 3 },
      throwOnError: true,
      fetch: (request, init) => {
        attempts++;
        return globalThis.fetch(request, init);
      },
    });
    const call = client.POST('/v1/track', {
      body: { event: 'Purchase', user_id: 'user_12345', properties: { note: 'x'.repeat(noteBytes(limit)) } },
    });
    const error = await call.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(413);
    expect((error as ApiError).problem?.status).toBe(413);
    expect(attempts).toBe(1);
  });
});
