/**
 * Request validation compiled once per operation from the dereferenced spec: parameters (with
 * string-to-type coercion, as they arrive as text) and the body of each declared media type.
 * Failures become RFC 9457 field errors with JSON Pointers.
 */
import { createAjv, type ErrorObject, type ValidateFunction } from '@trackspec/specs';
import type { FieldError } from '../problems.js';

type Json = Record<string, any>;

const bodyAjv = createAjv();
const parameterAjv = createAjv({ coerceTypes: true, useDefaults: true });

/** Ajv errors as field errors: `required` points at the missing member, others at the failing value. */
export function fieldErrors(
  location: FieldError['in'],
  errors: readonly ErrorObject[] | null | undefined,
  prefix = '',
): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of errors ?? []) {
    // if/then and anyOf/oneOf wrappers repeat what their inner errors say.
    if (['if', 'anyOf', 'oneOf'].includes(error.keyword) && (errors?.length ?? 0) > 1) continue;
    const missing =
      error.keyword === 'required'
        ? `/${String(error.params.missingProperty).replaceAll('~', '~0').replaceAll('/', '~1')}`
        : '';
    const pointer = prefix + error.instancePath + missing;
    const detail =
      error.keyword === 'required'
        ? 'is required'
        : `${error.message ?? 'is invalid'}${error.keyword === 'enum' ? `: ${(error.params.allowedValues as unknown[]).join(', ')}` : ''}`;
    const key = `${pointer} ${detail}`;
    if (!seen.has(key)) result.push({ in: location, pointer, detail });
    seen.add(key);
  }
  return result;
}

/** Validates (and coerces in place) one location's parameters; returns field errors. */
export type ParameterValidator = (values: Json) => FieldError[];

export function compileParameters(
  location: 'path' | 'query' | 'header',
  parameters: readonly Json[],
): ParameterValidator {
  const declared = parameters.filter((parameter) => parameter.in === location);
  const schema = {
    type: 'object',
    properties: Object.fromEntries(
      declared.map((parameter) => [
        location === 'header' ? String(parameter.name).toLowerCase() : parameter.name,
        parameter.schema ?? {},
      ]),
    ),
    required: declared
      .filter((parameter) => parameter.required)
      .map((parameter) => (location === 'header' ? String(parameter.name).toLowerCase() : parameter.name)),
  };
  const validate = parameterAjv.compile(schema);
  return (values) => (validate(values) ? [] : fieldErrors(location, validate.errors));
}

export function compileBody(schema: object): ValidateFunction {
  return bodyAjv.compile(schema);
}

/** Named component schemas (e.g. m1das `Event`) for handlers that re-validate after normalising. */
export function compileSchema(schema: object): (value: unknown, prefix?: string) => FieldError[] {
  const validate = bodyAjv.compile(schema);
  return (value, prefix = '') => (validate(value) ? [] : fieldErrors('body', validate.errors, prefix));
}
