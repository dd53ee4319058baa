/**
 * Shutdown in two steps, so that no request is cut: first drain — keep the listener open but answer
 * new requests 503 (Connection: close, Retry-After) while in-flight ones finish — until no request has
 * arrived for `quietMs` (at most `drainMs`); then close the listener, wait for the last requests and
 * close the database. An event is acknowledged only once committed, so whatever ends the process
 * loses none that was.
 *
 * Not close-with-grace (the fastify/demo choice): the drain above is ours either way, and it would
 * replace only the signal wiring while changing what it does: a second SIGINT/SIGTERM exits 1 at once
 * (cutting the drain and the requests in flight; here it is ignored), and its one `delay` bounds the
 * whole close, exiting 1 mid-commit, where `shutdownDrainMs` bounds only the drain and every request
 * still gets its answer. Not worth a dependency.
 */
import type { FastifyInstance } from 'fastify';
import { sendProblem, serviceUnavailable } from './problems.js';

// How long no request must arrive before the drain ends. Why a wait at all: closing the listener resets
// the connections the kernel has completed but Node has not yet accepted, so the drain lasts until
// clients have stopped coming (each stops at its 503). Why 500 ms: that is the longest gap between two
// requests of one client that the drain must outlast, and on a CPU-starved client it grows. Seen at
// 100 ms: 7 of 31 requests reset in the reliability suite's SIGTERM check during a full CI run (2 cores,
// Node 26); at 500 ms none in any CI run since. `drainMs` still bounds the whole drain.
const quietMs = 500;

export interface Drain {
  /**
   * From now on SIGINT and SIGTERM drain, then `close` (listeners, database), then exit: 0, or 1 when
   * closing failed. A second signal changes nothing.
   */
  closeOnSignals(options: { drainMs: number; close: () => Promise<unknown> }): void;
}

/** Adds the hooks that refuse requests while draining; Fastify takes hooks only before it listens. */
export function registerDrain(app: FastifyInstance): Drain {
  let draining = false;
  let lastArrival = 0;
  app.addHook('onRequest', async (_request, reply) => {
    lastArrival = Date.now();
    if (draining)
      return sendProblem(
        reply,
        serviceUnavailable('The server is shutting down; retry on another instance or later.', {
          headers: { connection: 'close' },
        }),
      );
  });
  // Once draining, every answer closes its connection (requests in flight when the drain began
  // included): a client never reuses a socket that the listener's close may then reset under it.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (draining) reply.header('connection', 'close');
    return payload;
  });

  const drained = (drainMs: number) => {
    const started = Date.now();
    return new Promise<void>((resolve) => {
      const check = () =>
        Date.now() - lastArrival >= quietMs || Date.now() - started >= drainMs ? resolve() : setTimeout(check, 20);
      check();
    });
  };

  return {
    closeOnSignals({ drainMs, close }) {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.on(signal, () => {
          if (draining) return;
          draining = true;
          app.log.info({ signal }, 'shutting down: draining');
          void drained(drainMs)
            .then(close)
            .then(
              () => process.exit(0),
              (error: unknown) => {
                app.log.error({ err: error }, 'shutdown failed');
                process.exit(1);
              },
            );
        });
      }
    },
  };
}
