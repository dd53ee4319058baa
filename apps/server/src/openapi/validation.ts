/**
 * The server's side of request validation (`compileRequestValidator` of @trackspec/specs, shared
 * with the mocks): a 415 or 400 verdict becomes an RFC 9457 problem naming each failing field. The
 * checks come precompiled (scripts/generate-validators.ts); a schema the build did not see is compiled here.
 */
import {
  compileRequestValidator,
  compileSchemaCheck,
  type OperationRef,
  type RequestInput,
  type Violation,
} from '@trackspec/specs';
import { precompiledChecks } from '../generated/validators/index.js';
import { type FieldError, HttpProblem, invalidRequest } from '../problems.js';

/** An operation's input once checked. */
export interface ValidInput extends RequestInput {
  /**
   * The JSON that strings of the body carry (`contentMediaType: application/json`), parsed once
   * by the validation, by JSON pointer: Dito's `/event`. A body that is itself such a string (JSON
   * sent as `text/plain`) is replaced by its JSON instead.
   */
  carriedJson: ReadonlyMap<string, unknown>;
}

const fieldError = ({ in: location, pointer, detail }: Violation): FieldError => ({ in: location, pointer, detail });

/** Throws the problem for a refused input; returns the input with its parameters coerced and carried JSON decoded. */
export function compileInputValidator(operation: OperationRef): (input: RequestInput) => ValidInput {
  const check = compileRequestValidator(operation, precompiledChecks);
  return (input) => {
    const verdict = check(input);
    if (verdict.valid) return { ...input, body: verdict.body, carriedJson: verdict.carriedJson };
    if (verdict.status === 415) throw new HttpProblem(415, verdict.detail);
    throw invalidRequest(verdict.violations.map(fieldError));
  };
}

/** Named component schemas (e.g. m1das `Event`) for handlers that re-validate after normalising. */
export function compileSchema(schema: object): (value: unknown, prefix?: string) => FieldError[] {
  const check = compileSchemaCheck(schema, precompiledChecks);
  return (value, prefix) => check(value, prefix).map(fieldError);
}
