import { Ajv2020, type AnySchemaObject, type ErrorObject, type Options, type ValidateFunction } from 'ajv/dist/2020.js';
import type { DataValidateFunction } from 'ajv/dist/types/index.js';
import addFormatsModule from 'ajv-formats';
import { isJsonMediaType } from './json.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** OpenAPI 3.1 keywords that are not JSON Schema 2020-12 vocabulary: annotations only. */
const openApiAnnotations = ['discriminator', 'example', 'xml', 'externalDocs'];

/**
 * The one JSON Schema validator configuration of trackspec (OpenAPI 3.1 = JSON Schema 2020-12),
 * shared by the spec tests, the contract suite and the server.
 *
 * Beyond plain Ajv it *asserts* `contentSchema` for JSON carried in strings
 * (`contentMediaType: application/json`), which JSON Schema leaves as an annotation:
 * Dito's `event` form field is such a string, and its content must be validated too. With
 * `assertContentSchema: false` it keeps the standard (annotation-only) behaviour.
 */
export function createAjv(options: Options = {}, { assertContentSchema = true } = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, ...options });
  addFormats(ajv);
  for (const keyword of openApiAnnotations) ajv.addKeyword({ keyword });
  if (!assertContentSchema) return ajv;
  ajv.removeKeyword('contentSchema');
  ajv.addKeyword({
    keyword: 'contentSchema',
    schemaType: 'object',
    errors: true,
    compile(contentSchema: object, parentSchema: AnySchemaObject) {
      const mediaType = String(parentSchema.contentMediaType ?? 'application/json');
      if (!isJsonMediaType(mediaType)) return () => true;
      const validateContent = ajv.compile(contentSchema);
      const check: DataValidateFunction = (data, context) => {
        if (typeof data !== 'string') return true; // `type` reports non-strings
        const at = context?.instancePath ?? '';
        let parsed: unknown;
        try {
          parsed = JSON.parse(data);
        } catch (error) {
          check.errors = [contentError(at, `must be a string holding valid JSON (${(error as Error).message})`)];
          return false;
        }
        if (validateContent(parsed)) {
          contentSink?.set(at, parsed);
          return true;
        }
        check.errors = (validateContent.errors ?? []).map((inner) => ({
          ...inner,
          instancePath: at + inner.instancePath,
        }));
        return false;
      };
      return check;
    },
  });
  return ajv;
}

/** Where the `contentSchema` keyword leaves what it parsed, during one `validateCarriedJson` call. */
let contentSink: Map<string, unknown> | undefined;

/**
 * Validates `data` and hands back the JSON values that `contentSchema` parsed, and found valid,
 * from the strings that carry them, by JSON pointer (`''` for data that is itself such a string):
 * a reader uses them instead of parsing the strings again. Validation is synchronous, so one sink
 * at a time is enough.
 */
export function validateCarriedJson(
  validate: ValidateFunction,
  data: unknown,
): { valid: boolean; carried: Map<string, unknown> } {
  const carried = new Map<string, unknown>();
  contentSink = carried;
  try {
    return { valid: validate(data) as boolean, carried };
  } finally {
    contentSink = undefined;
  }
}

function contentError(instancePath: string, message: string): ErrorObject {
  return { keyword: 'contentSchema', instancePath, schemaPath: '#/contentSchema', params: {}, message };
}

export type { ErrorObject, ValidateFunction };
