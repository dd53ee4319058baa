/**
 * Whether a store can write, as the readiness probe (`EventStore.ping`) reports it, and why not. Shared by
 * both stores; each gives its own way to tell why a write failed and its own probe write.
 */
import { messageOf } from './error-message.js';
import { StoreUnavailableError } from './event-store.js';

/** Why the store cannot write: what the readiness probe's 503 names. */
export const WRITE_FAILURE_REASONS = ['disk-full', 'database-unreachable', 'lease-lost', 'write-failed'] as const;
export type WriteFailureReason = (typeof WRITE_FAILURE_REASONS)[number];

/** The store cannot write, and why (readiness answers 503 naming the reason). */
export class StoreNotWritableError extends StoreUnavailableError {
  constructor(
    readonly reason: WriteFailureReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StoreNotWritableError';
  }
}

/** What one failure says about the store, if the store knows it (its error codes); undefined if not. */
export type RecogniseFailure = (error: { code?: unknown; message?: unknown }) => WriteFailureReason | undefined;

/** The reason of the first error along `error`'s causes that names one or that `recognise` knows; else 'write-failed'. */
export function reasonAlongCauses(error: unknown, recognise: RecogniseFailure): WriteFailureReason {
  let current = error;
  // A few levels: stores wrap a driver error once or twice; a cycle must not hang the probe.
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    if (current instanceof StoreNotWritableError) return current.reason;
    const reason = recognise(current);
    if (reason) return reason;
    current = (current as { cause?: unknown }).cause;
  }
  return 'write-failed';
}

export interface WriteHealthOptions {
  /** Why a write (or the store's readiness check) failed. */
  reasonOf(error: unknown): WriteFailureReason;
  /** A small real write of the store's own, committed (no event): settles as an append would. */
  probe(): Promise<unknown>;
}

/**
 * A failed write marks the store as failing, with why; a committed write clears it. While failing, readiness
 * probes with a real write instead of its usual check: a load balancer that reads 503 sends no traffic, so
 * no append would ever show that the store can write again.
 */
export class WriteHealth {
  private failure: StoreNotWritableError | undefined;
  private probing: Promise<void> | undefined;

  constructor(private readonly options: WriteHealthOptions) {}

  /** A write failed. */
  failed(error: unknown): void {
    this.failure = this.notWritable(error);
  }

  /** A write committed. */
  committed(): void {
    this.failure = undefined;
  }

  /**
   * Resolves when the store can write; rejects with StoreNotWritableError otherwise. While failing, only
   * once a probe write commits (callers at the same time share one); else `check`, the store's usual
   * readiness check, decides.
   */
  async ready(check: () => Promise<unknown>): Promise<void> {
    if (this.failure) {
      this.probing ??= this.options
        .probe()
        .then(
          () => this.committed(),
          (error: unknown) => {
            this.failed(error);
            throw this.failure;
          },
        )
        .finally(() => {
          this.probing = undefined;
        });
      return this.probing;
    }
    try {
      await check();
    } catch (error) {
      throw this.notWritable(error);
    }
  }

  private notWritable(error: unknown): StoreNotWritableError {
    if (error instanceof StoreNotWritableError) return error;
    return new StoreNotWritableError(this.options.reasonOf(error), `event store cannot write: ${messageOf(error)}`, {
      cause: error,
    });
  }
}
