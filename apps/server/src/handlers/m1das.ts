/**
 * m1das (Segment-compatible, the Jitsu ingest API): the path names the type (`event` takes it
 * from the body), batches merge their `context` into each event (the event's keys win), and every
 * stored event gets `receivedAt`, a `messageId` when absent, and a `timestamp` corrected for the
 * client's clock skew when `sentAt` is known (receivedAt − (sentAt − timestamp), as Segment does).
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '@trackspec/specs';
import type { m1das } from '@trackspec/types';
import type { SourceConfig } from '../config.js';
import type { OperationInput, OperationOutput } from '../openapi/router.js';
import { invalidRequest } from '../problems.js';
import type { NewEvent } from '../storage/event-store.js';
import { componentValidator, typedHandlers } from './context.js';

type Event = m1das.components['schemas']['Event'];
type BatchRequest = m1das.components['schemas']['BatchRequest'];
/** An event as it is stored: what the server settles is always there. */
type ReceivedEvent = Event & { type: string; messageId: string; receivedAt: string; originalTimestamp?: string };

function normalizeEvent(
  event: Event & { type: string },
  receivedAt: ReceivedAt,
  envelopeSentAt?: string,
): ReceivedEvent {
  const normalized: ReceivedEvent = {
    ...event,
    messageId: event.messageId ?? randomUUID(),
    receivedAt: receivedAt.iso,
  };
  const sentAt = event.sentAt ?? envelopeSentAt;
  if (event.timestamp === undefined) {
    normalized.timestamp = receivedAt.iso;
  } else if (sentAt !== undefined) {
    const skew = Date.parse(sentAt) - Date.parse(event.timestamp);
    if (Number.isFinite(skew)) {
      normalized.originalTimestamp = event.timestamp;
      normalized.timestamp = new Date(receivedAt.ms - skew).toISOString();
    }
  }
  return normalized;
}

/** The receipt time, formatted once per request rather than once per event. */
interface ReceivedAt {
  ms: number;
  iso: string;
}

function receivedAtOf(date: Date): ReceivedAt {
  return { ms: date.getTime(), iso: date.toISOString() };
}

function toNewEvent(api: string, source: string, event: ReceivedEvent): NewEvent {
  return {
    api,
    source,
    type: event.type,
    eventName: event.event ?? event.name ?? null,
    userId: event.userId ?? null,
    anonymousId: event.anonymousId ?? null,
    messageId: event.messageId,
    timestamp: event.timestamp ?? null,
    receivedAt: event.receivedAt,
    payload: event,
  };
}

/** The event without the copy of the write key Segment's browser SDK puts in it. */
function withoutWriteKey<E extends object>(event: E): E {
  const { writeKey: _credential, ...rest } = event as E & { writeKey?: unknown };
  return rest as E;
}

/** Segment's browser SDK names the type by its first letter (`/v1/t`). */
const browserCallTypes = { p: 'page', t: 'track', i: 'identify', g: 'group' } as const;

export const m1dasHandlers = typedHandlers<'m1das'>((context) => {
  const validateEvent = componentValidator(context, 'Event');

  /** Stores one event under the type its path settled. */
  async function storeOne(source: string, event: Event, type: NonNullable<Event['type']>): Promise<void> {
    const typed = { ...event, type };
    // With the type settled by the path, the per-type rules (track needs `event`, group needs
    // `groupId`) apply; when the body already said the same type, the router has checked them.
    if (typed.type !== event.type) {
      const errors = validateEvent(typed);
      if (errors.length) throw invalidRequest(errors);
    }
    const received = normalizeEvent(typed, receivedAtOf(context.now()));
    await context.store.append([toNewEvent(context.api, source, received)]);
  }

  return {
    async ingestEvent(input) {
      const { params, body: event } = input;
      const pathType = params['event-type'];
      const type = pathType === 'event' ? event.type : pathType;
      if (type === undefined) {
        throw invalidRequest([
          { in: 'body', pointer: '/type', detail: 'is required on /api/s/event (the type comes from the body)' },
        ]);
      }
      await storeOne(input.source.id, event, type);
      return { status: 200, body: { ok: true } };
    },

    async ingestBrowserEvent(input) {
      // The router has taken the credential (header, Basic, query, else the body's writeKey); it is not an event field.
      const event = withoutWriteKey(input.body);
      await storeOne(input.source.id, event, browserCallTypes[input.params['segment-call']]);
      return { status: 200, body: { ok: true } };
    },

    ingestBatch,
    // Segment's browser SDK with its `batching` strategy: the same body, limits and answer.
    ingestBrowserBatch: ingestBatch,
  };

  async function ingestBatch(
    input: OperationInput<BatchRequest, JsonObject, JsonObject, SourceConfig>,
  ): Promise<OperationOutput> {
    const { body: request, bodyBytes, source } = input;
    // Batches report events above the spec's per-event limit in `errors` instead of failing whole.
    const maxEventBytes = input.operation.requestBody?.limits.maxEventBytes ?? Number.POSITIVE_INFINITY;
    // The router took header, Basic or query credentials first (the Jitsu order), the body's writeKey otherwise.
    const receivedAt = receivedAtOf(context.now());
    const errors: string[] = [];
    const accepted: NewEvent[] = [];
    // An event counts its bytes as sent: within a body no bigger than the limit, none can exceed it.
    const someMayBeTooLarge = (bodyBytes ?? Number.POSITIVE_INFINITY) > maxEventBytes;
    for (const item of request.batch) {
      // The browser SDK repeats the write key in every event: a credential, never stored (copied only then).
      const sent = 'writeKey' in item ? withoutWriteKey(item) : item;
      const merged = request.context ? { ...sent, context: { ...request.context, ...sent.context } } : sent;
      const event = normalizeEvent(merged, receivedAt, request.sentAt);
      if (someMayBeTooLarge && Buffer.byteLength(JSON.stringify(item)) > maxEventBytes) {
        errors.push(`Message ID: ${event.messageId}: the event is larger than ${maxEventBytes} bytes`);
        continue;
      }
      accepted.push(toNewEvent(context.api, source.id, event));
    }
    if (accepted.length) await context.store.append(accepted);
    const result: m1das.components['schemas']['BatchResult'] = {
      ok: errors.length === 0,
      receivedEvents: request.batch.length,
      okEvents: accepted.length,
    };
    if (errors.length) result.errors = errors;
    return { status: 200, body: result };
  }
});
