/**
 * The check of a request against its operation, compiled once per operation from the dereferenced
 * spec: parameters (with string-to-type coercion, as they arrive as text, and the spec's defaults)
 * and the body of each declared media type. The server answers its verdicts as RFC 9457 problems;
 * the mocks record them beside what Prism answered. Framework-neutral: the caller reads the request.
 */
import { createAjv, type ErrorObject, type ValidateFunction, validateCarriedJson } from './ajv.js';
import type { JsonObject, SpecObject } from './json.js';
import type { OperationRef } from './operations.js';
import { parametersSchema, pointedErrors } from './request-reading.js';

/** A request as its operation's spec declares it, before anything is checked. */
export interface RequestInput {
  /** Path parameters by their spec names. */
  params: JsonObject;
  /** Query parameters; a free-form `style: form, explode: true` object parameter collects the undeclared ones. */
  query: JsonObject;
  /** Header parameters, by lower-case name. */
  headers: JsonObject;
  /** Of the body's `Content-Type`; undefined for operations that take no body. */
  mediaType: string | undefined;
  /** As parsed (an empty body is none; a body of a type no parser reads is a Buffer); undefined for operations that take no body. */
  body: unknown;
  /** Whether the request carried a body at all (a non-zero Content-Length, or chunked), parsed or not. */
  bodySent: boolean;
}

/** One way a request breaks its operation's spec. */
export interface Violation {
  in: 'body' | 'query' | 'path' | 'header';
  /** JSON Pointer (RFC 6901) into that part of the request. */
  pointer: string;
  /** The JSON Schema keyword that failed (`required`, `type`, `enum`…), or `requestBody` / `mediaType` for the body as a whole. */
  keyword: string;
  detail: string;
}

export type RequestVerdict =
  | {
      valid: true;
      /** The body, or the JSON it carries where the whole body is such a string (JSON sent as `text/plain`). */
      body: unknown;
      /** The JSON that strings of the body carry (`contentMediaType: application/json`), parsed once, by JSON pointer. */
      carriedJson: ReadonlyMap<string, unknown>;
      params: JsonObject;
      query: JsonObject;
      headers: JsonObject;
    }
  /** 415: a media type the operation does not declare (the first thing a client must fix). */
  | { valid: false; status: 415; detail: string; violations: Violation[] }
  /** 400: every failing parameter and body field at once. */
  | { valid: false; status: 400; violations: Violation[] };

/**
 * Ajv caches compiled schemas by object identity, and every reader loads its spec afresh: compiled
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

/** Ajv errors as violations of one part of the request: `required` points at the missing member, others at the failing value. */
const violationsOf = (
  location: Violation['in'],
  errors: readonly ErrorObject[] | null | undefined,
  prefix = '',
): Violation[] => pointedErrors(errors, prefix).map((error) => ({ in: location, ...error }));

/** Validates (and coerces in place, defaults filled in) one location's parameters. */
function compileParameters(
  location: 'path' | 'query' | 'header',
  parameters: readonly SpecObject[],
): (values: JsonObject) => Violation[] {
  const validate = compileParameterObject(parametersSchema(location, parameters));
  return (values) => (validate(values) ? [] : violationsOf(location, validate.errors));
}

const noCarriedJson: ReadonlyMap<string, unknown> = new Map();

/**
 * The check of an operation's input, in the order a client should fix it: an undeclared media type
 * first (415), then every failing parameter and body field at once (400). Parameters are coerced in
 * place; a valid verdict hands back the body with the JSON its strings carry decoded.
 */
export function compileRequestValidator(operation: OperationRef): (input: RequestInput) => RequestVerdict {
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
    const violations = [
      ...validatePath(input.params),
      ...validateQuery(input.query),
      ...validateHeaders(input.headers),
    ];
    let body = input.body;
    let carriedJson = noCarriedJson;
    // An empty body is no body (the parsers map it to undefined); a JSON `null` or `""` is a body, and must match.
    if (body !== undefined) {
      const { mediaType } = input;
      if (!mediaType || !bodyValidators.has(mediaType) || body instanceof Uint8Array) {
        const detail = `Content-Type ${mediaType ?? '(none)'} is not accepted here; send ${accepted}.`;
        return {
          valid: false,
          status: 415,
          detail,
          violations: [{ in: 'header', pointer: '/content-type', keyword: 'mediaType', detail }],
        };
      }
      const validate = bodyValidators.get(mediaType);
      if (validate) {
        const { valid, carried } = validateCarriedJson(validate, body);
        if (!valid) violations.push(...violationsOf('body', validate.errors));
        else if (carried.has('')) body = carried.get('');
        else carriedJson = carried;
      }
    } else if (requestBody?.required) {
      violations.push({ in: 'body', pointer: '', keyword: 'requestBody', detail: 'a request body is required' });
    } else if (!requestBody && input.bodySent && operation.method === 'get') {
      // Content in a GET has no defined meaning (RFC 9110 §9.3.1): refused rather than silently dropped.
      violations.push({ in: 'body', pointer: '', keyword: 'requestBody', detail: 'a GET request takes no body' });
    }
    if (violations.length) return { valid: false, status: 400, violations };
    return { valid: true, body, carriedJson, params: input.params, query: input.query, headers: input.headers };
  };
}

/** A named component schema (e.g. m1das `Event`), for readers that re-validate a value after normalising it. */
export function compileSchemaCheck(schema: object): (value: unknown, prefix?: string) => Violation[] {
  const validate = compileBody(schema);
  return (value, prefix = '') => (validate(value) ? [] : violationsOf('body', validate.errors, prefix));
}
