// Matching a recorded request (method and path) to its operation, and reading the credential it
// presents: the shared reading behind `verify-pact` (the server routes with Fastify, and reads
// credentials with the same `readCredential`).
import { describe, expect, it } from 'vitest';
import { candidateBasePaths, loadDereferenced, matchOperation, readCredential } from '../src/index.js';

const match = (api: string, method: string, path: string) => {
  const document = loadDereferenced(api);
  return matchOperation(document, candidateBasePaths(api, document), method, path);
};
const operationIdOf = (found: ReturnType<typeof match>) =>
  found.kind === 'operation' ? found.operation.operationId : found.kind;

describe('matchOperation', () => {
  it("reads a path under the spec's server path and under trackspec's base path", () => {
    expect(operationIdOf(match('m1das', 'POST', '/v1/batch'))).toBe('ingestBatch');
    expect(operationIdOf(match('m1das', 'POST', '/m1das/v1/batch'))).toBe('ingestBatch');
    expect(operationIdOf(match('admin', 'GET', '/admin/events'))).toBe('listEvents');
  });

  it('prefers a concrete path to a templated one, and decodes path parameters', () => {
    expect(operationIdOf(match('m1das', 'POST', '/v1/b'))).toBe('ingestBrowserBatch');
    const found = match('m1das', 'POST', '/v1/track');
    expect(found).toMatchObject({ kind: 'operation', params: { 'segment-call': 'track' } });
    expect(match('rockstat', 'GET', '/rockstat/my%20service/click')).toMatchObject({
      kind: 'operation',
      params: { service: 'my service', event_name: 'click' },
    });
    // A path recorded decoded keeps a lone `%` as it is.
    expect(match('rockstat', 'GET', '/rockstat/50%/click')).toMatchObject({ params: { service: '50%' } });
  });

  it("serves an operation with its own server at that server's path only", () => {
    expect(operationIdOf(match('admin', 'GET', '/healthz'))).toBe('getHealth');
    expect(operationIdOf(match('admin', 'GET', '/admin/healthz'))).toBe('none');
  });

  it('tells a path no operation serves from a method the path does not serve', () => {
    expect(match('hellotext', 'POST', '/v2/attribution/events')).toEqual({ kind: 'none' });
    expect(match('hellotext', 'GET', '/v1/attribution/events')).toEqual({ kind: 'method', allowed: ['POST'] });
  });
});

describe('readCredential', () => {
  const basic = (text: string) => ({ headers: { authorization: `Basic ${btoa(text)}` }, query: {} });
  it('reads the key from HTTP Basic: the final colon and a trailing newline dropped', () => {
    const location = { in: 'authorization', scheme: 'basic' } as const;
    expect(readCredential(location, basic('keyId:keySecret:'))).toBe('keyId:keySecret');
    expect(readCredential(location, basic('writeKey123:\n'))).toBe('writeKey123');
    expect(readCredential(location, basic(':'))).toBeUndefined();
    expect(readCredential(location, { headers: { authorization: 'Bearer x' }, query: {} })).toBeUndefined();
  });

  it('reads headers by lower-case name, the first of repeated query values, and cookies', () => {
    const parts = { headers: { 'x-write-key': 'k1', cookie: 'a=1; key=k3' }, query: { writekey: ['k2', 'k9'] } };
    expect(readCredential({ in: 'header', name: 'X-Write-Key' }, parts)).toBe('k1');
    expect(readCredential({ in: 'query', name: 'writekey' }, parts)).toBe('k2');
    expect(readCredential({ in: 'cookie', name: 'key' }, parts)).toBe('k3');
    expect(readCredential({ in: 'header', name: 'Authorization' }, parts)).toBeUndefined();
  });
});
