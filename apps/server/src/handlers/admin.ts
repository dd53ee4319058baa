/**
 * The admin API (specs/admin): stored events for operators, behind the admin bearer token (the
 * router has authenticated it: the token is the key of the admin API's one source); probes at the root.
 */
import { HttpProblem, invalidRequest, serviceUnavailable } from '../problems.js';
import { InvalidCursorError, StoreUnavailableError } from '../storage/event-store.js';
import { StoreNotWritableError, type WriteFailureReason } from '../storage/write-health.js';
import { typedHandlers } from './context.js';

/**
 * Readiness's 503 says why in these words, never the database's own message (5xx details stay inside).
 * specs/admin's NotReady response shows each as an example; test/handlers/admin.test.ts compares them.
 */
export function notReadyDetail(reason: WriteFailureReason): string {
  return `Not ready: ${notReadyBecause[reason]}, so no event can be stored now. Retry later.`;
}

const notReadyBecause = {
  'disk-full': "the disk of the event store's database is full",
  'database-unreachable': "the event store's database cannot be reached",
  'lease-lost': 'this replica no longer holds its worker-id lease (it expired, or another replica took it)',
  'write-failed': 'writes to the event store fail (for example its database is locked or busy)',
} satisfies Record<WriteFailureReason, string>;

export const adminHandlers = typedHandlers<'admin'>((context) => ({
  async listEvents(input) {
    // `limit` is never absent: the router fills in the spec's default.
    const { api, source, type, messageId, from, to, cursor, limit } = input.query;
    try {
      return {
        status: 200,
        body: await context.store.list({ api, source, type, messageId, from, to, cursor, limit: limit! }),
      };
    } catch (error) {
      if (error instanceof InvalidCursorError)
        throw invalidRequest([{ in: 'query', pointer: '/cursor', detail: 'is not a cursor from a previous page' }]);
      throw error;
    }
  },
  async getEvent(input) {
    const event = await context.store.get(input.params.id);
    if (!event) throw new HttpProblem(404, `No event with id ${input.params.id}.`);
    return { status: 200, body: event };
  },
  async getHealth() {
    return { status: 200, body: { status: 'ok' } };
  },
  async getReadiness() {
    try {
      await context.store.ping();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      const reason = error instanceof StoreNotWritableError ? error.reason : 'write-failed';
      throw serviceUnavailable(notReadyDetail(reason), { cause: error });
    }
    return { status: 200, body: { status: 'ready' } };
  },
}));
