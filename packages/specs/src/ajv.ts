import {
  _,
  Ajv2020,
  type CodeKeywordDefinition,
  type ErrorObject,
  Name,
  type Options,
  type ValidateFunction,
} from 'ajv/dist/2020.js';
import { strConcat } from 'ajv/dist/compile/codegen/index.js';
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
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    // The asserting contentSchema keyword hands carried JSON to the caller through `this`.
    passContext: assertContentSchema,
    ...options,
  });
  addFormats(ajv);
  for (const keyword of openApiAnnotations) ajv.addKeyword({ keyword });
  if (!assertContentSchema) return ajv;
  ajv.removeKeyword('contentSchema');
  ajv.addKeyword(contentSchemaKeyword);
  return ajv;
}

const names = { vErrors: new Name('vErrors'), errors: new Name('errors'), instancePath: new Name('instancePath') };

/**
 * `contentSchema` asserted, as generated code (not a compiled function), so that Ajv standalone code
 * carries it too: a precompiled check judges exactly as one compiled at run time. A string that is
 * not JSON fails at its own pointer; the JSON's errors come in place, their pointers under the
 * string's. Valid JSON is handed to the caller's sink, the validation's `this` (see `validateCarriedJson`).
 */
const contentSchemaKeyword: CodeKeywordDefinition = {
  keyword: 'contentSchema',
  schemaType: 'object',
  code(cxt) {
    const { gen, data, parentSchema, it } = cxt;
    if (!isJsonMediaType(String(parentSchema.contentMediaType ?? 'application/json'))) return;
    const valid = gen.let('valid', true);
    gen.if(_`typeof ${data} == "string"`, () => {
      const at = gen.const('at', strConcat(names.instancePath, it.errorPath));
      const parsed = gen.let('parsed');
      gen.try(
        () => gen.assign(parsed, _`JSON.parse(${data})`),
        (error) => {
          const message = _`"must be a string holding valid JSON (" + ${error}.message + ")"`;
          const schemaPath = `${it.errSchemaPath}/contentSchema`;
          const entry = _`{instancePath: ${at}, schemaPath: ${schemaPath}, keyword: "contentSchema", params: {}, message: ${message}}`;
          gen.if(_`${names.vErrors} === null`, _`${names.vErrors} = [${entry}]`, _`${names.vErrors}.push(${entry})`);
          gen.code(_`${names.errors}++`);
          gen.assign(valid, false);
        },
      );
      gen.if(valid, () => {
        // Ajv declares the subschema's result itself; errors land under the string's pointer.
        const contentValid = gen.name('contentValid');
        cxt.subschema({ keyword: 'contentSchema', data: parsed, dataTypes: [] }, contentValid);
        gen.assign(valid, contentValid);
        gen.if(_`${valid} && this && this.carried`, () => gen.code(_`this.carried.set(${at}, ${parsed})`));
      });
    });
    cxt.ok(valid);
  },
};

/**
 * Validates `data` and hands back the JSON values that `contentSchema` parsed, and found valid,
 * from the strings that carry them, by JSON pointer (`''` for data that is itself such a string):
 * a reader uses them instead of parsing the strings again. The keyword's code reaches the sink
 * through the validation's `this` (Ajv's `passContext`).
 */
export function validateCarriedJson(
  validate: ValidateFunction,
  data: unknown,
): { valid: boolean; carried: Map<string, unknown> } {
  const carried = new Map<string, unknown>();
  return { valid: validate.call({ carried }, data) as boolean, carried };
}

export type { ErrorObject, ValidateFunction };
