/**
 * `npm run bench:stores --workspace @trackspec/bench`: the event stores side by side, in one run —
 * SQLite (one server), PostgreSQL with one replica and with two (autocannon spreads its connections
 * over both) — for single events and 100-event batches: req/s, events/s, p50/p99, and the CPU time
 * per stored event of the server processes and of PostgreSQL (read from /proc). Scenarios alternate
 * over BENCH_ROUNDS rounds (default 2), best kept. PostgreSQL is a throw-away cluster on this machine
 * with fsync and synchronous commit on. Prints a table; writes tools/bench/results/stores-latest.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { type ServerProcess, startPostgres, startServerProcess } from '@trackspec/harness';
import autocannon from 'autocannon';
import { batchBody, demoWriteKey, trackBody } from './m1das-bodies.js';
import { processTreeCpuMs } from './process-cpu.js';
import { formatServerMemory, type ServerMemory, serverMemory } from './server-memory.js';
import { meets } from './targets.js';

const duration = Number(process.env.BENCH_DURATION ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);

interface Workload {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: () => string;
  eventsPerRequest: number;
}

const writeKey = { 'content-type': 'application/json', 'x-write-key': demoWriteKey };
const workloads: Workload[] = [
  {
    name: 'single events (m1das POST /api/s/track)',
    path: '/m1das/api/s/track',
    headers: writeKey,
    body: trackBody,
    eventsPerRequest: 1,
  },
  {
    name: '100-event batches (m1das POST /v1/batch)',
    path: '/m1das/v1/batch',
    headers: { 'content-type': 'application/json' },
    body: batchBody,
    eventsPerRequest: 100,
  },
];

interface Target {
  name: string;
  servers: ServerProcess[];
  /** Pid of PostgreSQL's postmaster, when the target uses it. */
  databasePid?: number;
}

interface Result {
  target: string;
  workload: string;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  failed: number;
  serverCpuUsPerEvent: number;
  databaseCpuUsPerEvent: number;
}

async function load(target: Target, workload: Workload): Promise<Result> {
  const serverCpu = () => target.servers.reduce((sum, server) => sum + processTreeCpuMs(server.pid), 0);
  const databaseCpu = () => (target.databasePid ? processTreeCpuMs(target.databasePid) : 0);
  const [serverBefore, databaseBefore] = [serverCpu(), databaseCpu()];
  const result = await autocannon({
    // Several URLs: autocannon spreads the connections over them (the replicas); its types allow only one.
    url: target.servers.map((server) => server.origin + workload.path) as unknown as string,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        headers: workload.headers,
        setupRequest: (request: object) => ({ ...request, body: workload.body() }),
      },
    ],
  });
  const events = result['2xx'] * workload.eventsPerRequest;
  const perEvent = (ms: number) => (events ? Number(((ms * 1000) / events).toFixed(1)) : 0);
  return {
    target: target.name,
    workload: workload.name,
    requestsPerSecond: Math.round(result.requests.average),
    eventsPerSecond: Math.round(result.requests.average * workload.eventsPerRequest),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    serverCpuUsPerEvent: perEvent(serverCpu() - serverBefore),
    databaseCpuUsPerEvent: perEvent(databaseCpu() - databaseBefore),
  };
}

// A larger buffer pool and no checkpoint inside a 5-second run: what an operator's server would have.
const cluster = await startPostgres({
  settings: { shared_buffers: '512MB', max_wal_size: '4GB', checkpoint_timeout: '15min' },
});
const env = { LOG_LEVEL: 'error' };
// Metrics on (a listener of their own) for each server's heaps after the bench.
const config = { metrics: { host: '127.0.0.1', port: 0 } };
const sqlite = await startServerProcess({ env, config });
const onePostgres = await startServerProcess({ env, config, database: cluster.urlOf('trackspec') });
const twoDatabase = await cluster.createDatabase('trackspec_two');
const twoPostgres = await Promise.all([1, 2].map(() => startServerProcess({ env, config, database: twoDatabase })));
const targets: Target[] = [
  { name: 'SQLite, one server', servers: [sqlite] },
  { name: 'PostgreSQL, one replica', servers: [onePostgres], databasePid: cluster.pid },
  { name: 'PostgreSQL, two replicas', servers: twoPostgres, databasePid: cluster.pid },
];

try {
  const best = new Map<string, Result>();
  for (let round = 1; round <= rounds; round++) {
    for (const workload of workloads) {
      for (const target of targets) {
        const result = await load(target, workload);
        const key = `${target.name}|${workload.name}`;
        const previous = best.get(key);
        if (!previous || result.requestsPerSecond > previous.requestsPerSecond) best.set(key, result);
        console.error(`round ${round}: ${target.name}, ${workload.name}: ${result.eventsPerSecond} events/s`);
      }
    }
  }
  const results = [...best.values()];
  const memory: Array<{ target: string; server: number } & ServerMemory> = [];
  for (const target of targets) {
    for (const [index, server] of target.servers.entries())
      memory.push({ target: target.name, server: index + 1, ...(await serverMemory(server)) });
  }
  const find = (target: string, workload: Workload) => best.get(`${target}|${workload.name}`)!;
  const [single, batch] = workloads as [Workload, Workload];
  const sqliteSingle = find('SQLite, one server', single).eventsPerSecond;
  const postgresSingle = Math.max(
    find('PostgreSQL, one replica', single).eventsPerSecond,
    find('PostgreSQL, two replicas', single).eventsPerSecond,
  );
  const twoReplicaBatch = find('PostgreSQL, two replicas', batch);
  const goals = [
    {
      name: 'PostgreSQL batches with two replicas, server + PostgreSQL CPU µs/event',
      value: Number((twoReplicaBatch.serverCpuUsPerEvent + twoReplicaBatch.databaseCpuUsPerEvent).toFixed(1)),
      goal: '≤ 22',
    },
    { name: 'PostgreSQL batches with two replicas, events/s', value: twoReplicaBatch.eventsPerSecond, goal: '≥ 50000' },
    {
      name: 'PostgreSQL single events ÷ SQLite single events (best of one and two replicas)',
      value: Number((postgresSingle / sqliteSingle).toFixed(2)),
      goal: '≥ 0.8',
    },
  ];
  const lines = [
    `trackspec stores bench — ${new Date().toISOString()} — ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${connections} connections × ${duration} s, best of ${rounds} alternating rounds`,
    '',
    '| store | workload | req/s | events/s | p50 ms | p99 ms | failed | server CPU µs/event | PostgreSQL CPU µs/event |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.target} | ${r.workload} | ${r.requestsPerSecond} | ${r.eventsPerSecond} | ${r.p50} | ${r.p99} | ${r.failed} | ${r.serverCpuUsPerEvent} | ${r.databaseCpuUsPerEvent || '—'} |`,
    ),
    '',
    ...memory.map((entry) => `Memory, ${entry.target}, server ${entry.server}: ${formatServerMemory(entry)}.`),
    '',
    '| target | measured | goal | met |',
    '|---|---|---|---|',
    ...goals.map(({ name, value, goal }) => `| ${name} | ${value} | ${goal} | ${meets(value, goal) ? 'yes' : 'no'} |`),
  ];
  console.log(lines.join('\n'));
  await mkdir(new URL('../results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('../results/stores-latest.json', import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), machine: { cores: cpus().length, model: cpus()[0]?.model, node: process.version }, settings: { connections, duration, rounds }, results, memory, goals }, null, 2)}\n`,
  );
} finally {
  await Promise.all([sqlite, onePostgres, ...twoPostgres].map((server) => server.stop()));
  await cluster.stop();
}
