/**
 * Reading a Fastify request as its operation's spec declares it (`compileInputReader` of
 * @trackspec/specs): path parameters under their spec names, and the body with its media type.
 */
import {
  compileInputReader as compileSpecReader,
  mediaTypeOf,
  type OperationRef,
  type RequestInput,
} from '@trackspec/specs';
import type { FastifyRequest } from 'fastify';

export type { RequestInput } from '@trackspec/specs';

// The app's body parsers record it; handlers are given it.
declare module 'fastify' {
  interface FastifyRequest {
    /** Size in bytes of the parsed body as received (after gzip decoding). */
    bodyBytes: number | undefined;
    /** Set when a body parser read the body as another media type than its label (`x-trackspec-json-any-label`). */
    bodyMediaType: string | undefined;
  }
}

/** `pathNames` maps the route's parameter names to the spec's (the router renames them). */
export function compileInputReader(
  operation: OperationRef,
  pathNames: ReadonlyMap<string, string>,
): (request: FastifyRequest) => RequestInput {
  const read = compileSpecReader(operation);
  return (request) => {
    const rawParams = request.params as Record<string, unknown>;
    const params: Record<string, unknown> = {};
    for (const [routeName, specName] of pathNames) params[specName] = rawParams[routeName];
    return read({
      params,
      query: request.query as Record<string, unknown>,
      headers: request.headers,
      mediaType: request.bodyMediaType ?? mediaTypeOf(request.headers['content-type']),
      body: request.body,
      bodySent:
        Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined,
    });
  };
}
