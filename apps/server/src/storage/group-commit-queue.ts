/**
 * The group commit both stores share: appends queue (checked and serialised first), the store takes
 * everything queued as one group, on the next turn of the event loop or when a writer is free (how it
 * writes a group is its own), and each append of the group is answered from the group's outcome: its
 * results, or the group's failure.
 */
import { messageOf } from './error-message.js';
import { type ColumnValue, toColumnValues } from './event-rows.js';
import { type AppendResult, type NewEvent, StoreUnavailableError } from './event-store.js';
import type { WriteHealth } from './write-health.js';

/** One append call waiting for its group: its events' flat insert values, and its caller's promise. */
export interface PendingAppend {
  values: ColumnValue[];
  count: number;
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

/** What both stores count; `transactions` counts committed group commits. */
export interface GroupCommitStats {
  appendCalls: number;
  transactions: number;
  failedTransactions: number;
  eventsStored: number;
  duplicates: number;
}

/** An append's rows in what its group's write gave back: row `row` is at `first + row` of `ids` and `duplicates`. */
export interface AppendRows {
  ids: ArrayLike<string | number>;
  /** 1 where the row was a duplicate (its id then the earlier event's). */
  duplicates: ArrayLike<number>;
  first: number;
}

export interface GroupCommitQueueOptions {
  /** The store's counters: the queue counts the appends taken and the events stored or found duplicate. */
  counters: GroupCommitStats;
  /** Told of every group that committed or failed. */
  writes: WriteHealth;
  /** Writes what is queued (with `take`); called on the turn of the event loop after appends queued. */
  flush(): void;
}

export class GroupCommitQueue {
  private pending: PendingAppend[] = [];
  private flushScheduled: NodeJS.Immediate | undefined;

  constructor(private readonly options: GroupCommitQueueOptions) {}

  /** Appends queued, not yet taken. */
  get length(): number {
    return this.pending.length;
  }

  /**
   * Queues the events as one append, answered once its group settles. Checks and serialises them
   * first (throwing), so a bad event fails its own call, not the group.
   */
  add(events: readonly NewEvent[]): Promise<AppendResult[]> {
    const values = toColumnValues(events);
    if (events.length === 0) return Promise.resolve([]);
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.pending.push({ values, count: events.length, resolve, reject });
      // setImmediate (not a microtask) also gathers requests parsed in the same I/O phase.
      this.flushScheduled ??= setImmediate(() => {
        this.flushScheduled = undefined;
        this.options.flush();
      });
    });
  }

  /** Takes everything queued, the next group, counting its appends. */
  take(): PendingAppend[] {
    const group = this.pending;
    this.pending = [];
    this.options.counters.appendCalls += group.length;
    return group;
  }

  /** Cancels the scheduled flush (a closing store flushes by itself). */
  cancelFlush(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
  }

  /** Resolves each append of a group that committed with its results, from `rowsOf` (given its index and first row in the group). */
  settle(group: readonly PendingAppend[], rowsOf: (index: number, firstRow: number) => AppendRows): void {
    this.options.writes.committed();
    const { counters } = this.options;
    let firstRow = 0;
    group.forEach(({ count, resolve }, index) => {
      const { ids, duplicates, first } = rowsOf(index, firstRow);
      firstRow += count;
      const results: AppendResult[] = new Array(count);
      for (let row = 0; row < count; row++) {
        const duplicate = duplicates[first + row] === 1;
        if (duplicate) counters.duplicates += 1;
        else counters.eventsStored += 1;
        results[row] = { id: String(ids[first + row]), duplicate };
      }
      resolve(results);
    });
  }

  /** Fails every append of a group that did not commit, with `error` as StoreUnavailableError (the server's 503). */
  fail(group: readonly PendingAppend[], error: unknown): void {
    const failure =
      error instanceof StoreUnavailableError
        ? error
        : new StoreUnavailableError(`could not store events: ${messageOf(error)}`, { cause: error });
    this.options.writes.failed(failure);
    for (const { reject } of group) reject(failure);
  }

  /** Fails what is queued and not yet taken with `error` (none of it was written), without counting it. */
  rejectQueued(error: unknown): void {
    const pending = this.pending;
    this.pending = [];
    for (const { reject } of pending) reject(error);
  }
}
