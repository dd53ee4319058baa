/**
 * Request validation compiled once per operation from the dereferenced spec: parameters (with
 * string-to-type coercion, as they arrive as text, and the spec's defaults) and the body of each
 * declared media type. Failures become RFC 9457 field errors with JSON Pointers; an undeclared
 * media type is a 415.
 */
import {
  createAjv,
  type ErrorObject,
  type JsonObject,
  type OperationRef,
  parametersSchema,
  pointedErrors,
  type SpecObject,
  type ValidateFunction,
  validateCarriedJson,
} from '@trackspec/specs';
import { type FieldError, HttpProblem, invalidRequest } from '../problems.js';
import type { RequestInput } from './request-input.js';

/**
 * Ajv caches compiled schemas by object identity, and every app reads its spec afresh: compiled
 * validators are kept by the schema's text instead, so another app built from the same spec (a
 * test's, a restarted one's) compiles nothing.
 */
function compilerOf(ajv: ReturnType<typeof createAjv>): (schema: object) => ValidateFunction {
  const compiled = new Map<string, ValidateFunction>();
  return (schema) => {
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(key, validate);
    }
    return validate;
  };
}

const compileBody = compilerOf(createAjv());
const compileParameterObject = compilerOf(createAjv({ coerceTypes: true, useDefaults: true }));

/** Ajv errors as field errors: `required` points at the missing member, others at the failing value. */
function fieldErrors(
  location: FieldError['in'],
  errors: readonly ErrorObject[] | null | undefined,
  prefix = '',
): FieldError[] {
  return pointedErrors(errors, prefix).map(({ pointer, detail }) => ({ in: location, pointer, detail }));
}

/** Validates (and coerces in place, defaults filled in) one location's parameters; returns field errors. */
function compileParameters(
  location: 'path' | 'query' | 'header',
  parameters: readonly SpecObject[],
): (values: JsonObject) => FieldError[] {
  const validate = compileParameterObject(parametersSchema(location, parameters));
  return (values) => (validate(values) ? [] : fieldErrors(location, validate.errors));
}

/** An operation's input once checked. */
export interface ValidInput extends RequestInput {
  /**
   * The JSON that strings of the body carry (`contentMediaType: application/json`), parsed once
   * by the validation, by JSON pointer: Dito's `event` at `/event`. A body that is itself such a
   * string (JSON sent as `text/plain`) is replaced by its JSON instead.
   */
  carriedJson: ReadonlyMap<string, unknown>;
}

const noCarriedJson: ReadonlyMap<string, unknown> = new Map();

/**
 * The check of an operation's input, in the order a client should fix it: an undeclared media type
 * first (415), then every failing parameter and body field at once (400). Returns the input with
 * its parameters coerced and the JSON that body strings carry decoded.
 */
export function compileInputValidator(operation: OperationRef): (input: RequestInput) => ValidInput {
  const validatePath = compileParameters('path', operation.parameters);
  const validateQuery = compileParameters('query', operation.parameters);
  const validateHeaders = compileParameters('header', operation.parameters);
  const requestBody = operation.requestBody;
  const content = requestBody?.content ?? {};
  const accepted = Object.keys(content).join(' or ');
  const bodyValidators = new Map(
    Object.entries(content).map(([mediaType, media]) => [mediaType, media.schema && compileBody(media.schema)]),
  );

  return (input) => {
    const errors = [...validatePath(input.params), ...validateQuery(input.query), ...validateHeaders(input.headers)];
    let body = input.body;
    let carriedJson = noCarriedJson;
    // An empty body is no body (the parsers map it to undefined); a JSON `null` or `""` is a body, and must match.
    if (body !== undefined) {
      const { mediaType } = input;
      if (!mediaType || !bodyValidators.has(mediaType) || Buffer.isBuffer(body))
        throw new HttpProblem(415, `Content-Type ${mediaType ?? '(none)'} is not accepted here; send ${accepted}.`);
      const validate = bodyValidators.get(mediaType);
      if (validate) {
        const { valid, carried } = validateCarriedJson(validate, body);
        if (!valid) errors.push(...fieldErrors('body', validate.errors));
        else if (carried.has('')) body = carried.get('');
        else carriedJson = carried;
      }
    } else if (requestBody?.required) {
      errors.push({ in: 'body', pointer: '', detail: 'a request body is required' });
    } else if (!requestBody && input.bodySent && operation.method === 'get') {
      // Content in a GET has no defined meaning (RFC 9110 §9.3.1): refused rather than silently dropped.
      errors.push({ in: 'body', pointer: '', detail: 'a GET request takes no body' });
    }
    if (errors.length) throw invalidRequest(errors);
    return { ...input, body, carriedJson };
  };
}

/** Named component schemas (e.g. m1das `Event`) for handlers that re-validate after normalising. */
export function compileSchema(schema: object): (value: unknown, prefix?: string) => FieldError[] {
  const validate = compileBody(schema);
  return (value, prefix = '') => (validate(value) ? [] : fieldErrors('body', validate.errors, prefix));
}
