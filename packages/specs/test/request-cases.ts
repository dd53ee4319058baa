/**
 * Requests derived from the specs, as the contract suite derives them (never a hand-kept list): each
 * named example, and breaks of the first example of each media type from the suite's own
 * `schemaBreaks` (required members, types, enums, branches, if/then, patterns, formats, bounds,
 * undeclared members, JSON carried in a string), an undeclared media type, path and query parameters
 * that break their schema, a required query parameter left out. The expected verdict is the server's own
 * (`compileRequestValidator`) on the request as the server would read it. Shared by the client's
 * request checks and the server's precompiled validators, which must judge as the server does.
 */

import { schemaBreaks } from '../src/breaking.js';
import {
  asReceived,
  compileQueryReader,
  compileRequestValidator,
  exampleRequests,
  type JsonObject,
  listOperations,
  loadDereferenced,
  type OperationRef,
  type RequestInput,
  type RequestVerdict,
  type SpecObject,
} from '../src/index.js';

export interface DerivedRequest {
  operation: OperationRef;
  name: string;
  pathParams: Record<string, unknown>;
  query: Record<string, unknown>;
  mediaType?: string;
  body?: unknown;
  /** A violation the break must produce, when it is a break. */
  expected?: { in: string; pointer: string; keyword: string };
}

/** The query as the server receives it: form style, exploded objects, every value as text. */
function queryAsReceived(query: Record<string, unknown>): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) raw[key] = String(inner);
    else if (value !== undefined) raw[name] = String(value);
  }
  return raw;
}

/** A derived request as the server reads it, ready for a verdict. */
export function requestInput(request: DerivedRequest): RequestInput {
  const { operation } = request;
  return {
    params: Object.fromEntries(Object.entries(request.pathParams).map(([name, value]) => [name, String(value)])),
    query: compileQueryReader(operation.parameters)(queryAsReceived(request.query)),
    headers: {},
    mediaType: request.mediaType,
    body: request.mediaType ? asReceived(request.mediaType, request.body) : undefined,
    bodySent: request.body !== undefined,
  };
}

/** The server's verdict on a derived request. */
export function serverVerdict(request: DerivedRequest): RequestVerdict {
  return compileRequestValidator(request.operation)(requestInput(request));
}

/**
 * The breaks of `base`'s body that `schemaBreaks` derives, as the contract suite derives them, each
 * kept only when the server's verdict refuses it, with the suite's own bound per body (every kind
 * before any has two); the violation it expects is the server's, at the place the break names when
 * the server names it there.
 */
function bodyBreaks(base: DerivedRequest, schema: SpecObject): DerivedRequest[] {
  const validate = compileRequestValidator(base.operation);
  const verdictOn = (body: JsonObject) => validate(requestInput({ ...base, body }));
  const refused = (body: JsonObject) => !verdictOn(body).valid;
  // The server asserts `contentSchema`: the same judge goes into the JSON that strings carry.
  return schemaBreaks(base.body as JsonObject, schema, refused, {
    isInvalidAssertingContent: refused,
  }).map(({ kind, name, body }) => {
    const verdict = verdictOn(body);
    const violations = verdict.valid ? [] : verdict.violations;
    const places = name.split(/[\s()]+/);
    const named = violations.find(({ pointer }) => places.includes(pointer));
    const { in: place, pointer, keyword } = named ?? violations[0]!;
    return { ...base, name: `${kind}: ${name}`, body, expected: { in: place, pointer, keyword } };
  });
}

/** A value that breaks a parameter's schema, and the keyword that refuses it (parameters travel as text). */
function parameterBreak(schema: SpecObject, location: string): { value: string; keyword: string } | undefined {
  if (schema.enum) return { value: 'not-in-the-enum', keyword: 'enum' };
  if (['integer', 'number', 'boolean'].includes(schema.type)) return { value: `not-a-${schema.type}`, keyword: 'type' };
  if (schema.format === 'date-time') return { value: 'not-a-date-time', keyword: 'format' };
  if (schema.pattern) return { value: '~', keyword: 'pattern' };
  if (schema.minLength && location === 'query') return { value: '', keyword: 'minLength' };
  return undefined;
}

export function deriveRequests(api: string): DerivedRequest[] {
  const requests: DerivedRequest[] = [];
  for (const operation of listOperations(loadDereferenced(api)).filter((candidate) => candidate.source === 'paths')) {
    const examples = exampleRequests(operation);
    for (const example of examples)
      requests.push({
        operation,
        ...example,
        name: `example ${example.name ?? 'parameters'} (${example.mediaType ?? 'no body'})`,
      });
    const seen = new Set<string>();
    for (const example of examples) {
      if (!example.mediaType || seen.has(example.mediaType)) continue;
      seen.add(example.mediaType);
      const base = { operation, ...example, name: '' };
      if (example.schema && example.body && typeof example.body === 'object' && !Array.isArray(example.body))
        requests.push(...bodyBreaks(base, example.schema));
      const undeclared = ['application/xml', 'text/csv'].find(
        (type) => !(type in (operation.requestBody?.content ?? {})),
      )!;
      requests.push({
        ...base,
        name: `undeclared media type ${undeclared}`,
        mediaType: undeclared,
        body: '<x/>',
        expected: { in: 'header', pointer: '/content-type', keyword: 'mediaType' },
      });
    }
    const example = examples[0]!;
    for (const parameter of operation.parameters.filter((candidate) => ['path', 'query'].includes(candidate.in))) {
      const broken = parameterBreak(parameter.schema ?? {}, parameter.in);
      if (!broken) continue;
      const place = parameter.in === 'path' ? 'pathParams' : 'query';
      requests.push({
        operation,
        ...example,
        [place]: { ...example[place], [parameter.name]: broken.value },
        name: `${parameter.in} parameter ${parameter.name} = ${JSON.stringify(broken.value)}`,
        expected: { in: parameter.in, pointer: `/${parameter.name}`, keyword: broken.keyword },
      });
    }
    for (const parameter of operation.parameters.filter(
      (candidate) => candidate.in === 'query' && candidate.required,
    )) {
      const { [parameter.name]: _dropped, ...query } = example.query;
      requests.push({
        operation,
        ...example,
        query,
        name: `missing query parameter ${parameter.name}`,
        expected: { in: 'query', pointer: `/${parameter.name}`, keyword: 'required' },
      });
    }
  }
  // As the contract suite does: a break counts only when the server's verdict confirms it (a form sends 12345 as text).
  return requests.filter((request) => !request.expected || !serverVerdict(request).valid);
}
