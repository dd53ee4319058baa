// What HTTP itself calls for, on every documented path of every API: a method the path does not
// serve is a 405 naming the ones it does (`Allow`), a GET with a body is a 400, and a request the
// HTTP parser cannot read still gets a problem, never Fastify's default JSON.
import { connect } from 'node:net';
import { operationUrl } from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, servedOperations, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const operations = servedOperations;
const pathParams = (names: string[]) => Object.fromEntries(names.map((name) => [name, '1']));
const urlOf = ({ api, operation }: (typeof operations)[number]) => {
  const names = operation.parameters.filter((parameter) => parameter.in === 'path').map(({ name }) => String(name));
  const url = operationUrl(`http://localhost/${api}`, operation, pathParams(names));
  return url.pathname;
};

describe('a method the path does not serve', () => {
  const byPath = new Map<string, typeof operations>();
  for (const entry of operations) byPath.set(urlOf(entry), [...(byPath.get(urlOf(entry)) ?? []), entry]);
  it.each([...byPath].map(([path, sharing]) => [path, sharing.map(({ operation }) => operation.method.toUpperCase())]))(
    '%s answers 405 with Allow: %s',
    async (path, served) => {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter(
        (candidate) => !served.includes(candidate),
      )) {
        const response = await t.app.inject({ method: method as 'PUT', url: path });
        expect(response.statusCode, `${method} ${path}`).toBe(405);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        const allow = String(response.headers.allow).split(', ');
        expect(allow).toEqual(expect.arrayContaining(served));
        expect(allow).not.toContain(method);
      }
    },
  );
});

describe('a GET with a body', () => {
  it.each(operations.filter(({ operation }) => operation.method === 'get').map((entry) => [urlOf(entry), entry]))(
    'GET %s answers 400 naming the body',
    async (path) => {
      const response = await t.app.inject({
        method: 'GET',
        url: path,
        headers: { 'content-type': 'application/json', authorization: 'Bearer test-admin-token' },
        payload: '{}',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toContainEqual({ in: 'body', pointer: '', detail: 'a GET request takes no body' });
    },
  );
});

describe('a request the HTTP parser cannot read', () => {
  it('gets a 400 problem and the connection closes', async () => {
    const origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(origin);
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 400,
      title: 'Bad Request',
    });
  });
});
