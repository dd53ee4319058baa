// The contract suite: written once, run against whatever target the global setup provides
// (Prism mocks by default). Every case comes from the specs; see src/cases.ts.
import { apis, createAjv, loadDereferenced } from '@trackspec/specs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import './setup/provide.js';
import {
  appliesTo,
  Coverage,
  checkAnswer,
  deriveCases,
  documentedResponse,
  sendRaw,
  sendWithClient,
} from '../src/index.js';

const target = inject('target');
const ajv = createAjv();
// Cases are derived with standard JSON Schema semantics (contentSchema is an annotation), see src/cases.ts.
const derivationAjv = createAjv({}, { assertContentSchema: false });
const coverage = new Coverage();

describe.each(apis.map((api) => [api.name]))('%s', (api) => {
  const document = loadDereferenced(api);
  const cases = deriveCases(document, derivationAjv).filter(appliesTo(target));
  const baseUrl = target.urls[api];
  const credentials = target.credentials[api] ?? {};

  it('has a target URL', () => {
    expect(baseUrl, `no URL for ${api} in target ${target.name}`).toBeDefined();
  });

  it.each(
    cases.map((request) => [
      `${request.operation.method.toUpperCase()} ${request.operation.path}: ${request.name} → ${request.expect}`,
      request,
    ]),
  )('%s', async (_, request) => {
    const answer =
      request.kind === 'example'
        ? await sendWithClient(api, baseUrl!, credentials, request)
        : await sendRaw(baseUrl!, credentials, request);
    const documented = documentedResponse(request.operation.operation, answer.status);
    if (documented) coverage.record(api, request.operation.operationId, documented.key);
    expect(checkAnswer(request, answer, ajv)).toEqual([]);
  });
});

afterAll(() => {
  const rows = apis.flatMap((api) => coverage.rows(api.name, loadDereferenced(api.name)));
  console.log(Coverage.format(target.name, rows));
  // Every operation of every API must have been exercised with a documented 2xx.
  expect(rows.filter((row) => !row.covered2xx).map((row) => `${row.api} ${row.operation}`)).toEqual([]);
});
