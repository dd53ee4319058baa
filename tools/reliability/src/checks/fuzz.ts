/**
 * Fuzzing from the specs: property-based requests (fast-check, arbitraries built from each
 * operation's schemas) against a real server. Valid-by-schema requests — with the credentials and
 * the cross-field rules the specs state in prose filled in — must be accepted (positive data
 * acceptance); breaks that Ajv confirms break the schema, and arbitrary JSON that does not fit
 * it, must be rejected with a 4xx problem (negative data rejection). Never a 5xx, and every answer
 * must be one the spec documents, with a body that matches it.
 */
import { schemaBreaks } from '@trackspec/contract-tests';
import type { ServerProcess } from '@trackspec/harness';
import {
  apis,
  asReceived,
  createAjv,
  defaultMaxBodyBytes,
  defaultMaxDepth,
  encodeBody,
  isJsonMediaType,
  type JsonObject,
  jsonDepth,
  listOperations,
  loadDereferenced,
  mediaTypeOf,
  type OperationRef,
  operationUrl,
  responseProblems,
} from '@trackspec/specs';
import fc from 'fast-check';
import { type FuzzRequest, requestArbitrary } from './fuzz-requests.js';
import { count, emptySummary, type Summary } from './summary.js';

export interface FuzzResult extends Summary {
  failures: string[];
  /** Limit-sweep requests: grown within the limits, past the nesting limit, past the size limit. */
  sweep: { within: number; pastDepth: number; pastSize: number };
}

const ajv = createAjv();
// Breaks are judged with standard semantics (contentSchema as an annotation), as in the contract suite.
const plainAjv = createAjv({}, { assertContentSchema: false });
/** What came back for one request, and what was sent: a transport error takes the answer's place. */
interface FuzzAnswer {
  status: number;
  mediaType: string;
  body: unknown;
  /** The start of the answer's body as text. */
  bodyStart: string;
  /** `EPIPE`, `ECONNRESET`, …: the request got no answer. */
  transportError?: string;
  /** The body's size in bytes and JSON nesting (0 without a body). */
  sent: { bytes: number; depth: number };
}

async function send(
  server: ServerProcess,
  api: string,
  operation: OperationRef,
  request: FuzzRequest,
): Promise<FuzzAnswer> {
  const url = operationUrl(server.urls[api]!, operation, request.pathParams);
  for (const [name, value] of Object.entries(request.query)) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...request.headers };
  if (request.mediaType) headers['content-type'] = request.mediaType;
  const encoded =
    request.mediaType && request.body !== undefined ? encodeBody(request.mediaType, request.body) : undefined;
  const sent = { bytes: encoded === undefined ? 0 : Buffer.byteLength(encoded), depth: nestingOf(request) };
  let response: Response;
  try {
    response = await fetch(url, { method: operation.method.toUpperCase(), headers, body: encoded });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const transportError = cause?.code ?? cause?.message ?? String(error);
    return { status: 0, mediaType: '', body: undefined, bodyStart: '', transportError, sent };
  }
  const text = await response.text();
  const mediaType = mediaTypeOf(response.headers.get('content-type')) ?? '';
  let parsed: unknown = text || undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // checked below: the spec's schema will not match
  }
  return { status: response.status, mediaType, body: parsed, bodyStart: text.slice(0, 200), sent };
}

/** The deepest JSON nesting of a body: the body itself, or the JSON its fields carry (Dito's `event`). */
function nestingOf(request: FuzzRequest): number {
  const body: unknown = request.body;
  if (body === undefined) return 0;
  // Arbitrary JSON bodies can be any value: null, a number, an array.
  const fields = body !== null && typeof body === 'object' ? Object.values(body) : [];
  const texts = [JSON.stringify(body), ...fields.filter((value): value is string => typeof value === 'string')];
  return Math.max(...texts.map((text) => jsonDepth(text)));
}

/** What came back, for a failure message: the status and the start of the body, or the transport error. */
function describeAnswer(answer: FuzzAnswer): string {
  return answer.transportError
    ? `no answer, transport error ${answer.transportError}`
    : `got ${answer.status} ${answer.bodyStart || '(no body)'}`;
}

/**
 * A fast-check failure in a few lines, each cut short (a counterexample can be megabytes of body), with
 * what the property threw: fast-check keeps that in the error's `cause`, not in its message.
 */
function shortPropertyFailure(error: Error): string {
  const lines = error.message
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('Hint:'))
    .slice(0, 6);
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined)
    lines.push(`threw: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
  return lines.map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line)).join(' ');
}

export interface FuzzOptions {
  /** Requests to send per API at least (spread over its operations). */
  requestsPerApi: number;
  seed: number;
  /** Limit-sweep requests per operation that takes a body (default 12). */
  sweepPerOperation?: number;
  /** The server's body limit where an operation states none (its `defaultBodyLimit`, default 1 MiB). */
  defaultBodyLimit?: number;
}

/** Integers from 1 to `max`, log-uniform, with the limit and one past it always among the candidates. */
const aroundLimit = (limit: number) =>
  fc.oneof(
    fc.constantFrom(limit, limit + 1),
    fc
      .double({ min: 0, max: Math.log(2 * limit), noNaN: true })
      .map((exponent) => Math.max(1, Math.round(Math.exp(exponent)))),
  );

/** Arrays and `{"v": …}` objects in turn, `levels` deep (0: a scalar). */
function nestedValue(levels: number): unknown {
  let value: unknown = 0;
  for (let level = levels; level > 0; level--) value = level % 2 ? [value] : { v: value };
  return value;
}

/** Where a value can be added to a body: the JSON a field carries (Dito's `event`) or the body itself. */
interface Target {
  /** The form field holding the JSON, if any. */
  field?: string;
  /** Member path inside that JSON to the object that takes the new members (`[]`: its root). */
  path: string[];
}

function jsonFields(schema: JsonObject | undefined): string[] {
  const properties = (schema?.properties ?? {}) as Record<string, JsonObject>;
  return Object.keys(properties).filter((name) => isJsonMediaType(String(properties[name]?.contentMediaType)));
}

/** The body with `members` added at the target (a copy). */
function withMembers(body: JsonObject, target: Target, members: JsonObject): JsonObject | undefined {
  const copy = structuredClone(body);
  let root: JsonObject;
  if (target.field !== undefined) {
    if (typeof copy[target.field] !== 'string') return undefined;
    root = JSON.parse(copy[target.field] as string);
  } else root = copy;
  let object: unknown = root;
  for (const name of target.path) {
    const parent = object as JsonObject | undefined;
    // An optional object member the body does not have yet is added.
    if (parent && typeof parent === 'object' && parent[name] === undefined) parent[name] = {};
    object = parent?.[name];
  }
  if (!object || typeof object !== 'object' || Array.isArray(object)) return undefined;
  Object.assign(object, members);
  if (target.field !== undefined) copy[target.field] = JSON.stringify(root);
  return copy;
}

/** A target where added members keep the body valid: the root, else an object member of it. */
function findTarget(body: JsonObject, schema: JsonObject, valid: (body: unknown) => boolean): Target | undefined {
  const fieldSchemas = (schema.properties ?? {}) as Record<string, JsonObject>;
  const roots = [
    { target: { path: [] } as Target, schema },
    ...jsonFields(schema).map((field) => ({
      target: { field, path: [] } as Target,
      schema: fieldSchemas[field]?.contentSchema as JsonObject,
    })),
  ];
  for (const { target: root, schema: rootSchema } of roots) {
    const json = root.field === undefined ? body : safeParse(body[root.field]);
    const names = new Set([
      ...Object.keys((json as JsonObject | undefined) ?? {}),
      ...Object.keys((rootSchema?.properties as JsonObject | undefined) ?? {}),
    ]);
    const candidates = [root, ...[...names].map((name) => ({ ...root, path: [name] }))];
    for (const target of candidates) {
      const probe = withMembers(body, target, { x_fuzz_probe: [{ v: 'x' }] });
      if (probe && valid(probe)) return target;
    }
  }
  return undefined;
}

function safeParse(text: unknown): unknown {
  try {
    return typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Fuzzes every operation of the vendor APIs (the admin API reads, it does not ingest). */
export async function runFuzz(server: ServerProcess, options: FuzzOptions): Promise<FuzzResult> {
  const { requestsPerApi, seed } = options;
  const result: FuzzResult = {
    ...emptySummary(`fuzzing from the specs (≥ ${requestsPerApi} requests per API, seed ${seed})`),
    failures: [],
    sweep: { within: 0, pastDepth: 0, pastSize: 0 },
  };
  const record = (label: string, answer: FuzzAnswer, operation: OperationRef, expect: '2xx' | '4xx') => {
    const at = `${label} (${operation.operationId}, ${answer.sent.bytes} bytes, depth ${answer.sent.depth})`;
    if (answer.transportError) {
      if (result.failures.length < 20) result.failures.push(`${at}: expected ${expect}, ${describeAnswer(answer)}`);
      return false;
    }
    count(result, answer.status);
    const problems = responseProblems(operation.operation, answer, ajv);
    const expectedClass = expect === '2xx' ? 2 : 4;
    if (Math.floor(answer.status / 100) !== expectedClass)
      problems.unshift(`expected ${expect}, ${describeAnswer(answer)}`);
    else if (problems.length) problems.push(describeAnswer(answer));
    if (problems.length && result.failures.length < 20) result.failures.push(`${at}: ${problems.join('; ')}`);
    return problems.length === 0;
  };
  const sweepRuns = options.sweepPerOperation ?? 12;
  const swept = { depth: 0, size: 0, skipped: [] as string[] };
  const sweepLimits = async (api: string, operation: OperationRef, label: string) => {
    const maxDepth = operation.requestBody?.limits.maxDepth ?? defaultMaxDepth;
    const maxBytes = operation.requestBody?.limits.maxBodyBytes ?? options.defaultBodyLimit ?? defaultMaxBodyBytes;
    const content = operation.requestBody?.content ?? {};
    await fc
      .assert(
        fc.asyncProperty(
          (await requestArbitrary(api, operation, server)).filter((request) => request.body !== undefined),
          fc.oneof(
            aroundLimit(maxDepth).map((levels) => ({ kind: 'depth' as const, levels, bytes: 0 })),
            aroundLimit(maxBytes).map((bytes) => ({ kind: 'size' as const, levels: 0, bytes })),
          ),
          async (request, { kind, levels, bytes }) => {
            const mediaType = request.mediaType!;
            const schema = content[mediaType]!.schema as JsonObject;
            const valid = (body: unknown) => ajv.validate(schema, asReceived(mediaType, body));
            const target = findTarget(request.body!, schema, valid);
            if (!target) {
              if (!swept.skipped.includes(label)) swept.skipped.push(label);
              return true;
            }
            let body = withMembers(request.body!, target, { x_fuzz_deep: nestedValue(levels), x_fuzz_pad: '' })!;
            const sizeOf = (candidate: JsonObject) => Buffer.byteLength(encodeBody(mediaType, candidate));
            if (kind === 'size') {
              const pad = 'x'.repeat(Math.max(0, bytes - sizeOf(body)));
              body = withMembers(request.body!, target, { x_fuzz_deep: 0, x_fuzz_pad: pad })!;
            }
            const sent = sizeOf(body);
            const depthText = target.field === undefined ? encodeBody(mediaType, body) : String(body[target.field]);
            const depth = jsonDepth(depthText, maxDepth);
            swept[kind]++;
            const answer = await send(server, api, operation, { ...request, body });
            const at = `${label} ${kind} sweep (depth ${Math.min(depth, maxDepth + 1)}/${maxDepth}, ${sent}/${maxBytes} bytes)`;
            if (sent > maxBytes) {
              result.sweep.pastSize++;
              return record(at, answer, operation, '4xx') && expectStatus(at, answer, 413);
            }
            if (depth > maxDepth) {
              result.sweep.pastDepth++;
              return record(at, answer, operation, '4xx') && expectStatus(at, answer, 400);
            }
            result.sweep.within++;
            // Within the limits: accepted exactly when the grown body is still valid (a bounded string may not be).
            return record(at, answer, operation, depth <= maxDepth && valid(body) ? '2xx' : '4xx');
          },
        ),
        { numRuns: sweepRuns, seed, endOnFailure: true },
      )
      .catch((error: Error) => {
        if (result.failures.length < 20) result.failures.push(`${label} limit sweep: ${shortPropertyFailure(error)}`);
      });
  };
  const expectStatus = (label: string, answer: FuzzAnswer, expected: number) => {
    if (answer.status === expected) return true;
    if (result.failures.length < 20) result.failures.push(`${label}: expected ${expected}, ${describeAnswer(answer)}`);
    return false;
  };
  const perApi: string[] = [];
  for (const { name: api } of apis.filter(({ name }) => name !== 'admin')) {
    const operations = listOperations(loadDereferenced(api)).filter((candidate) => candidate.source === 'paths');
    const sentBefore = result.sent;
    for (const operation of operations) {
      const label = `${api} ${operation.method.toUpperCase()} ${operation.path}`;
      const content = operation.requestBody?.content ?? {};
      // A run sends the valid request, and for a body up to two breaks and one arbitrary JSON body
      // (2 or more); a margin keeps the API's total above the target.
      const requestsPerRun = Object.keys(content).length ? 2 : 1;
      const runsPerOperation = Math.ceil((requestsPerApi / operations.length / requestsPerRun) * 1.3);
      await fc
        .assert(
          fc.asyncProperty(
            await requestArbitrary(api, operation, server),
            fc.jsonValue({ maxDepth: 3 }),
            async (request, garbage) => {
              const accepted = record(`${label} valid`, await send(server, api, operation, request), operation, '2xx');
              let rejected = true;
              if (request.body && request.mediaType) {
                const schema = content[request.mediaType]!.schema;
                const plain = plainAjv.compile(schema);
                // Judge what travels: a form turns every value into a string (and any JSON into fields).
                const wire = (candidate: unknown) => asReceived(request.mediaType!, candidate);
                // Two breaks per run (one of each of the first kinds that apply): the runs vary the bodies.
                for (const bodyBreak of schemaBreaks(request.body, schema, (candidate) => !plain(wire(candidate)), {
                  limit: 2,
                })) {
                  rejected =
                    record(
                      `${label} ${bodyBreak.name}`,
                      await send(server, api, operation, { ...request, body: bodyBreak.body }),
                      operation,
                      '4xx',
                    ) && rejected;
                }
                if (!plain(wire(garbage)))
                  rejected =
                    record(
                      `${label} arbitrary JSON`,
                      await send(server, api, operation, { ...request, body: garbage as JsonObject }),
                      operation,
                      '4xx',
                    ) && rejected;
              }
              return accepted && rejected;
            },
          ),
          { numRuns: runsPerOperation, seed, endOnFailure: true },
        )
        .catch((error: Error) => {
          if (result.failures.length < 20) result.failures.push(`${label}: ${shortPropertyFailure(error)}`);
        });
      if (operation.requestBody) await sweepLimits(api, operation, label);
    }
    perApi.push(`${api} ${result.sent - sentBefore}`);
  }
  result.notes.push(`requests per API: ${perApi.join(', ')}`);
  result.notes.push(
    `limit sweep: ${swept.depth} depth and ${swept.size} size requests (${result.sweep.within} within the limits, ` +
      `${result.sweep.pastDepth} past the nesting limit, ${result.sweep.pastSize} past the size limit)` +
      (swept.skipped.length ? `; no open object to grow in ${swept.skipped.join(', ')}` : ''),
  );
  result.notes.push(`${result.failures.length} failing properties`);
  return result;
}
