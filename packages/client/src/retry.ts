/**
 * A fetch wrapper with per-attempt timeouts and retries: network errors, timeouts, 408, 429 and
 * 5xx (except 501 Not Implemented and 505 HTTP Version Not Supported) are retried with
 * exponential backoff and full jitter, honouring `Retry-After`.
 */
import { type AnyRequest, OutgoingRequest } from './outgoing-request.js';

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

const retriableStatuses = (status: number) =>
  status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);

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

export function backoffMs(
  attempt: number,
  { minDelayMs = 250, maxDelayMs = 10_000, random = Math.random }: RetryOptions = {},
): number {
  return Math.floor(random() * Math.min(maxDelayMs, minDelayMs * 2 ** attempt));
}

/** The transport openapi-fetch calls: it takes a real Request or the typed client's OutgoingRequest. */
export type Transport = (input: AnyRequest) => Promise<Response>;

/** Ends each returned response's attempt (its timer and abort listener) once its body has been read. */
const attemptEnds = new WeakMap<Response, () => void>();

/**
 * Releases the timeout of the attempt that produced `response`, once its body has been read (the
 * timeout bounds the body too). Without it the timer just fires later, harmlessly: it is unref'd.
 */
export function releaseResponse(response: Response): void {
  attemptEnds.get(response)?.();
  attemptEnds.delete(response);
}

export function createTransport({ fetch: injected, retry = {}, timeoutMs = 10_000 }: TransportOptions = {}): Transport {
  const retries = retry === false ? 0 : (retry.retries ?? 3);
  const maxRetryAfterMs = (retry === false ? undefined : retry.maxRetryAfterMs) ?? 60_000;
  const send = (request: AnyRequest, signal: AbortSignal | undefined): Promise<Response> => {
    if (request instanceof OutgoingRequest) {
      // An injected fetch is promised a Request; the built-in one takes the cheaper URL and init.
      return injected
        ? injected(request.toRequest(signal), { signal })
        : globalThis.fetch(request.url, request.fetchInit(signal));
    }
    return (injected ?? globalThis.fetch)(request, { signal });
  };

  return async (request) => {
    const callerSignal = request.signal;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries;
      // A Request's body can be read once: every attempt but the last sends a copy. An
      // OutgoingRequest keeps its serialised body, which fetch can send again and again.
      const attemptRequest = last || request instanceof OutgoingRequest ? request : request.clone();
      const { signal, end } = attemptSignal(callerSignal, timeoutMs);
      let response: Response;
      try {
        response = await send(attemptRequest, signal);
      } catch (error) {
        end();
        if (last || callerSignal?.aborted) throw error; // the caller's own abort is never retried
        await sleep(backoffMs(attempt, retry || {}), callerSignal);
        continue;
      }
      const serverDelay = last ? undefined : retryAfterMs(response.headers.get('retry-after'));
      if (last || !isRetriableStatus(response.status) || (serverDelay !== undefined && serverDelay > maxRetryAfterMs)) {
        // The caller reads this body; the attempt's timeout still bounds it.
        attemptEnds.set(response, end);
        return response;
      }
      end();
      // Free the connection; not awaited (cancelling a tee'd body waits for its twin).
      response.body?.cancel().catch(() => undefined);
      await sleep(serverDelay ?? backoffMs(attempt, retry || {}), callerSignal);
    }
  };
}

/**
 * The signal bounding one attempt: the caller's abort or the timeout, whichever comes first. A
 * plain controller and timer: AbortSignal.any() with AbortSignal.timeout() costs ~20 µs a call on
 * Node 20.
 */
function attemptSignal(
  callerSignal: AbortSignal | undefined,
  timeoutMs: number,
): { signal: AbortSignal | undefined; end(): void } {
  if (timeoutMs <= 0) return { signal: callerSignal, end: () => undefined };
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    timeoutMs,
  );
  // Node: a pending timeout must not keep the process alive (browsers have no unref).
  (timer as { unref?: () => void }).unref?.();
  const onAbort = () => controller.abort(callerSignal!.reason);
  if (callerSignal?.aborted) controller.abort(callerSignal.reason);
  else callerSignal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    end: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!signal) return void setTimeout(resolve, ms);
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
