/**
 * Reading a request as its operation's spec declares it, before anything is checked: declared
 * query parameters (a free-form object parameter collecting the others) and header parameters.
 * Framework-neutral: the server hands it Fastify's parsed request, the mocks their own.
 */
import type { JsonObject } from './json.js';
import type { OperationRef } from './operations.js';
import type { RequestInput } from './request-validation.js';

export interface IncomingRequest {
  /** Path parameters by their spec names. */
  params: JsonObject;
  /** The query string's parameters, a repeated one as an array (its last value counts). */
  query: Record<string, unknown>;
  /** Request headers by lower-case name. */
  headers: Record<string, string | string[] | undefined>;
  /** The body's media type (see `mediaTypeOf`), as the body was read. */
  mediaType: string | undefined;
  body: unknown;
  bodySent: boolean;
}

export function compileInputReader(operation: OperationRef): (request: IncomingRequest) => RequestInput {
  const { parameters } = operation;
  const freeForm = parameters.find(
    (parameter) =>
      parameter.in === 'query' &&
      parameter.schema?.type === 'object' &&
      (parameter.style ?? 'form') === 'form' &&
      parameter.explode !== false,
  );
  const declaredQuery = new Set(
    parameters.filter((parameter) => parameter.in === 'query' && parameter !== freeForm).map(({ name }) => name),
  );
  const headerNames = parameters
    .filter((parameter) => parameter.in === 'header')
    .map((parameter) => String(parameter.name).toLowerCase());

  return (request) => {
    const query: JsonObject = {};
    const undeclared: JsonObject = {};
    for (const [name, value] of Object.entries(request.query)) {
      const single = Array.isArray(value) ? value.at(-1) : value;
      if (declaredQuery.has(name) || !freeForm) query[name] = single;
      else undeclared[name] = single;
    }
    if (freeForm && Object.keys(undeclared).length) query[freeForm.name] = undeclared;
    const headers: JsonObject = {};
    for (const name of headerNames) if (request.headers[name] !== undefined) headers[name] = request.headers[name];
    const { params, bodySent } = request;
    if (!operation.requestBody) return { params, query, headers, mediaType: undefined, body: undefined, bodySent };
    return { params, query, headers, mediaType: request.mediaType, body: request.body, bodySent };
  };
}
