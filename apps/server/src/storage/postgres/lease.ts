/**
 * The snowflake worker id of a replica, leased from the database's worker_leases table so that no two
 * running replicas share one (and so never generate the same id) without anyone assigning ids by hand.
 * Taken at start-up (the lowest free id), renewed every third of its time to live, released on shutdown.
 * While the lease cannot be renewed the store refuses writes; should another replica have taken the id
 * meanwhile, the lease is lost for good and the replica must be restarted.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { messageOf } from '../error-message.js';
import { StoreUnavailableError } from '../event-store.js';
import { StoreNotWritableError } from '../write-health.js';

export interface LeaseOptions {
  /** How long a lease lasts without renewal; another replica may take the id after that. */
  ttlMs: number;
  /** Runs a query on some connection of the store (the lease needs no connection of its own). */
  query: (text: string, values: unknown[]) => Promise<pg.QueryResult>;
  /** Hears of renewal failures and of the lease being lost (for the log). */
  onProblem?: (message: string) => void;
}

/**
 * After a release the id stays unusable this long, so that a replica taking it cannot generate, in
 * the same millisecond, an id the previous holder already gave out.
 */
const RELEASE_GUARD_MS = 2_000;

export class WorkerLease {
  private validUntil = 0;
  private lost: StoreNotWritableError | undefined;
  /** Why the last renewal failed (none since it last succeeded). */
  private lastFailure: unknown;
  private renewTimer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private released = false;

  private constructor(
    readonly workerId: number,
    /** Unique per lease: the row's holder, checked by every write transaction. */
    readonly holder: string,
    private readonly options: LeaseOptions,
  ) {}

  /** Leases the lowest free worker id; throws when the database cannot be reached or all 1024 are held. */
  static async acquire(options: LeaseOptions): Promise<WorkerLease> {
    const holder = randomUUID();
    const sentAt = performance.now();
    // SKIP LOCKED: replicas starting together each take a different free row instead of waiting for one another.
    const { rows } = await options.query(
      `UPDATE worker_leases
          SET holder = $1, holder_name = $2, expires_at = now() + $3 * interval '1 millisecond', renewed_at = now()
        WHERE worker_id = (SELECT worker_id FROM worker_leases WHERE expires_at < now()
                            ORDER BY worker_id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING worker_id`,
      [holder, `${hostname()} pid ${process.pid}`, options.ttlMs],
    );
    if (rows.length === 0)
      throw new Error(
        'all 1024 snowflake worker ids are leased to running replicas; stop one, or wait for a lease to expire',
      );
    const lease = new WorkerLease(Number(rows[0].worker_id), holder, options);
    lease.validUntil = sentAt + lease.safeTtlMs;
    lease.scheduleRenewal(options.ttlMs / 3);
    return lease;
  }

  /** Throws StoreUnavailableError unless the lease is certainly still held (by this process's clock). */
  assertHeld(): void {
    if (this.lost) throw this.lost;
    if (this.released) throw new StoreUnavailableError('the worker-id lease has been released (store closing)');
    if (performance.now() < this.validUntil) return;
    const message = `the worker-id lease (worker ${this.workerId}) could not be renewed`;
    // Why the renewal failed (the database unreachable, say) is why the store cannot write.
    if (this.lastFailure !== undefined)
      throw new StoreUnavailableError(`${message}: ${messageOf(this.lastFailure)}`, { cause: this.lastFailure });
    throw new StoreNotWritableError('lease-lost', `${message}: renewal overdue`);
  }

  /** Ends the lease (the id becomes free after a short guard). Idempotent; failures only mean it expires by itself. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearTimeout(this.renewTimer);
    await this.renewing;
    if (this.lost) return;
    await this.options.query(
      `UPDATE worker_leases SET expires_at = now() + $3 * interval '1 millisecond'
        WHERE worker_id = $1 AND holder = $2`,
      [this.workerId, this.holder, RELEASE_GUARD_MS],
    );
  }

  /** Renews now (tests; the timer does it otherwise). */
  renewNow(): Promise<void> {
    clearTimeout(this.renewTimer);
    return this.renew();
  }

  /** A margin under the time to live, for the time a renewal takes to reach the database. */
  private get safeTtlMs(): number {
    return this.options.ttlMs * 0.8;
  }

  private scheduleRenewal(delayMs: number): void {
    if (this.released || this.lost) return;
    this.renewTimer = setTimeout(() => void this.renew(), delayMs);
    this.renewTimer.unref();
  }

  private renew(): Promise<void> {
    this.renewing ??= (async () => {
      const sentAt = performance.now();
      try {
        // Still ours even if it expired meanwhile, as long as no other replica has taken it.
        const { rowCount } = await this.options.query(
          `UPDATE worker_leases SET expires_at = now() + $3 * interval '1 millisecond', renewed_at = now()
            WHERE worker_id = $1 AND holder = $2`,
          [this.workerId, this.holder, this.options.ttlMs],
        );
        if (rowCount === 1) {
          this.validUntil = sentAt + this.safeTtlMs;
          this.lastFailure = undefined;
        } else {
          this.lost = new StoreNotWritableError(
            'lease-lost',
            `the worker-id lease (worker ${this.workerId}) was taken by another replica after it expired; restart this replica`,
          );
          this.options.onProblem?.(this.lost.message);
        }
      } catch (error) {
        this.lastFailure = error;
        this.options.onProblem?.(`cannot renew the worker-id lease (worker ${this.workerId}): ${messageOf(error)}`);
      } finally {
        this.renewing = undefined;
      }
      // After a failure, try again soon: the store refuses writes until a renewal succeeds.
      this.scheduleRenewal(
        this.lastFailure !== undefined ? Math.min(1_000, this.options.ttlMs / 10) : this.options.ttlMs / 3,
      );
    })();
    return this.renewing;
  }
}
