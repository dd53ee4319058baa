/**
 * Mounts every operation of a dereferenced OpenAPI document as a Fastify route: URL, method,
 * security, parameter and body validation come from the spec; the work is done by the handler
 * registered under the operation's `operationId`. An operation without a handler, or a handler
 * without an operation, stops the server at start-up, so the server and the spec cannot drift.
 */
import { listOperations, type OpenApiDocument, type OperationRef } from '@trackspec/specs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FieldError, HttpProblem, problemContentType } from '../problems.js';
import { type Credential, evaluateSecurity } from './security.js';
import { compileBody, compileParameters, fieldErrors } from './validation.js';

type Json = Record<string, any>;

// The app's body parsers record it; the router hands it to handlers.
declare module 'fastify' {
  interface FastifyRequest {
    /** Size in bytes of the parsed body as received (after gzip decoding). */
    bodyBytes: number | undefined;
  }
}

export interface OperationInput<Body = unknown, Params = Json, Query = Json> {
  api: string;
  operationId: string;
  /** Path parameters by their spec names, validated and coerced. */
  params: Params;
  /** Query parameters, validated and coerced; a free-form `style: form, explode: true` object parameter collects the undeclared ones. */
  query: Query;
  /** The parsed body (JSON carried as `text/plain` already decoded), validated against the spec. */
  body: Body;
  mediaType: string | undefined;
  /** The credential that satisfied the operation's security, if it has any. */
  credential: Credential | undefined;
  /** Size in bytes of the body as received (after gzip decoding), when the body parser recorded it. */
  bodyBytes: number | undefined;
  request: FastifyRequest;
}

export interface OperationOutput {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type OperationHandler = (input: OperationInput) => Promise<OperationOutput>;
export type ApiHandlers = Readonly<Record<string, OperationHandler>>;

export interface MountOptions {
  api: string;
  document: OpenApiDocument;
  /** URL prefix of the API, e.g. `/m1das`. Path items with their own `servers` use that server's path instead. */
  prefix: string;
  handlers: ApiHandlers;
  defaultBodyLimit: number;
}

/** Fastify's router treats `-` in `:name` as a separator, so spec names are mapped to safe ones. */
function toRouteUrl(prefix: string, path: string): { url: string; names: Map<string, string> } {
  const names = new Map<string, string>();
  const url = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const safe = `p${names.size}`;
    names.set(safe, name);
    return `:${safe}`;
  });
  return { url: `${prefix.replace(/\/+$/, '')}${url}` || '/', names };
}

function ownServerPath(document: OpenApiDocument, operation: OperationRef): string | undefined {
  const servers = (document.paths?.[operation.path] as Json | undefined)?.servers as Json[] | undefined;
  return servers?.[0] ? new URL(servers[0].url, 'http://placeholder').pathname : undefined;
}

export function checkHandlers(api: string, operations: readonly OperationRef[], handlers: ApiHandlers): void {
  const operationIds = new Set(operations.map((operation) => operation.operationId));
  const missing = [...operationIds].filter((id) => !handlers[id]);
  const orphans = Object.keys(handlers).filter((id) => !operationIds.has(id));
  if (missing.length || orphans.length) {
    throw new Error(
      `${api}: the server and the spec disagree.` +
        (missing.length ? ` Operations without a handler: ${missing.join(', ')}.` : '') +
        (orphans.length ? ` Handlers without an operation: ${orphans.join(', ')}.` : ''),
    );
  }
}

export function mountApi(
  app: FastifyInstance,
  { api, document, prefix, handlers, defaultBodyLimit }: MountOptions,
): string[] {
  const operations = listOperations(document).filter((operation) => operation.source === 'paths');
  checkHandlers(api, operations, handlers);
  const schemes = (document.components?.securitySchemes ?? {}) as Json;
  const mounted: string[] = [];

  for (const operation of operations) {
    const spec = operation.operation as Json;
    const parameters = operation.parameters as Json[];
    const { url, names } = toRouteUrl(ownServerPath(document, operation) ?? prefix, operation.path);
    const security = (spec.security ?? document.security ?? []) as Json[];
    const validatePath = compileParameters('path', parameters);
    const validateQuery = compileParameters('query', parameters);
    const validateHeaders = compileParameters('header', parameters);
    // A free-form query object (`style: form, explode: true`) receives the undeclared query keys.
    const freeForm = parameters.find(
      (parameter) =>
        parameter.in === 'query' &&
        parameter.schema?.type === 'object' &&
        (parameter.style ?? 'form') === 'form' &&
        parameter.explode !== false,
    );
    const declaredQuery = new Set(
      parameters
        .filter((parameter) => parameter.in === 'query' && parameter !== freeForm)
        .map((parameter) => parameter.name as string),
    );
    const content = (spec.requestBody?.content ?? {}) as Record<string, Json>;
    const bodyValidators = new Map(
      Object.entries(content).map(([mediaType, media]) => [
        mediaType,
        media.schema ? compileBody(media.schema) : undefined,
      ]),
    );
    const handler = handlers[operation.operationId]!;
    const pathNames = [...names.entries()];
    const headerNames = parameters
      .filter((parameter) => parameter.in === 'header')
      .map((parameter) => String(parameter.name).toLowerCase());

    app.route({
      method: operation.method.toUpperCase() as 'GET',
      url,
      bodyLimit: spec.requestBody?.['x-max-body-bytes'] ?? defaultBodyLimit,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const outcome = evaluateSecurity(security, schemes, request);
        if (!outcome.ok) throw new HttpProblem(401, outcome.detail);

        const errors: FieldError[] = [];
        const rawParams = request.params as Json;
        const params: Json = {};
        for (const [safe, name] of pathNames) params[name] = rawParams[safe];
        errors.push(...validatePath(params));
        const query: Json = {};
        const extra: Json = {};
        for (const [name, value] of Object.entries(request.query as Json)) {
          const single = Array.isArray(value) ? value.at(-1) : value;
          if (declaredQuery.has(name) || !freeForm) query[name] = single;
          else extra[name] = single;
        }
        if (freeForm && Object.keys(extra).length) query[freeForm.name] = extra;
        errors.push(...validateQuery(query));
        const headers: Json = {};
        for (const name of headerNames) if (request.headers[name] !== undefined) headers[name] = request.headers[name];
        errors.push(...validateHeaders(headers));

        let body: unknown;
        let mediaType: string | undefined;
        if (spec.requestBody) {
          // An empty body is no body (the parsers map it to undefined); a JSON `null` or `""` is a body, and must match.
          const hasBody = request.body !== undefined;
          mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
          if (hasBody) {
            if (!mediaType || !bodyValidators.has(mediaType)) {
              throw new HttpProblem(
                415,
                `Content-Type ${mediaType ?? '(none)'} is not accepted here; send ${Object.keys(content).join(' or ')}.`,
              );
            }
            body = request.body;
            if (Buffer.isBuffer(body))
              throw new HttpProblem(
                415,
                `Content-Type ${mediaType} is not accepted here; send ${Object.keys(content).join(' or ')}.`,
              );
            const validate = bodyValidators.get(mediaType);
            if (validate && !validate(body)) errors.push(...fieldErrors('body', validate.errors));
            else if (typeof body === 'string' && /json/.test(String(content[mediaType]!.schema?.contentMediaType)))
              body = JSON.parse(body);
          } else if (spec.requestBody.required) {
            errors.push({ in: 'body', pointer: '', detail: 'a request body is required' });
          }
        }
        if (errors.length) throw new HttpProblem(400, "The request does not match the API's schema.", { errors });

        const output = await handler({
          api,
          operationId: operation.operationId,
          params,
          query,
          body,
          mediaType,
          credential: outcome.credential,
          bodyBytes: request.bodyBytes,
          request,
        });
        reply.code(output.status).headers(output.headers ?? {});
        if (output.body === undefined) return reply.send();
        const isProblem = output.status >= 400;
        return reply.type(isProblem ? problemContentType : 'application/json').send(JSON.stringify(output.body));
      },
    });
    mounted.push(
      `${operation.method.toUpperCase()} ${url.replace(/:p(\d+)/g, (_, index: string) => `{${[...names.values()][Number(index)]}}`)}`,
    );
  }
  return mounted;
}
