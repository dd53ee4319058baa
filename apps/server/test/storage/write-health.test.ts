// Why a store cannot write (the reason readiness names), from failures shaped as each store meets them, and
// how WriteHealth turns failed and committed writes into readiness. The stores' own tests and
// test/readiness.test.ts meet these failures for real; the disk-full mapping is also checked here, where no
// small file system can be mounted.
import { describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../src/storage/event-store.js';
import { postgresFailureReason } from '../../src/storage/postgres/failure-reason.js';
import { LEASE_NOT_HELD } from '../../src/storage/postgres/schema.js';
import { sqliteFailureReason } from '../../src/storage/sqlite/failure-reason.js';
import { StoreNotWritableError, WriteHealth } from '../../src/storage/write-health.js';

const failure = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
/** A SQLite error as the writer thread's reply becomes one on the calling thread (writer-connection.ts). */
const fromWriter = (message: string, code: string) =>
  new StoreUnavailableError(`event store failed: ${message}`, { cause: failure(message, code) });
/** A PostgreSQL error as a failed group commit wraps it (group-commit-queue.ts). */
const fromGroup = (error: Error) =>
  new StoreUnavailableError(`could not store events: ${error.message}`, { cause: error });

describe('why SQLite cannot write', () => {
  it.each([
    ['database or disk is full', 'SQLITE_FULL', 'disk-full'],
    ['unable to open database file', 'SQLITE_CANTOPEN', 'database-unreachable'],
    ['unable to open database file', 'SQLITE_CANTOPEN_ISDIR', 'database-unreachable'],
    ['database is locked', 'SQLITE_BUSY', 'write-failed'],
    ['disk I/O error', 'SQLITE_IOERR_WRITE', 'write-failed'],
  ])('%s (%s) is %s', (message, code, reason) => {
    expect(sqliteFailureReason(fromWriter(message, code))).toBe(reason);
  });

  it('gives a dead writer thread no reason of its own', () => {
    expect(sqliteFailureReason(new StoreUnavailableError("the store's writer thread exited (code 1)"))).toBe(
      'write-failed',
    );
  });
});

describe('why PostgreSQL cannot write', () => {
  it.each([
    ['could not extend file "base/16384/16385": No space left on device', '53100', 'disk-full'],
    ['worker id 3 is not leased to this replica', LEASE_NOT_HELD, 'lease-lost'],
    ['connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', 'database-unreachable'],
    ['terminating connection due to administrator command', '57P01', 'database-unreachable'],
    ['the database system is starting up', '57P03', 'database-unreachable'],
    ['connection failure', '08006', 'database-unreachable'],
    ['Connection terminated unexpectedly', undefined, 'database-unreachable'],
    ['timeout exceeded when trying to connect', undefined, 'database-unreachable'],
    ['canceling statement due to statement timeout', '57014', 'write-failed'],
    ['cannot execute INSERT in a read-only transaction', '25006', 'write-failed'],
  ])('%s (%s) is %s', (message, code, reason) => {
    expect(postgresFailureReason(fromGroup(failure(message, code)))).toBe(reason);
  });

  it('takes the reason a lease error names, and for a lease it could not renew, why the renewal failed', () => {
    const taken = new StoreNotWritableError(
      'lease-lost',
      'the worker-id lease (worker 3) was taken by another replica',
    );
    expect(postgresFailureReason(taken)).toBe('lease-lost');
    const unrenewed = new StoreUnavailableError(
      'the worker-id lease (worker 3) could not be renewed: connect ECONNREFUSED',
      {
        cause: failure('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      },
    );
    expect(postgresFailureReason(unrenewed)).toBe('database-unreachable');
  });
});

describe('WriteHealth', () => {
  const setUp = (probe: () => Promise<unknown>) => {
    const probes = vi.fn(probe);
    const health = new WriteHealth({ reasonOf: sqliteFailureReason, probe: probes });
    return { health, probes, check: vi.fn(async () => {}) };
  };

  it('uses the usual check, not a probe write, while writes succeed', async () => {
    const { health, probes, check } = setUp(async () => {});
    await health.ready(check);
    expect(check).toHaveBeenCalledTimes(1);
    expect(probes).not.toHaveBeenCalled();
  });

  it('after a failed write, answers why until a probe write commits, then is ready without appends', async () => {
    let diskFull = true;
    const { health, probes, check } = setUp(async () => {
      if (diskFull) throw fromWriter('database or disk is full', 'SQLITE_FULL');
    });
    health.failed(fromWriter('database or disk is full', 'SQLITE_FULL'));
    await expect(health.ready(check)).rejects.toMatchObject({ name: 'StoreNotWritableError', reason: 'disk-full' });
    diskFull = false;
    await expect(health.ready(check)).resolves.toBeUndefined();
    expect(probes).toHaveBeenCalledTimes(2);
    expect(check).not.toHaveBeenCalled();
    // Recovered: back to the usual check.
    await health.ready(check);
    expect(probes).toHaveBeenCalledTimes(2);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('shares one probe among callers at the same time, and an append that commits clears the failure', async () => {
    let release: () => void = () => {};
    const { health, probes, check } = setUp(() => new Promise<void>((resolve) => (release = resolve)));
    health.failed(fromWriter('database is locked', 'SQLITE_BUSY'));
    const together = Promise.all([health.ready(check), health.ready(check)]);
    release();
    await together;
    expect(probes).toHaveBeenCalledTimes(1);
    health.failed(fromWriter('database is locked', 'SQLITE_BUSY'));
    health.committed();
    await health.ready(check);
    expect(probes).toHaveBeenCalledTimes(1);
  });

  it('names why the usual check failed, without marking the store failing', async () => {
    const { health, probes } = setUp(async () => {});
    const refused = health.ready(async () => {
      throw fromWriter('unable to open database file', 'SQLITE_CANTOPEN');
    });
    await expect(refused).rejects.toMatchObject({ reason: 'database-unreachable' });
    await health.ready(async () => {});
    expect(probes).not.toHaveBeenCalled();
  });
});
