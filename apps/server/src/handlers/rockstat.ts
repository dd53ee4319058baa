/**
 * Rockstat webhooks/postbacks: the event name and project id come from the path, else the query
 * (else, for the name, the body); `data` is the body merged with the other query parameters (the
 * query wins, as Rockstat's front does); the stored message has the shape of the spec's
 * `incomingMessage` webhook, and the answer is its key and time-ordered 64-bit id.
 */
import type { JsonObject } from '@trackspec/specs';
import type { rockstat } from '@trackspec/types';
import type { OperationInput, OperationOutput } from '../openapi/router.js';
import { HttpProblem, invalidRequest } from '../problems.js';
import { typedHandlers } from './context.js';

/** What any of the six operations receives: each takes a subset of these. */
type ReceiveInput = OperationInput<
  JsonObject | undefined,
  { service: string; event_name?: string; project_id?: number },
  { name?: string; projectId?: number; params?: Record<string, string> }
>;

// `receiveIncomingMessage` is the webhook Rockstat sends to its services: stored, not served.
export const rockstatHandlers = typedHandlers<'rockstat', Omit<rockstat.operations, 'receiveIncomingMessage'>>(
  (context) => {
    async function receive({ params, query, body, request }: ReceiveInput): Promise<OperationOutput> {
      const bodyData: JsonObject = body ?? {};
      const name = params.event_name ?? query.name ?? (typeof bodyData.name === 'string' ? bodyData.name : undefined);
      if (!name)
        throw invalidRequest([
          {
            in: 'query',
            pointer: '/name',
            detail: 'is required: give the event name in the path, the `name` query parameter or the body',
          },
        ]);
      // Never absent: the path holds it, or the router has filled in the spec's default for the query's.
      const projectId = Number(params.project_id ?? query.projectId);
      const source = context.sources.byProject(context.api, projectId);
      if (!source)
        throw new HttpProblem(400, `Project ${projectId} is not configured on this server.`, {
          errors: [
            {
              in: params.project_id === undefined ? 'query' : 'path',
              pointer: params.project_id === undefined ? '/projectId' : '/project_id',
              detail: 'is not a configured project',
            },
          ],
        });

      const received = context.now();
      const id = context.ids.next();
      const service = params.service;
      const message = {
        key: `in.gen.${service}.${name}`,
        channel: 'http',
        service,
        name,
        projectId,
        uid: context.ids.next(),
        td: { ip: request.ip, ua: request.headers['user-agent'] ?? '' },
        data: { ...bodyData, ...query.params },
        id,
        time: received.getTime(),
      };
      await context.store.append([
        {
          api: context.api,
          source: source.id,
          type: 'webhook',
          eventName: name,
          userId: message.uid,
          anonymousId: null,
          messageId: id,
          timestamp: received.toISOString(),
          receivedAt: received.toISOString(),
          payload: message,
        },
      ]);
      return { status: 200, body: { key: message.key, id } };
    }

    return {
      getServiceEventProject: receive,
      postServiceEventProject: receive,
      getServiceEvent: receive,
      postServiceEvent: receive,
      getService: receive,
      postService: receive,
    };
  },
);
