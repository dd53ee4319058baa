/** Hellotext: Bearer token → source; a profile or a session (checked by the spec's schema); 201 {"state":"ok"}. */
import { typedHandlers } from './context.js';

export const hellotextHandlers = typedHandlers<'hellotext'>((context) => ({
  async trackAttributionEvent(input) {
    const { body: event, source } = input;
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
