/**
 * Lingering close, as nginx does it (`lingering_close`): an answer sent before the request's body
 * was read whole — a 413 from `Content-Length` or in the middle of a chunked body, a 415 for an
 * encoding the operation does not take, a refused credential, any 4xx from a hook — must reach the
 * client. Closing the socket at once while the client is still sending makes the kernel answer
 * the unread bytes with a reset, and the client sees `EPIPE` or `ECONNRESET` instead of the answer
 * (then retries for ever what it should drop). So such an answer says `Connection: close`, the
 * server half-closes after it, reads and discards the rest of the body within `limits`, and only
 * then closes. A client that never stops sending loses its socket once a bound is passed.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';

export interface LingeringCloseLimits {
  /** The longest the connection stays open to discard the rest (nginx's `lingering_time`). */
  timeMs: number;
  /** How long to wait for more of the body before closing (nginx's `lingering_timeout`). */
  idleTimeoutMs: number;
  /** The most bytes discarded before the connection is closed anyway. */
  maxBytes: number;
}

export function registerLingeringClose(app: FastifyInstance, limits: LingeringCloseLimits): void {
  const lingering = new Set<Socket>();
  app.addHook('onSend', async (request, reply, payload) => {
    const { raw } = request;
    // `complete` is false until the body's last byte was parsed (undefined for injected requests, which have no socket).
    if (raw.complete !== false || lingering.has(raw.socket)) return payload;
    reply.header('connection', 'close');
    lingerAfterAnswer(raw, limits, lingering);
    return payload;
  });
  // A shutdown does not wait out the bounds: whatever still lingers is closed.
  app.addHook('preClose', async () => {
    for (const socket of lingering) socket.destroy();
  });
}

/**
 * Reads `request`'s remaining body from now on, and replaces the close Node's HTTP server does
 * once the `Connection: close` answer is written (`destroySoon`: end, then destroy, which resets a
 * connection that still has bytes coming) with a half-close; the socket is destroyed once the
 * answer is flushed and the body has ended, or when a bound is passed.
 */
function lingerAfterAnswer(request: IncomingMessage, limits: LingeringCloseLimits, lingering: Set<Socket>): void {
  const socket = request.socket;
  lingering.add(socket);
  let discarded = 0;
  let bodyEnded = false;
  let answerFlushed = false;
  // Its own timers, not the socket's timeout: the HTTP parser reads the socket out of JavaScript's sight.
  const deadline = setTimeout(() => close(), limits.timeMs).unref();
  const idle = setTimeout(() => closeUnlessHeard(), limits.idleTimeoutMs).unref();
  const close = () => {
    clearTimeout(deadline);
    clearTimeout(idle);
    lingering.delete(socket);
    socket.destroy();
  };
  // A loop that was itself stalled (a busy machine, a long task) runs its expired timers before it
  // reads the bytes that came in meanwhile: the client was not idle, we were. So the idle verdict
  // waits for this turn's reading (setImmediate runs after the poll phase); a byte read there
  // re-arms the timer (`idle.refresh()` in the data listener) instead.
  const closeUnlessHeard = () => {
    const heardBefore = discarded;
    setImmediate(() => {
      if (discarded === heardBefore) close();
    });
  };
  const closeWhenDone = () => {
    if (bodyEnded && answerFlushed) close();
  };
  socket.once('close', () => {
    clearTimeout(deadline);
    clearTimeout(idle);
    lingering.delete(socket);
  });

  // Whoever read the body so far (the body parser, a gunzip it was piped to) has stopped: from here
  // on it is counted and dropped. Flowing with a listener also keeps Node from dumping the request,
  // which would stop the body reaching any listener and so the counting.
  const body: Readable = request;
  body.unpipe();
  body.removeAllListeners('data');
  body.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limits.maxBytes) close();
    else idle.refresh();
  });
  body.once('end', () => {
    bodyEnded = true;
    closeWhenDone();
  });
  body.resume();

  socket.destroySoon = () => {
    socket.end(() => {
      answerFlushed = true;
      closeWhenDone();
    });
  };
}
