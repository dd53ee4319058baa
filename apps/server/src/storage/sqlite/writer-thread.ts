/**
 * The store's writer thread: owns the SQLite connection and answers the main thread's requests in
 * the order sent. Appends that arrive while a commit runs are committed together (group commit).
 * Runs only as a worker's entry (compiled: dist/storage/sqlite/writer-thread.js), started by writer-connection.ts.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { messageOf } from '../error-message.js';
import { type AppendOutcome, EventDatabase } from './event-database.js';
import { openEventDatabase } from './open-database.js';
import type { WriterError, WriterReply, WriterRequest, WriterSettings } from './writer-protocol.js';

const settings = workerData as WriterSettings;
const port = parentPort!;

let events: EventDatabase | undefined;
let openError: unknown;

/** Opens the database, again on a later request if it failed (the store recovers when the file does). */
function database(): EventDatabase {
  if (events) return events;
  try {
    events = new EventDatabase(openEventDatabase(settings.path, settings.busyTimeoutMs), settings.dedupeWindow);
    return events;
  } catch (error) {
    openError = error;
    throw error;
  }
}
try {
  database();
} catch {
  // Reported to the first request that needs the database.
}

type AppendRequest = Extract<WriterRequest, { kind: 'append' }>;
/** The requests answered one by one, in order. */
type SingleRequest = Exclude<WriterRequest, { kind: 'append' | 'close' }>;

port.on('message', (first: WriterRequest) => {
  // Appends that queued while the last commit ran are committed together: one fsync for all.
  const appends: AppendRequest[] = [];
  for (
    let request: WriterRequest | undefined = first;
    request;
    request = receiveMessageOnPort(port)?.message as WriterRequest | undefined
  ) {
    if (request.kind === 'append') {
      appends.push(request);
      continue;
    }
    // Anything else runs after the appends sent before it, as sent.
    commit(appends.splice(0));
    if (request.kind === 'close') {
      close(request.seq);
      return;
    }
    answer(request);
  }
  commit(appends);
});

function commit(appends: readonly AppendRequest[]): void {
  if (appends.length === 0) return;
  let outcomes: AppendOutcome[];
  const started = performance.now();
  try {
    outcomes = database().append(appends.flatMap((request) => request.groups));
    const commit = {
      seconds: (performance.now() - started) / 1000,
      events: outcomes.reduce((sum, outcome) => sum + outcome.ids.length, 0),
      dedupeSize: database().dedupeSize,
    };
    for (const outcome of outcomes) outcome.commit = commit;
  } catch (error) {
    const failure: WriterError = {
      ...describe(error, error === openError),
      ...(events ? { transaction: events.transactionCount } : {}),
    };
    for (const { seq } of appends) port.postMessage({ seq, ok: false, error: failure } satisfies WriterReply);
    return;
  }
  let next = 0;
  for (const { seq, groups } of appends) {
    const result = outcomes.slice(next, next + groups.length);
    next += groups.length;
    // The typed arrays move to the main thread instead of being copied.
    port.postMessage(
      { seq, ok: true, result } satisfies WriterReply,
      result.flatMap((outcome) => [outcome.ids.buffer as ArrayBuffer, outcome.duplicates.buffer as ArrayBuffer]),
    );
  }
}

function answer(request: SingleRequest): void {
  let reply: WriterReply;
  try {
    reply = { seq: request.seq, ok: true, result: run(database(), request) };
  } catch (error) {
    reply = { seq: request.seq, ok: false, error: describe(error, error === openError) };
  }
  port.postMessage(reply);
}

/** What the request asks of the database, done; its result is the reply's. */
function run(events: EventDatabase, request: SingleRequest): unknown {
  switch (request.kind) {
    case 'list':
      return events.list(request.query);
    case 'get':
      return events.get(request.id);
    case 'ping':
      return events.ping();
    case 'probe':
      return events.probe();
  }
}

/** Closes the connection (if it ever opened) and ends the thread. */
function close(seq: number): void {
  try {
    events?.close();
    port.postMessage({ seq, ok: true, result: undefined } satisfies WriterReply);
  } catch (error) {
    port.postMessage({ seq, ok: false, error: describe(error, false) } satisfies WriterReply);
  }
  port.close();
}

/** SQLite's own failures (and any failure to open) are the store being unavailable; anything else is a bug. */
function describe(error: unknown, openFailed: boolean): WriterError {
  const code = (error as { code?: unknown } | undefined)?.code;
  return {
    message: messageOf(error),
    unavailable: openFailed || error instanceof Database.SqliteError,
    ...(typeof code === 'string' ? { code } : {}),
  };
}
