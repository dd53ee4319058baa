/**
 * `npm run bench:startup -w @trackspec/bench`: the server's start-up time (spawn to the listening
 * banner, and spawn to ready: the first 200 from `/readyz`, which waits for the dedupe window's rebuild
 * from the log) and resident memory at rest (2 s after start, no traffic), for the production build
 * (`node dist/main.js`) against the same source run through tsx (`node --import tsx src/main.ts`),
 * alternating the two, a few runs each; and how long a start-up that cannot succeed (a config without
 * its admin token) takes to end, against the promise that it ends at once (≤ 5 s; the start-up tests
 * check only that it ends by itself). Also the production start-up on a database that already holds
 * STARTUP_STORED_EVENTS events (default 1,000,000; the dedupe window is rebuilt from the log), and the
 * target of ≤ 1 s to ready on an empty one. The database with events is filled once per bench run,
 * through the server as clients fill it (100-event batches over 10 connections), and the bench prints
 * how long that took. Build first (`npm run build`).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitWithParent, startServerProcess } from '@trackspec/harness';
import autocannon from 'autocannon';
import { parse } from 'yaml';
import { batchBody } from './m1das-bodies.js';

const serverDir = dirname(createRequire(import.meta.url).resolve('@trackspec/server/package.json'));
const runs = Number(process.argv[2] ?? 5);
const storedEvents = Number(process.env.STARTUP_STORED_EVENTS ?? 1_000_000);

/**
 * A SQLite database holding `count` events, stored as clients store them (100-event m1das batches
 * through the server), so that a start-up rebuilds its dedupe window from a full log.
 */
async function databaseWithEvents(count: number): Promise<{ path: string; remove(): Promise<void> }> {
  const work = await mkdtemp(join(tmpdir(), 'trackspec-startup-full-'));
  const path = join(work, 'events.sqlite');
  const server = await startServerProcess({ database: path });
  try {
    const result = await autocannon({
      url: `${server.origin}/m1das/v1/batch`,
      connections: 10,
      amount: Math.ceil(count / 100),
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: batchBody() }),
        },
      ],
    });
    if (result['2xx'] !== Math.ceil(count / 100))
      throw new Error(`filling the database: ${result['2xx']} batches stored`);
  } finally {
    await server.stop({ removeData: false });
  }
  return { path, remove: () => rm(work, { recursive: true, force: true }) };
}

const fillStarted = performance.now();
const full = await databaseWithEvents(storedEvents);
const fillSeconds = (performance.now() - fillStarted) / 1000;
const variants: Record<string, { args: readonly string[]; database?: string }> = {
  'node dist/main.js': { args: ['dist/main.js'] },
  [`node dist/main.js, ${storedEvents.toLocaleString('en')} events stored`]: {
    args: ['dist/main.js'],
    database: full.path,
  },
  'node --import tsx src/main.ts': { args: ['--import', 'tsx', 'src/main.ts'] },
};

async function measure({
  args,
  database,
}: {
  args: readonly string[];
  database?: string;
}): Promise<{ startMs: number; readyMs: number; rssMiB: number }> {
  const work = await mkdtemp(join(tmpdir(), 'trackspec-startup-'));
  const demo = parse(await readFile(join(serverDir, 'demo.config.yaml'), 'utf8')) as Record<string, unknown>;
  const config = join(work, 'config.json');
  await writeFile(config, JSON.stringify({ ...demo, port: 0, database: database ?? join(work, 'events.sqlite') }));
  const started = performance.now();
  // Both variants carry the preload that ends them with the bench, however it ends (about 5 ms of start-up).
  const child = spawn(process.execPath, [...exitWithParent, ...args, '--config', config], {
    cwd: serverDir,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  let output = '';
  const startMs = await new Promise<number>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('trackspec server on')) resolve(performance.now() - started);
    }),
  );
  const origin = /trackspec server on (\S+)/.exec(output)![1]!;
  while (!(await fetch(`${origin}/readyz`).then((response) => response.ok))) await sleep(5);
  const readyMs = performance.now() - started;
  await sleep(2000);
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const rssMiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  await rm(work, { recursive: true, force: true });
  return { startMs, readyMs, rssMiB };
}

const results = new Map<string, Array<{ startMs: number; readyMs: number; rssMiB: number }>>(
  Object.keys(variants).map((name) => [name, []]),
);
for (let run = 0; run < runs; run++)
  for (const [name, variant] of Object.entries(variants)) results.get(name)!.push(await measure(variant));
await full.remove();

/** Spawn to exit of a start-up refused for its config (no admin token): it must end, exit code 1, at once. */
async function measureRefused(): Promise<number> {
  const work = await mkdtemp(join(tmpdir(), 'trackspec-startup-'));
  const config = join(work, 'config.json');
  await writeFile(config, JSON.stringify({ port: 0, database: join(work, 'events.sqlite') }));
  const started = performance.now();
  const child = spawn(process.execPath, [...exitWithParent, 'dist/main.js', '--config', config], {
    cwd: serverDir,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { ...process.env, TRACKSPEC_ADMIN_TOKEN: '' },
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  await rm(work, { recursive: true, force: true });
  if (code !== 1) throw new Error(`a refused start-up exited with ${code}, not 1`);
  return performance.now() - started;
}
const refused: number[] = [];
for (let run = 0; run < runs; run++) refused.push(await measureRefused());

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`Node ${process.version}, ${runs} runs each, alternating; median (min–max)`);
console.log(`database of ${storedEvents.toLocaleString('en')} events filled in ${fillSeconds.toFixed(1)} s`);
for (const [name, samples] of results) {
  const start = samples.map((sample) => sample.startMs);
  const ready = samples.map((sample) => sample.readyMs);
  const rss = samples.map((sample) => sample.rssMiB);
  console.log(
    `${name.padEnd(32)} listening ${median(start).toFixed(0)} ms (${Math.min(...start).toFixed(0)}–${Math.max(...start).toFixed(0)}), ` +
      `ready ${median(ready).toFixed(0)} ms (${Math.min(...ready).toFixed(0)}–${Math.max(...ready).toFixed(0)}), ` +
      `RSS at rest ${median(rss).toFixed(1)} MiB (${Math.min(...rss).toFixed(1)}–${Math.max(...rss).toFixed(1)})`,
  );
}
const emptyReady = median(results.get('node dist/main.js')!.map((sample) => sample.readyMs));
console.log(
  `${'target: ready ≤ 1000 ms, empty'.padEnd(32)} ${emptyReady.toFixed(0)} ms: ${emptyReady <= 1000 ? 'met' : 'not met'}`,
);
const refusedMedian = median(refused);
console.log(
  `${'refused start-up (no admin token)'.padEnd(32)} ends in ${refusedMedian.toFixed(0)} ms (${Math.min(...refused).toFixed(0)}–${Math.max(...refused).toFixed(0)}); ` +
    `target ≤ 5000 ms: ${refusedMedian <= 5000 ? 'met' : 'not met'}`,
);
