/**
 * Whether a value fits a (sub)schema, for the break walk: which `oneOf`/`anyOf` branch an
 * example follows, whether it meets an `if`. Ajv answers exactly; each subschema is compiled once.
 */
import { createAjv, type ValidateFunction } from '../ajv.js';
import type { SpecObject } from '../json.js';

// Not strict: subschemas are fragments (an `if` alone, a branch without its siblings).
const ajv = createAjv({ strict: false, allErrors: false });
const compiled = new WeakMap<object, ValidateFunction | null>();

export function fitsSchema(schema: SpecObject | boolean | undefined, value: unknown): boolean {
  if (typeof schema === 'boolean') return schema;
  if (!schema || typeof schema !== 'object') return true;
  if (!compiled.has(schema)) {
    try {
      compiled.set(schema, ajv.compile(schema));
    } catch {
      compiled.set(schema, null);
    }
  }
  const validate = compiled.get(schema);
  return validate ? validate(value) === true : false;
}
