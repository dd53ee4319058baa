/**
 * A fetch wrapper with per-attempt timeouts and retries: network errors, timeouts, 408, 429 and
 * 5xx (except 501 Not Implemented and 505 HTTP Version Not Supported) are retried with
 * exponential backoff and full jitter, honouring `Retry-After`.
 */
/** A fetch: the request, and (from the transport) the signal that bounds this attempt. */
export type FetchFunction = (input: Request, init?: { signal?: AbortSignal }) => Promise<Response>;

export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 disables retrying). */
  retries?: number;
  /** Base of the exponential backoff (default 250 ms). */
  minDelayMs?: number;
  /** Cap on one backoff delay (default 10 s). */
  maxDelayMs?: number;
  /** Cap on a server's `Retry-After` (default 60 s); a longer one is not waited for. */
  maxRetryAfterMs?: number;
  /** Source of randomness for jitter, in [0, 1) (tests inject a fixed one). */
  random?: () => number;
}

export interface TransportOptions {
  fetch?: FetchFunction;
  retry?: RetryOptions | false;
  /** Timeout of each attempt in ms (default 10 s; 0 disables it). */
  timeoutMs?: number;
}

const retriableStatuses = (status: number) => status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);

export function isRetriableStatus(status: number): boolean {
  return retriableStatuses(status);
}

/** Milliseconds to wait according to a `Retry-After` value (seconds or an HTTP date), if any. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffMs(attempt: number, { minDelayMs = 250, maxDelayMs = 10_000, random = Math.random }: RetryOptions = {}): number {
  return Math.floor(random() * Math.min(maxDelayMs, minDelayMs * 2 ** attempt));
}

export function createTransport({ fetch: fetchImpl = (input, init) => globalThis.fetch(input, init), retry = {}, timeoutMs = 10_000 }: TransportOptions = {}): FetchFunction {
  const retries = retry === false ? 0 : (retry.retries ?? 3);
  const maxRetryAfterMs = (retry === false ? undefined : retry.maxRetryAfterMs) ?? 60_000;

  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries;
      // A body can be read once: every attempt but the last sends a copy.
      const attemptRequest = last ? request : request.clone();
      // The attempt's signal goes with the call (not into a copy of the Request: rebuilding one per call costs).
      const signal = timeoutMs > 0 ? AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]) : request.signal;
      let response: Response;
      try {
        response = await fetchImpl(attemptRequest, { signal });
      } catch (error) {
        if (last || request.signal.aborted) throw error; // the caller's own abort is never retried
        await sleep(backoffMs(attempt, retry || {}), request.signal);
        continue;
      }
      if (last || !isRetriableStatus(response.status)) return response;
      const serverDelay = retryAfterMs(response.headers.get('retry-after'));
      if (serverDelay !== undefined && serverDelay > maxRetryAfterMs) return response;
      // Free the connection; not awaited (cancelling a tee'd body waits for its twin).
      response.body?.cancel().catch(() => undefined);
      await sleep(serverDelay ?? backoffMs(attempt, retry || {}), request.signal);
    }
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
