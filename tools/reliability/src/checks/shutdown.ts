/**
 * Graceful shutdown: SIGTERM while the server is under load. Every 2xx'd event must be stored,
 * and every request must get an answer: the server drains (new requests get 503, in-flight ones
 * finish), and clients back off on 503 as they should, before it closes the listener and the
 * database.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from '@trackspec/harness';
import { untilUnderLoad } from './load-phase.js';
import { checkStoredAfterRestart } from './store-contents.js';
import { count, emptySummary, type Summary } from './summary.js';

export async function runGracefulShutdown({
  loadMs,
  concurrency,
}: {
  loadMs: number;
  concurrency: number;
}): Promise<Summary> {
  const summary = emptySummary('graceful shutdown (SIGTERM under load)');
  const dir = await mkdtemp(join(tmpdir(), 'trackspec-shutdown-'));
  const database = join(dir, 'events.sqlite');
  const acknowledged = new Set<string>();
  let refused = 0;
  try {
    const server = await startServerProcess({ database, env: { LOG_LEVEL: 'error' } });
    let running = true;
    const workers = Array.from({ length: concurrency }, async () => {
      while (running) {
        const messageId = randomUUID();
        try {
          const response = await fetch(`${server.urls.m1das}/api/s/track`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-write-key': server.credentials.m1das!.writeKey!,
              connection: 'close',
            },
            body: JSON.stringify({ type: 'track', event: 'shutdown_test', userId: 'u', messageId }),
          });
          count(summary, response.status);
          if (response.ok) acknowledged.add(messageId);
          await response.arrayBuffer();
          // A client backs off when told the server is going away.
          if (response.status === 503) running = false;
        } catch (error) {
          // A connection refused after the listener closed was never accepted: not a cut request.
          if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') {
            refused++;
            running = false;
          } else {
            count(summary, undefined);
            const cause = (error as { cause?: { code?: string; message?: string } }).cause;
            summary.notes.push(`no answer: ${cause?.code ?? cause?.message ?? String(error)}`);
          }
        }
      }
    });
    if (!(await untilUnderLoad(() => acknowledged.size, { loadMs }))) {
      summary.notes.push('no event acknowledged within 60 s of load');
    }
    const stopping = server.stop({ removeData: false });
    await Promise.all(workers.map((worker) => Promise.race([worker, stopping])));
    running = false;
    await stopping;
    await Promise.all(workers);

    await checkStoredAfterRestart(database, acknowledged, summary);
    summary.notes.push(`${refused} connection(s) refused after the listener closed`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return summary;
}
