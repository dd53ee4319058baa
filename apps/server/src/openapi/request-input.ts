/**
 * Reading a request as its operation's spec declares it, before anything is checked: path
 * parameters under their spec names, declared query parameters (a free-form object parameter
 * collecting the others), header parameters, and the body with its media type.
 */
import { compileQueryReader, type JsonObject, mediaTypeOf, type OperationRef } from '@trackspec/specs';
import type { FastifyRequest } from 'fastify';

// The app's body parsers record it; handlers are given it.
declare module 'fastify' {
  interface FastifyRequest {
    /** Size in bytes of the parsed body as received (after gzip decoding). */
    bodyBytes: number | undefined;
    /** Set when a body parser read the body as another media type than its label (`x-trackspec-json-any-label`). */
    bodyMediaType: string | undefined;
  }
}

export interface RequestInput {
  /** Path parameters by their spec names. */
  params: JsonObject;
  /** Query parameters; a free-form `style: form, explode: true` object parameter collects the undeclared ones. */
  query: JsonObject;
  /** Header parameters, by lower-case name. */
  headers: JsonObject;
  /** Of the body's `Content-Type`; undefined for operations that take no body. */
  mediaType: string | undefined;
  /** As parsed (an empty body is none); undefined for operations that take no body. */
  body: unknown;
  /** Whether the request carried a body at all (a non-zero Content-Length, or chunked), parsed or not. */
  bodySent: boolean;
}

/** `pathNames` maps the route's parameter names to the spec's (the router renames them). */
export function compileInputReader(
  operation: OperationRef,
  pathNames: ReadonlyMap<string, string>,
): (request: FastifyRequest) => RequestInput {
  const { parameters } = operation;
  const readQuery = compileQueryReader(parameters);
  const headerNames = parameters
    .filter((parameter) => parameter.in === 'header')
    .map((parameter) => String(parameter.name).toLowerCase());

  return (request) => {
    const rawParams = request.params as JsonObject;
    const params: JsonObject = {};
    for (const [routeName, specName] of pathNames) params[specName] = rawParams[routeName];
    const query = readQuery(request.query as JsonObject);
    const headers: JsonObject = {};
    for (const name of headerNames) if (request.headers[name] !== undefined) headers[name] = request.headers[name];
    const bodySent =
      Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!operation.requestBody) return { params, query, headers, mediaType: undefined, body: undefined, bodySent };
    const mediaType = request.bodyMediaType ?? mediaTypeOf(request.headers['content-type']);
    return { params, query, headers, mediaType, body: request.body, bodySent };
  };
}
