/**
 * The check of a request against its operation, compiled once per operation from the dereferenced
 * spec: parameters (with string-to-type coercion, as they arrive as text, and the spec's defaults)
 * and the body of each declared media type. The server answers its verdicts as RFC 9457 problems;
 * the mocks record them beside what Prism answered. Framework-neutral: the caller reads the request.
 */
import { createAjv, type ValidateFunction, validateCarriedJson } from './ajv.js';
import type { OperationRef } from './operations.js';
import { parametersSchema } from './request-reading.js';
import {
  compileRequestVerdict,
  type RequestInput,
  type RequestVerdict,
  type Violation,
  violationsOf,
} from './request-verdict.js';

export type { RequestInput, RequestVerdict, Violation } from './request-verdict.js';

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

/**
 * The check of an operation's input (see `compileRequestVerdict`), its schemas compiled here with the
 * shared Ajv set-up: parameters with string-to-type coercion (they arrive as text) and the spec's defaults.
 */
export function compileRequestValidator(operation: OperationRef): (input: RequestInput) => RequestVerdict {
  const content = operation.requestBody?.content ?? {};
  return compileRequestVerdict(operation, {
    parameters: (location) => compileParameterObject(parametersSchema(location, operation.parameters)),
    body(mediaType) {
      const schema = content[mediaType]?.schema;
      if (!schema) return undefined;
      const validate = compileBody(schema);
      return (body) => ({ ...validateCarriedJson(validate, body), errors: validate.errors });
    },
  });
}

/** A named component schema (e.g. m1das `Event`), for readers that re-validate a value after normalising it. */
export function compileSchemaCheck(schema: object): (value: unknown, prefix?: string) => Violation[] {
  const validate = compileBody(schema);
  return (value, prefix = '') => (validate(value) ? [] : violationsOf('body', validate.errors, prefix));
}
