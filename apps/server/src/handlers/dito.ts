/**
 * Dito: the form carries `platform_api_key` and `sha1_signature` (lowercase hex SHA-1 of the
 * source's secret, compared in constant time); `event` is a JSON string validated against its
 * content schema by the router and parsed here; `created_at` is normalised from the formats
 * real SDKs send (documented `YYYY-MM-DD HH:MM:SS -zzzz`, ISO 8601, date only), now when absent.
 */
import { createHash } from 'node:crypto';
import type { dito } from '@trackspec/types';
import { invalidRequest, unauthorized } from '../problems.js';
import { secretsEqual } from '../sources.js';
import { authenticatedSource, typedHandlers } from './context.js';

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

export const ditoHandlers = typedHandlers<dito.operations>((context) => ({
  async trackUser(input) {
    const { params, body: form } = input;
    const source = authenticatedSource(input);
    if (!form.sha1_signature)
      throw unauthorized(
        'This server verifies `sha1_signature` (SHA-1 of the secret); RSA `signature` is not supported.',
      );
    const expected = createHash('sha1')
      .update(source.secret ?? '')
      .digest('hex');
    if (!source.secret || !secretsEqual(String(form.sha1_signature).toLowerCase(), expected))
      throw unauthorized('The `sha1_signature` is not valid for this API key.');

    // The router has checked `event` against its content schema.
    const event = JSON.parse(form.event) as DitoEvent;
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
