/** Every example an OpenAPI 3.1 document holds, with the schema it illustrates. */
import type { OpenApiDocument } from './document.js';
import type { SpecObject } from './json.js';
import { listOperations } from './operations.js';

export interface ExampleRef {
  /** Where the example sits, as a readable JSON-pointer-like location. */
  location: string;
  /** Example name (or `example` for a single inline one, or the array index of a schema's `examples`). */
  name: string;
  value: unknown;
  schema: object;
}

/**
 * Every example of a *dereferenced* document with the schema it must satisfy: media type
 * `examples`/`example` (requests, responses, webhooks), parameter examples, and the `examples`
 * array of any schema.
 */
export function collectExamples(document: OpenApiDocument): ExampleRef[] {
  const found: ExampleRef[] = [];
  const fromMap = (location: string, holder: SpecObject, schema: object | undefined) => {
    if (!schema) return;
    if ('example' in holder) found.push({ location, name: 'example', value: holder.example, schema });
    const examples = holder.examples;
    if (examples && typeof examples === 'object' && !Array.isArray(examples)) {
      for (const [name, example] of Object.entries(examples as Record<string, SpecObject>))
        if ('value' in example) found.push({ location, name, value: example.value, schema });
    }
  };
  for (const { source, path, method, operation, parameters, requestBody } of listOperations(document)) {
    const at = `${source}${path} ${method.toUpperCase()}`;
    for (const parameter of parameters)
      fromMap(`${at} parameter ${String(parameter.in)}:${String(parameter.name)}`, parameter, parameter.schema);
    for (const [mediaType, media] of Object.entries(requestBody?.content ?? {}))
      fromMap(`${at} request ${mediaType}`, media, media.schema);
    for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, SpecObject>)) {
      for (const [mediaType, media] of Object.entries((response.content ?? {}) as Record<string, SpecObject>))
        fromMap(`${at} response ${status} ${mediaType}`, media, media.schema);
    }
  }
  collectSchemaExamples(document, '#', found, new Set());
  return found;
}

/** JSON Schema `examples` arrays, anywhere in the document (an OpenAPI example map is an object, never an array). */
function collectSchemaExamples(node: unknown, location: string, found: ExampleRef[], seen: Set<unknown>): void {
  if (!node || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    node.forEach((child, index) => {
      collectSchemaExamples(child, `${location}/${index}`, found, seen);
    });
    return;
  }
  const record = node as SpecObject;
  if (Array.isArray(record.examples) && isSchemaLike(record)) {
    record.examples.forEach((value, index) => {
      found.push({ location, name: String(index), value, schema: record });
    });
  }
  for (const [key, child] of Object.entries(record)) {
    if (key === 'examples' && Array.isArray(child)) continue;
    collectSchemaExamples(child, `${location}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, found, seen);
  }
}

const schemaKeywords = [
  'type',
  'properties',
  'items',
  'allOf',
  'anyOf',
  'oneOf',
  'const',
  'enum',
  'pattern',
  '$ref',
  'format',
];
function isSchemaLike(record: SpecObject): boolean {
  return schemaKeywords.some((keyword) => keyword in record);
}
