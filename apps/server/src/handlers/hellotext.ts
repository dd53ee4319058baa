/** Hellotext: Bearer token → source; a profile or a session (checked by the spec's schema); 201 {"state":"ok"}. */
import type { hellotext } from '@trackspec/types';
import { authenticatedSource, typedHandlers } from './context.js';

export const hellotextHandlers = typedHandlers<hellotext.operations>((context) => ({
  async trackAttributionEvent(input) {
    const { body: event } = input;
    const source = authenticatedSource(input);
    const receivedAt = context.now().toISOString();
    await context.store.append([
      {
        api: context.api,
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
}));
