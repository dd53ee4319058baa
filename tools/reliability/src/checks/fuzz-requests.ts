/**
 * The fuzzer's valid requests: arbitraries built from an operation's schemas (fast-check), with the
 * credentials the spec places, the signatures it asks for, and the cross-field rules the specs
 * state in prose filled in.
 */
import type { ServerProcess } from '@trackspec/harness';
import {
  createAjv,
  credentialsToSend,
  type JsonObject,
  type OperationRef,
  placeCredential,
  type RequestParts,
  signatureOf,
} from '@trackspec/specs';
import fc from 'fast-check';
import { arbitraryFor } from './arbitraries.js';

export interface FuzzRequest extends RequestParts {
  pathParams: JsonObject;
  mediaType?: string;
  body?: JsonObject;
}

const ajv = createAjv();
/** Path segments that fetch would normalise away. */
const safeSegment = (value: unknown) => String(value) !== '.' && String(value) !== '..' && String(value).length > 0;

/**
 * The body signatures of an operation made with the source's secret (`x-body-signatures`): the
 * ones that can be made, by field; `undefined` for the rest, which a request then leaves out.
 */
async function bodySignatures(operation: OperationRef, secret: string): Promise<Record<string, string | undefined>> {
  const signatures = operation.requestBody?.signatures ?? [];
  return Object.fromEntries(
    await Promise.all(signatures.map(async ({ name, algorithm }) => [name, await signatureOf(algorithm, secret)])),
  );
}

/** The credentials where the spec says they travel (a key the spec carries in the body, and its signatures, included). */
function authenticate(
  operation: OperationRef,
  credentials: Record<string, string>,
  signatures: Record<string, string | undefined>,
  request: FuzzRequest,
): void {
  for (const { name, location } of credentialsToSend(operation))
    placeCredential(request, location, credentials[name] ?? '');
  if (!request.body) return;
  for (const [field, signature] of Object.entries(signatures)) {
    if (signature === undefined) delete request.body[field];
    else request.body[field] = signature;
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

/** Valid-by-schema requests to one operation, authenticated as the server's source for the API. */
export async function requestArbitrary(
  api: string,
  operation: OperationRef,
  server: ServerProcess,
): Promise<fc.Arbitrary<FuzzRequest>> {
  const credentials = server.credentials[api] ?? {};
  // A credential sent as '' can never fit a body schema: generation would then retry forever.
  const missing = credentialsToSend(operation).filter(({ name }) => !credentials[name]);
  if (missing.length)
    throw new Error(
      `${api} ${operation.operationId}: the server gives no credential for ${missing.map(({ name }) => name).join(', ')}, which the spec sends`,
    );
  const signatures = await bodySignatures(operation, credentials.secret ?? '');
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
      authenticate(operation, credentials, signatures, request);
      return request;
    })
    .filter(
      boundedFilter(
        api,
        operation,
        (request) => !request.body || ajv.validate(content[request.mediaType!]!.schema, request.body),
      ),
    );
}

/** Generated requests in a row that may break their schema (after credentials and prose rules) before generation fails. */
export const maxRejectedInARow = 1000;

/**
 * fast-check retries a filtered arbitrary until the filter passes, so a filter that can never pass
 * would hang the run: after `maxRejectedInARow` rejections in a row it fails instead, saying why.
 */
export function boundedFilter(api: string, operation: OperationRef, valid: (request: FuzzRequest) => boolean) {
  let rejectedInARow = 0;
  return (request: FuzzRequest): boolean => {
    if (valid(request)) {
      rejectedInARow = 0;
      return true;
    }
    if (++rejectedInARow >= maxRejectedInARow)
      throw new Error(
        `${api} ${operation.operationId}: ${maxRejectedInARow} generated requests in a row broke the body schema once credentials, signatures and prose rules were filled in; the last: ${ajv.errorsText(ajv.errors)}`,
      );
    return false;
  };
}
