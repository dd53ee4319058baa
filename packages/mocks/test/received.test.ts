// Mocks that remember: real Prism processes behind the recording front, every API's example
// requests (valid, and made invalid) sent over loopback, and what the inspection API says of them.
import { readFileSync } from 'node:fs';
import {
  apiNames,
  asReceived,
  createAjv,
  credentialsToSend,
  type ExampleRequest,
  encodeBody,
  exampleRequests,
  listOperations,
  loadDereferenced,
  type OperationRef,
  operationUrl,
  placeCredential,
  type RequestParts,
} from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clearReceived, type Mocks, mockCredentials, received, receivedList, startMocks } from '../src/index.js';
import '../src/vitest.js';

const operationsOf = (api: string) => listOperations(loadDereferenced(api)).filter((op) => op.source === 'paths');

/** Sends an example request as a client holding every credential would (`withCredentials: false`: none). */
async function send(
  baseUrl: string,
  api: string,
  operation: OperationRef,
  example: ExampleRequest,
  { withCredentials = true, body = example.body } = {},
): Promise<Response> {
  const parts: RequestParts = { headers: {}, query: {}, body };
  if (example.mediaType) parts.headers['content-type'] = example.mediaType;
  for (const [name, value] of Object.entries(example.query)) parts.query[name] = String(value);
  if (withCredentials)
    for (const { name, location } of credentialsToSend(operation))
      placeCredential(parts, location, mockCredentials([api])[api]![name] ?? 'mock-credential');
  const url = operationUrl(baseUrl, operation, example.pathParams);
  for (const [name, value] of Object.entries(parts.query)) url.searchParams.set(name, value);
  return fetch(url, {
    method: operation.method.toUpperCase(),
    headers: parts.headers,
    body: example.mediaType && parts.body !== undefined ? encodeBody(example.mediaType, parts.body) : undefined,
  });
}

/** The body as a mock records it: the fields that carry a credential or a signature redacted. */
function redacted(operation: OperationRef, body: unknown): unknown {
  const secret = [operation.requestBody?.credential, ...(operation.requestBody?.signatures ?? [])].map(
    (field) => field?.name,
  );
  if (!body || typeof body !== 'object') return body;
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [name, secret.includes(name) ? '[redacted]' : value]),
  );
}

/**
 * Where a mock records each credential the sender placed (`credentialsToSend`): the header (lower-case, as
 * received; a cookie key in `cookie`, HTTP authentication in `authorization`), the query parameter or the body field.
 */
function recordedCredentialPlaces(operation: OperationRef): { part: 'headers' | 'query' | 'body'; name: string }[] {
  return credentialsToSend(operation).map(({ location }) => {
    if (location.in === 'authorization') return { part: 'headers', name: 'authorization' };
    if (location.in === 'cookie') return { part: 'headers', name: 'cookie' };
    if (location.in === 'header') return { part: 'headers', name: location.name.toLowerCase() };
    return { part: location.in, name: location.name };
  });
}

/**
 * A top-level member of the example's body that its schema requires (dropped, Ajv says `required` of
 * it), other than the credential field, which the sender puts back.
 */
function requiredMember(operation: OperationRef, request: ExampleRequest): string | undefined {
  const body = request.body;
  if (!request.schema || !body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const validate = createAjv().compile(request.schema);
  const credential = operation.requestBody?.credential?.name;
  return Object.keys(body).find((name) => {
    if (name === credential) return false;
    const { [name]: _dropped, ...rest } = body as Record<string, unknown>;
    return (
      !validate(rest) &&
      (validate.errors ?? []).some(
        (error) => error.keyword === 'required' && error.instancePath === '' && error.params.missingProperty === name,
      )
    );
  });
}

/** The inspection API's own schema for its list, from `openapi/received.yaml`. */
function listSchemaCheck() {
  const document = parse(readFileSync(new URL('../openapi/received.yaml', import.meta.url), 'utf8'));
  const defs = JSON.parse(JSON.stringify(document.components.schemas).replaceAll('#/components/schemas/', '#/$defs/'));
  return createAjv().compile({ $defs: defs, $ref: '#/$defs/ReceivedList' });
}

let mocks: Mocks;
beforeAll(async () => {
  mocks = await startMocks({ ports: 'ephemeral' });
});
afterAll(() => mocks?.stop());

describe.each(apiNames.map((api) => [api]))('%s mock', (api) => {
  it('records every example request, valid, with its operation, body, status, and credentials redacted', async () => {
    const url = mocks.urls[api]!;
    await clearReceived(url);
    const sent: { operationId: string; body: unknown; status: number; path: string }[] = [];
    const operationsSent: OperationRef[] = [];
    for (const operation of operationsOf(api))
      for (const example of exampleRequests(operation)) {
        const response = await send(url, api, operation, example);
        await response.arrayBuffer();
        const path = operationUrl(url, operation, example.pathParams).pathname;
        const body = example.mediaType ? redacted(operation, asReceived(example.mediaType, example.body)) : undefined;
        sent.push({ operationId: operation.operationId, body, status: response.status, path });
        operationsSent.push(operation);
      }
    const list = await receivedList(url);
    expect(listSchemaCheck()(list), JSON.stringify(list).slice(0, 500)).toBe(true);
    expect(list.entries.map(({ operationId, body, status, path }) => ({ operationId, body, status, path }))).toEqual(
      sent,
    );
    let credentialsSeen = 0;
    for (const [index, entry] of list.entries.entries()) {
      expect(entry.verdict, `${entry.operationId} ${JSON.stringify(entry.verdict)}`).toBe('valid');
      expect(JSON.stringify([entry.headers, entry.query, entry.body])).not.toMatch(/mock-credential|mock:credential/);
      // Kept, with its value replaced: a recorder that dropped the credential (or every header) would fail here.
      for (const { part, name } of recordedCredentialPlaces(operationsSent[index]!)) {
        expect((entry[part] as Record<string, unknown>)?.[name], `${entry.operationId}: ${part} ${name}`).toBe(
          '[redacted]',
        );
        credentialsSeen++;
      }
      expect(Number(entry.id)).toBeGreaterThan(0);
    }
    const secured = operationsSent.some((operation) => credentialsToSend(operation).length > 0);
    expect(credentialsSeen > 0, 'every API whose operations take a credential has one checked').toBe(secured);
    const ids = list.entries.map((entry) => Number(entry.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('records what the spec forbids: a missing required member, a missing credential', async () => {
    const url = mocks.urls[api]!;
    const operation = operationsOf(api).find((candidate) => candidate.security.some((alt) => alt.length > 0));
    const example = operation && exampleRequests(operation)[0]!;
    if (operation && example) {
      await send(url, api, operation, example, { withCredentials: false });
      const [entry] = (await received(url, { operationId: operation.operationId })).slice(-1);
      expect(entry?.verdict).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ keyword: 'security', detail: expect.stringMatching(/^no credential/) }),
        ]),
      );
    }
    const withRequired = operationsOf(api)
      .flatMap((candidate) => exampleRequests(candidate).map((request) => ({ operation: candidate, request })))
      .map(({ operation: candidate, request }) => ({
        operation: candidate,
        request,
        missing: requiredMember(candidate, request),
      }))
      .find(({ missing }) => missing !== undefined);
    if (!withRequired) return; // no example body has a member to drop (see the test below: most do)
    const missing = withRequired.missing!;
    const { [missing]: _dropped, ...body } = withRequired.request.body as Record<string, unknown>;
    await send(url, api, withRequired.operation, withRequired.request, { body });
    const [entry] = await received(url, { operationId: withRequired.operation.operationId, limit: 1_000 }).then((all) =>
      all.slice(-1),
    );
    expect(entry?.verdict).toContainEqual({
      in: 'body',
      pointer: `/${missing}`,
      keyword: 'required',
      detail: 'is required',
    });
  });
});

it('finds a required member to drop in the example bodies of most APIs (the per-API cases above are not vacuous)', () => {
  const apisWithCase = apiNames.filter((api) =>
    operationsOf(api).some((operation) =>
      exampleRequests(operation).some((request) => requiredMember(operation, request) !== undefined),
    ),
  );
  expect(apisWithCase.length, apisWithCase.join(', ')).toBeGreaterThanOrEqual(4);
});

describe('the inspection API', () => {
  it('records a request no operation matches, and filters by operation, since and limit', async () => {
    const url = mocks.urls.m1das!;
    await clearReceived(url);
    expect(await received(url)).toEqual([]);
    const answer = await fetch(`${url}/nowhere?writekey=secret-in-query&x=1&x=2`);
    // An idle connection is kept as long as the collector keeps it (see recording-front.ts).
    expect(answer.headers.get('keep-alive')).toBe('timeout=72');
    const [unknown] = await received(url);
    expect(unknown).toMatchObject({
      method: 'GET',
      path: '/nowhere',
      query: { writekey: '[redacted]', x: ['1', '2'] },
      operationId: null,
      verdict: [{ in: 'path', pointer: '', keyword: 'operation' }],
      status: 404,
    });
    const batch = operationsOf('m1das').find((operation) => operation.operationId === 'ingestBatch')!;
    for (let i = 0; i < 3; i++) await (await send(url, 'm1das', batch, exampleRequests(batch)[0]!)).arrayBuffer();
    const all = await received(url);
    expect(all.map((entry) => entry.operationId)).toEqual([null, 'ingestBatch', 'ingestBatch', 'ingestBatch']);
    expect(await received(url, { operationId: 'ingestBatch', since: all[1]!.id, limit: 1 })).toEqual([all[2]]);
    const refused = await fetch(`${url}/__trackspec/received?limit=0`);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect((await refused.json()).errors).toEqual([{ in: 'query', pointer: '/limit', detail: expect.any(String) }]);
  });

  it('shows a request Prism lets through but the spec forbids (JSON carried in a form field)', async () => {
    const url = mocks.urls.dito!;
    await clearReceived(url);
    const operation = operationsOf('dito')[0]!;
    const example = exampleRequests(operation)[0]!;
    const body = { ...(example.body as Record<string, unknown>), event: '{"revenue": 1}' };
    const response = await send(url, 'dito', operation, example, { body });
    const [entry] = await received(url);
    expect(response.status, 'Prism judges the form only, not the JSON in it').toBeLessThan(300);
    expect(entry?.status).toBe(response.status);
    expect(entry?.verdict).toContainEqual(
      expect.objectContaining({ in: 'body', pointer: '/event/action', keyword: 'required' }),
    );
  });

  it('keeps at most receivedLimit entries, the newest, and counts the ones it dropped', async () => {
    const bounded = await startMocks({ apis: ['hellotext'], ports: 'ephemeral', receivedLimit: 3 });
    try {
      const url = bounded.urls.hellotext!;
      for (let i = 0; i < 5; i++) await (await fetch(`${url}/nowhere/${i}`)).arrayBuffer();
      const list = await receivedList(url);
      expect(list.entries.map((entry) => entry.path)).toEqual(['/nowhere/2', '/nowhere/3', '/nowhere/4']);
      expect(list.dropped).toBe(2);
      await clearReceived(url);
      expect(await receivedList(url)).toEqual({ entries: [], dropped: 0 });
    } finally {
      await bounded.stop();
    }
  });
});

describe('expect(mock).toHaveReceived', () => {
  it('finds a request by operation and by a subset of its body, or of an object nested in it (one event of a batch)', async () => {
    const url = mocks.urls.m1das!;
    await clearReceived(url);
    const batch = operationsOf('m1das').find((operation) => operation.operationId === 'ingestBatch')!;
    const example = exampleRequests(batch)[0]!;
    await (await send(url, 'm1das', batch, example)).arrayBuffer();
    const firstEvent = (example.body as { batch: Record<string, unknown>[] }).batch[0]!;
    await expect(url).toHaveReceived('ingestBatch');
    await expect(url).toHaveReceived('ingestBatch', { type: firstEvent.type, timestamp: expect.any(String) });
    await expect({ url }).not.toHaveReceived('ingestBatch', { type: 'no-such-type' });
    await expect(expect(url).toHaveReceived('ingestBrowserEvent')).rejects.toThrow(
      /expected the mock to have received ingestBrowserEvent; it received 0/,
    );
  });
});
