/**
 * A failing case says why in its message, so that a CI log needs no rerun: the request (API,
 * operation, case, body size and nesting) and what came back — the status and the start of the
 * body, or the transport error that took the answer's place. Against a loopback server that
 * answers wrongly on purpose.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAjv } from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Coverage, casesFor, checkCase, type Target } from '../src/index.js';

let behaviour: 'wrong-status' | 'reset' = 'wrong-status';
const server: Server = createServer((request, response) => {
  if (behaviour === 'reset') {
    request.socket.resetAndDestroy();
    return;
  }
  request.resume();
  response.writeHead(418, { 'content-type': 'application/json' }).end('{"teapot":"short and stout"}');
});
let target: Target;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  target = { name: 'wrong on purpose', urls: { tto: `${origin}/tto` }, credentials: { tto: { apiKey: 'k' } } };
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const malformedJsonCase = () => {
  const found = casesFor('tto', target).plain.find(
    (request) => request.operation.operationId === 'track' && request.kind === 'malformed-body',
  );
  if (!found) throw new Error('tto track has no malformed-body case');
  return found;
};

describe('a failing case says why', () => {
  it('names the request and the status and body that came back', async () => {
    behaviour = 'wrong-status';
    const failures = await checkCase('tto', target, malformedJsonCase(), new Coverage(), createAjv());
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatch(
      /^expected 400 \(malformed-body\), got 418 — tto track \(POST \/v1\/track, .*; \d+ bytes, depth \d+\)/,
    );
    expect(failures[0]).toContain('answered 418 {"teapot":"short and stout"}');
  });

  it('names the transport error that took the place of an answer', async () => {
    behaviour = 'reset';
    const failures = await checkCase('tto', target, malformedJsonCase(), new Coverage(), createAjv());
    expect(failures).toEqual([
      expect.stringMatching(/^tto track \(POST \/v1\/track, .*\): no answer, transport error ECONNRESET/),
    ]);
  });
});
