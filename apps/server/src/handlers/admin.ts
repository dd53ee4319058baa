/** The admin API (specs/admin): stored events for operators, behind the admin bearer token; probes at the root. */
import type { admin } from '@trackspec/types';
import type { Credential } from '../openapi/security.js';
import { HttpProblem } from '../problems.js';
import { secretsEqual } from '../sources.js';
import { InvalidCursorError } from '../storage/event-store.js';
import { badRequest, typedHandlers } from './context.js';

export const adminHandlers = typedHandlers<admin.operations>((context) => {
  const authorize = ({ credential }: { credential: Credential | undefined }) => {
    const token = context.config.adminToken;
    if (!token || !credential || !secretsEqual(credential.value, token))
      throw new HttpProblem(401, 'A valid admin bearer token is required.');
  };

  return {
    async listEvents(input) {
      authorize(input);
      const { api, source, type, messageId, from, to, cursor, limit } = input.query;
      try {
        return {
          status: 200,
          body: await context.store.list({ api, source, type, messageId, from, to, cursor, limit: limit ?? 100 }),
        };
      } catch (error) {
        if (error instanceof InvalidCursorError)
          throw badRequest([{ in: 'query', pointer: '/cursor', detail: 'is not a cursor from a previous page' }]);
        throw error;
      }
    },
    async getEvent(input) {
      authorize(input);
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
  };
});
