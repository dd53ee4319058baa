/**
 * TTO CDP: the project key travels in the body (`api_key`; the query for settings); `msg_id`
 * deduplicates; `timestamp` is in seconds (number or digit string); alias records an identity link.
 */
import type { tto } from '@trackspec/types';
import type { SourceConfig } from '../config.js';
import type { OperationInput } from '../openapi/router.js';
import { typedHandlers } from './context.js';

function secondsToIso(timestamp: unknown): string | null {
  if (timestamp === undefined || timestamp === null || timestamp === '') return null;
  const seconds = Number(timestamp);
  return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : null;
}

type Message = tto.components['schemas']['CommonFields'];

export const ttoHandlers = typedHandlers<'tto'>((context) => {
  const store =
    (type: 'track' | 'identify' | 'alias') =>
    async (input: OperationInput<Message, unknown, unknown, SourceConfig>) => {
      const { body: message, source } = input;
      const receivedAt = context.now().toISOString();
      // The key authenticated the request; it is not kept with the event.
      const { api_key: _key, ...payload } = message;
      await context.store.append([
        {
          api: context.api,
          source: source.id,
          type,
          eventName: type === 'track' && typeof message.event === 'string' ? message.event : null,
          userId: message.user_id ?? null,
          anonymousId: message.anonymous_id ?? null,
          messageId: message.msg_id ?? null,
          timestamp: secondsToIso(message.timestamp) ?? receivedAt,
          receivedAt,
          payload: { ...payload, type, receivedAt },
        },
      ]);
      return { status: 200, body: { ok: true, ...(message.msg_id ? { msg_id: message.msg_id } : {}) } };
    };

  return {
    track: store('track'),
    identify: store('identify'),
    alias: store('alias'),
    async getSettings({ source }) {
      return { status: 200, body: { source_id: source.id, type: 'http_api', destinations: [], ...source.settings } };
    },
  };
});
