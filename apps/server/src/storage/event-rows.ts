/**
 * The events table's rows as the store passes them between its threads, and their mapping to and from
 * the EventStore's types: insert values from NewEvents, StoredEvents from rows, list filters to queries
 * and rows to pages. The list cursor's format is private to this file.
 */
import {
  type EventFilter,
  type EventPage,
  InvalidCursorError,
  type NewEvent,
  type StoredEvent,
} from './event-store.js';

/** Insert columns; an append carries their values flat, row after row, in this order. */
export const INSERT_COLUMNS = [
  'api',
  'source',
  'type',
  'event_name',
  'user_id',
  'anonymous_id',
  'message_id',
  'timestamp',
  'received_at',
  'payload',
] as const;
type InsertColumn = (typeof INSERT_COLUMNS)[number];
export const COLUMN_COUNT = INSERT_COLUMNS.length;

export type ColumnValue = string | null;

/** The columns every store reads back as they were written: text, or null. */
export interface EventTextColumns {
  api: string;
  source: string;
  type: string;
  event_name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  message_id: string | null;
  timestamp: string | null;
}

/** A row of SQLite's events table. */
export interface SqliteEventRow extends EventTextColumns {
  id: number;
  received_at: string;
  payload: string;
}

/**
 * A list query: the filter's equalities and times (checked and normalised by toListQuery), a row id to
 * start after and a row count.
 */
export type ListQuery = Pick<EventFilter, 'api' | 'source' | 'type' | 'messageId' | 'from' | 'to'> & {
  afterId: number;
  take: number;
};

/** Each insert column's value from an event (the event's index is for error messages), checked and normalised. */
const COLUMN_VALUES: Record<InsertColumn, (event: NewEvent, index: number) => ColumnValue> = {
  api: (event, index) => requiredText(event.api, index, 'api'),
  source: (event, index) => requiredText(event.source, index, 'source'),
  type: (event, index) => requiredText(event.type, index, 'type'),
  event_name: (event, index) => optionalText(event.eventName, index, 'eventName'),
  user_id: (event, index) => optionalText(event.userId, index, 'userId'),
  anonymous_id: (event, index) => optionalText(event.anonymousId, index, 'anonymousId'),
  message_id: (event, index) => optionalText(event.messageId, index, 'messageId'),
  timestamp: (event, index) => optionalText(event.timestamp, index, 'timestamp'),
  // One UTC format for every row keeps the text range filters on received_at correct.
  received_at: (event, index) => normaliseTime(event.receivedAt, `events[${index}].receivedAt`),
  payload: (event, index) => {
    const payload = JSON.stringify(event.payload);
    if (payload === undefined) throw new TypeError(`events[${index}].payload is not JSON-serialisable`);
    return payload;
  },
};
const columnValues = INSERT_COLUMNS.map((column) => COLUMN_VALUES[column]);

/** The insert values of the events, COLUMN_COUNT per event, in INSERT_COLUMNS order. */
export function toColumnValues(events: readonly NewEvent[]): ColumnValue[] {
  const values: ColumnValue[] = new Array(events.length * COLUMN_COUNT);
  let offset = 0;
  for (let index = 0; index < events.length; index++) {
    for (const value of columnValues) values[offset++] = value(events[index]!, index);
  }
  return values;
}

function requiredText(value: unknown, index: number, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`events[${index}].${name} must be a non-empty string`);
  }
  return value;
}

function optionalText(value: unknown, index: number, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new TypeError(`events[${index}].${name} must be a string or null`);
  return value;
}

const CANONICAL_UTC = /^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** ISO 8601 in, UTC `YYYY-MM-DDTHH:mm:ss.sssZ` out, so text order is time order. */
function normaliseTime(value: unknown, name: string): string {
  // Already in that form (as every receivedAt the server sets is): nothing to do.
  if (typeof value === 'string' && value.length === 24 && CANONICAL_UTC.test(value)) return value;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be an ISO 8601 date-time, got ${String(value)}`);
  return new Date(ms).toISOString();
}

/** A stored event from a row of SQLite's events table. */
export function toSqliteStoredEvent(row: SqliteEventRow): StoredEvent {
  return storedEvent(row, String(row.id), row.received_at, JSON.parse(row.payload) as unknown);
}

/** A stored event from a row's text columns and what each store decodes in its own way. */
export function storedEvent(row: EventTextColumns, id: string, receivedAt: string, payload: unknown): StoredEvent {
  return {
    id,
    api: row.api,
    source: row.source,
    type: row.type,
    eventName: row.event_name,
    userId: row.user_id,
    anonymousId: row.anonymous_id,
    messageId: row.message_id,
    timestamp: row.timestamp,
    receivedAt,
    payload,
  };
}

/** Row ids are positive integers; anything else names no event. */
export function parseRowId(text: string): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** The query for one page of the filter; throws for a bad limit, cursor or time. */
export function toListQuery(filter: EventFilter): ListQuery {
  const { cursor, limit, from, to, ...equalities } = filter;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const query: ListQuery = {
    ...equalities,
    afterId: cursor === undefined ? 0 : decodeCursor(cursor, parseRowId),
    // One extra row tells whether another page exists.
    take: limit + 1,
  };
  if (from !== undefined) query.from = normaliseTime(from, 'from');
  if (to !== undefined) query.to = normaliseTime(to, 'to');
  return query;
}

/** The page of the rows a toListQuery query returned, with a cursor when more rows follow. */
export function toSqliteEventPage(rows: readonly SqliteEventRow[], limit: number): EventPage {
  return pageOfRows(rows, limit, toSqliteStoredEvent);
}

/**
 * A page of rows fetched one past `limit` (every store keyset-pages on its time-ordered id): the
 * first `limit` as events, and a cursor after the last of them when more rows follow.
 */
export function pageOfRows<Row extends { id: number | string }>(
  rows: readonly Row[],
  limit: number,
  toEvent: (row: Row) => StoredEvent,
): EventPage {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    events: pageRows.map(toEvent),
    nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}

/** The filter members matched by equality, with their column in every store's events table. */
export const EQUALITY_FILTER_COLUMNS = [
  ['api', 'api'],
  ['source', 'source'],
  ['type', 'type'],
  ['messageId', 'message_id'],
] as const;

function encodeCursor(id: number | string): string {
  return Buffer.from(String(id), 'utf8').toString('base64url');
}

/** The id a cursor of ours carries, read by the store's own id parser; InvalidCursorError otherwise. */
export function decodeCursor<Id extends number | string>(
  cursor: string,
  parseId: (text: string) => Id | undefined,
): Id {
  // Node's base64url decoder skips junk, so accept only the exact encoding we issue.
  const id = /^[A-Za-z0-9_-]{1,32}$/.test(cursor)
    ? parseId(Buffer.from(cursor, 'base64url').toString('utf8'))
    : undefined;
  if (id === undefined || encodeCursor(id) !== cursor) throw new InvalidCursorError();
  return id;
}
