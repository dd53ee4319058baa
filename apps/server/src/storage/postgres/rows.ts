/**
 * The PostgreSQL store's rows: COPY text for events and dedupe keys, the dedupe key of a message,
 * StoredEvents from rows, and list queries with their keyset cursor (private to this file).
 */
import { createHash } from 'node:crypto';
import {
  COLUMN_COUNT,
  type ColumnValue,
  decodeCursor,
  EQUALITY_FILTER_COLUMNS,
  type EventTextColumns,
  INSERT_COLUMNS,
  pageOfRows,
  storedEvent,
  toListQuery,
} from '../event-rows.js';
import type { EventFilter, EventPage, StoredEvent } from '../event-store.js';

const SOURCE = INSERT_COLUMNS.indexOf('source');
const MESSAGE_ID = INSERT_COLUMNS.indexOf('message_id');

/** The events columns a COPY writes, in order: the id, then the insert columns. */
export const COPY_EVENT_COLUMNS = ['id', ...INSERT_COLUMNS.map((column) => `"${column}"`)].join(', ');

/** A row of PostgreSQL's events table as pg returns it (bigint as text, timestamptz as Date, json parsed). */
export interface PostgresEventRow extends EventTextColumns {
  id: string;
  received_at: Date;
  payload: unknown;
}

const SELECT_COLUMNS = ['id', ...INSERT_COLUMNS.map((column) => `"${column}"`)].join(', ');

/** The source and message id of row `row` of flat insert values (COLUMN_COUNT per row). */
export function messageOfRow(
  values: readonly ColumnValue[],
  row: number,
): { source: string; messageId: string | null } {
  return { source: values[row * COLUMN_COUNT + SOURCE]!, messageId: values[row * COLUMN_COUNT + MESSAGE_ID] ?? null };
}

/**
 * The dedupe key of a message: md5 of the source and the message id, as a uuid, so the unique index holds 16 bytes per key however long the id. The source's length comes first,
 * so ('ab', 'c') and ('a', 'bc') differ; the UTF-16 code units are hashed, so ids that differ only in
 * unpaired surrogates (which UTF-8 cannot carry) still differ.
 */
export function messageKey(source: string, messageId: string): string {
  const hex = createHash('md5').update(`${source.length}:${source}${messageId}`, 'utf16le').digest('hex');
  // In PostgreSQL's text form of a uuid, so keys read back compare equal.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const COPY_SPECIAL = /[\\\t\n\r\0]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r\0]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\uFFFD' };

/**
 * A value in COPY's text format. PostgreSQL text cannot hold U+0000, so a NUL in a column becomes
 * U+FFFD there (payloads are JSON, where it stays an escape: the stored message is unchanged).
 */
function copyValue(value: ColumnValue): string {
  if (value === null) return '\\N';
  return COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIAL_ALL, (special) => COPY_ESCAPES[special]!) : value;
}

/** A value as a query parameter: PostgreSQL text cannot hold U+0000, which becomes U+FFFD as in COPY. */
export function parameterValue(value: ColumnValue): ColumnValue {
  return value?.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
}

/** COPY text of the listed rows of flat insert values, each with its id. */
export function eventsCopyText(
  values: readonly ColumnValue[],
  rows: readonly number[],
  ids: readonly string[],
): string {
  let text = '';
  for (const row of rows) {
    text += ids[row];
    const offset = row * COLUMN_COUNT;
    for (let column = 0; column < COLUMN_COUNT; column++) text += `\t${copyValue(values[offset + column]!)}`;
    text += '\n';
  }
  return text;
}

/** COPY text of dedupe keys: each key with its event id, in the partitions of `day` and the day after. */
export function keysCopyText(
  day: string,
  nextDay: string,
  keys: ReadonlyArray<{ key: string; eventId: string }>,
): string {
  let text = '';
  for (const { key, eventId } of keys) text += `${day}\t${key}\t${eventId}\n${nextDay}\t${key}\t${eventId}\n`;
  return text;
}

export function toPostgresStoredEvent(row: PostgresEventRow): StoredEvent {
  return storedEvent(row, row.id, row.received_at.toISOString(), row.payload);
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** Event ids are positive 64-bit integers in decimal; anything else names no event. */
export function parseEventId(text: string): string | undefined {
  if (!/^[1-9]\d{0,18}$/.test(text)) return undefined;
  return BigInt(text) <= MAX_BIGINT ? text : undefined;
}

export interface PostgresListQuery {
  text: string;
  values: unknown[];
  limit: number;
}

/**
 * The query for one page of the filter, keyset-paged on the id (which starts with the time): a page
 * never shifts however many rows other replicas insert meanwhile. Throws for a bad limit, cursor or time.
 */
export function toPostgresListQuery(filter: EventFilter): PostgresListQuery {
  const { cursor, ...rest } = filter;
  // The shared checks and normalisation (limit, times); the cursor is this store's own.
  const checked = toListQuery(rest);
  const values: unknown[] = [cursor === undefined ? '0' : decodeCursor(cursor, parseEventId)];
  const conditions = ['id > $1'];
  for (const [name, column] of EQUALITY_FILTER_COLUMNS) {
    const value = checked[name];
    if (value === undefined) continue;
    values.push(value);
    conditions.push(`${column} = $${values.length}`);
  }
  if (checked.from !== undefined) {
    values.push(checked.from);
    conditions.push(`received_at >= $${values.length}`);
  }
  if (checked.to !== undefined) {
    values.push(checked.to);
    conditions.push(`received_at < $${values.length}`);
  }
  values.push(checked.take);
  return {
    text: `SELECT ${SELECT_COLUMNS} FROM events WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT $${values.length}`,
    values,
    limit: filter.limit,
  };
}

export const GET_EVENT_SQL = `SELECT ${SELECT_COLUMNS} FROM events WHERE id = $1`;

/** The page of the rows a list query returned, with a cursor when more rows follow. */
export function toPostgresEventPage(rows: readonly PostgresEventRow[], limit: number): EventPage {
  return pageOfRows(rows, limit, toPostgresStoredEvent);
}
