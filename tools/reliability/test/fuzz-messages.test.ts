/**
 * A failing fuzz property says why, so that a CI log needs no rerun: the request (operation, body size
 * and nesting) and what came back — the status and the start of the body, or the transport error in
 * place of an answer. Against a loopback server that answers wrongly on purpose.
 */
import { type ServerProcess, startWrongServer, teapotBody, type WrongServer } from '@trackspec/harness';
import { apiNames, credentialsToSend, listOperations, loadDereferenced } from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz } from '../src/checks/fuzz.js';

let server: WrongServer;
let target: ServerProcess;
beforeAll(async () => {
  server = await startWrongServer();
  const { origin } = server;
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
afterAll(() => server?.close());

const fuzzOnce = () => runFuzz(target, { requestsPerApi: 1, seed: 7, sweepPerOperation: 1 });

describe('a failing fuzz property says why', () => {
  it('names the operation, the body size and nesting, and the status and body that came back', async () => {
    server.answer = 'teapot';
    const { failures } = await fuzzOnce();
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatch(/^\w+ [A-Z]+ \S+ .*\(\w+, \d+ bytes, depth \d+\): expected 2xx, got 418 /);
    expect(failures[0]).toContain(`got 418 ${teapotBody}`);
  });

  it('names the transport error that took the place of an answer', async () => {
    server.answer = 'reset';
    const { failures } = await fuzzOnce();
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatch(/\(\w+, \d+ bytes, depth \d+\): expected 2xx, no answer, transport error ECONNRESET/);
  });
});
