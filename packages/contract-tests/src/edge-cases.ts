/**
 * Requests at the edges a spec states outside its body schemas, each sent where the operation
 * documents the answer it calls for: a body one byte past the operation's limit (413), JSON that
 * does not parse and a body on a GET (400), parameters that break their schemas (400; a content
 * coding nobody accepts, 415), a well-formed id that names nothing (404), a method the path does
 * not serve (405, with `Allow`), every operation while the target's store is made to fail (503), and
 * one event past a batch's per-event limit (x-max-event-bytes), which the request survives (2xx).
 */
import { gzipSync } from 'node:zlib';
import {
  createAjv,
  defaultMaxBodyBytes,
  type ExampleRequest,
  encodeBody,
  isJsonMediaType,
  type OperationRef,
  type SpecObject,
} from '@trackspec/specs';
import { fitsSchema } from '@trackspec/specs/breaking';
import type { RequestCase } from './request-case.js';

type Base = Pick<RequestCase, 'operation' | 'pathParams' | 'query' | 'auth'>;

// Parameters arrive as text: judged as a server coerces them.
const parameterAjv = createAjv({ coerceTypes: true });

const documents = (operation: OperationRef, status: number) =>
  Object.hasOwn((operation.operation.responses ?? {}) as object, String(status));

/** The methods a client may try on a path (HEAD rides on GET; OPTIONS is CORS). */
const triedMethods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The first named example's body and parameters, else the operation's first media type with an empty object. */
function someBody(operation: OperationRef, first: ExampleRequest | undefined) {
  if (first?.mediaType) return { mediaType: first.mediaType, body: first.body };
  const mediaType = Object.keys(operation.requestBody?.content ?? {})[0];
  return mediaType ? { mediaType, body: {} } : {};
}

/**
 * The body grown to exactly `bytes` by one more member (`padding`), so that it stays what it was
 * in every other way, and a validating proxy that re-serialises JSON keeps its size.
 */
function paddedTo(mediaType: string, body: unknown, bytes: number): string {
  const grown = (padding: string) =>
    body !== null && typeof body === 'object' && !Array.isArray(body)
      ? encodeBody(mediaType, { ...body, padding })
      : `${encodeBody(mediaType, body)}${mediaType === 'application/x-www-form-urlencoded' ? '&' : ' '}${padding}`;
  return grown('x'.repeat(Math.max(0, bytes - Buffer.byteLength(grown('')))));
}

/**
 * A copy of the body whose first event (the first object in its first array of objects, depth-first:
 * where a batch keeps its events) is grown by a `padding` member to exactly `bytes` bytes of JSON;
 * undefined for a body with no such array.
 */
function withOneEventPaddedTo(body: unknown, bytes: number): unknown {
  const copy = structuredClone(body);
  const events = firstArrayOfObjects(copy);
  if (!events) return undefined;
  events[0] = JSON.parse(paddedTo('application/json', events[0], bytes));
  return copy;
}

function firstArrayOfObjects(value: unknown): unknown[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value) && value.length > 0 && value.every((item) => item !== null && typeof item === 'object'))
    return value;
  for (const child of Object.values(value)) {
    const found = firstArrayOfObjects(child);
    if (found) return found;
  }
  return undefined;
}

/** Text values that break a parameter's schema, as the server would judge them; the first that does. */
function brokenParameterValue(parameter: SpecObject): string | undefined {
  const schema = (parameter.schema ?? {}) as SpecObject;
  const validate = parameterAjv.compile({ type: 'object', properties: { value: schema } });
  const candidates = [
    'not-a-number',
    '-1',
    '0',
    '1.5',
    ...(schema.maximum !== undefined ? [String(Number(schema.maximum) + 1)] : []),
    ...(schema.maxLength !== undefined ? ['x'.repeat(Number(schema.maxLength) + 1)] : []),
    '!!',
    'not a date',
    // An empty value says nothing of a path parameter (the path changes); elsewhere it is a value.
    ...(parameter.in === 'path' ? [] : ['']),
  ];
  return candidates.find((candidate) => !validate({ value: candidate }));
}

/**
 * A well-formed path parameter value that names nothing a target could have stored: a huge number,
 * or the parameter's example grown by characters of its own kind.
 */
function unusedIdentifier(parameter: SpecObject): string | undefined {
  const validate = parameterAjv.compile({ type: 'object', properties: { value: parameter.schema ?? {} } });
  const example = String(parameter.example ?? parameter.schema?.examples?.[0] ?? '');
  return [
    '99999999999999999999',
    '9007199254740991',
    `${example}99999999`,
    `${example}zzzzzzzz`,
    'does-not-exist-0',
  ].find((candidate) => validate({ value: candidate }));
}

export function edgeCases(operation: OperationRef, base: Base, first: ExampleRequest | undefined): RequestCase[] {
  const cases: RequestCase[] = [];
  const withBody = {
    ...base,
    ...(first ? { pathParams: first.pathParams, query: first.query } : {}),
    ...someBody(operation, first),
  };
  const { requestBody } = operation;

  // Past the limit: a body the operation takes, or one a body-less POST may still carry.
  if ((requestBody || operation.method !== 'get') && documents(operation, 413)) {
    const limit = requestBody?.limits.maxBodyBytes ?? defaultMaxBodyBytes;
    const mediaType = withBody.mediaType ?? 'application/json';
    cases.push({
      ...withBody,
      kind: 'too-large',
      name: `a body one byte past the limit of ${limit} bytes`,
      mediaType,
      encodedBody: paddedTo(mediaType, withBody.body ?? {}, limit + 1),
      expect: '4xx',
    });
  }

  // One event past the per-event limit (x-max-event-bytes) in a body within its own limit: the spec
  // says such an event is reported in the answer, so the request as a whole is not refused.
  const oversizedEvent = requestBody?.limits.maxEventBytes;
  if (oversizedEvent !== undefined && withBody.mediaType && isJsonMediaType(withBody.mediaType)) {
    const body = withOneEventPaddedTo(withBody.body, oversizedEvent + 1);
    const bodyLimit = requestBody?.limits.maxBodyBytes ?? defaultMaxBodyBytes;
    const schema = (requestBody?.content[withBody.mediaType] as SpecObject | undefined)?.schema as SpecObject;
    if (body !== undefined && Buffer.byteLength(JSON.stringify(body)) <= bodyLimit && fitsSchema(schema, body))
      cases.push({
        ...withBody,
        kind: 'oversized-event',
        name: `an event one byte past the per-event limit of ${oversizedEvent} bytes, in a body within its limit`,
        body,
        expect: '2xx',
      });
  }

  // JSON that does not parse: under a declared JSON media type, or the JSON label a body-less POST may carry.
  const jsonMediaType = requestBody
    ? Object.keys(requestBody.content).find(isJsonMediaType)
    : operation.method !== 'get'
      ? 'application/json'
      : undefined;
  if (jsonMediaType && documents(operation, 400))
    cases.push({
      ...withBody,
      kind: 'malformed-body',
      name: `JSON that does not parse (${jsonMediaType})`,
      mediaType: jsonMediaType,
      encodedBody: '{"unterminated": ',
      expect: '4xx',
    });

  // A compressed body where the operation declares no Content-Encoding (RFC 9110 §15.5.16).
  if (!requestBody?.gzip && operation.method !== 'get' && documents(operation, 415))
    cases.push({
      ...withBody,
      kind: 'bad-content-coding',
      name: 'a gzip body where no Content-Encoding is declared',
      mediaType: withBody.mediaType ?? 'application/json',
      headers: { 'content-encoding': 'gzip' },
      encodedBody: gzipSync(withBody.mediaType ? encodeBody(withBody.mediaType, withBody.body) : '{}'),
      expect: '4xx',
    });

  if (!requestBody && operation.method === 'get' && documents(operation, 400))
    cases.push({
      ...base,
      kind: 'body-on-get',
      name: 'a body on a GET',
      mediaType: 'application/json',
      encodedBody: '{}',
      expect: '4xx',
    });

  for (const parameter of operation.parameters) {
    if (!['path', 'query', 'header'].includes(parameter.in) || parameter.schema?.type === 'object') continue;
    const where = `${parameter.in} parameter ${parameter.name}`;
    const contentCoding = String(parameter.name).toLowerCase() === 'content-encoding';
    const status = contentCoding ? 415 : 400;
    if (!documents(operation, status)) continue;
    const value = brokenParameterValue(parameter);
    if (value !== undefined)
      cases.push({
        ...withBody,
        ...placeParameter(withBody, parameter, value),
        kind: contentCoding ? 'bad-content-coding' : value === '' ? 'empty-parameter' : 'bad-parameter',
        name: `${where} ${JSON.stringify(value.slice(0, 40))}`,
        status,
        expect: '4xx',
      });
    if (parameter.required && parameter.in !== 'path')
      cases.push({
        ...withBody,
        ...withoutParameter(withBody, parameter),
        kind: 'bad-parameter',
        name: `required ${where} missing`,
        status,
        expect: '4xx',
      });
  }

  if (documents(operation, 404))
    for (const parameter of operation.parameters.filter((candidate) => candidate.in === 'path')) {
      const value = unusedIdentifier(parameter);
      if (value !== undefined)
        cases.push({
          ...base,
          kind: 'unknown-resource',
          name: `path parameter ${parameter.name} ${value}, which names nothing`,
          pathParams: { ...base.pathParams, [parameter.name]: value },
          expect: '4xx',
        });
    }

  if (documents(operation, 503))
    cases.push({
      ...withBody,
      kind: 'store-unavailable',
      name: 'while the store cannot be used',
      requires: 'store-fault',
      expect: '5xx',
      status: 503,
    });
  return cases;
}

/** One case per documented path, with a method the path does not serve: 405, and `Allow` naming the ones it does. */
export function unsupportedMethodCases(operations: readonly OperationRef[], base: (operation: OperationRef) => Base) {
  const cases: RequestCase[] = [];
  const byPath = new Map<string, OperationRef[]>();
  for (const operation of operations) {
    const key = `${operation.serverPath ?? ''} ${operation.path}`;
    byPath.set(key, [...(byPath.get(key) ?? []), operation]);
  }
  for (const sharing of byPath.values()) {
    const served = sharing.map((operation) => operation.method);
    const method = triedMethods.filter((candidate) => !served.includes(candidate)).at(-1);
    if (!method) continue;
    const operation = sharing[0]!;
    cases.push({
      ...base(operation),
      kind: 'unsupported-method',
      name: `${method.toUpperCase()}, a method the path does not serve`,
      method,
      allow: served.map((served) => served.toUpperCase()),
      expect: '4xx',
      status: 405,
    });
  }
  return cases;
}

function placeParameter(request: Base & { headers?: Record<string, string> }, parameter: SpecObject, value: string) {
  if (parameter.in === 'path') return { pathParams: { ...request.pathParams, [parameter.name]: value } };
  if (parameter.in === 'query') return { query: { ...request.query, [parameter.name]: value } };
  return { headers: { ...request.headers, [String(parameter.name).toLowerCase()]: value } };
}

function withoutParameter(request: Base, parameter: SpecObject) {
  const { [parameter.name]: _removed, ...query } = request.query;
  return { query };
}
