/**
 * Answers a spec documents, built from its own examples: what a mutation puts in place of the server's
 * answer when it swaps a status, so that the swapped answer is valid for its new status and only the
 * status itself is wrong.
 */
import { documentedResponse, exampleValue, type SpecObject } from '@trackspec/specs';
import type { MutableAnswer, OperationContext } from './answer.js';

/** The exact status codes an operation documents (not `4XX` ranges or `default`), in ascending order. */
export function documentedStatuses({ operation }: OperationContext): number[] {
  return Object.keys((operation.operation.responses ?? {}) as object)
    .filter((key) => /^\d{3}$/.test(key))
    .map(Number)
    .sort((a, b) => a - b);
}

export const isDocumented = ({ operation }: OperationContext, status: number) =>
  documentedResponse(operation.operation, status) !== undefined;

/**
 * Every named or inline example of a media type object and its schema, then the emptiest bodies
 * (a schema that shows no example may well admit `{}`, as an open acknowledgement object does).
 */
function candidateBodies(media: SpecObject): unknown[] {
  const schema = (media.schema ?? {}) as SpecObject;
  return [
    ...Object.values((media.examples ?? {}) as Record<string, SpecObject>).map((example) => example.value),
    ...('example' in media ? [media.example] : []),
    ...(Array.isArray(schema.examples) ? schema.examples : []),
    ...('default' in schema ? [schema.default] : []),
    ...('const' in schema ? [schema.const] : []),
    {},
    [],
  ];
}

/**
 * A valid answer for a documented status: the first example (of any documented media type) that fits
 * its schema, with every required header the response declares. Undefined when the response has
 * content but no candidate body fits.
 */
export function documentedAnswer(context: OperationContext, status: number): MutableAnswer | undefined {
  const response = documentedResponse(context.operation.operation, status)?.response;
  if (!response) return undefined;
  const headers = Object.fromEntries(
    Object.entries((response.headers ?? {}) as Record<string, SpecObject>)
      .filter(([name, header]) => header.required && name.toLowerCase() !== 'content-type')
      .map(([name, header]) => [name.toLowerCase(), String(exampleValue(header))]),
  );
  const content = response.content as Record<string, SpecObject> | undefined;
  if (!content || Object.keys(content).length === 0) return { status, mediaType: '', headers, body: undefined };
  for (const [mediaType, media] of Object.entries(content)) {
    const fits = media.schema ? context.ajv.compile(media.schema) : () => true;
    const body = candidateBodies(media).find((example) => fits(example));
    if (body !== undefined) return { status, mediaType, headers, body };
  }
  return undefined;
}

/** The documented schema of the answer's body (for its status and media type), if there is one. */
export function bodySchema(context: OperationContext, answer: MutableAnswer): SpecObject | undefined {
  const response = documentedResponse(context.operation.operation, answer.status)?.response;
  return (response?.content as Record<string, SpecObject> | undefined)?.[answer.mediaType]?.schema;
}
