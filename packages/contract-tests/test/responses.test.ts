// Every documented response, on the mocks: each (operation, status, named example) asked of Prism
// with `Prefer: code=…, example=…`, through the typed client in each credential mode it offers (one
// client per security scheme of the operation), must come back as documented — the exact status, a
// body that fits its schema, typed `data` equal to the example for a 2xx, and an `ApiError` (with the
// parsed problem for `application/problem+json`) otherwise. The coverage of documented pairs is printed.
import { ApiError, createApiClient, type TypedClient } from '@trackspec/client';
import {
  apis,
  createAjv,
  deriveApiFacts,
  exampleRequests,
  isJsonMediaType,
  listOperations,
  loadDereferenced,
  mediaTypeOf,
  type OperationRef,
  operationBaseUrl,
  responseProblems,
  type SpecObject,
} from '@trackspec/specs';
import { describe, expect, inject, it } from 'vitest';
import { clientFor } from '../src/clients.js';
import { Coverage } from '../src/coverage.js';
import { headersOf } from '../src/send.js';
import './setup/provide.js';

const target = inject('target');
const ajv = createAjv();
const coverage = new Coverage();

// biome-ignore lint/suspicious/noExplicitAny: the paths type of an API chosen at run time
type AnyClient = TypedClient<any>;

/** The client of each credential mode: one per security scheme the operation accepts alone, else the API's default client. */
function credentialModes(api: string, operation: OperationRef, baseUrl: string): Array<[string, AnyClient]> {
  const credentials = target.credentials[api] ?? {};
  const facts = deriveApiFacts(loadDereferenced(api));
  const schemes = operation.security
    .filter((alternative) => alternative.length === 1 && alternative[0]!.location)
    .map((alternative) => alternative[0]!.name);
  if (schemes.length === 0) return [['default client', clientFor(api, baseUrl, credentials)]];
  return schemes.map((scheme) => [
    scheme,
    // biome-ignore lint/suspicious/noExplicitAny: the paths type of an API chosen at run time
    createApiClient<any>(facts, { baseUrl, credentials: { [scheme]: credentials[scheme] ?? '' }, retry: false }),
  ]);
}

interface Pair {
  status: string;
  /** The example Prism is asked for, with its media type; none when the response has no named example. */
  example?: { name: string; mediaType: string; value: unknown };
}

function documentedPairs(operation: OperationRef): Pair[] {
  return Object.entries((operation.operation.responses ?? {}) as Record<string, SpecObject>)
    .filter(([status]) => /^\d{3}$/.test(status))
    .flatMap(([status, response]) => {
      const examples = Object.entries((response.content ?? {}) as Record<string, SpecObject>).flatMap(
        ([mediaType, media]) =>
          Object.entries((media.examples ?? {}) as Record<string, SpecObject>).map(([name, example]) => ({
            name,
            mediaType,
            value: example.value,
          })),
      );
      return examples.length > 0 ? examples.map((example) => ({ status, example })) : [{ status }];
    });
}

describe.each(apis.map((api) => [api.name]))('%s: every documented response through the typed client', (api) => {
  const baseUrl = target.urls[api]!;
  const operations = listOperations(loadDereferenced(api)).filter((operation) => operation.source === 'paths');
  const cases = operations.flatMap((operation) =>
    documentedPairs(operation).flatMap((pair) =>
      credentialModes(api, operation, baseUrl).map(
        ([mode, client]) =>
          [
            `${operation.method.toUpperCase()} ${operation.path} → ${pair.status}${pair.example ? ` ${pair.example.name}` : ''} (${mode})`,
            { operation, pair, client },
          ] as const,
      ),
    ),
  );

  it.each(cases)('%s', async (_, { operation, pair, client }) => {
    const request = exampleRequests(operation)[0]!;
    const prefer = `code=${pair.status}${pair.example ? `, example=${pair.example.name}` : ''}`;
    const init: Record<string, unknown> = {
      params: { path: request.pathParams, query: request.query },
      baseUrl: operationBaseUrl(baseUrl, operation),
      headers: { Prefer: prefer, ...(request.mediaType ? { 'Content-Type': request.mediaType } : {}) },
    };
    if (request.mediaType) init.body = request.body;
    const call = client[operation.method.toUpperCase() as 'GET'] as (
      path: string,
      init: object,
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    const { data, error, response } = await call(operation.path, init);
    const status = Number(pair.status);
    expect(response.status, `asked for ${prefer}`).toBe(status);
    coverage.record(api, operation.operationId, pair.status);
    const mediaType = mediaTypeOf(response.headers.get('content-type')) ?? '';
    if (pair.example) expect(mediaType).toBe(pair.example.mediaType);
    const body = status < 300 ? data : (error as ApiError | undefined)?.body;
    const headers = headersOf(response.headers);
    expect(responseProblems(operation.operation, { status, mediaType, body, headers }, ajv)).toEqual([]);
    if (status < 300) {
      expect(error).toBeUndefined();
      if (pair.example && isJsonMediaType(pair.example.mediaType)) expect(data).toEqual(pair.example.value);
    } else {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(status);
      if (mediaType === 'application/problem+json') {
        expect((error as ApiError).problem).toBeDefined();
        if (pair.example) expect((error as ApiError).problem).toEqual(pair.example.value);
      }
    }
  });
});

// The coverage gate, as a test of its own that runs last (see contract.test.ts).
it('produced every documented (operation, status) pair', () => {
  const rows = apis.flatMap((api) => coverage.rows(api.name, loadDereferenced(api.name)));
  console.log(Coverage.format(`${target.name}, every documented response asked for`, rows));
  // Every documented (operation, status) pair was produced and checked.
  expect(rows.flatMap((row) => row.uncovered.map((code) => `${row.api} ${row.operation} ${code}`))).toEqual([]);
});
