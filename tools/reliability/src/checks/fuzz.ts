/**
 * Fuzzing from the specs: property-based requests (fast-check, arbitraries built from each
 * operation's schemas) against a real server. Valid-by-schema requests — with the credentials and
 * the cross-field rules the specs state in prose filled in — must be accepted (positive data
 * acceptance); mutations that Ajv confirms break the schema, and arbitrary JSON that does not fit
 * it, must be rejected with a 4xx problem (negative data rejection). Never a 5xx, and every answer
 * must be one the spec documents, with a body that matches it.
 */
import { createHash } from 'node:crypto';
import type { ServerProcess } from '@trackspec/harness';
import {
  apis,
  asReceived,
  createAjv,
  credentialsToSend,
  encodeBody,
  type JsonObject,
  listOperations,
  loadDereferenced,
  type OperationRef,
  type OutgoingRequest,
  operationUrl,
  placeCredential,
  responseProblems,
  schemaBreakingMutations,
} from '@trackspec/specs';
import fc from 'fast-check';
import { arbitraryFor } from './arbitraries.js';
import { count, emptySummary, type Summary } from './summary.js';

interface FuzzRequest extends OutgoingRequest {
  pathParams: JsonObject;
  mediaType?: string;
  body?: JsonObject;
}

export interface FuzzResult extends Summary {
  failures: string[];
}

const ajv = createAjv();
// Mutations are judged with standard semantics (contentSchema as an annotation), as in the contract suite.
const plainAjv = createAjv({}, { assertContentSchema: false });
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
/** Path segments that fetch would normalise away. */
const safeSegment = (value: unknown) => String(value) !== '.' && String(value) !== '..' && String(value).length > 0;

/** The credentials where the spec says they travel (a key the spec carries in the body included). */
function authenticate(api: string, operation: OperationRef, server: ServerProcess, request: FuzzRequest): void {
  const credentials = server.credentials[api] ?? {};
  for (const { name, location } of credentialsToSend(operation))
    placeCredential(request, location, credentials[name] ?? '');
  // Dito also signs with the source's secret, which the spec states in prose.
  if (api === 'dito' && request.body) {
    request.body.sha1_signature = sha1(credentials.secret ?? '');
    delete request.body.signature;
  }
}

/** Rules the specs state in prose (a schema cannot tie a body to a path): filled in so the request is valid. */
function applyProseRules(api: string, operation: OperationRef, request: FuzzRequest): void {
  if (api === 'm1das' && operation.operationId === 'ingestEvent' && request.body) {
    const body = request.body;
    const fits = (type: string) =>
      type === 'page' ||
      type === 'identify' ||
      (type === 'track' && body.event !== undefined) ||
      (type === 'group' && body.groupId !== undefined);
    const fitting = typeof body.type === 'string' && fits(body.type);
    request.pathParams['event-type'] = fitting ? body.type : 'page';
    if (body.type && !fitting) delete body.type;
  }
  if (
    api === 'rockstat' &&
    operation.path === '/{service}' &&
    !request.query.name &&
    !(request.body && typeof request.body.name === 'string' && request.body.name)
  )
    request.query.name = 'call';
}

function requestArbitrary(api: string, operation: OperationRef, server: ServerProcess): fc.Arbitrary<FuzzRequest> {
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = operation.parameters.filter(
    (parameter) => parameter.in === 'query' && parameter.schema?.type !== 'object',
  );
  const content = operation.requestBody?.content ?? {};
  const mediaTypes = Object.keys(content).filter((mediaType) => mediaType !== 'text/plain');
  const body = mediaTypes.length
    ? fc
        .constantFrom(...mediaTypes)
        .chain((mediaType) =>
          arbitraryFor(content[mediaType]!.schema).map((value) => ({ mediaType, value: value as JsonObject })),
        )
    : fc.constant(undefined);
  return fc
    .record({
      path: fc.record(
        Object.fromEntries(
          pathParameters.map((parameter) => [parameter.name, arbitraryFor(parameter.schema).filter(safeSegment)]),
        ),
      ),
      query: fc.record(
        Object.fromEntries(queryParameters.map((parameter) => [parameter.name, arbitraryFor(parameter.schema)])),
        {
          requiredKeys: queryParameters
            .filter((parameter) => parameter.required)
            .map((parameter) => parameter.name) as never[],
        },
      ),
      body,
    })
    .map(({ path, query, body: generated }) => {
      const request: FuzzRequest = {
        pathParams: { ...path },
        query: Object.fromEntries(Object.entries(query).map(([name, value]) => [name, String(value)])),
        headers: {},
        ...(generated ? { mediaType: generated.mediaType, body: generated.value } : {}),
      };
      applyProseRules(api, operation, request);
      authenticate(api, operation, server, request);
      return request;
    })
    .filter((request) => !request.body || ajv.validate(content[request.mediaType!]!.schema, request.body));
}

async function send(
  server: ServerProcess,
  api: string,
  operation: OperationRef,
  request: FuzzRequest,
): Promise<{ status: number; mediaType: string; body: unknown }> {
  const url = operationUrl(server.urls[api]!, operation, request.pathParams);
  for (const [name, value] of Object.entries(request.query)) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...request.headers };
  if (request.mediaType) headers['content-type'] = request.mediaType;
  const response = await fetch(url, {
    method: operation.method.toUpperCase(),
    headers,
    body: request.mediaType && request.body !== undefined ? encodeBody(request.mediaType, request.body) : undefined,
  });
  const text = await response.text();
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  let parsed: unknown = text || undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // checked below: the spec's schema will not match
  }
  return { status: response.status, mediaType, body: parsed };
}

export interface FuzzOptions {
  /** Requests to send per API at least (spread over its operations). */
  requestsPerApi: number;
  seed: number;
}

/** Fuzzes every operation of the vendor APIs (the admin API reads, it does not ingest). */
export async function runFuzz(server: ServerProcess, { requestsPerApi, seed }: FuzzOptions): Promise<FuzzResult> {
  const result: FuzzResult = {
    ...emptySummary(`fuzzing from the specs (≥ ${requestsPerApi} requests per API, seed ${seed})`),
    failures: [],
  };
  const record = (
    label: string,
    answer: { status: number; mediaType: string; body: unknown },
    operation: OperationRef,
    expect: '2xx' | '4xx',
  ) => {
    count(result, answer.status);
    const problems = responseProblems(operation.operation, answer, ajv);
    const expectedClass = expect === '2xx' ? 2 : 4;
    if (Math.floor(answer.status / 100) !== expectedClass)
      problems.unshift(`expected ${expect}, got ${answer.status}: ${JSON.stringify(answer.body)?.slice(0, 200)}`);
    if (problems.length && result.failures.length < 20) result.failures.push(`${label}: ${problems.join('; ')}`);
    return problems.length === 0;
  };
  const perApi: string[] = [];
  for (const { name: api } of apis.filter(({ name }) => name !== 'admin')) {
    const operations = listOperations(loadDereferenced(api)).filter((candidate) => candidate.source === 'paths');
    const sentBefore = result.sent;
    for (const operation of operations) {
      const label = `${api} ${operation.method.toUpperCase()} ${operation.path}`;
      const content = operation.requestBody?.content ?? {};
      // A run sends the valid request, and for a body up to two mutations and one arbitrary JSON body
      // (2 or more); a margin keeps the API's total above the target.
      const requestsPerRun = Object.keys(content).length ? 2 : 1;
      const runsPerOperation = Math.ceil((requestsPerApi / operations.length / requestsPerRun) * 1.3);
      await fc
        .assert(
          fc.asyncProperty(
            requestArbitrary(api, operation, server),
            fc.jsonValue({ maxDepth: 3 }),
            async (request, garbage) => {
              const accepted = record(`${label} valid`, await send(server, api, operation, request), operation, '2xx');
              let rejected = true;
              if (request.body && request.mediaType) {
                const schema = content[request.mediaType]!.schema;
                const plain = plainAjv.compile(schema);
                // Judge what travels: a form turns every value into a string (and any JSON into fields).
                const wire = (candidate: unknown) => asReceived(request.mediaType!, candidate);
                for (const mutation of schemaBreakingMutations(
                  request.body,
                  schema,
                  (candidate) => !plain(wire(candidate)),
                ).slice(0, 2)) {
                  rejected =
                    record(
                      `${label} ${mutation.name}`,
                      await send(server, api, operation, { ...request, body: mutation.body }),
                      operation,
                      '4xx',
                    ) && rejected;
                }
                if (!plain(wire(garbage)))
                  rejected =
                    record(
                      `${label} arbitrary JSON`,
                      await send(server, api, operation, { ...request, body: garbage as JsonObject }),
                      operation,
                      '4xx',
                    ) && rejected;
              }
              return accepted && rejected;
            },
          ),
          { numRuns: runsPerOperation, seed, endOnFailure: true },
        )
        .catch((error: Error) => {
          if (result.failures.length < 20)
            result.failures.push(`${label}: ${error.message.split('\n').slice(0, 6).join(' ')}`);
        });
    }
    perApi.push(`${api} ${result.sent - sentBefore}`);
  }
  result.notes.push(`requests per API: ${perApi.join(', ')}`);
  result.notes.push(`${result.failures.length} failing properties`);
  return result;
}
