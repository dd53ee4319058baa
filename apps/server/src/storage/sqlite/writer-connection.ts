/**
 * The calling thread's end of the store's writer thread (writer-thread.ts): numbers each request,
 * matches the writer's in-order replies to them, keeps the process alive only while requests are
 * outstanding, and starts a new writer when one dies.
 */
import { Worker } from 'node:worker_threads';
import { type HeapSize, StoreUnavailableError } from '../event-store.js';
import type { WriterReply, WriterRequest, WriterRequestBody, WriterSettings } from './writer-protocol.js';

/**
 * The writer thread's entry: the compiled writer-thread.js beside this module in dist/. When this
 * module runs from source (the server's own vitest tests import src/), the writer still runs from
 * the build (test/global-setup.ts refuses to start on a build older than src/), so no TypeScript
 * loader is needed in any thread.
 */
const WRITER_ENTRY = import.meta.url.endsWith('.ts')
  ? new URL('../../../dist/storage/sqlite/writer-thread.js', import.meta.url)
  : new URL('./writer-thread.js', import.meta.url);

export class WriterConnection {
  private writer: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve(result: unknown): void; reject(error: unknown): void }>();
  /** Set while there is no writer thread (it died and is being restarted); calls reject with it. */
  private unavailable: StoreUnavailableError | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  /** When the current writer started, and how many in a row died soon after starting. */
  private startedAt = 0;
  private quickDeaths = 0;
  private closing = false;
  /** Writers started after one died (for the metrics). */
  restarts = 0;

  /**
   * `onGone` hears of each writer that dies, after what waited on it has failed. `entry` replaces the
   * writer's entry module (tests wrap it to make the thread die).
   */
  constructor(
    private readonly settings: WriterSettings,
    private readonly onGone: (error: StoreUnavailableError) => void,
    private readonly entry: URL = WRITER_ENTRY,
  ) {
    this.writer = this.startWriter();
  }

  /** Why no writer can take requests now (one died and the next has not started yet), if none can. */
  get down(): StoreUnavailableError | undefined {
    return this.unavailable;
  }

  /** Requests sent and not yet answered. */
  get outstanding(): number {
    return this.waiting.size;
  }

  /**
   * The writer thread's V8 heap; undefined while there is none (also when it dies during the call: a
   * metrics scrape must not fail on it), or on a Node without `Worker#getHeapStatistics` (before 22.16).
   */
  async heap(): Promise<HeapSize | undefined> {
    if (this.unavailable || typeof this.writer.getHeapStatistics !== 'function') return undefined;
    try {
      const { used_heap_size, total_heap_size } = await this.writer.getHeapStatistics();
      return { usedBytes: used_heap_size, totalBytes: total_heap_size };
    } catch {
      return undefined;
    }
  }

  /** Sends a request; resolves with the writer's result, rejects with its error or with `down`. */
  call(body: WriterRequestBody): Promise<unknown> {
    if (this.unavailable) return Promise.reject(this.unavailable);
    const seq = ++this.seq;
    if (this.waiting.size === 0) this.writer.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.writer.postMessage({ ...body, seq } as WriterRequest);
    });
  }

  /**
   * Asks the writer to close its connection (after every request sent before) and waits for the thread
   * to end. No writer starts after this, so with the writer down it only cancels the restart.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.unavailable) {
      clearTimeout(this.restartTimer);
      return;
    }
    const exited = new Promise((resolve) => this.writer.once('exit', resolve));
    await this.call({ kind: 'close' });
    await exited;
  }

  private startWriter(): Worker {
    const writer = new Worker(this.entry, { workerData: this.settings });
    // Only outstanding requests keep the process alive (see call()).
    writer.unref();
    writer.on('message', (reply: WriterReply) => this.settle(reply));
    let gone = false;
    const onGone = (what: string, cause?: Error) => {
      if (gone) return; // 'error' is followed by 'exit'
      gone = true;
      this.writerGone(new StoreUnavailableError(`the store's writer thread ${what}`, cause ? { cause } : {}));
    };
    writer.on('error', (error) => onGone(`failed: ${error.message}`, error));
    writer.on('exit', (code) => onGone(`exited (code ${code})`));
    this.startedAt = Date.now();
    return writer;
  }

  private settle(reply: WriterReply): void {
    const waiter = this.waiting.get(reply.seq);
    if (!waiter) return;
    this.waiting.delete(reply.seq);
    // Closing holds the process until the thread has exited.
    if (this.waiting.size === 0 && !this.closing) this.writer.unref();
    if (reply.ok) {
      waiter.resolve(reply.result);
      return;
    }
    const { message, code, unavailable, transaction } = reply.error;
    const cause = Object.assign(new Error(message), code ? { code } : {});
    const error = unavailable ? new StoreUnavailableError(`event store failed: ${message}`, { cause }) : cause;
    waiter.reject(Object.assign(error, transaction === undefined ? {} : { transaction }));
  }

  /**
   * The writer thread is gone: what waited on it fails (nothing of it was acknowledged), and, unless
   * closing, a new writer starts — at once after a long life, after a growing pause (0.5 s doubling,
   * at most 30 s) when writers keep dying young, so a writer that cannot start does not spin.
   * Meanwhile every call fails fast with StoreUnavailableError (the server's 503).
   */
  private writerGone(error: StoreUnavailableError): void {
    this.unavailable = error;
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
    this.onGone(error);
    if (this.closing) return;
    this.quickDeaths = Date.now() - this.startedAt < 10_000 ? this.quickDeaths + 1 : 0;
    const pause = this.quickDeaths === 0 ? 0 : Math.min(30_000, 500 * 2 ** (this.quickDeaths - 1));
    this.restartTimer = setTimeout(() => {
      this.unavailable = undefined;
      this.restarts += 1;
      this.writer = this.startWriter();
    }, pause);
    this.restartTimer.unref();
  }
}
