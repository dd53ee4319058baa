/**
 * `npm run bench:store-floor --workspace @trackspec/bench`: the CPU a batched event costs in the SQLite
 * store alone. The server's own code, called directly on one thread — no HTTP, no validation, no thread
 * hop: `toColumnValues` (each event checked and serialised into its row, as the request thread does)
 * and `EventDatabase.append` (what the writer thread does: deduplication, multi-row inserts and the
 * fsync'd commit), on the server's own schema. A batched event cannot cost the whole server less than
 * this on the same machine, so it is the floor under the bench's "CPU per event, 100-event batches".
 *
 * Each commit takes ten 100-event appends, as the writer gathers them under load. The rounds alternate
 * a database file (WAL, synchronous=FULL, as the server runs it) with `:memory:` (the same inserts
 * without a file system). BENCH_ROUNDS (default 3), BENCH_EVENTS per round (default 200,000). Build first.
 *
 * Then one more file round, not counted, under the CPU profiler: its flame graph goes to
 * `tools/bench/results/flame-store-floor.svg` and its busiest functions are printed.
 */

import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toColumnValues } from '@trackspec/server/event-columns';
import { EventDatabase } from '@trackspec/server/sqlite-event-database';
import { openEventDatabase } from '@trackspec/server/sqlite-open-database';
import { frameTree, renderFlameGraph, topFunctions } from './flame-graph.js';
import { batchBody } from './m1das-bodies.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const eventsPerRound = Number(process.env.BENCH_EVENTS ?? 200_000);
/** The events in each of the bench's batch bodies. */
const eventsPerAppend = 100;
const appendsPerCommit = 10;
/** The server's default dedupe window. */
const dedupeWindow = 1_000_000;
/** The bench's target for the whole server (issue #20), µs of CPU per event in 100-event batches. */
const batchTargetUs = 8;

type NewEvent = Parameters<typeof toColumnValues>[0][number];

/** The events of one of the bench's 100-event batch bodies (m1das-bodies.ts), as the m1das handler stores them. */
function appendOfEvents(): NewEvent[] {
  const receivedAt = new Date().toISOString();
  const { batch } = JSON.parse(batchBody()) as { batch: Array<Record<string, string>> };
  return batch.map((event) => ({
    api: 'm1das',
    source: 'demo',
    type: event.type!,
    eventName: event.event ?? null,
    userId: event.userId ?? null,
    anonymousId: null,
    messageId: event.messageId ?? null,
    timestamp: receivedAt,
    receivedAt,
    payload: { ...event, receivedAt, timestamp: receivedAt },
  }));
}

interface RoundResult {
  serialiseUs: number;
  appendUs: number;
  appendSystemUs: number;
}

const cpuUs = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return { total: user + system, system };
};

async function round(target: 'file' | 'memory'): Promise<RoundResult> {
  const work = await mkdtemp(join(tmpdir(), 'trackspec-store-floor-'));
  const database = new EventDatabase(
    openEventDatabase(target === 'file' ? join(work, 'events.sqlite') : ':memory:', 2000),
    dedupeWindow,
  );
  const commits = Math.ceil(eventsPerRound / (eventsPerAppend * appendsPerCommit));
  const events = Array.from({ length: commits }, () => Array.from({ length: appendsPerCommit }, appendOfEvents));
  try {
    let started = process.cpuUsage();
    const values = events.map((appends) => appends.map((append) => toColumnValues(append)));
    const serialise = cpuUs(started);
    started = process.cpuUsage();
    for (const groups of values) database.append(groups);
    const append = cpuUs(started);
    const count = commits * appendsPerCommit * eventsPerAppend;
    return {
      serialiseUs: serialise.total / count,
      appendUs: append.total / count,
      appendSystemUs: append.system / count,
    };
  } finally {
    database.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** Set in the child that runs the profiled round alone. */
const profiledRoundOnly = 'TRACKSPEC_STORE_FLOOR_PROFILED_ROUND';
if (process.env[profiledRoundOnly]) {
  await round('file');
  process.exit(0);
}

const results = { file: [] as RoundResult[], memory: [] as RoundResult[] };
for (let index = 0; index < rounds; index++) {
  // Alternating, so that a change in the machine's load falls on both.
  for (const target of index % 2 === 0 ? (['file', 'memory'] as const) : (['memory', 'file'] as const)) {
    results[target].push(await round(target));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fixed = (value: number) => value.toFixed(2);
console.log(
  `trackspec store floor — ${new Date().toISOString()} — ${cpus().length} cores (${cpus()[0]?.model.trim()}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${rounds} alternating rounds of ` +
    `${eventsPerRound} events, ${appendsPerCommit} appends of ${eventsPerAppend} per commit, dedupe window ${dedupeWindow}\n`,
);
console.log(
  '| database | serialise rows (request thread), µs/event | append and commit (writer), µs/event | of it in the kernel | together |',
);
console.log('|---|---|---|---|---|');
for (const [target, label] of [
  ['file', 'file (WAL, synchronous=FULL)'],
  ['memory', ':memory:'],
] as const) {
  const rows = results[target];
  const serialise = median(rows.map((row) => row.serialiseUs));
  const append = median(rows.map((row) => row.appendUs));
  console.log(
    `| ${label} | ${fixed(serialise)} (${rows.map((row) => fixed(row.serialiseUs)).join(', ')}) | ${fixed(append)} (${rows.map((row) => fixed(row.appendUs)).join(', ')}) | ${fixed(median(rows.map((row) => row.appendSystemUs)))} | ${fixed(serialise + append)} |`,
  );
}
const floor = median(results.file.map((row) => row.serialiseUs + row.appendUs));
console.log(
  `\nThe whole server's target for 100-event batches is ≤ ${batchTargetUs} µs of CPU per event; the store alone takes ${fixed(floor)} µs ` +
    `(median, file): ${floor > batchTargetUs ? 'the target is below the store’s floor on this machine' : 'the floor leaves room for the request path'}.`,
);

// Where a stored event's CPU goes, as a picture: one more file round, in a child process run with
// `node --cpu-prof` (an in-process inspector profile shows the time spent inside SQLite as bare
// anonymous frames, with no caller).
const profiles = await mkdtemp(join(tmpdir(), 'trackspec-store-floor-profile-'));
try {
  execFileSync(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${profiles}`, '--import', 'tsx', fileURLToPath(import.meta.url)],
    {
      env: { ...process.env, [profiledRoundOnly]: '1' },
      stdio: 'inherit',
    },
  );
  const [file] = (await readdir(profiles)).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('the profiled round wrote no profile');
  const profile = JSON.parse(await readFile(join(profiles, file), 'utf8'));
  const picture = new URL('../results/flame-store-floor.svg', import.meta.url);
  const setup = `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}`;
  await writeFile(
    picture,
    renderFlameGraph(
      frameTree(profile),
      'trackspec SQLite store alone: serialise rows, append and commit (file, WAL, synchronous=FULL)',
      `one round of ${eventsPerRound} events, ${appendsPerCommit} appends of ${eventsPerAppend} per commit; ${setup}`,
    ),
  );
  console.log(`\nFlame graph of one more file round: ${picture.pathname}\n\n${topFunctions(profile, 15)}`);
} finally {
  await rm(profiles, { recursive: true, force: true });
}
