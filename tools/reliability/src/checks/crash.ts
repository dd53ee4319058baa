/**
 * Crash safety: load the server from this (separate) process, `kill -9` it mid-load, restart it
 * on the same database, several times; every event that got a 2xx must be in the store afterwards,
 * and none stored twice (acknowledged ids are also re-sent after each restart, as a retrying
 * client would).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from '@trackspec/harness';
import { untilUnderLoad } from './load-phase.js';
import { checkStoredAfterRestart } from './store-contents.js';
import { count, emptySummary, type Summary } from './summary.js';

export interface CrashOptions {
  cycles: number;
  /** How long to load after the first acknowledgement before each kill, in ms (the kill lands at a random point in the second half). */
  loadMs: number;
  concurrency: number;
}

export async function runCrashSafety({ cycles, loadMs, concurrency }: CrashOptions): Promise<Summary> {
  const summary = emptySummary(`crash safety (${cycles} × kill -9)`);
  const dir = await mkdtemp(join(tmpdir(), 'trackspec-crash-'));
  const database = join(dir, 'events.sqlite');
  const acknowledged = new Set<string>();
  try {
    for (let cycle = 0; cycle < cycles; cycle++) {
      const server = await startServerProcess({ database, env: { LOG_LEVEL: 'error' } });
      const url = `${server.urls.m1das}/api/s/track`;
      let acknowledgedThisCycle = 0;
      const send = async (messageId: string) => {
        let status: number | undefined;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-write-key': server.credentials.m1das!.writeKey! },
            body: JSON.stringify({ type: 'track', event: 'crash_test', userId: `cycle-${cycle}`, messageId }),
          });
          status = response.status;
          await response.arrayBuffer();
        } catch {
          status = undefined; // the crash cut it: its fate is unknown, and that is allowed
        }
        count(summary, status);
        if (status !== undefined && status >= 200 && status < 300) {
          acknowledged.add(messageId);
          acknowledgedThisCycle++;
        }
      };
      // A retrying client re-sends some acknowledged events after a restart: they must not be stored twice.
      await Promise.all([...acknowledged].slice(0, 20).map((messageId) => send(messageId)));

      let running = true;
      const workers = Array.from({ length: concurrency }, async () => {
        while (running) await send(randomUUID());
      });
      const retried = acknowledgedThisCycle;
      if (!(await untilUnderLoad(() => acknowledgedThisCycle - retried, { loadMs }))) {
        summary.notes.push(`cycle ${cycle}: no event acknowledged within 60 s of load`);
      }
      await server.kill();
      running = false;
      await Promise.all(workers);
    }
    await checkStoredAfterRestart(database, acknowledged, summary);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return summary;
}
