// `validate: 'responses'` against a real HTTP server on loopback: for every registered API, an
// answer the spec documents passes; an undocumented status and a body without a required member
// (derived from the spec's own response example) raise ResponseContractError, or reach
// `onContractBreak` when one is given.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  apiNames,
  documentedResponse,
  encodeBody,
  exampleRequests,
  exampleValue,
  isJsonMediaType,
  type JsonObject,
  listOperations,
  loadDereferenced,
  type OperationRef,
  type SpecObject,
} from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiName, createApiClient } from '../src/index.js';
import * as validators from '../src/validators.js';
import { ResponseContractError } from '../src/validators.js';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

let answer: Answer = { status: 200, headers: {}, body: '' };
let received = 0;
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  request.resume();
  request.on('end', () => {
    received++;
    response.writeHead(answer.status, answer.headers).end(answer.body);
  });
});
let baseUrl: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** An operation's documented JSON answer (2xx first, then problems) with an example object that has a required member. */
function documentedAnswer(operation: OperationRef) {
  const responses = Object.entries((operation.operation.responses ?? {}) as Record<string, SpecObject>)
    .filter(([status]) => /^\d{3}$/.test(status))
    .sort(([a], [b]) => a.localeCompare(b));
  for (const [status, response] of responses) {
    const [mediaType, media] = (Object.entries(response.content ?? {}) as [string, SpecObject][]).find(([type]) =>
      isJsonMediaType(type),
    ) ?? ['', undefined];
    if (!media?.schema) continue;
    const example = exampleValue(media) as JsonObject | undefined;
    const required = ((media.schema.required ?? []) as string[]).find((name) => example && name in example);
    if (!example || typeof example !== 'object' || !required) continue;
    const headers: Record<string, string> = { 'content-type': mediaType };
    for (const [name, header] of Object.entries((response.headers ?? {}) as Record<string, SpecObject>))
      if (header.required) headers[name.toLowerCase()] = String(exampleValue(header) ?? exampleValue(header.schema));
    return { status: Number(status), headers, example, required };
  }
  return undefined;
}

/** A status the operation documents neither exactly, nor by range, nor by `default`. */
const undocumentedStatus = (operation: OperationRef) =>
  [418, 299, 302, 599].find((status) => !documentedResponse(operation.operation, status))!;

function callOf(api: string, operation: OperationRef, options: object) {
  const client = createApiClient(api as ApiName, { baseUrl, retry: false, ...options });
  const [example] = exampleRequests(operation);
  const init = {
    params: { path: example!.pathParams, query: example!.query },
    ...(example!.mediaType
      ? {
          body: encodeBody(example!.mediaType, example!.body),
          headers: { 'content-type': example!.mediaType },
          bodySerializer: (text: string) => text,
        }
      : {}),
  };
  return (client.raw.request as (method: string, path: string, init: object) => Promise<{ response: Response }>)(
    operation.method,
    operation.path,
    init,
  );
}

describe.each(apiNames.map((api) => [api]))('%s: answers checked against the spec', (api) => {
  const operations = listOperations(loadDereferenced(api)).filter((operation) => operation.source === 'paths');
  const withAnswer = operations.map((operation) => ({ operation, documented: documentedAnswer(operation) }));
  const chosen = withAnswer.find((candidate) => candidate.documented) ?? {
    operation: operations[0]!,
    documented: undefined,
  };
  const { operation, documented } = chosen;

  it(`raises ResponseContractError for an undocumented status (${operation.operationId})`, async () => {
    const status = undocumentedStatus(operation);
    answer = { status, headers: { 'content-type': 'application/json' }, body: '{}' };
    const before = received;
    const error = await callOf(api, operation, { validate: 'responses' }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(received).toBe(before + 1);
    expect(error).toBeInstanceOf(ResponseContractError);
    expect(error).toMatchObject({ operation: operation.operationId, status });
    expect((error as ResponseContractError).findings).toContainEqual(
      expect.objectContaining({ pointer: '/status', rule: 'undocumented' }),
    );
  });

  it.runIf(documented)(
    `passes the documented answer, and refuses it without a required member (${operation.operationId})`,
    async () => {
      const { status, headers, example, required } = documented!;
      answer = { status, headers, body: JSON.stringify(example) };
      const { response } = await callOf(api, operation, { validate: 'both' });
      expect(response.status).toBe(status);

      const { [required]: _dropped, ...rest } = example;
      answer = { status, headers, body: JSON.stringify(rest) };
      const error = await callOf(api, operation, { validate: 'responses' }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ResponseContractError);
      expect((error as ResponseContractError).findings).toContainEqual(
        expect.objectContaining({ pointer: `/body/${required}`, rule: 'required' }),
      );

      // The callback variant: the break is reported and the answer handed back.
      const reported: ResponseContractError[] = [];
      const result = await callOf(api, operation, {
        validate: 'responses',
        onContractBreak: (e: ResponseContractError) => reported.push(e),
      });
      expect(result.response.status).toBe(status);
      expect(reported).toHaveLength(1);
      expect(reported[0]!.findings).toContainEqual(
        expect.objectContaining({ pointer: `/body/${required}`, rule: 'required' }),
      );
    },
  );
});

it('finds a documented answer with a required member in every API', () => {
  const apisWithOne = apiNames.filter((api) =>
    listOperations(loadDereferenced(api)).some(
      (operation) => operation.source === 'paths' && documentedAnswer(operation),
    ),
  );
  expect(apisWithOne).toEqual(apiNames);
});

it("loads the validators before the request goes out, never inside the attempt's timeout", async () => {
  // A first load slower than the attempt's timeout (as on a busy machine): the answer is still judged.
  const api = 'hellotext';
  const operation = listOperations(loadDereferenced(api)).find((candidate) => candidate.source === 'paths')!;
  answer = { status: undocumentedStatus(operation), headers: { 'content-type': 'application/json' }, body: '{}' };
  const slowValidators = {
    loadContractChecks: async (name: string) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return validators.loadContractChecks(name);
    },
  };
  const error = await callOf(api, operation, {
    validate: 'responses',
    validators: slowValidators,
    timeoutMs: 100,
  }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ResponseContractError);
});
