/**
 * Mounts every operation of a dereferenced OpenAPI document as a Fastify route: URL, method,
 * security, parameter and body validation come from the spec; the work is done by the handler
 * registered under the operation's `operationId`. An operation without a handler, or a handler
 * without an operation, stops the server at start-up, so the server and the spec cannot drift.
 */
import {
  defaultMaxDepth,
  isJsonMediaType,
  type JsonObject,
  listOperations,
  mountPathOf,
  type OpenApiDocument,
  type OperationRef,
  type SpecObject,
} from '@trackspec/specs';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { SourceConfig } from '../config.js';
import { answerContentType, methodNotAllowed, sendProblem } from '../problems.js';
import { compileAuthentication, type FindSource } from './authentication.js';
import { registerCors } from './cors.js';
import { compileInputReader } from './request-input.js';
import { compileInputValidator } from './validation.js';

export interface OperationInput<
  Body = unknown,
  Params = JsonObject,
  Query = JsonObject,
  Source extends SourceConfig | undefined = SourceConfig | undefined,
> {
  operationId: string;
  /** The operation as the router serves it (its limits, security, parameters), so handlers need not look it up. */
  operation: OperationRef;
  /** Path parameters by their spec names, validated and coerced. */
  params: Params;
  /** Query parameters, validated and coerced; a free-form `style: form, explode: true` object parameter collects the undeclared ones. */
  query: Query;
  /** The parsed body (JSON carried as `text/plain` already decoded), validated against the spec. */
  body: Body;
  /** The JSON that strings of the body carry, parsed once by the validation, by JSON pointer (Dito's `/event`). */
  carriedJson: ReadonlyMap<string, unknown>;
  mediaType: string | undefined;
  /** The source the request's credential belongs to; undefined only where the spec admits anonymous requests. */
  source: Source;
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
  /** URL prefix of the API, e.g. `/m1das`. Operations with their own server use that server's path instead. */
  prefix: string;
  handlers: ApiHandlers;
  defaultBodyLimit: number;
  /** The source a key belongs to; needed when some operation asks for credentials. */
  findSource?: FindSource;
}

function checkHandlers(api: string, operations: readonly OperationRef[], handlers: ApiHandlers): void {
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

/**
 * Each server path the API's operations live under (its prefix, or an operation's own server) is
 * an encapsulated Fastify plugin, so what the spec asks of the API (CORS) applies to its routes
 * only. Returns `METHOD /path` of every operation, as mounted.
 */
export function mountApi(app: FastifyInstance, options: MountOptions): string[] {
  const { api, document, prefix, handlers } = options;
  const operations = listOperations(document).filter((operation) => operation.source === 'paths');
  checkHandlers(api, operations, handlers);
  const routesByMountPath = new Map<string, RouteOptions[]>();
  for (const operation of operations) {
    const mountPath = mountPathOf(operation, prefix);
    const routes = routesByMountPath.get(mountPath) ?? [];
    // Compiled now, so that a spec the server cannot serve stops it at start-up.
    routes.push(operationRoute(operation, options));
    routesByMountPath.set(mountPath, routes);
  }
  for (const [mountPath, routes] of routesByMountPath) {
    app.register(
      async (scope) => {
        registerCors(scope, document);
        for (const route of routes) scope.route(route);
        for (const route of methodNotAllowedRoutes(routes)) scope.route(route);
      },
      { prefix: mountPath },
    );
  }
  return operations.map(
    (operation) => `${operation.method.toUpperCase()} ${mountPathOf(operation, prefix) + operation.path || '/'}`,
  );
}

/** Methods a client may try on a path; HEAD (served with GET) and OPTIONS (CORS) are left to Fastify. */
const methodsToRefuse = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** For each documented path, a 405 with `Allow` for the methods the spec does not document there. */
function methodNotAllowedRoutes(routes: readonly RouteOptions[]): RouteOptions[] {
  const methodsByUrl = new Map<string, string[]>();
  for (const { url, method } of routes) methodsByUrl.set(url, [...(methodsByUrl.get(url) ?? []), String(method)]);
  return [...methodsByUrl].flatMap(([url, methods]) => {
    const refused = methodsToRefuse.filter((method) => !methods.includes(method));
    const allow = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
    return refused.length === 0
      ? []
      : [{ method: refused, url, handler: (request, reply) => sendProblem(reply, methodNotAllowed(request, allow)) }];
  });
}

/** One operation's route: read the request, check it, authenticate it, let the handler answer. */
function operationRoute(operation: OperationRef, options: MountOptions): RouteOptions {
  const { url, pathNames } = routePath(operation.path);
  const { handlers, defaultBodyLimit, findSource } = options;
  const authentication = compileAuthentication(operation, findSource);
  const read = compileInputReader(operation, pathNames);
  const validate = compileInputValidator(operation);
  const handler = handlers[operation.operationId]!;
  return {
    method: operation.method.toUpperCase() as 'GET',
    url,
    bodyLimit: operation.requestBody?.limits.maxBodyBytes ?? defaultBodyLimit,
    // Read by the body parsers (limits, JSON carried in forms or under any label) and by the metrics
    // (src/metrics.ts: requests by API and operation, not by URL).
    config: {
      api: options.api,
      operationId: operation.operationId,
      maxDepth: operation.requestBody?.limits.maxDepth ?? defaultMaxDepth,
      jsonFormFields: jsonFormFields(operation),
      jsonAnyLabel: operation.requestBody?.jsonAnyLabel === true,
      gzip: operation.requestBody?.gzip === true,
    },
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const credential = authentication.presented(request);
      const { params, query, mediaType, body, carriedJson } = validate(read(request));
      const source = await authentication.source(credential, body);
      const { operationId } = operation;
      const input = {
        operationId,
        operation,
        params,
        query,
        body,
        carriedJson,
        mediaType,
        source,
        bodyBytes: request.bodyBytes,
        request,
      };
      return answer(reply, await handler(input));
    },
  };
}

/** The fields of the operation's form body that carry JSON (`contentMediaType: application/json`). */
function jsonFormFields(operation: OperationRef): string[] {
  const form = operation.requestBody?.content['application/x-www-form-urlencoded']?.schema;
  const properties = (form?.properties ?? {}) as Record<string, SpecObject>;
  return Object.keys(properties).filter((name) => isJsonMediaType(String(properties[name]!.contentMediaType)));
}

/** Fastify's router treats `-` in `:name` as a separator, so spec names are mapped to safe ones. */
function routePath(path: string): { url: string; pathNames: Map<string, string> } {
  const pathNames = new Map<string, string>();
  const url = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const safe = `p${pathNames.size}`;
    pathNames.set(safe, name);
    return `:${safe}`;
  });
  return { url, pathNames };
}

function answer(reply: FastifyReply, output: OperationOutput): FastifyReply {
  reply.code(output.status).headers(output.headers ?? {});
  if (output.body === undefined) return reply.send();
  return reply.type(answerContentType(output.status)).send(JSON.stringify(output.body));
}
