/**
 * `npm run bench:profile --workspace @trackspec/bench -- [label]`: where a stored event's CPU goes.
 * Runs the server (SQLite, `node --cpu-prof`) under one load per path — single m1das events at 20
 * connections, 100-event batches at 10 — then renders each thread's profile (the main thread, and
 * the store's writer thread) as a flame graph in `tools/bench/results/flame-<path>-<thread>-<label>.svg`.
 * Commit the pictures of a change's before and after: they show which frames it took away.
 *
 * Prints each thread's busiest functions (self and total share of its samples) as a table.
 *
 * PROFILE_LOG_LEVEL (default info), PROFILE_DURATION (s, default 8), PROFILE_TOP (rows of that table, default 25), PROFILE_KEEP=1 keeps
 * the raw `.cpuprofile` files (they open in Chrome DevTools) and prints their folder.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from '@trackspec/harness';
import autocannon from 'autocannon';
import { frameTree, renderFlameGraph, topFunctions } from './flame-graph.js';
import { batchBody, demoWriteKey, trackBody } from './m1das-bodies.js';

const label = process.argv[2] ?? 'latest';
const duration = Number(process.env.PROFILE_DURATION ?? 8);
const json = { 'content-type': 'application/json' };
const paths = [
  {
    name: 'single',
    title: 'm1das POST /api/s/track, 20 connections',
    path: '/m1das/api/s/track',
    headers: { ...json, 'x-write-key': demoWriteKey },
    body: trackBody,
    connections: 20,
    eventsPerRequest: 1,
  },
  {
    name: 'batch',
    title: 'm1das POST /v1/batch (100 events), 10 connections',
    path: '/m1das/v1/batch',
    headers: json,
    body: batchBody,
    connections: 10,
    eventsPerRequest: 100,
  },
];
const results = new URL('../results/', import.meta.url).pathname;
const setup = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

for (const scenario of paths) {
  const profiles = await mkdtemp(join(tmpdir(), 'trackspec-profile-'));
  const server = await startServerProcess({
    // At the level operators run it at (info unless PROFILE_LOG_LEVEL says otherwise).
    env: { LOG_LEVEL: process.env.PROFILE_LOG_LEVEL ?? 'info', NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profiles}` },
  });
  let events = 0;
  try {
    const result = await autocannon({
      url: server.origin + scenario.path,
      connections: scenario.connections,
      duration,
      requests: [
        {
          method: 'POST',
          headers: scenario.headers,
          setupRequest: (request) => ({ ...request, body: scenario.body() }),
        },
      ],
    });
    events = result['2xx'] * scenario.eventsPerRequest;
  } finally {
    // The profiles are written as each thread ends.
    await server.stop();
  }
  // The largest profile is the main thread's; the others are worker threads (the store's writer).
  const files = await Promise.all(
    (await readdir(profiles))
      .filter((file) => file.endsWith('.cpuprofile'))
      .map(async (file) => ({ file, size: (await stat(join(profiles, file))).size })),
  );
  files.sort((a, b) => b.size - a.size);
  for (const [index, { file }] of files.slice(0, 2).entries()) {
    const thread = index === 0 ? 'main' : 'writer';
    const profile = JSON.parse(await readFile(join(profiles, file), 'utf8'));
    const out = join(results, `flame-${scenario.name}-${thread}-${label}.svg`);
    const title = `trackspec server, ${thread} thread — ${scenario.title} — ${label}`;
    const note = `${events} events stored in ${duration} s; ${setup}`;
    await writeFile(out, renderFlameGraph(frameTree(profile), title, note));
    console.log(`${scenario.name}: ${events} events; ${thread} thread → ${out}`);
    console.log(`\n${topFunctions(profile, Number(process.env.PROFILE_TOP ?? 25))}\n`);
  }
  // PROFILE_KEEP: keep the raw profiles (for Chrome DevTools' Performance panel) and say where.
  if (process.env.PROFILE_KEEP) console.log(`${scenario.name}: raw profiles kept in ${profiles}`);
  else await rm(profiles, { recursive: true, force: true });
}
