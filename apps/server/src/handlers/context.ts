import type { OpenApiDocument } from '@trackspec/specs';
import type { ServerConfig, SourceConfig } from '../config.js';
import type { ApiHandlers } from '../openapi/router.js';
import { compileSchema } from '../openapi/validation.js';
import { HttpProblem, type FieldError } from '../problems.js';
import type { Sources } from '../sources.js';
import type { EventStore } from '../storage/event-store.js';

export interface ApiContext {
  api: string;
  /** The API's dereferenced spec. */
  document: OpenApiDocument;
  store: EventStore;
  sources: Sources;
  ids: { next(): string };
  now: () => Date;
  config: ServerConfig;
}

export type HandlerFactory = (context: ApiContext) => ApiHandlers;

/** A validator for one of the API's component schemas (for checks after normalising a body). */
export function componentValidator(context: ApiContext, name: string): (value: unknown, prefix?: string) => FieldError[] {
  const schema = (context.document.components?.schemas as Record<string, object> | undefined)?.[name];
  if (!schema) throw new Error(`${context.api}: the spec has no component schema ${name}`);
  return compileSchema(schema);
}

/** The source owning `key`, or a 401 that names where the key was expected (never the key itself). */
export function sourceByKey(context: ApiContext, key: string | undefined, where: string): SourceConfig {
  const source = context.sources.byKey(context.api, key);
  if (!source) throw new HttpProblem(401, key ? `The ${where} is not valid for this API.` : `The ${where} is missing.`);
  return source;
}

export function badRequest(errors: FieldError[]): HttpProblem {
  return new HttpProblem(400, "The request does not match the API's schema.", { errors });
}
