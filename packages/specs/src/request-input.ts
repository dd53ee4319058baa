/**
 * Reading a request as its operation's spec declares it, before anything is checked: declared
 * query parameters (a free-form object parameter collecting the others, see `compileQueryReader`)
 * and header parameters.
 * Framework-neutral: the server hands it Fastify's parsed request, the mocks their own.
 */
import type { JsonObject } from './json.js';
import type { OperationRef } from './operations.js';
import { compileQueryReader } from './request-reading.js';
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
  const readQuery = compileQueryReader(operation.parameters);
  const headerNames = operation.parameters
    .filter((parameter) => parameter.in === 'header')
    .map((parameter) => String(parameter.name).toLowerCase());

  return (request) => {
    const query = readQuery(request.query);
    const headers: JsonObject = {};
    for (const name of headerNames) if (request.headers[name] !== undefined) headers[name] = request.headers[name];
    const { params, bodySent } = request;
    if (!operation.requestBody) return { params, query, headers, mediaType: undefined, body: undefined, bodySent };
    return { params, query, headers, mediaType: request.mediaType, body: request.body, bodySent };
  };
}
