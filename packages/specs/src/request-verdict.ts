/**
 * The verdict on a request against its operation, from checks compiled elsewhere: the server and
 * the mocks compile them with Ajv at run time (`compileRequestValidator`), the client ships them as
 * Ajv standalone code. One reading of what a request must be, whoever compiled the schemas. No Node
 * built-in and no Ajv at run time, like credentials.ts: browsers load it with the client.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { JsonObject } from './json.js';
import { pointedErrors } from './request-reading.js';

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

/** A compiled schema check, Ajv's way: true or false, and the errors of the last call. */
export interface SchemaCheck {
  (data: unknown): boolean;
  errors?: readonly ErrorObject[] | null;
}

/** A body check that also hands back the JSON its strings carry (`contentSchema`), by JSON pointer. */
export type BodyCheck = (body: unknown) => {
  valid: boolean;
  carried: Map<string, unknown>;
  errors: readonly ErrorObject[] | null | undefined;
};

/** The compiled checks of one operation: each location's parameters (coercing in place), each media type's body. */
export interface RequestChecks {
  parameters(location: 'path' | 'query' | 'header'): SchemaCheck;
  /** Undefined for a declared media type without a schema (anything goes). */
  body(mediaType: string): BodyCheck | undefined;
}

/** What of the operation the verdict reads besides its compiled checks. */
export interface VerdictOperation {
  method: string;
  requestBody?: { required?: boolean; content?: Record<string, unknown> } | undefined;
}

/** Ajv errors as violations of one part of the request: `required` points at the missing member, others at the failing value. */
export const violationsOf = (
  location: Violation['in'],
  errors: readonly ErrorObject[] | null | undefined,
  prefix = '',
): Violation[] => pointedErrors(errors, prefix).map((error) => ({ in: location, ...error }));

const noCarriedJson: ReadonlyMap<string, unknown> = new Map();

/**
 * The check of an operation's input, in the order a client should fix it: an undeclared media type
 * first (415), then every failing parameter and body field at once (400). Parameters are coerced in
 * place; a valid verdict hands back the body with the JSON its strings carry decoded.
 */
export function compileRequestVerdict(
  operation: VerdictOperation,
  checks: RequestChecks,
): (input: RequestInput) => RequestVerdict {
  const parameterChecks = (['path', 'query', 'header'] as const).map(
    (location) => [location, checks.parameters(location)] as const,
  );
  const requestBody = operation.requestBody;
  const content = requestBody?.content ?? {};
  const accepted = Object.keys(content).join(' or ');
  const bodyChecks = new Map(Object.keys(content).map((mediaType) => [mediaType, checks.body(mediaType)]));
  const valuesOf = { path: 'params', query: 'query', header: 'headers' } as const;

  return (input) => {
    const violations: Violation[] = [];
    for (const [location, validate] of parameterChecks)
      if (!validate(input[valuesOf[location]])) violations.push(...violationsOf(location, validate.errors));
    let body = input.body;
    let carriedJson = noCarriedJson;
    // An empty body is no body (the parsers map it to undefined); a JSON `null` or `""` is a body, and must match.
    if (body !== undefined) {
      const { mediaType } = input;
      if (!mediaType || !bodyChecks.has(mediaType) || body instanceof Uint8Array) {
        const detail = `Content-Type ${mediaType ?? '(none)'} is not accepted here; send ${accepted}.`;
        return {
          valid: false,
          status: 415,
          detail,
          violations: [{ in: 'header', pointer: '/content-type', keyword: 'mediaType', detail }],
        };
      }
      const validate = bodyChecks.get(mediaType);
      if (validate) {
        const { valid, carried, errors } = validate(body);
        if (!valid) violations.push(...violationsOf('body', errors));
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
