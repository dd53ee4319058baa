/**
 * A request as it leaves the client, read the way the server reads one (`compileInputReader`) and
 * judged by the verdict the server gives (`compileRequestVerdict`), over the generated standalone
 * validators instead of schemas compiled at run time.
 */
import {
  type BodyCheck,
  compileQueryReader,
  compileRequestVerdict,
  isJsonMediaType,
  mediaTypeOf,
  type RequestInput,
  type RequestVerdict,
  type SchemaCheck,
} from '@trackspec/specs/checks';
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { AnyRequest } from '../outgoing-request.js';
import type { CarriedJsonCheck, GeneratedOperation } from './generated-operation.js';

const pointerOf = (path: readonly string[]) =>
  path.map((name) => `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/**
 * The body's check with its carried JSON checked too, as `createAjv`'s asserting `contentSchema`
 * keyword does on the server: a string that is not JSON, or whose JSON breaks its schema, fails at
 * the string's pointer (the JSON's own pointers appended); valid JSON is handed back by pointer.
 */
function bodyCheck(check: SchemaCheck | undefined, carried: readonly CarriedJsonCheck[]): BodyCheck {
  return (body) => {
    const valid = check ? check(body) : true;
    const errors: ErrorObject[] = [...((!valid && check?.errors) || [])];
    const decoded = new Map<string, unknown>();
    for (const { path, check: checkContent } of carried) {
      let value: unknown = body;
      for (const name of path)
        value = value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
      if (typeof value !== 'string') continue; // `type` reports non-strings
      const at = pointerOf(path);
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch (error) {
        errors.push({
          keyword: 'contentSchema',
          instancePath: at,
          schemaPath: '#/contentSchema',
          params: {},
          message: `must be a string holding valid JSON (${(error as Error).message})`,
        });
        continue;
      }
      if (checkContent(parsed)) decoded.set(at, parsed);
      else
        for (const inner of checkContent.errors ?? []) errors.push({ ...inner, instancePath: at + inner.instancePath });
    }
    return { valid: errors.length === 0, carried: decoded, errors };
  };
}

/** The body as the server's parsers hand it over: JSON parsed, a form as its fields, text as text. */
function parseBody(mediaType: string | undefined, text: string): unknown {
  if (!text) return undefined;
  if (mediaType && isJsonMediaType(mediaType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    const fields: Record<string, string> = {};
    new URLSearchParams(text).forEach((value, name) => {
      fields[name] = value;
    });
    return fields;
  }
  if (!mediaType || mediaType.startsWith('text/')) return text;
  return new TextEncoder().encode(text);
}

/** The verdict on an outgoing request, compiled once per operation. */
export function compileRequestCheck(
  operation: GeneratedOperation,
): (request: AnyRequest, pathParams: Record<string, unknown>) => Promise<RequestVerdict> {
  const content = operation.requestBody?.content ?? {};
  const verdict = compileRequestVerdict(operation, {
    parameters: (location) => operation.parameterChecks[location],
    body: (mediaType) => {
      const media = content[mediaType];
      return media && (media.schema || media.carried.length)
        ? bodyCheck(media.schema?.$check, media.carried)
        : undefined;
    },
  });
  const readQuery = compileQueryReader(operation.parameters);
  const headerNames = operation.parameters
    .filter((parameter) => parameter.in === 'header')
    .map((parameter) => parameter.name.toLowerCase());

  return async (request, pathParams) => {
    const url = new URL(request.url);
    // A repeated parameter as an array, as the server's query parser hands it over.
    const rawQuery: Record<string, string | string[]> = {};
    url.searchParams.forEach((value, name) => {
      const seen = rawQuery[name];
      rawQuery[name] = seen === undefined ? value : [seen, value].flat();
    });
    const headers: Record<string, unknown> = {};
    for (const name of headerNames) {
      const value = request.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    // Path parameters travel as text, as the server receives them.
    const params = Object.fromEntries(Object.entries(pathParams).map(([name, value]) => [name, String(value)]));
    const text = request.body === null ? '' : await request.clone().text();
    const mediaType = mediaTypeOf(request.headers.get('content-type'));
    const input: RequestInput = {
      params,
      query: readQuery(rawQuery),
      headers,
      mediaType: operation.requestBody ? mediaType : undefined,
      body: operation.requestBody ? parseBody(mediaType, text) : undefined,
      bodySent: text.length > 0,
    };
    return verdict(input);
  };
}
