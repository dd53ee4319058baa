/**
 * The admin API (specs/admin): stored events for operators, behind the admin bearer token (the
 * router has authenticated it: the token is the key of the admin API's one source); probes at the root.
 */
import type { admin } from '@trackspec/types';
import { HttpProblem, invalidRequest } from '../problems.js';
import { InvalidCursorError } from '../storage/event-store.js';
import { typedHandlers } from './context.js';

export const adminHandlers = typedHandlers<admin.operations>((context) => ({
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
    await context.store.ping();
    return { status: 200, body: { status: 'ready' } };
  },
}));
