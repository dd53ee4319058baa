/** Hellotext: Bearer token → source; a profile or a session (checked by the spec's schema); 201 {"state":"ok"}. */
import type { OperationInput } from '../openapi/router.js';
import { sourceByKey, type ApiContext, type HandlerFactory } from './context.js';

type Json = Record<string, any>;

export const hellotextHandlers: HandlerFactory = (context: ApiContext) => ({
  async trackAttributionEvent({ body, credential }: OperationInput) {
    const source = sourceByKey(context, credential?.value, 'bearer token');
    const event = body as Json;
    const receivedAt = context.now().toISOString();
    await context.store.append([
      {
        api: 'hellotext',
        source: source.id,
        type: 'event',
        eventName: event.action,
        userId: event.profile ?? null,
        anonymousId: event.session_id ?? null,
        messageId: null,
        timestamp: receivedAt,
        receivedAt,
        payload: { ...event, receivedAt },
      },
    ]);
    return { status: 201, body: { state: 'ok' } };
  },
});
