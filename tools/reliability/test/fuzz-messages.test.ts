/**
 * A failing fuzz property says why, so that a CI log needs no rerun: the request (operation, body size
 * and nesting) and what came back — the status and the start of the body, or the transport error in
 * place of an answer. Against a loopback server that answers wrongly on purpose.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerProcess } from '@trackspec/harness';
import { apiNames, credentialsToSend, listOperations, loadDereferenced } from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz } from '../src/checks/fuzz.js';

let behaviour: 'teapot' | 'reset' = 'teapot';
const server: Server = createServer((request, response) => {
  if (behaviour === 'reset') {
    request.socket.resetAndDestroy();
    return;
  }
  request.resume();
  response.writeHead(418, { 'content-type': 'application/json' }).end('{"teapot":"short and stout"}');
});
let target: ServerProcess;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Only what the fuzzer reads of a server: its URLs, and a credential wherever the specs send one (the
  // fuzzer only generates requests that fit the schemas, so a body credential must not be empty).
  const credentialsOf = (api: string) =>
    Object.fromEntries(
      listOperations(loadDereferenced(api)).flatMap((operation) =>
        credentialsToSend(operation).map(({ name }) => [name, 'fuzz-messages-key']),
      ),
    );
  target = {
    origin,
    urls: Object.fromEntries(apiNames.map((api) => [api, `${origin}/${api}`])),
    credentials: Object.fromEntries(apiNames.map((api) => [api, { ...credentialsOf(api), secret: 's' }])),
  } as unknown as ServerProcess;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const fuzzOnce = () => runFuzz(target, { requestsPerApi: 1, seed: 7, sweepPerOperation: 1 });

describe('a failing fuzz property says why', () => {
  it('names the operation, the body size and nesting, and the status and body that came back', async () => {
    behaviour = 'teapot';
    const { failures } = await fuzzOnce();
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatch(
      /^\w+ [A-Z]+ \S+ .*\(\w+, \d+ bytes, depth \d+\): expected 2xx, got 418 \{"teapot":"short and stout"\}/,
    );
  });

  it('names the transport error that took the place of an answer', async () => {
    behaviour = 'reset';
    const { failures } = await fuzzOnce();
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatch(/\(\w+, \d+ bytes, depth \d+\): expected 2xx, no answer, transport error ECONNRESET/);
  });
});
