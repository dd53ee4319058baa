/**
 * Several server replicas on one PostgreSQL database (a throw-away cluster):
 * - kill -9 of one replica of three under load, several times: every acknowledged event stored, none
 *   twice, and the other replicas keep answering (no 5xx, no cut request from them);
 * - PostgreSQL restarted in immediate mode under load: 503 with Retry-After while it is down, never a
 *   2xx for an event that is not stored, and 2xx again once it is back, without restarting a replica;
 * - the same message id sent to two replicas at once, many times: stored once each.
 */
import { randomUUID } from 'node:crypto';
import { type PostgresCluster, type ServerProcess, startPostgres, startServerProcess } from '@trackspec/harness';
import { untilUnderLoad } from './load-phase.js';
import { compare, readAllEvents } from './store-contents.js';
import { count, emptySummary, type Summary } from './summary.js';

interface Answer {
  status: number | undefined;
  retryAfter: string | null;
}

/** One m1das track event with this message id; `status` undefined when no answer came. */
async function sendTrack(server: ServerProcess, messageId: string, label: string): Promise<Answer> {
  try {
    const response = await fetch(`${server.urls.m1das}/api/s/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': server.credentials.m1das!.writeKey! },
      body: JSON.stringify({ type: 'track', event: 'replica_test', userId: label, messageId }),
    });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  } catch {
    return { status: undefined, retryAfter: null };
  }
}

const ok = (status: number | undefined) => status !== undefined && status >= 200 && status < 300;

async function startReplicas(cluster: PostgresCluster, replicas: number): Promise<ServerProcess[]> {
  return Promise.all(
    Array.from({ length: replicas }, () => startServerProcess({ database: cluster.url, env: { LOG_LEVEL: 'error' } })),
  );
}

/** Counts the acknowledged ids missing from the database, and those stored twice, into the summary. */
async function checkStored(server: ServerProcess, acknowledged: Set<string>, summary: Summary): Promise<void> {
  const stored = await readAllEvents(server.origin, server.adminToken, 'api=m1das');
  const { lost, duplicated } = compare(acknowledged, stored);
  summary.lost = lost.length;
  summary.duplicated = duplicated.length;
  summary.notes.push(`${acknowledged.size} distinct events acknowledged, ${stored.length} stored`);
  if (lost.length) summary.notes.push(`lost e.g. ${lost.slice(0, 3).join(', ')}`);
}

export interface ReplicaCrashResult extends Summary {
  /** Answers other than 2xx (or no answer) from the replicas that were not killed. */
  survivorFailures: number;
}

export interface ReplicaCrashOptions {
  replicas: number;
  cycles: number;
  /** How long to load after the first acknowledgement before each kill, in ms (the kill lands at a random point in the second half). */
  loadMs: number;
  concurrency: number;
}

export async function runReplicaCrash({
  replicas,
  cycles,
  loadMs,
  concurrency,
}: ReplicaCrashOptions): Promise<ReplicaCrashResult> {
  const summary: ReplicaCrashResult = {
    ...emptySummary(`replica crash on PostgreSQL (${cycles} × kill -9 of one replica of ${replicas})`),
    survivorFailures: 0,
  };
  const cluster = await startPostgres();
  const acknowledged = new Set<string>();
  let servers: ServerProcess[] = [];
  try {
    servers = await startReplicas(cluster, replicas);
    for (let cycle = 0; cycle < cycles; cycle++) {
      const victim = cycle % replicas;
      let killed = false;
      let next = 0;
      // A retrying client re-sends some acknowledged events after the restart, to any replica.
      await Promise.all(
        [...acknowledged].slice(0, 20).map(async (messageId, index) => {
          const answer = await sendTrack(servers[index % replicas]!, messageId, `retry-${cycle}`);
          count(summary, answer.status);
        }),
      );
      let running = true;
      let acknowledgedThisCycle = 0;
      const workers = Array.from({ length: concurrency }, async () => {
        while (running) {
          let index = next++ % replicas;
          // Once it is killed, clients go to the others (as a load balancer would send them).
          if (killed && index === victim) index = (index + 1) % replicas;
          const messageId = randomUUID();
          const answer = await sendTrack(servers[index]!, messageId, `cycle-${cycle}`);
          count(summary, answer.status);
          if (ok(answer.status)) {
            acknowledged.add(messageId);
            acknowledgedThisCycle++;
          }
          // The kill may cut the victim's requests (their fate is unknown); the others must all succeed.
          if (!(index === victim && killed) && !ok(answer.status)) summary.survivorFailures += 1;
        }
      });
      // Every replica is answering before one is killed (a replica's first request can be slow on a busy machine).
      if (!(await untilUnderLoad(() => acknowledgedThisCycle, { loadMs, atLeast: replicas }))) {
        summary.notes.push(`cycle ${cycle}: fewer than ${replicas} events acknowledged within 60 s of load`);
      }
      killed = true;
      await servers[victim]!.kill();
      // The others keep answering while the victim is gone.
      await new Promise((resolve) => setTimeout(resolve, loadMs / 4));
      running = false;
      await Promise.all(workers);
      servers[victim] = await startServerProcess({ database: cluster.url, env: { LOG_LEVEL: 'error' } });
    }
    await checkStored(servers[0]!, acknowledged, summary);
    summary.notes.push(`${summary.survivorFailures} failed answers from replicas that were not killed`);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await cluster.stop();
  }
  return summary;
}

export interface DatabaseRestartResult extends Summary {
  /** Answers while PostgreSQL was down, by status ('none' for no answer). */
  whileDown: Record<string, number>;
  /** 503s while it was down without a Retry-After header. */
  withoutRetryAfter: number;
  /** 2xx'd events that are not in the database afterwards (the same as `lost`). */
  acknowledgedNotStored: number;
  /** Whether every replica answered 2xx again after PostgreSQL came back, and how long that took. */
  recovered: boolean;
  recoveryMs: number;
}

/**
 * PostgreSQL stopped in immediate mode (a crash: no checkpoint, WAL replay at start) while `replicas`
 * replicas are under load, kept down for `downMs`, then started again; the replicas keep running.
 */
export async function runDatabaseRestart({
  replicas,
  downMs,
  concurrency,
}: {
  replicas: number;
  downMs: number;
  concurrency: number;
}): Promise<DatabaseRestartResult> {
  const summary: DatabaseRestartResult = {
    ...emptySummary(`PostgreSQL immediate restart under load (${replicas} replicas)`),
    whileDown: {},
    withoutRetryAfter: 0,
    acknowledgedNotStored: 0,
    recovered: false,
    recoveryMs: 0,
  };
  const cluster = await startPostgres();
  const acknowledged = new Set<string>();
  let servers: ServerProcess[] = [];
  try {
    servers = await startReplicas(cluster, replicas);
    let phase: 'up' | 'down' | 'back' = 'up';
    let running = true;
    let next = 0;
    const workers = Array.from({ length: concurrency }, async () => {
      while (running) {
        const messageId = randomUUID();
        const sentWhile = phase;
        const answer = await sendTrack(servers[next++ % replicas]!, messageId, 'restart');
        count(summary, answer.status);
        if (ok(answer.status)) acknowledged.add(messageId);
        // Only requests sent and answered entirely while it was down say how a replica answers then.
        if (sentWhile === 'down' && phase === 'down') {
          const key = String(answer.status ?? 'none');
          summary.whileDown[key] = (summary.whileDown[key] ?? 0) + 1;
          if (answer.status === 503 && answer.retryAfter === null) summary.withoutRetryAfter += 1;
          if (answer.status !== 503) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        // A client backs off on 503 as told.
        if (answer.status === 503) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    if (!(await untilUnderLoad(() => acknowledged.size, { loadMs: 1_000, atLeast: replicas }))) {
      summary.notes.push(`fewer than ${replicas} events acknowledged within 60 s of load`);
    }
    await cluster.stopServer('immediate');
    phase = 'down';
    await new Promise((resolve) => setTimeout(resolve, downMs));
    phase = 'back';
    await cluster.startServer();
    const backAt = Date.now();
    // Recovered once every replica has stored an event again (bounded wait).
    const recoveredReplicas = new Set<number>();
    while (recoveredReplicas.size < replicas && Date.now() - backAt < 30_000) {
      for (const [index, server] of servers.entries()) {
        if (recoveredReplicas.has(index)) continue;
        const messageId = randomUUID();
        const answer = await sendTrack(server, messageId, 'recovery');
        count(summary, answer.status);
        if (ok(answer.status)) {
          acknowledged.add(messageId);
          recoveredReplicas.add(index);
        }
      }
      if (recoveredReplicas.size < replicas) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    summary.recovered = recoveredReplicas.size === replicas;
    summary.recoveryMs = Date.now() - backAt;
    await new Promise((resolve) => setTimeout(resolve, 500));
    running = false;
    await Promise.all(workers);
    await checkStored(servers[0]!, acknowledged, summary);
    summary.acknowledgedNotStored = summary.lost;
    summary.notes.push(
      `while down: ${Object.entries(summary.whileDown)
        .map(([status, times]) => `${times}×${status}`)
        .join(
          ' ',
        )}; 503 without Retry-After: ${summary.withoutRetryAfter}; ${summary.recovered ? `every replica storing again ${summary.recoveryMs} ms after PostgreSQL was back` : 'NOT recovered within 30 s'}`,
    );
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await cluster.stop();
  }
  return summary;
}

export interface ConcurrentDuplicatesResult extends Summary {
  /** Message ids sent (each to two replicas at once) and how many of them are stored other than once. */
  messageIds: number;
  notStoredOnce: number;
}

/** The same message id to two replicas at the same moment, `rounds` times (`concurrency` pairs in flight). */
export async function runConcurrentDuplicates({
  rounds,
  concurrency,
}: {
  rounds: number;
  concurrency: number;
}): Promise<ConcurrentDuplicatesResult> {
  const summary: ConcurrentDuplicatesResult = {
    ...emptySummary(`same message id to two replicas at once (${rounds} times)`),
    messageIds: rounds,
    notStoredOnce: 0,
  };
  const cluster = await startPostgres();
  let servers: ServerProcess[] = [];
  const sent: string[] = [];
  const acknowledged = new Set<string>();
  try {
    servers = await startReplicas(cluster, 2);
    let round = 0;
    const workers = Array.from({ length: concurrency }, async () => {
      while (round < rounds) {
        round += 1;
        const messageId = randomUUID();
        sent.push(messageId);
        const answers = await Promise.all(servers.map((server) => sendTrack(server, messageId, 'duplicate')));
        for (const answer of answers) count(summary, answer.status);
        if (answers.some((answer) => ok(answer.status))) acknowledged.add(messageId);
      }
    });
    await Promise.all(workers);
    const stored = await readAllEvents(servers[0]!.origin, servers[0]!.adminToken, 'api=m1das');
    const times = new Map<string, number>();
    for (const event of stored) if (event.messageId) times.set(event.messageId, (times.get(event.messageId) ?? 0) + 1);
    summary.notStoredOnce = sent.filter((messageId) => times.get(messageId) !== 1).length;
    summary.duplicated = [...times.values()].filter((n) => n > 1).length;
    summary.lost = [...acknowledged].filter((messageId) => !times.has(messageId)).length;
    summary.notes.push(
      `${sent.length} message ids, ${stored.length} stored, ${summary.notStoredOnce} not stored exactly once`,
    );
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await cluster.stop();
  }
  return summary;
}
