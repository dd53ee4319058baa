/**
 * The check of a request against its operation, compiled once per operation from the dereferenced
 * spec: parameters (with string-to-type coercion, as they arrive as text, and the spec's defaults)
 * and the body of each declared media type. The server answers its verdicts as RFC 9457 problems;
 * the mocks record them beside what Prism answered. Framework-neutral: the caller reads the request.
 */
import { validateCarriedJson } from './ajv.js';
import type { OperationRef } from './operations.js';
import { type CheckOptions, compileCheck, type PrecompiledChecks } from './precompiled.js';
import { parametersSchema } from './request-reading.js';
import {
  compileRequestVerdict,
  type RequestInput,
  type RequestVerdict,
  type Violation,
  violationsOf,
} from './request-verdict.js';

export type { RequestInput, RequestVerdict, Violation } from './request-verdict.js';

/** The Ajv options of request checks: bodies as they are; parameters coerced from text, with the spec's defaults. */
export const requestCheckOptions = {
  body: {},
  parameters: { coerceTypes: true, useDefaults: true },
} as const satisfies Record<string, CheckOptions>;

/** Every schema `compileRequestValidator` compiles for `operation`, with its options: what a generator precompiles. */
export function requestCheckSchemas(operation: OperationRef): { options: CheckOptions; schema: object }[] {
  return [
    ...(['path', 'query', 'header'] as const).map((location) => ({
      options: requestCheckOptions.parameters,
      schema: parametersSchema(location, operation.parameters),
    })),
    ...Object.values(operation.requestBody?.content ?? {}).flatMap((media) =>
      media.schema ? [{ options: requestCheckOptions.body, schema: media.schema as object }] : [],
    ),
  ];
}

/**
 * The check of an operation's input (see `compileRequestVerdict`), its schemas compiled here with the
 * shared Ajv set-up: parameters with string-to-type coercion (they arrive as text) and the spec's defaults.
 * Checks in `precompiled` (Ajv standalone code built from these very schemas) are used instead of compiling.
 */
export function compileRequestValidator(
  operation: OperationRef,
  precompiled?: PrecompiledChecks,
): (input: RequestInput) => RequestVerdict {
  const content = operation.requestBody?.content ?? {};
  return compileRequestVerdict(operation, {
    parameters: (location) =>
      compileCheck(requestCheckOptions.parameters, parametersSchema(location, operation.parameters), precompiled),
    body(mediaType) {
      const schema = content[mediaType]?.schema;
      if (!schema) return undefined;
      const validate = compileCheck(requestCheckOptions.body, schema, precompiled);
      return (body) => ({ ...validateCarriedJson(validate, body), errors: validate.errors });
    },
  });
}

/** A named component schema (e.g. m1das `Event`), for readers that re-validate a value after normalising it. */
export function compileSchemaCheck(
  schema: object,
  precompiled?: PrecompiledChecks,
): (value: unknown, prefix?: string) => Violation[] {
  const validate = compileCheck(requestCheckOptions.body, schema, precompiled);
  return (value, prefix = '') => (validate(value) ? [] : violationsOf('body', validate.errors, prefix));
}
