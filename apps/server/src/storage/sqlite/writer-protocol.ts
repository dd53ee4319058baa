/**
 * The messages between the store's two threads: what writer-connection.ts sends the writer thread
 * (writer-thread.ts) and what it answers. Types only, so each side can check what the other sends.
 */
import type { ColumnValue, ListQuery } from '../event-rows.js';

/** What the writer thread is started with. */
export interface WriterSettings {
  path: string;
  busyTimeoutMs: number;
  dedupeWindow: number;
}

/** Requests to the writer thread, answered in order, one reply each. */
export type WriterRequest = { seq: number } & (
  | { kind: 'append'; groups: ColumnValue[][] }
  | { kind: 'list'; query: ListQuery }
  | { kind: 'get'; id: number }
  | { kind: 'ping' }
  | { kind: 'probe' }
  | { kind: 'close' }
);

/** A request before the connection numbers it. */
export type WriterRequestBody = WriterRequest extends infer R
  ? R extends { seq: number }
    ? Omit<R, 'seq'>
    : never
  : never;

export interface WriterError {
  message: string;
  code?: string;
  /** SQLite itself failed (or could not open): the store is unavailable, the server answers 503. */
  unavailable: boolean;
  /** For a failed append: the writer's number of the transaction that failed. */
  transaction?: number;
}

export type WriterReply = { seq: number } & ({ ok: true; result: unknown } | { ok: false; error: WriterError });
