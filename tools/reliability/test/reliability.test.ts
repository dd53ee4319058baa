// A bounded slice of the reliability suite (`npm run reliability` runs the full one): real server
// processes on loopback, killed, stopped and starved of their store; each check prints its summary.

import { startServerProcess } from '@trackspec/harness';
import { describe, expect, it } from 'vitest';
import { runAuthMatrix } from '../src/checks/auth-matrix.js';
import { runCrashSafety } from '../src/checks/crash.js';
import { runFuzz } from '../src/checks/fuzz.js';
import { runLimits } from '../src/checks/limits.js';
import { runReplicaCrash } from '../src/checks/replicas.js';
import { runGracefulShutdown } from '../src/checks/shutdown.js';
import { runStoreFailure } from '../src/checks/store-failure.js';
import { formatSummary } from '../src/checks/summary.js';

describe('reliability (bounded slice)', () => {
  it('loses no acknowledged event when killed with -9 under load, and stores none twice', async () => {
    const summary = await runCrashSafety({ cycles: 2, loadMs: 800, concurrency: 8 });
    console.log(formatSummary(summary));
    expect(summary.accepted, formatSummary(summary)).toBeGreaterThan(0);
    expect(summary.lost).toBe(0);
    expect(summary.duplicated).toBe(0);
    expect(summary.serverErrors).toBe(0);
    // Each kill waits for the load to be under way (a first acknowledgement), which a busy machine
    // delays: a hang bound of its own.
  }, 300_000);

  it('on PostgreSQL, loses and duplicates nothing when one replica of three is killed -9 under load, the others answering on', async () => {
    const summary = await runReplicaCrash({ replicas: 3, cycles: 1, loadMs: 1_000, concurrency: 8 });
    console.log(formatSummary(summary));
    expect(summary.accepted, formatSummary(summary)).toBeGreaterThan(0);
    expect(summary.lost).toBe(0);
    expect(summary.duplicated).toBe(0);
    expect(summary.serverErrors).toBe(0);
    expect(summary.survivorFailures).toBe(0);
  }, 300_000);

  it('answers every request and keeps every acknowledged event through SIGTERM', async () => {
    const summary = await runGracefulShutdown({ loadMs: 800, concurrency: 8 });
    console.log(formatSummary(summary));
    expect(summary.accepted, formatSummary(summary)).toBeGreaterThan(0);
    expect(summary.unanswered).toBe(0);
    expect(summary.lost).toBe(0);
  }, 300_000);

  it('answers 503 (never 2xx) while the store cannot write, and recovers', async () => {
    const result = await runStoreFailure({ requests: 10 });
    console.log(formatSummary(result));
    expect(result.phases.before.every((status) => status === 201)).toBe(true);
    expect(result.phases.during.every((status) => status === 503)).toBe(true);
    expect(result.storedWhileLocked).toBe(0);
    expect(result.phases.after.every((status) => status === 201)).toBe(true);
  });

  it('refuses every bad credential as the specs say, and never shows a secret', async () => {
    const result = await runAuthMatrix();
    console.log(formatSummary(result));
    expect(result.mismatches).toEqual([]);
    expect(result.leaks).toEqual([]);
  });

  it('answers oversize, too deep, malformed and hostile bodies with 4xx and stays up', async () => {
    const result = await runLimits();
    console.log(formatSummary(result));
    expect(result.mismatches).toEqual([]);
    expect(result.serverErrors).toBe(0);
    expect(result.peakRssMb).toBeLessThan(512);
  });

  it('accepts valid-by-schema requests and rejects schema-breaking ones with 4xx, never 5xx (fixed seed)', async () => {
    const server = await startServerProcess({ env: { LOG_LEVEL: 'error' }, config: { announceCredentials: false } });
    try {
      const result = await runFuzz(server, { requestsPerApi: 30, seed: 20261123 });
      console.log(formatSummary(result));
      expect(result.failures).toEqual([]);
      expect(result.serverErrors).toBe(0);
      expect(result.accepted).toBeGreaterThan(0);
      expect(result.rejected).toBeGreaterThan(0);
      // The limit sweep reached both sides of the nesting and size limits.
      expect(result.sweep.within).toBeGreaterThan(0);
      expect(result.sweep.pastDepth).toBeGreaterThan(0);
      expect(result.sweep.pastSize).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
    // CPU-bound (every request generated, sent and checked): 15 s alone; with twice the requests it
    // took over 120 s beside a whole CI run on 2 cores, hence its own, larger hang bound.
  }, 300_000);
});
