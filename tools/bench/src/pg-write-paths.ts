/**
 * `npm run bench:pg-write-paths`: how fast each PostgreSQL driver and write path stores groups of
 * events in the real schema (the server itself migrates a throw-away cluster: the events table with its
 * indexes, and the daily dedupe-key partitions), one connection, synchronous commit on, as the store
 * writes: each group's events plus two dedupe keys per event in one transaction.
 *
 * - pg + pg-copy-streams: BEGIN, COPY events, COPY message_keys, COMMIT (the store's path for large groups);
 * - pg, one statement: INSERT … SELECT FROM unnest(arrays) for both tables (the store's path for small groups);
 * - postgres.js: sql.begin with a multi-row INSERT per table (its documented bulk insert).
 *
 * Prints rows/s per path and group size, the median of the rounds (paths alternate within a round).
 * Options: --rows N per run (default 30000), --rounds N (default 3).
 */
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { type PostgresCluster, startPostgres, startServerProcess } from '@trackspec/harness';
import { INSERT_COLUMNS } from '@trackspec/server/event-columns';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import postgres from 'postgres';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '30000' }, rounds: { type: 'string', default: '3' } },
});
const totalRows = Number(values.rows);
const rounds = Number(values.rounds);

interface EventRow {
  id: string;
  api: string;
  source: string;
  type: string;
  event_name: string;
  user_id: string;
  anonymous_id: string | null;
  message_id: string;
  timestamp: string;
  received_at: Date;
  payload: string;
  key: string;
}

let nextId = 1n << 40n;
/** One m1das track event as the server stores it (~600 bytes of JSON), with a unique message id. */
function eventRow(): EventRow {
  const messageId = randomUUID();
  const now = new Date();
  const payload = JSON.stringify({
    type: 'track',
    event: 'purchase_completed',
    userId: 'user@example.com',
    anonymousId: 'dBRu6l026JMy7mmUewl5WgCM',
    messageId,
    timestamp: now.toISOString(),
    receivedAt: now.toISOString(),
    properties: { order_id: 'ORD-456', total: 99.99, currency: 'EUR', products: [{ sku: 'A-1', quantity: 2 }] },
    context: {
      ip: '127.0.0.1',
      locale: 'en-US',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      page: { path: '/checkout', url: 'https://example.com/checkout', title: 'Checkout', referrer: '' },
      library: { name: 'analytics.js', version: 'next-1.84.3' },
    },
  });
  nextId += 1n;
  return {
    id: String(nextId),
    api: 'm1das',
    source: 'demo-m1das',
    type: 'track',
    event_name: 'purchase_completed',
    user_id: 'user@example.com',
    anonymous_id: 'dBRu6l026JMy7mmUewl5WgCM',
    message_id: messageId,
    timestamp: now.toISOString(),
    received_at: now,
    payload,
    // A uuid per message, as the store derives one (md5 of source and message id).
    key: randomUUID(),
  };
}

const today = new Date().toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
// The server's own insert columns, after the id: the bench writes what the store writes.
const COLUMNS = ['id', ...INSERT_COLUMNS] as const;

type WritePath = (group: EventRow[]) => Promise<void>;

function copyText(group: EventRow[]): { events: string; keys: string } {
  let events = '';
  let keys = '';
  for (const row of group) {
    events += `${[row.id, row.api, row.source, row.type, row.event_name, row.user_id, row.anonymous_id ?? '\\N', row.message_id, row.timestamp, row.received_at.toISOString(), row.payload.replaceAll('\\', '\\\\')].join('\t')}\n`;
    keys += `${today}\t${row.key}\t${row.id}\n${tomorrow}\t${row.key}\t${row.id}\n`;
  }
  return { events, keys };
}

async function pgCopy(client: pg.Client): Promise<WritePath> {
  return async (group) => {
    const { events, keys } = copyText(group);
    await client.query('BEGIN');
    await pipeline(
      [events],
      client.query(copyFrom(`COPY events (${COLUMNS.map((column) => `"${column}"`).join(', ')}) FROM STDIN`)),
    );
    await pipeline([keys], client.query(copyFrom('COPY message_keys (day, key, event_id) FROM STDIN')));
    await client.query('COMMIT');
  };
}

async function pgUnnest(client: pg.Client): Promise<WritePath> {
  const sql = `WITH keys AS (
      INSERT INTO message_keys (day, key, event_id)
      SELECT days.day, input.key, input.event_id
        FROM unnest($1::uuid[], $2::bigint[]) AS input (key, event_id), (VALUES ($12::date), ($13::date)) AS days (day)
    )
    INSERT INTO events (${COLUMNS.map((column) => `"${column}"`).join(', ')})
    SELECT * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
      $9::text[], $10::text[], $11::timestamptz[], $14::json[])`;
  return async (group) => {
    await client.query(sql, [
      group.map((row) => row.key),
      group.map((row) => row.id),
      group.map((row) => row.api),
      group.map((row) => row.source),
      group.map((row) => row.type),
      group.map((row) => row.event_name),
      group.map((row) => row.user_id),
      group.map((row) => row.anonymous_id),
      group.map((row) => row.message_id),
      group.map((row) => row.timestamp),
      group.map((row) => row.received_at),
      today,
      tomorrow,
      group.map((row) => row.payload),
    ]);
  };
}

function postgresJs(sql: postgres.Sql): WritePath {
  return async (group) => {
    await sql.begin(async (transaction) => {
      await transaction`INSERT INTO events ${transaction(
        group.map((row) => ({
          id: row.id,
          api: row.api,
          source: row.source,
          type: row.type,
          event_name: row.event_name,
          user_id: row.user_id,
          anonymous_id: row.anonymous_id,
          message_id: row.message_id,
          timestamp: row.timestamp,
          received_at: row.received_at,
          payload: row.payload,
        })),
      )}`;
      await transaction`INSERT INTO message_keys ${transaction(
        group.flatMap((row) => [
          { day: today, key: row.key, event_id: row.id },
          { day: tomorrow, key: row.key, event_id: row.id },
        ]),
      )}`;
    });
  };
}

async function timeRun(reset: () => Promise<void>, write: WritePath, groupSize: number): Promise<number> {
  await reset();
  const groups = Array.from({ length: Math.ceil(totalRows / groupSize) }, () =>
    Array.from({ length: groupSize }, eventRow),
  );
  const started = process.hrtime.bigint();
  for (const group of groups) await write(group);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (groups.length * groupSize) / seconds;
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;

let cluster: PostgresCluster | undefined;
try {
  cluster = await startPostgres();
  // The server's own migrations make the schema (then it stops): what is measured is what it writes to.
  const server = await startServerProcess({ database: cluster.url, env: { LOG_LEVEL: 'warn' } });
  await server.stop();

  const client = new pg.Client({ connectionString: cluster.url, options: '-c synchronous_commit=on' });
  await client.connect();
  const sql = postgres(cluster.url, { max: 1, onnotice: () => {}, connection: { synchronous_commit: 'on' } });
  const reset = async () => {
    await client.query('TRUNCATE events, message_keys');
    await client.query('CHECKPOINT');
  };
  const paths: Record<string, WritePath> = {
    'pg + pg-copy-streams (COPY)': await pgCopy(client),
    'pg (INSERT … unnest, one statement)': await pgUnnest(client),
    'postgres.js (multi-row INSERT)': postgresJs(sql),
  };
  const lines = ['| write path | group size | events/s (median) | runs |', '|---|---|---|---|'];
  for (const groupSize of [100, 10]) {
    const figures = new Map<string, number[]>(Object.keys(paths).map((name) => [name, []]));
    for (let round = 0; round < rounds; round++)
      for (const [name, write] of Object.entries(paths))
        figures.get(name)!.push(await timeRun(reset, write, groupSize));
    for (const [name, runs] of figures)
      lines.push(
        `| ${name} | ${groupSize} | ${Math.round(median(runs)).toLocaleString('en-US')} | ${runs.map((run) => Math.round(run).toLocaleString('en-US')).join(', ')} |`,
      );
  }
  process.stdout.write(
    `PostgreSQL write paths, ${totalRows.toLocaleString('en-US')} events per run, one connection, synchronous_commit on\n${lines.join('\n')}\n`,
  );
  await client.end();
  await sql.end();
} finally {
  await cluster?.stop();
}
