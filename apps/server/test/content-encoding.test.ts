// Compressed bodies on every operation of every registered API, as the specs declare them: gzip is
// decoded where the operation declares a `Content-Encoding` header (m1das, for Segment SDKs) and
// refused with 415 naming the header everywhere else; other codings are refused everywhere.
import { gzipSync } from 'node:zlib';
import { type OperationRef, operationUrl } from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, servedOperations, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const operationsWithBodies = servedOperations.filter(({ operation }) => operation.requestBody);

/** A path parameter value the spec admits: its first example or enum value. */
function pathParams(operation: OperationRef): Record<string, string> {
  const values: Record<string, string> = {};
  for (const parameter of operation.parameters.filter((candidate) => candidate.in === 'path')) {
    const schema = parameter.schema ?? {};
    values[String(parameter.name)] = String(schema.enum?.[0] ?? schema.examples?.[0] ?? '1');
  }
  return values;
}

async function send(api: string, operation: OperationRef, encoding: string) {
  const url = operationUrl(`http://localhost/${api}`, operation, pathParams(operation));
  return t.app.inject({
    method: operation.method.toUpperCase() as 'POST',
    url: url.pathname + url.search,
    headers: {
      'content-type': Object.keys(operation.requestBody!.content)[0]!,
      'content-encoding': encoding,
    },
    payload: gzipSync('{}'),
  });
}

describe('Content-Encoding', () => {
  it('covers operations that declare gzip and operations that do not', () => {
    expect(operationsWithBodies.some(({ operation }) => operation.requestBody!.gzip)).toBe(true);
    expect(operationsWithBodies.some(({ operation }) => !operation.requestBody!.gzip)).toBe(true);
  });

  it.each(
    operationsWithBodies.map(({ api, operation }) => [`${api} ${operation.operationId}`, api, operation] as const),
  )('%s: gzip is decoded only where the spec declares Content-Encoding', async (_label, api, operation) => {
    const response = await send(api, operation, 'GZip');
    if (operation.requestBody!.gzip) {
      // Decoded: what follows is the operation's own answer to `{}` without credentials.
      expect(response.statusCode).not.toBe(415);
      expect(response.statusCode).toBeLessThan(500);
    } else {
      expect(response.statusCode).toBe(415);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().errors).toEqual([
        { in: 'header', pointer: '/content-encoding', detail: 'gzip is not accepted here' },
      ]);
    }
  });

  it.each(
    operationsWithBodies.map(({ api, operation }) => [`${api} ${operation.operationId}`, api, operation] as const),
  )('%s: a coding the server does not implement is 415', async (_label, api, operation) => {
    const response = await send(api, operation, 'br');
    expect(response.statusCode).toBe(415);
    expect(response.json().errors[0]).toMatchObject({ in: 'header', pointer: '/content-encoding' });
  });
});
