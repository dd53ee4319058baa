/**
 * A Segment-style batching queue for m1das: `track/identify/page/group` enqueue an event (with
 * `messageId` and `timestamp` filled when absent); the queue sends `/v1/batch` requests when it
 * holds `flushAt` events or `flushInterval` ms after the first queued one, each within the spec's
 * body limit, with `sentAt` set at send time and the client's retries. Every event ends
 * acknowledged or reported to `onError`: none is dropped silently.
 */

import { apiFacts, type m1das } from '@trackspec/types';
import { createM1dasClient, type M1dasClient, type M1dasClientOptions } from './apis/m1das.js';
import { EventRejectedError } from './errors.js';

type Schemas = m1das.components['schemas'];
export type QueuedEvent = Schemas['BatchEvent'];
type Without<Event, Keys extends PropertyKey> = { [Key in keyof Event as Key extends Keys ? never : Key]: Event[Key] };
/** What a caller passes: the event without `type` (the method gives it), `messageId` and `timestamp` optional. */
type Input<Event> = Without<Event, 'type' | 'messageId' | 'timestamp'> & { messageId?: string; timestamp?: string };

export interface AnalyticsOptions extends Partial<M1dasClientOptions> {
  /** An existing client (else one is created from `baseUrl` and `writeKey`). */
  client?: M1dasClient;
  /** Send when this many events are queued (default 15). */
  flushAt?: number;
  /** Send this many ms after the first event is queued (default 10 s). */
  flushInterval?: number;
  /** Largest event accepted, in bytes of JSON (default: the spec's `x-max-event-bytes` of `/v1/batch`). */
  maxEventBytes?: number;
  /** Largest batch request body, in bytes of JSON (default: the spec's `x-max-body-bytes` of `/v1/batch`). */
  maxBatchBytes?: number;
  /** Told about every event that failed for good (default: console.error). */
  onError?: (error: Error, events: QueuedEvent[]) => void;
}

export interface FlushResult {
  /** Events the API acknowledged. */
  sent: number;
  /** Events that failed for good (each reported to `onError`). */
  failed: number;
}

/** The `/v1/batch` limits of the m1das spec (generated from it by @trackspec/types). */
const batchLimits = apiFacts.m1das.operations.ingestBatch;

const encoder = new TextEncoder();
const byteLength = (value: unknown) => encoder.encode(JSON.stringify(value)).byteLength;
// `{"batch":[` + `],"sentAt":"2026-11-23T12:00:00.000Z"}`, with room to spare.
const envelopeBytes = 64;

export class Analytics {
  readonly #client: M1dasClient;
  readonly #flushAt: number;
  readonly #flushInterval: number;
  readonly #maxEventBytes: number;
  readonly #maxBatchBytes: number;
  readonly #onError: (error: Error, events: QueuedEvent[]) => void;
  #queue: { event: QueuedEvent; bytes: number }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight = new Set<Promise<FlushResult>>();
  #closed = false;

  constructor(options: AnalyticsOptions) {
    if (!options.client && (!options.baseUrl || !options.writeKey))
      throw new TypeError('Analytics needs a client, or a baseUrl and a writeKey');
    this.#client = options.client ?? createM1dasClient(options as M1dasClientOptions);
    this.#flushAt = Math.max(1, options.flushAt ?? 15);
    this.#flushInterval = options.flushInterval ?? 10_000;
    this.#maxEventBytes = options.maxEventBytes ?? batchLimits.maxEventBytes;
    this.#maxBatchBytes = options.maxBatchBytes ?? batchLimits.maxBodyBytes;
    this.#onError =
      options.onError ??
      ((error, events) => console.error(`trackspec analytics: ${events.length} event(s) failed:`, error));
  }

  /** Events queued and not yet sent. */
  get pending(): number {
    return this.#queue.length;
  }

  track(event: Input<Schemas['TrackEvent']>): void {
    this.#enqueue('track', event);
  }

  identify(event: Input<Schemas['IdentifyEvent']>): void {
    this.#enqueue('identify', event);
  }

  page(event: Input<Schemas['PageEvent']>): void {
    this.#enqueue('page', event);
  }

  group(event: Input<Schemas['GroupEvent']>): void {
    this.#enqueue('group', event);
  }

  /** Sends everything queued; resolves when every event is acknowledged or has failed for good. */
  async flush(): Promise<FlushResult> {
    this.#clearTimer();
    const batches = this.#takeBatches();
    for (const batch of batches) {
      const sending = this.#send(batch);
      this.#inFlight.add(sending);
      void sending.finally(() => this.#inFlight.delete(sending));
    }
    const results = await Promise.all([...this.#inFlight]);
    return results.reduce(
      (total, result) => ({ sent: total.sent + result.sent, failed: total.failed + result.failed }),
      { sent: 0, failed: 0 },
    );
  }

  /** Stops accepting events and flushes the rest. */
  async closeAndFlush(): Promise<FlushResult> {
    this.#closed = true;
    return this.flush();
  }

  #enqueue(type: QueuedEvent['type'], input: object): void {
    if (this.#closed) throw new Error('Analytics is closed: closeAndFlush() was called');
    const event = {
      ...input,
      type,
      messageId: (input as { messageId?: string }).messageId ?? crypto.randomUUID(),
      timestamp: (input as { timestamp?: string }).timestamp ?? new Date().toISOString(),
    } as QueuedEvent;
    const bytes = byteLength(event);
    if (bytes > this.#maxEventBytes) {
      throw new EventRejectedError(
        `The ${type} event is ${bytes} bytes of JSON; the API accepts at most ${this.#maxEventBytes}`,
        event,
      );
    }
    this.#queue.push({ event, bytes });
    if (this.#queue.length >= this.#flushAt) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#flushInterval);
  }

  /** Splits the queue into batches of at most `flushAt` events and `maxBatchBytes` bytes. */
  #takeBatches(): QueuedEvent[][] {
    const batches: QueuedEvent[][] = [];
    let current: QueuedEvent[] = [];
    let currentBytes = envelopeBytes;
    for (const { event, bytes } of this.#queue) {
      if (current.length > 0 && (current.length >= this.#flushAt || currentBytes + bytes + 1 > this.#maxBatchBytes)) {
        batches.push(current);
        current = [];
        currentBytes = envelopeBytes;
      }
      current.push(event);
      currentBytes += bytes + 1;
    }
    if (current.length > 0) batches.push(current);
    this.#queue = [];
    return batches;
  }

  async #send(batch: QueuedEvent[]): Promise<FlushResult> {
    try {
      const { data, error } = await this.#client.POST('/v1/batch', {
        body: { batch, sentAt: new Date().toISOString() },
      });
      if (error) throw error;
      const failedIds = new Map<string, string>();
      for (const message of data.errors ?? []) {
        const match = /^Message ID: (.*?): (.*)$/s.exec(message);
        if (match) failedIds.set(match[1]!, match[2]!);
      }
      const failed = batch.filter((event) => failedIds.has(String(event.messageId)));
      if (failed.length > 0)
        this.#onError(
          new Error(`The API refused ${failed.length} event(s): ${[...failedIds.values()].join('; ')}`),
          failed,
        );
      return { sent: batch.length - failed.length, failed: failed.length };
    } catch (error) {
      this.#onError(error instanceof Error ? error : new Error(String(error)), batch);
      return { sent: 0, failed: batch.length };
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

export function createAnalytics(options: AnalyticsOptions): Analytics {
  return new Analytics(options);
}
