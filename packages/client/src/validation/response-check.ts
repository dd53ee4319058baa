/**
 * An answer judged as the contract suite judges one (`responseFindings`): the documented status,
 * media type, headers and body schema, with the generated standalone validators standing in for
 * Ajv's `compile`.
 */
import {
  isJsonMediaType,
  mediaTypeOf,
  type ResponseFinding,
  responseFindings,
  type SchemaCompiler,
  type SpecObject,
} from '@trackspec/specs/checks';
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { CompiledSchema, GeneratedOperation } from './generated-operation.js';

/** Ajv's `compile` and `errorsText`, over schemas the generator already compiled. */
const precompiled: SchemaCompiler = {
  compile: (schema) => (schema as CompiledSchema).$check,
  errorsText: (errors?: readonly ErrorObject[] | null, { dataVar = 'data' } = {}) =>
    errors?.length
      ? errors.map((error) => `${dataVar}${error.instancePath} ${error.message ?? 'is invalid'}`).join(', ')
      : 'No errors',
};

/** The body as the contract suite reads it: JSON parsed (kept as text if it does not parse), anything else as text. */
function readBody(mediaType: string, text: string): unknown {
  if (!text) return undefined;
  if (!isJsonMediaType(mediaType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Everything about an answer that its operation does not document (empty when it conforms). */
export async function checkResponse(operation: GeneratedOperation, response: Response): Promise<ResponseFinding[]> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const mediaType = mediaTypeOf(response.headers.get('content-type')) ?? '';
  const text = response.body ? await response.clone().text() : '';
  return responseFindings(
    operation as unknown as SpecObject,
    { status: response.status, mediaType, body: readBody(mediaType, text), headers },
    precompiled,
  );
}
