/**
 * Store failure: another process takes the database's write lock mid-run, so the server cannot
 * commit. It must answer 503 (never a 2xx for an event it did not store) and accept events again
 * once the lock is released. (Tests run as root, where removing file permissions blocks nothing;
 * a held lock is a failure the server really meets.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from '@trackspec/harness';
import Database from 'better-sqlite3';
import { readAllEvents } from './store-contents.js';
import { count, emptySummary, type Summary } from './summary.js';

export interface StoreFailureResult extends Summary {
  /** Statuses per phase: before the lock, while it is held, after it is released. */
  phases: { before: number[]; during: number[]; after: number[] };
  storedWhileLocked: number;
}

export async function runStoreFailure({ requests }: { requests: number }): Promise<StoreFailureResult> {
  const summary: StoreFailureResult = {
    ...emptySummary('store failure (write lock held by another process)'),
    phases: { before: [], during: [], after: [] },
    storedWhileLocked: 0,
  };
  const dir = await mkdtemp(join(tmpdir(), 'trackspec-store-failure-'));
  const database = join(dir, 'events.sqlite');
  const server = await startServerProcess({ database, env: { LOG_LEVEL: 'error' } });
  const send = async (phase: string, index: number) => {
    const response = await fetch(`${server.urls.hellotext}/v1/attribution/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.credentials.hellotext!.token}` },
      body: JSON.stringify({ action: `${phase}-${index}`, profile: 'p' }),
    });
    await response.arrayBuffer();
    count(summary, response.status);
    return response.status;
  };
  try {
    const before = await Promise.all(Array.from({ length: requests }, (_, index) => send('before', index)));
    const blocker = new Database(database);
    blocker.exec('BEGIN IMMEDIATE');
    const during = await Promise.all(Array.from({ length: requests }, (_, index) => send('during', index)));
    blocker.exec('ROLLBACK');
    blocker.close();
    const after = await Promise.all(Array.from({ length: requests }, (_, index) => send('after', index)));

    const stored = (await readAllEvents(server.origin, server.adminToken, 'api=hellotext')) as unknown as Array<{
      eventName: string;
    }>;
    summary.phases = { before, during, after };
    summary.storedWhileLocked = stored.filter((event) => event.eventName.startsWith('during-')).length;
    const acknowledgedWhileLocked = during.filter((status) => status >= 200 && status < 300).length;
    summary.lost = Math.max(0, acknowledgedWhileLocked - summary.storedWhileLocked);
    summary.notes.push(
      `before: ${tally(before)}; while locked: ${tally(during)}; after: ${tally(after)}; stored while locked: ${summary.storedWhileLocked}`,
    );
  } finally {
    await server.stop({ removeData: false });
    await rm(dir, { recursive: true, force: true });
  }
  return summary;
}

function tally(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts.entries()].map(([status, times]) => `${times}×${status}`).join(' ');
}
