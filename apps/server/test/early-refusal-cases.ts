/**
 * Every answer the server gives before it has read the whole body reaches the client (lingering
 * close, src/lingering-close.ts): over-limit bodies with `Content-Length` (refused before a byte of
 * the body is read) and chunked (refused in the middle), and an encoding no operation takes
 * (refused by a hook before the body is parsed), on every operation that takes a body, in every
 * API, sent by Node's `fetch`, `node:http` and curl. Not one may end in `EPIPE` or `ECONNRESET`.
 * Written once, run on each store (early-refusal.test.ts, early-refusal-postgres.test.ts).
 */
import {
  type BodyClient,
  type BodyFraming,
  bodyClients,
  bodyFramings,
  describeOutcome,
  type ServerProcess,
  sendBody,
} from '@trackspec/harness';
import { defaultMaxBodyBytes, exampleRequests, type OperationRef, operationUrl } from '@trackspec/specs';
import { describe, expect, it } from 'vitest';
import { servedOperations } from './helpers.js';

const bodyOperations = servedOperations.filter(({ operation }) => operation.requestBody);
const limitOf = (operation: OperationRef) => operation.requestBody?.limits.maxBodyBytes ?? defaultMaxBodyBytes;

const sizes = [
  { label: 'limit + 1 byte', bytes: (limit: number) => limit + 1 },
  { label: '3× the limit', bytes: (limit: number) => 3 * limit },
  { label: '12 MB', bytes: () => 12_000_000 },
];
/** Requests per (size, framing, client), spread over the operations in turn. */
const requestsPerRow = 20;

const rows = sizes.flatMap((size) =>
  bodyFramings.flatMap((framing) => bodyClients.map((client) => ({ size, framing, client }))),
);

/** Sends `requestsPerRow` requests, the operations in turn from `offset`, and lists every one not answered `status`. */
async function refusals(
  server: ServerProcess,
  row: { client: BodyClient; framing: BodyFraming; offset: number },
  status: number,
  bodyBytes: (operation: OperationRef) => number,
  headers: Record<string, string> = {},
): Promise<string[]> {
  const failures: string[] = [];
  for (let index = 0; index < requestsPerRow; index++) {
    const { api, operation } = bodyOperations[(row.offset + index) % bodyOperations.length]!;
    const example = exampleRequests(operation)[0];
    const mediaType = example?.mediaType ?? Object.keys(operation.requestBody!.content)[0]!;
    const url = operationUrl(server.urls[api]!, operation, example?.pathParams ?? {});
    const bytes = bodyBytes(operation);
    const outcome = await sendBody(row.client, {
      url: url.href,
      method: operation.method.toUpperCase(),
      headers: { 'content-type': mediaType, ...headers },
      body: Buffer.alloc(bytes, 'a'),
      framing: row.framing,
    });
    if ('error' in outcome || outcome.status !== status)
      failures.push(
        `${api} ${operation.operationId} (${bytes} bytes, ${row.framing}, ${row.client}): ${describeOutcome(outcome)}`,
      );
  }
  return failures;
}

/** The table, against the server `server()` returns once its suite has started it. */
export function earlyRefusalCases(server: () => ServerProcess): void {
  describe('an over-limit body gets its 413, never a reset', () => {
    it.each(
      rows.map((row, index) => ({
        ...row,
        offset: index * 7,
        name: `${row.size.label}, ${row.framing}, ${row.client}`,
      })),
    )(
      '$name',
      async ({ size, framing, client, offset }) => {
        const failures = await refusals(server(), { client, framing, offset }, 413, (operation) =>
          size.bytes(limitOf(operation)),
        );
        expect(failures, failures.join('\n')).toEqual([]);
      },
      120_000,
    );
  });

  describe('a body in an encoding no operation takes gets its 415, never a reset', () => {
    // Refused in preParsing, before the body is read; 3× the limit so that the client is still sending.
    it.each(
      bodyFramings.flatMap((framing) => bodyClients.map((client, index) => ({ framing, client, offset: index * 5 }))),
    )(
      '$framing, $client',
      async ({ framing, client, offset }) => {
        const failures = await refusals(
          server(),
          { client, framing, offset },
          415,
          (operation) => 3 * limitOf(operation),
          {
            'content-encoding': 'br',
          },
        );
        expect(failures, failures.join('\n')).toEqual([]);
      },
      120_000,
    );
  });
}
