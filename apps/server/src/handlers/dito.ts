/**
 * Dito: the form carries `platform_api_key` and `sha1_signature` (checked by the router, as the
 * spec's `x-body-signatures` says); `event` is a JSON string that the router validates against its
 * content schema and parses; `created_at` is normalised from the formats real SDKs send (documented `YYYY-MM-DD HH:MM:SS -zzzz`, ISO 8601, date only), now when absent.
 */
import type { dito } from '@trackspec/types';
import { invalidRequest } from '../problems.js';
import { typedHandlers } from './context.js';

type DitoEvent = dito.components['schemas']['DitoEvent'];

/** ISO 8601 for Dito's date formats; a missing offset is read as UTC. Undefined when unparseable. */
export function parseDitoDate(value: string): string | undefined {
  const documented = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
    value.trim(),
  );
  let iso: string;
  if (documented) {
    const [, date, time, offset = 'Z'] = documented;
    const zone = offset === 'Z' ? 'Z' : `${offset.slice(0, 3)}:${offset.slice(-2)}`;
    iso = `${date}T${time!.length === 5 ? `${time}:00` : time}${zone}`;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) {
    iso = `${value.trim()}T00:00:00Z`;
  } else {
    iso = value;
  }
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

export const ditoHandlers = typedHandlers<'dito'>((context) => ({
  async trackUser(input) {
    // The router has authenticated the key and its signature (`x-body-signatures`).
    const { params, body: form, source } = input;

    // The router has checked `event` against its content schema, and parsed it.
    const event = input.carriedJson.get('/event') as DitoEvent;
    const receivedAt = context.now().toISOString();
    const happenedAt = event.created_at === undefined ? receivedAt : parseDitoDate(String(event.created_at));
    if (!happenedAt)
      throw invalidRequest([
        {
          in: 'body',
          pointer: '/event/created_at',
          detail: 'is not a date in a supported format (YYYY-MM-DD HH:MM:SS -zzzz, ISO 8601 or YYYY-MM-DD)',
        },
      ]);
    const [stored] = await context.store.append([
      {
        api: context.api,
        source: source.id,
        type: 'event',
        eventName: event.action,
        userId: params.id,
        anonymousId: null,
        messageId: null,
        timestamp: happenedAt,
        receivedAt,
        payload: {
          id: params.id,
          id_type: form.id_type,
          network_name: form.network_name,
          ...(form.encoding ? { encoding: form.encoding } : {}),
          event: { ...event, created_at: happenedAt },
          receivedAt,
        },
      },
    ]);
    const tracked: Record<string, unknown> = {
      id: Number(stored!.id),
      action: event.action,
      created_at: happenedAt,
      data: event.data ?? {},
    };
    if (event.revenue !== undefined) tracked.revenue = event.revenue;
    return { status: 200, body: { data: [tracked] } };
  },
}));
