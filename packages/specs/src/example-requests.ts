/**
 * The requests an operation's named examples describe: each request-body example with the path and
 * query parameters named like it (the specs name parameter examples after the body examples they go
 * with), or, for an operation without body examples, its parameters' examples. The contract suite
 * sends them; the docs turn them into code samples.
 */
import type { SpecObject } from './json.js';
import type { OperationRef } from './operations.js';

export interface ExampleRequest {
  /** The body example's name; undefined for an operation without body examples. */
  name: string | undefined;
  pathParams: Record<string, unknown>;
  query: Record<string, unknown>;
  /** Absent for requests without a body. */
  mediaType?: string;
  body?: unknown;
  /** The schema of the body's media type. */
  schema?: SpecObject;
}

const placeholderByType: Record<string, unknown> = {
  string: 'x',
  integer: 1,
  number: 1,
  boolean: true,
  object: {},
  array: [],
};

/** A value for a schema: its const, first example, default, first enum value, or a placeholder of its type. */
function schemaExample(schema: SpecObject = {}): unknown {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if ('example' in schema) return schema.example;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  return placeholderByType[type ?? 'string'];
}

/** A parameter's example: the one named like the body example when there is one (pairing them), else its first. */
function parameterExample(parameter: SpecObject, exampleName?: string): { found: boolean; value: unknown } {
  if ('example' in parameter) return { found: true, value: parameter.example };
  const examples = (parameter.examples ?? {}) as Record<string, SpecObject>;
  const named = (exampleName !== undefined ? examples[exampleName] : undefined) ?? Object.values(examples)[0];
  if (named && 'value' in named) return { found: true, value: named.value };
  return { found: false, value: schemaExample(parameter.schema) };
}

/**
 * A value for an object that carries a schema and examples (a parameter, a response header): its
 * example, its first named example, else one its schema describes.
 */
export const exampleValue = (holder: SpecObject): unknown => parameterExample(holder).value;

/** Path parameters (always) and query parameters that have an example or are required. */
export function exampleParameters(
  operation: OperationRef,
  exampleName?: string,
): { pathParams: Record<string, unknown>; query: Record<string, unknown> } {
  const pathParams: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  for (const parameter of operation.parameters) {
    const { found, value } = parameterExample(parameter, exampleName);
    if (parameter.in === 'path') pathParams[parameter.name] = value;
    else if (parameter.in === 'query' && (found || parameter.required)) query[parameter.name] = value;
  }
  return { pathParams, query };
}

/** Every named request example of a (dereferenced) operation, in media type then example order. */
export function exampleRequests(operation: OperationRef): ExampleRequest[] {
  const requests = Object.entries(operation.requestBody?.content ?? {}).flatMap(([mediaType, media]) =>
    Object.entries((media.examples ?? {}) as Record<string, SpecObject>).map(([name, example]) => ({
      name,
      ...exampleParameters(operation, name),
      mediaType,
      body: example.value,
      schema: media.schema as SpecObject,
    })),
  );
  return requests.length > 0 ? requests : [{ name: undefined, ...exampleParameters(operation) }];
}
