/** What an API's handlers are given, and the typing that ties them to the API's generated types. */
import type { JsonObject, OpenApiDocument } from '@trackspec/specs';
import type { ApiName, ApiOperations, apiFacts } from '@trackspec/types';
import type { SourceConfig } from '../config.js';
import type { ApiHandlers, OperationInput, OperationOutput } from '../openapi/router.js';
import { compileSchema } from '../openapi/validation.js';
import type { FieldError } from '../problems.js';
import type { Sources } from '../sources.js';
import type { EventStore } from '../storage/event-store.js';

/** What handlers use; who sent a request they are given with it (`OperationInput.source`). */
export interface ApiContext {
  /** The API's registry name, as events are stored under it. */
  api: string;
  /** The API's dereferenced spec. */
  document: OpenApiDocument;
  store: EventStore;
  /** For sources that are chosen by something other than a credential (Rockstat's project ids). */
  sources: Sources;
  ids: { next(): string };
  now: () => Date;
}

export type HandlerFactory = (context: ApiContext) => ApiHandlers;
type Content<Operation> = Operation extends { requestBody?: infer RequestBody }
  ? NonNullable<RequestBody> extends { content: infer C }
    ? C
    : never
  : never;
/** The body a handler receives: the JSON (or form) body type; JSON sent as `text/plain` arrives parsed, as JSON. */
type BodyOf<Operation> = [Content<Operation>] extends [never]
  ? undefined
  : Content<Operation> extends { 'application/json': infer Body }
    ? Body
    : Content<Operation>[keyof Content<Operation>];
type ParametersOf<Operation, Location extends string> = Operation extends { parameters: infer P }
  ? P extends { [L in Location]?: infer Values }
    ? [Values] extends [never]
      ? JsonObject
      : NonNullable<Values>
    : JsonObject
  : JsonObject;

/**
 * Who sent a request to the operation: a source, unless the spec admits anonymous requests there
 * (the generated facts' `anonymous`, derived by the same rule the router authenticates by).
 */
type SourceOf<Facts> = Facts extends { readonly anonymous: false } ? SourceConfig : SourceConfig | undefined;

/**
 * One handler per operation of the generated `operations` type, with the operation's body, path
 * and query types, and its source.
 */
type HandlersFor<Operations, OperationsFacts> = {
  [OperationId in keyof Operations]: (
    input: OperationInput<
      BodyOf<Operations[OperationId]>,
      ParametersOf<Operations[OperationId], 'path'>,
      ParametersOf<Operations[OperationId], 'query'>,
      SourceOf<OperationId extends keyof OperationsFacts ? OperationsFacts[OperationId] : never>
    >,
  ) => Promise<OperationOutput>;
};

/**
 * A handler factory typed by the API's generated `operations` (all of them, or those the server
 * serves): a missing or extra handler does not compile (and the router refuses it at start-up
 * too). The router has validated and authenticated every input against the spec before a handler
 * runs, which is what the cast to the untyped registry relies on.
 */
export function typedHandlers<Api extends ApiName, Operations = ApiOperations[Api]>(
  factory: (context: ApiContext) => HandlersFor<Operations, (typeof apiFacts)[Api]['operations']>,
): HandlerFactory {
  return factory as unknown as HandlerFactory;
}

/** A validator for one of the API's component schemas (for checks after normalising a body). */
export function componentValidator(
  context: ApiContext,
  name: string,
): (value: unknown, prefix?: string) => FieldError[] {
  const schema = (context.document.components?.schemas as Record<string, object> | undefined)?.[name];
  if (!schema) throw new Error(`${context.api}: the spec has no component schema ${name}`);
  return compileSchema(schema);
}
