// The writer thread as the store's calling thread sees it (writer-connection.ts).
import { describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../src/storage/event-store.js';
import { event, open, otherConnection, rowCount, useTempDatabase } from './helpers.js';

useTempDatabase();

describe('writer thread', () => {
  it('waits for a locked database on its writer thread, so the calling thread keeps running', async () => {
    const store = open({ busyTimeoutMs: 400 });
    await store.ping(); // the writer thread is up
    const locker = otherConnection();
    locker.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    const error = await store.append([event()]).catch((e: unknown) => e);
    clearInterval(ticker);
    locker.exec('ROLLBACK');
    expect(error).toBeInstanceOf(StoreUnavailableError);
    // Blocked in SQLite's busy wait on this thread, the interval could not have run more than once.
    expect(ticks).toBeGreaterThan(5);
  });

  it('restarts a writer thread that dies, failing only what it had not acknowledged', async () => {
    const store = open({ writerEntry: new URL('./fixtures/dying-writer.mjs', import.meta.url) });
    const commits: number[] = [];
    store.observe({ committed: (_seconds, events) => commits.push(events) });
    const [before] = await store.append([event({ messageId: 'before' })]);
    expect(store.status()).toEqual({
      queueDepth: 0,
      writerRestarts: 0,
      dedupeWindowSize: 1,
      dedupeWindowCapacity: 1_000_000,
    });

    const error = await store.append([event({ source: 'kill-the-writer' })]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/writer thread exited/);
    // Down until the new writer is up: calls fail fast, as the readiness probe does.
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);

    await vi.waitFor(() => store.ping(), { timeout: 10_000, interval: 100 });
    // The new writer sees what the old one committed, dedupe window included.
    expect(await store.append([event({ messageId: 'before' })])).toEqual([{ id: before!.id, duplicate: true }]);
    expect(rowCount()).toBe(1);
    // For the metrics: one restart, and each committed transaction observed with its events.
    expect(store.status()).toMatchObject({ queueDepth: 0, writerRestarts: 1, dedupeWindowSize: 1 });
    expect(commits).toEqual([1, 1]);
    expect(store.stats().transactions).toBe(2);
  });
});
