/**
 * The pieces of reading and checking a request as its operation's spec declares it, shared by the
 * server and the mocks (`compileInputReader`, `compileRequestValidator`), the contract suite's
 * `verify-pact` and the response checks: the query as the operation declares it, the schema of one
 * location's parameters, and Ajv errors as JSON pointers. No Node built-in, like credentials.ts.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { JsonObject, SpecObject } from './json.js';

/**
 * The query as the operation declares it: declared parameters by name (the last of repeated values),
 * and, where a free-form `style: form, explode: true` object parameter exists, every undeclared one
 * collected under it.
 */
export function compileQueryReader(parameters: readonly SpecObject[]): (raw: Record<string, unknown>) => JsonObject {
  const freeForm = parameters.find(
    (parameter) =>
      parameter.in === 'query' &&
      parameter.schema?.type === 'object' &&
      (parameter.style ?? 'form') === 'form' &&
      parameter.explode !== false,
  );
  const declared = new Set(
    parameters.filter((parameter) => parameter.in === 'query' && parameter !== freeForm).map(({ name }) => name),
  );
  return (raw) => {
    const query: JsonObject = {};
    const undeclared: JsonObject = {};
    for (const [name, value] of Object.entries(raw)) {
      const single = Array.isArray(value) ? value.at(-1) : value;
      if (declared.has(name) || !freeForm) query[name] = single;
      else undeclared[name] = single;
    }
    if (freeForm && Object.keys(undeclared).length) query[freeForm.name] = undeclared;
    return query;
  };
}

/**
 * One location's parameters as one object schema (header names in lower case, as they arrive),
 * validated with type coercion since parameters arrive as text.
 */
export function parametersSchema(location: 'path' | 'query' | 'header', parameters: readonly SpecObject[]): SpecObject {
  const declared = parameters.filter((parameter) => parameter.in === location);
  const nameOf = (parameter: SpecObject) =>
    location === 'header' ? String(parameter.name).toLowerCase() : String(parameter.name);
  return {
    type: 'object',
    properties: Object.fromEntries(declared.map((parameter) => [nameOf(parameter), parameter.schema ?? {}])),
    required: declared.filter((parameter) => parameter.required).map(nameOf),
  };
}

/** One schema failure: where (JSON pointer, `required` pointing at the missing member), which keyword, and why. */
export interface PointedError {
  pointer: string;
  keyword: string;
  detail: string;
}

/** Ajv errors as pointed errors, without the `if`/`anyOf`/`oneOf` wrappers that repeat their inner errors. */
export function pointedErrors(errors: readonly ErrorObject[] | null | undefined, prefix = ''): PointedError[] {
  const seen = new Set<string>();
  const result: PointedError[] = [];
  for (const error of errors ?? []) {
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
    if (!seen.has(key)) result.push({ pointer, keyword: error.keyword, detail });
    seen.add(key);
  }
  return result;
}
