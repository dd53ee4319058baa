/**
 * `npm run reliability`: the full reliability suite against real server processes on loopback —
 * crash safety (kill -9 under load, 5 times), graceful shutdown, store failure, the auth matrix,
 * limits/bad input, and fuzzing from the specs (≥ 10,000 requests per API) — each printing its summary
 * (sent, accepted, rejected, 5xx, lost). `-- --store postgres` runs the checks of several replicas on
 * PostgreSQL instead: kill -9 of one replica of three (5 times), PostgreSQL restarted in immediate mode,
 * one message id to two replicas at once (1,000 times), and the fuzzing against the PostgreSQL store.
 * Exits non-zero when any check fails. A bounded slice of the same checks runs in `npm test`.
 */

import { parseArgs } from 'node:util';
import { startPostgres, startServerProcess } from '@trackspec/harness';
import { runAuthMatrix } from './checks/auth-matrix.js';
import { runCrashSafety } from './checks/crash.js';
import { runFuzz } from './checks/fuzz.js';
import { runLimits } from './checks/limits.js';
import { runConcurrentDuplicates, runDatabaseRestart, runReplicaCrash } from './checks/replicas.js';
import { runGracefulShutdown } from './checks/shutdown.js';
import { runStoreFailure } from './checks/store-failure.js';
import { formatSummary, type Summary } from './checks/summary.js';

const { values } = parseArgs({ options: { store: { type: 'string', default: 'sqlite' } } });
if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error('--store is sqlite or postgres');

const failures: string[] = [];
const report = (summary: Summary, problems: string[]) => {
  console.log(formatSummary(summary));
  for (const problem of problems) console.log(`  ✗ ${problem}`);
  if (problems.length) failures.push(summary.check);
};

if (values.store === 'postgres') {
  const crash = await runReplicaCrash({ replicas: 3, cycles: 5, loadMs: 2_000, concurrency: 16 });
  report(crash, [
    ...(crash.lost ? [`${crash.lost} acknowledged events lost`] : []),
    ...(crash.duplicated ? [`${crash.duplicated} stored twice`] : []),
    ...(crash.survivorFailures ? [`${crash.survivorFailures} failed answers from replicas that were not killed`] : []),
  ]);

  const restart = await runDatabaseRestart({ replicas: 2, downMs: 3_000, concurrency: 16 });
  report(restart, [
    ...(Object.keys(restart.whileDown).some((status) => status !== '503')
      ? ['answers other than 503 while PostgreSQL was down']
      : []),
    ...(restart.withoutRetryAfter ? [`${restart.withoutRetryAfter} 503s without Retry-After`] : []),
    ...(restart.acknowledgedNotStored ? [`${restart.acknowledgedNotStored} acknowledged but not stored`] : []),
    ...(restart.duplicated ? [`${restart.duplicated} stored twice`] : []),
    ...(restart.recovered ? [] : ['the replicas did not recover']),
  ]);

  const duplicates = await runConcurrentDuplicates({ rounds: 1_000, concurrency: 8 });
  report(duplicates, [
    ...(duplicates.notStoredOnce ? [`${duplicates.notStoredOnce} message ids not stored exactly once`] : []),
    ...(duplicates.serverErrors ? [`${duplicates.serverErrors} answers were 5xx`] : []),
  ]);
} else {
  const crash = await runCrashSafety({ cycles: 5, loadMs: 2_000, concurrency: 16 });
  report(crash, [
    ...(crash.lost ? [`${crash.lost} acknowledged events lost`] : []),
    ...(crash.duplicated ? [`${crash.duplicated} stored twice`] : []),
  ]);

  const shutdown = await runGracefulShutdown({ loadMs: 2_000, concurrency: 16 });
  report(shutdown, [
    ...(shutdown.lost ? [`${shutdown.lost} acknowledged events lost`] : []),
    ...(shutdown.unanswered ? [`${shutdown.unanswered} requests cut without an answer`] : []),
  ]);

  const storeFailure = await runStoreFailure({ requests: 50 });
  report(storeFailure, [
    ...(storeFailure.phases.during.some((status) => status !== 503)
      ? ['answers other than 503 while the store was locked']
      : []),
    ...(storeFailure.phases.after.some((status) => status !== 201)
      ? ['did not recover after the lock was released']
      : []),
    ...(storeFailure.lost ? [`${storeFailure.lost} acknowledged but not stored`] : []),
  ]);

  const auth = await runAuthMatrix();
  report(auth, [...auth.mismatches, ...auth.leaks]);

  const limits = await runLimits({ rounds: 3 });
  report(limits, limits.mismatches);
}

// The fuzzing runs against the chosen store.
const cluster = values.store === 'postgres' ? await startPostgres() : undefined;
const fuzzServer = await startServerProcess({
  env: { LOG_LEVEL: 'error' },
  config: { announceCredentials: false },
  ...(cluster ? { database: cluster.url } : {}),
});
const fuzz = await runFuzz(fuzzServer, {
  requestsPerApi: Number(process.env.FUZZ_REQUESTS_PER_API ?? 10_000),
  seed: Number(process.env.FUZZ_SEED ?? Date.now() % 100_000),
});
await fuzzServer.stop();
await cluster?.stop();
report(fuzz, [...fuzz.failures, ...(fuzz.serverErrors ? [`${fuzz.serverErrors} answers were 5xx`] : [])]);

console.log(failures.length ? `reliability: FAILED (${failures.join(', ')})` : 'reliability: all checks passed');
process.exitCode = failures.length ? 1 : 0;
