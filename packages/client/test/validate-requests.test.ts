// `validate: 'requests'`: for every registered API, the spec's examples pass and requests derived
// from the specs that break them throw RequestContractError, with the server's own verdict, before
// anything is sent.
import { apiNames, encodeBody } from '@trackspec/specs';
import { describe, expect, it } from 'vitest';
import { type DerivedRequest, deriveRequests, serverVerdict } from '../../specs/test/request-cases.js';
import { type ApiName, createApiClient, createDitoClient, type DitoEvent } from '../src/index.js';
import { RequestContractError } from '../src/validators.js';
import { json, scriptedFetch } from './fake-fetch.js';

const sorted = <T>(items: readonly T[]) => [...items].map((item) => JSON.stringify(item)).sort();

function send(api: string, request: DerivedRequest) {
  const recorder = scriptedFetch(json(200, {}));
  const client = createApiClient(api as ApiName, {
    baseUrl: 'http://127.0.0.1:9/base',
    validate: 'requests',
    retry: false,
    fetch: recorder.fetch,
  });
  const { operation, mediaType, body } = request;
  const init = {
    params: { path: request.pathParams, query: request.query },
    ...(mediaType
      ? {
          body: encodeBody(mediaType, body),
          headers: { 'content-type': mediaType },
          bodySerializer: (text: string) => text,
        }
      : {}),
  };
  const call = (client.raw.request as (method: string, path: string, init: object) => Promise<unknown>)(
    operation.method,
    operation.path,
    init,
  );
  return { call, recorder };
}

describe.each(apiNames.map((api) => [api]))('%s: requests checked against the spec', (api) => {
  const requests = deriveRequests(api);

  it('derives valid and invalid requests from the spec', () => {
    expect(requests.filter((request) => !request.expected).length).toBeGreaterThan(0);
    expect(requests.filter((request) => request.expected).length).toBeGreaterThanOrEqual(2);
  });

  it.each(
    requests
      .filter((request) => !request.expected)
      .map((request) => [request.operation.operationId, request.name, request] as const),
  )('%s %s passes and is sent', async (_operationId, _name, request) => {
    expect(serverVerdict(request)).toMatchObject({ valid: true });
    const { call, recorder } = send(api, request);
    await call;
    expect(recorder.requests).toHaveLength(1);
  });

  it.each(
    requests
      .filter((request) => request.expected)
      .map((request) => [request.operation.operationId, request.name, request] as const),
  )('%s %s throws RequestContractError and sends nothing', async (_operationId, _name, request) => {
    const server = serverVerdict(request);
    expect(server.valid).toBe(false);
    const { call, recorder } = send(api, request);
    const error = await call.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RequestContractError);
    const contractError = error as RequestContractError;
    expect(contractError.operation).toBe(request.operation.operationId);
    expect(contractError.violations).toContainEqual(expect.objectContaining(request.expected));
    expect(contractError).toMatchObject(server.valid ? {} : { status: server.status });
    expect(sorted(contractError.violations)).toEqual(sorted(server.valid ? [] : server.violations));
    expect(recorder.requests).toHaveLength(0);
  });
});

describe('the named factories', () => {
  it('check the request as sent, with the fields the factory fills (Dito: form, key, signature, carried JSON)', async () => {
    const recorder = scriptedFetch(json(200, {}));
    const dito = createDitoClient({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'SUA_API_KEY',
      secret: 'SUA_SECRET_KEY',
      validate: 'requests',
      fetch: recorder.fetch,
    });
    const call = (event: Record<string, unknown>) =>
      dito.POST('/users/{id}', { params: { path: { id: 'u1' } }, body: { event: event as DitoEvent } });
    await call({ action: 'comprou' });
    expect(recorder.requests).toHaveLength(1);
    await expect(call({ revenue: 10 })).rejects.toMatchObject({
      name: 'RequestContractError',
      operation: 'trackUser',
      in: 'body',
      pointer: '/event/action',
      keyword: 'required',
    });
    expect(recorder.requests).toHaveLength(1);
  });
});
