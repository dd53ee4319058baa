/**
 * Every answer the server gives before it has read the whole body reaches the client (lingering
 * close, src/lingering-close.ts): over-limit bodies with `Content-Length` (refused before a byte of
 * the body is read) and chunked (refused in the middle), and an encoding no operation takes
 * (refused by a hook before the body is parsed), on every operation that takes a body, in every
 * API, sent by Node's `fetch`, `node:http` and curl (tools/harness early-refusals.ts). Not one may end
 * in `EPIPE` or `ECONNRESET`. Written once, run on each store (early-refusal.test.ts,
 * early-refusal-postgres.test.ts).
 */
import {
  bodyClients,
  bodyFramings,
  bodyLimitOf,
  overLimitRows,
  type ServerProcess,
  unrefusedRequests,
} from '@trackspec/harness';
import { describe, expect, it } from 'vitest';

/** The table, against the server `server()` returns once its suite has started it. */
export function earlyRefusalCases(server: () => ServerProcess): void {
  describe('an over-limit body gets its 413, never a reset', () => {
    it.each(overLimitRows)(
      '$name',
      async (row) => {
        const failures = await unrefusedRequests(server().urls, row, 413, (operation) =>
          row.size.bytes(bodyLimitOf(operation)),
        );
        expect(failures, failures.join('\n')).toEqual([]);
      },
      120_000,
    );
  });

  describe('a body in an encoding no operation takes gets its 415, never a reset', () => {
    // Refused in preParsing, before the body is read; 3× the limit so that the client is still sending.
    const rows = bodyFramings.flatMap((framing) =>
      bodyClients.map((client, index) => ({ framing, client, offset: index * 5 })),
    );
    it.each(rows)(
      '$framing, $client',
      async (row) => {
        const failures = await unrefusedRequests(server().urls, row, 415, (operation) => 3 * bodyLimitOf(operation), {
          headers: { 'content-encoding': 'br' },
        });
        expect(failures, failures.join('\n')).toEqual([]);
      },
      120_000,
    );
  });
}
