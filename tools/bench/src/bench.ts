/**
 * `npm run bench`: throughput, latency and memory of the trackspec server against its peers, on
 * loopback, with autocannon (same connections and duration for each, scenarios in alternation):
 * a bare Fastify (the ceiling), the server per API (validated and durably stored), a 100-event
 * batch, and a Prism mock (what a team would otherwise run). Also the typed client's overhead over
 * a raw fetch. Beside req/s, each row gives the CPU time of the target's processes per stored event
 * (per request for bare Fastify and Prism): on a shared machine that ratio is steadier than req/s.
 * Prints a table and writes tools/bench/results/latest.json. Not part of `npm test`.
 *
 * The targets (issue #20) compare CPU, not req/s: the server's CPU per stored single event against
 * bare Fastify's per answered request, at 10, 20 and BENCH_CONNECTIONS connections (fewer connections
 * share fewer fsync'd commits), the CPU per event in 100-event batches, the p99 at half the maximum
 * single-event rate, the server's peak RSS through the whole bench, and the typed client's overhead.
 *
 * BENCH_DURATION (s, default 5), BENCH_CONNECTIONS (default 50), BENCH_ROUNDS (default 2);
 * BENCH_SERVER_NODE_OPTIONS: Node/V8 options for the server process only (e.g. heap settings to compare).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { createM1dasClient } from '@trackspec/client';
import { exitWithParent, startMocks, startServerProcess } from '@trackspec/harness';
import autocannon from 'autocannon';
import { batchBody, demoWriteKey, trackBody } from './m1das-bodies.js';
import { processTreeCpuMs } from './process-cpu.js';
import { formatServerMemory, peakRssMb, serverMemory } from './server-memory.js';
import { meets } from './targets.js';

const duration = Number(process.env.BENCH_DURATION ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** The single-event pair (bare Fastify, the server) runs at each: fewer connections share fewer commits. */
const connectionCounts = [10, 20, connections];
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);

interface Scenario {
  name: string;
  target: 'bare' | 'server' | 'prism';
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** A fresh body per request (unique ids, so nothing is deduplicated away). */
  body?: () => string;
  eventsPerRequest: number;
  overallRate?: number;
  /** Overrides the run's connection count. */
  connections?: number;
}

interface Result {
  name: string;
  connections: number;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU of the target's processes per stored event (per answered request for bare Fastify and Prism), µs. */
  cpuUsPerEvent: number;
}

const json = { 'content-type': 'application/json' };
const writeKey = { ...json, 'x-write-key': demoWriteKey };
// The demo config's Dito secret (the vendor's placeholder), signed as its client would.
const sha1 = createHash('sha1').update('SUA_SECRET_KEY').digest('hex');

const bareSingle: Scenario = {
  name: 'bare Fastify, POST /api/s/track (ceiling)',
  target: 'bare',
  method: 'POST',
  path: '/m1das/api/s/track',
  headers: json,
  body: trackBody,
  eventsPerRequest: 1,
};
const serverSingle: Scenario = {
  name: 'trackspec m1das POST /api/s/track',
  target: 'server',
  method: 'POST',
  path: '/m1das/api/s/track',
  headers: writeKey,
  body: trackBody,
  eventsPerRequest: 1,
};
const prismSingle: Scenario = {
  name: 'Prism mock m1das POST /api/s/track',
  target: 'prism',
  method: 'POST',
  path: '/api/s/track',
  headers: writeKey,
  body: trackBody,
  eventsPerRequest: 1,
};
const serverBatch: Scenario = {
  name: 'trackspec m1das POST /v1/batch (100 events)',
  target: 'server',
  method: 'POST',
  path: '/m1das/v1/batch',
  headers: json,
  body: batchBody,
  eventsPerRequest: 100,
};
const atConnections = (scenario: Scenario, count: number): Scenario =>
  count === connections
    ? scenario
    : { ...scenario, name: `${scenario.name}, ${count} connections`, connections: count };
const singlePairs = connectionCounts.map((count) => ({
  connections: count,
  bare: atConnections(bareSingle, count),
  server: atConnections(serverSingle, count),
}));

const scenarios: Scenario[] = [
  ...singlePairs.flatMap((pair) => [pair.bare, pair.server]),
  prismSingle,
  serverBatch,
  {
    name: 'trackspec tto POST /v1/track',
    target: 'server',
    method: 'POST',
    path: '/tto/v1/track',
    headers: json,
    body: () =>
      JSON.stringify({
        type: 'track',
        api_key: 'your_api_key_here',
        msg_id: randomUUID(),
        user_id: 'user_12345',
        event: 'Purchase',
        timestamp: '1767174918',
      }),
    eventsPerRequest: 1,
  },
  {
    name: 'trackspec dito POST /users/{id} (form)',
    target: 'server',
    method: 'POST',
    path: '/dito/users/ID_DO_SEU_USUARIO',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: () =>
      new URLSearchParams({
        id_type: 'id',
        platform_api_key: 'SUA_API_KEY',
        sha1_signature: sha1,
        network_name: 'pt',
        event: JSON.stringify({ action: 'comprou', revenue: 10.12, data: { cor: 'azul' } }),
      }).toString(),
    eventsPerRequest: 1,
  },
  {
    name: 'trackspec hellotext POST /v1/attribution/events',
    target: 'server',
    method: 'POST',
    path: '/hellotext/v1/attribution/events',
    headers: { ...json, authorization: 'Bearer ALK_eSMRuwJ2Al...' },
    body: () => JSON.stringify({ action: 'product.purchased', product: 'vxqQJ3Yg', profile: 'PROFILE_ID' }),
    eventsPerRequest: 1,
  },
  {
    name: 'trackspec rockstat GET /{service}/{event}/{project}',
    target: 'server',
    method: 'GET',
    path: '/rockstat/calltrack/call/99?param=myparamvalue',
    headers: {},
    eventsPerRequest: 1,
  },
  {
    name: 'trackspec rockstat POST /{service}/{event} (JSON)',
    target: 'server',
    method: 'POST',
    path: '/rockstat/calltrack/call',
    headers: json,
    body: () => JSON.stringify({ key1: 'value1', key2: 'value2' }),
    eventsPerRequest: 1,
  },
];

function spawnBare(): Promise<{ origin: string; child: ChildProcess }> {
  const bareServer = new URL('./bare-server.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [...exitWithParent, '--import', 'tsx', bareServer], {
    stdio: ['pipe', 'pipe', 'inherit'], // stdin: the pipe that ends it with the bench, however the bench ends
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ origin: match[1]!, child });
    });
    child.once('exit', () => reject(new Error(`bare server exited: ${output}`)));
  });
}

async function load(target: { origin: string; pid: number }, scenario: Scenario): Promise<Result> {
  const cpuBefore = processTreeCpuMs(target.pid);
  const result = await autocannon({
    url: target.origin + scenario.path,
    connections: scenario.connections ?? connections,
    duration,
    ...(scenario.overallRate ? { overallRate: scenario.overallRate } : {}),
    requests: [
      {
        method: scenario.method,
        headers: scenario.headers,
        ...(scenario.body ? { setupRequest: (request: object) => ({ ...request, body: scenario.body!() }) } : {}),
      },
    ],
  });
  const cpuMs = processTreeCpuMs(target.pid) - cpuBefore;
  const events = result['2xx'] * scenario.eventsPerRequest;
  return {
    name: scenario.name,
    connections: scenario.connections ?? connections,
    cpuUsPerEvent: events ? Number(((cpuMs * 1000) / events).toFixed(1)) : 0,
    requestsPerSecond: Math.round(result.requests.average),
    eventsPerSecond: Math.round(result.requests.average * scenario.eventsPerRequest),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * The typed client against a raw fetch of the same request, sequentially, on the bare server (so
 * the server adds least). Short rounds in alternation, the median of their ratios: drift on a
 * shared machine moves both sides of a pair alike. Also the client process's CPU per request.
 */
async function clientOverhead(
  origin: string,
): Promise<{ rawMs: number; clientMs: number; overheadPercent: number; rawCpuUs: number; clientCpuUs: number }> {
  const perRound = 500;
  const pairs = 20;
  const body = { type: 'track' as const, event: 'e', userId: 'u' };
  // The client as an application would create it: defaults (retries, 10 s timeout) and the write key.
  const client = createM1dasClient({ baseUrl: `${origin}/m1das`, writeKey: demoWriteKey });
  const raw = () =>
    fetch(`${origin}/m1das/api/s/track`, { method: 'POST', headers: writeKey, body: JSON.stringify(body) }).then(
      (response) => response.json(),
    );
  const typed = () => client.POST('/api/s/{event-type}', { params: { path: { 'event-type': 'track' } }, body });
  const time = async (call: () => Promise<unknown>) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let index = 0; index < perRound; index++) await call();
    const used = process.cpuUsage(cpu);
    return { ms: (performance.now() - started) / perRound, cpuUs: (used.user + used.system) / perRound };
  };
  await time(raw); // warm-up
  await time(typed);
  const rounds: Array<{ raw: { ms: number; cpuUs: number }; typed: { ms: number; cpuUs: number } }> = [];
  for (let pair = 0; pair < pairs; pair++) {
    // Alternate which goes first, too.
    if (pair % 2 === 0) rounds.push({ raw: await time(raw), typed: await time(typed) });
    else {
      const typedFirst = await time(typed);
      rounds.push({ raw: await time(raw), typed: typedFirst });
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratio = median(rounds.map((round) => round.typed.ms / round.raw.ms));
  return {
    rawMs: Number(median(rounds.map((round) => round.raw.ms)).toFixed(4)),
    clientMs: Number(median(rounds.map((round) => round.typed.ms)).toFixed(4)),
    overheadPercent: Number(((ratio - 1) * 100).toFixed(1)),
    rawCpuUs: Math.round(median(rounds.map((round) => round.raw.cpuUs))),
    clientCpuUs: Math.round(median(rounds.map((round) => round.typed.cpuUs))),
  };
}

const bare = await spawnBare();
// The server logs at the level operators run it at (info unless BENCH_LOG_LEVEL says otherwise).
// Metrics on (a listener of their own) for the heaps after the bench.
const server = await startServerProcess({
  env: {
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
  },
  config: { metrics: { host: '127.0.0.1', port: 0 } },
});
const prism = await startMocks({ apis: ['m1das'], ports: 'ephemeral' });
const targets = {
  bare: { origin: bare.origin, pid: bare.child.pid! },
  server: { origin: server.origin, pid: server.pid },
  prism: { origin: prism.urls.m1das!, pid: prism.mocks[0]!.pid },
};

try {
  // Per scenario, the round with the most req/s, and the least CPU per event of any round: the CPU
  // ratios compare each side at its quietest, so a burst of background load in one round does not count.
  const best = new Map<string, Result>();
  const leastCpu = new Map<string, number>();
  for (let round = 1; round <= rounds; round++) {
    for (const scenario of scenarios) {
      const result = await load(targets[scenario.target], scenario);
      const previous = best.get(scenario.name);
      if (!previous || result.requestsPerSecond > previous.requestsPerSecond) best.set(scenario.name, result);
      if (result.cpuUsPerEvent > 0)
        leastCpu.set(scenario.name, Math.min(leastCpu.get(scenario.name) ?? Infinity, result.cpuUsPerEvent));
      console.error(
        `round ${round}: ${scenario.name}: ${result.requestsPerSecond} req/s, ${result.cpuUsPerEvent} µs CPU/event`,
      );
    }
  }
  const resultOf = (scenario: Scenario) => best.get(scenario.name)!;
  const cpuOf = (scenario: Scenario) => leastCpu.get(scenario.name) ?? Number.NaN;
  const ratio = (value: number) => Number(value.toFixed(2));
  const single = resultOf(serverSingle);
  const halfRate = await load(targets.server, {
    ...serverSingle,
    name: 'trackspec m1das single event at half its max rate',
    overallRate: Math.max(1, Math.round(single.requestsPerSecond / 2)),
  });
  const overhead = await clientOverhead(bare.origin);
  const memory = {
    bareFastifyMb: peakRssMb(bare.child.pid!),
    trackspecServerMb: peakRssMb(server.pid),
    trackspecServer: await serverMemory(server),
    prismMb: peakRssMb(prism.mocks[0]!.pid),
  };

  const results = [...best.values()];
  const prismRate = resultOf(prismSingle).requestsPerSecond;
  const batch = resultOf(serverBatch);
  /** The bare ceiling's CPU per request at a row's connection count (the run's count for every other API). */
  const bareCpuAt = (count: number) =>
    cpuOf(singlePairs.find((pair) => pair.connections === count)?.bare ?? bareSingle);
  const goals: Record<string, { value: number; target: string }> = {
    ...Object.fromEntries(
      singlePairs.map((pair) => [
        `single-event CPU ÷ bare Fastify CPU, ${pair.connections} connections`,
        { value: ratio(cpuOf(pair.server) / cpuOf(pair.bare)), target: '≤ 2' },
      ]),
    ),
    'batch CPU µs per event (100-event batches)': { value: cpuOf(serverBatch), target: '≤ 8' },
    'batch events/s': { value: batch.eventsPerSecond, target: '≥ 100000' },
    'p99 ms at half the max single-event rate': { value: halfRate.p99, target: '≤ 10' },
    'server peak RSS MB through the whole bench': { value: memory.trackspecServerMb, target: '≤ 200' },
    'typed client overhead % against raw fetch': { value: overhead.overheadPercent, target: '≤ 5' },
  };

  const lines = [
    `trackspec bench — ${new Date().toISOString()} — ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${connections} connections × ${duration} s, best of ${rounds} alternating rounds`,
    '',
    '| scenario | req/s | events/s | p50 ms | p99 ms | non-2xx | CPU µs/event (least) | CPU × bare | × Prism req/s |',
    '|---|---|---|---|---|---|---|---|---|',
    // Each row's CPU compares with bare Fastify's at the same connection count.
    ...results.map((result) => {
      const cpu = leastCpu.get(result.name) ?? result.cpuUsPerEvent;
      return `| ${result.name} | ${result.requestsPerSecond} | ${result.eventsPerSecond} | ${result.p50} | ${result.p99} | ${result.non2xx + result.errors} | ${cpu} | ${(cpu / bareCpuAt(result.connections)).toFixed(2)} | ${(result.requestsPerSecond / prismRate).toFixed(1)} |`;
    }),
    `| ${halfRate.name} (${Math.round(single.requestsPerSecond / 2)} req/s offered) | ${halfRate.requestsPerSecond} | ${halfRate.eventsPerSecond} | ${halfRate.p50} | ${halfRate.p99} | ${halfRate.non2xx + halfRate.errors} | ${halfRate.cpuUsPerEvent} | | |`,
    '',
    `Peak RSS: bare Fastify ${memory.bareFastifyMb} MB, trackspec server ${memory.trackspecServerMb} MB, Prism ${memory.prismMb} MB.`,
    `trackspec server: ${formatServerMemory(memory.trackspecServer)}.`,
    `Typed client (defaults: retries, 10 s timeout) vs raw fetch, sequential, same request: ${overhead.clientMs} ms vs ${overhead.rawMs} ms per request (median of 20 alternating rounds), overhead ${overhead.overheadPercent} %; client-process CPU ${overhead.clientCpuUs} µs vs ${overhead.rawCpuUs} µs per request.`,
    '',
    '| target | measured | goal | met |',
    '|---|---|---|---|',
    ...Object.entries(goals).map(
      ([name, { value, target }]) => `| ${name} | ${value} | ${target} | ${meets(value, target) ? 'yes' : 'no'} |`,
    ),
  ];
  console.log(lines.join('\n'));
  await mkdir(new URL('../results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('../results/latest.json', import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), machine: { cores: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, settings: { connections, duration, rounds }, results, leastCpuUsPerEvent: Object.fromEntries(leastCpu), halfRate, memory, clientOverhead: overhead, targets: goals }, null, 2)}\n`,
  );
} finally {
  await prism.stop();
  await server.stop();
  bare.child.kill('SIGTERM');
}
