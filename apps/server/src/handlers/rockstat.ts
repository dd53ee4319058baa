/**
 * Rockstat webhooks/postbacks: the event name and project id come from the path, else the query
 * (else, for the name, the body); `data` is the body merged with the other query parameters (the
 * query wins, as Rockstat's front does); the stored message has the shape of the spec's
 * `incomingMessage` webhook, and the answer is its key and time-ordered 64-bit id.
 */
import type { OperationInput, OperationOutput } from '../openapi/router.js';
import { HttpProblem } from '../problems.js';
import { badRequest, type ApiContext, type HandlerFactory } from './context.js';

type Json = Record<string, any>;

export const rockstatHandlers: HandlerFactory = (context: ApiContext) => {
  async function receive({ params, query, body, request }: OperationInput): Promise<OperationOutput> {
    const bodyData = body && typeof body === 'object' ? (body as Json) : {};
    const name = (params.event_name ?? query.name ?? bodyData.name) as string | undefined;
    if (!name) throw badRequest([{ in: 'query', pointer: '/name', detail: 'is required: give the event name in the path, the `name` query parameter or the body' }]);
    const projectId = Number(params.project_id ?? query.projectId ?? 0);
    const source = context.sources.byProject('rockstat', projectId);
    if (!source) throw new HttpProblem(400, `Project ${projectId} is not configured on this server.`, { errors: [{ in: params.project_id === undefined ? 'query' : 'path', pointer: params.project_id === undefined ? '/projectId' : '/project_id', detail: 'is not a configured project' }] });

    const received = context.now();
    const id = context.ids.next();
    const service = params.service as string;
    const message = {
      key: `in.gen.${service}.${name}`,
      channel: 'http',
      service,
      name,
      projectId,
      uid: context.ids.next(),
      td: { ip: request.ip, ua: request.headers['user-agent'] ?? '' },
      data: { ...bodyData, ...(query.params as Json | undefined) },
      id,
      time: received.getTime(),
    };
    await context.store.append([
      { api: 'rockstat', source: source.id, type: 'webhook', eventName: name, userId: message.uid, anonymousId: null, messageId: id, timestamp: received.toISOString(), receivedAt: received.toISOString(), payload: message },
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
};
