/**
 * A failing case says why in its message, so that a CI log needs no rerun: the request (API,
 * operation, case, body size and nesting) and what came back — the status and the start of the
 * body, or the transport error that took the answer's place. Against a loopback server that
 * answers wrongly on purpose.
 */
import { startWrongServer, teapotBody, type WrongServer } from '@trackspec/harness';
import { createAjv } from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Coverage, casesFor, checkCase, type Target } from '../src/index.js';

let server: WrongServer;
let target: Target;
beforeAll(async () => {
  server = await startWrongServer();
  target = { name: 'wrong on purpose', urls: { tto: `${server.origin}/tto` }, credentials: { tto: { apiKey: 'k' } } };
});
afterAll(() => server?.close());

const malformedJsonCase = () => {
  const found = casesFor('tto', target).plain.find(
    (request) => request.operation.operationId === 'track' && request.kind === 'malformed-body',
  );
  if (!found) throw new Error('tto track has no malformed-body case');
  return found;
};

describe('a failing case says why', () => {
  it('names the request and the status and body that came back', async () => {
    server.answer = 'teapot';
    const failures = await checkCase('tto', target, malformedJsonCase(), new Coverage(), createAjv());
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatch(
      /^expected 400 \(malformed-body\), got 418 — tto track \(POST \/v1\/track, .*; \d+ bytes, depth \d+\)/,
    );
    expect(failures[0]).toContain(`answered 418 ${teapotBody}`);
  });

  it('names the transport error that took the place of an answer', async () => {
    server.answer = 'reset';
    const failures = await checkCase('tto', target, malformedJsonCase(), new Coverage(), createAjv());
    expect(failures).toEqual([
      expect.stringMatching(/^tto track \(POST \/v1\/track, .*\): no answer, transport error ECONNRESET/),
    ]);
  });
});
