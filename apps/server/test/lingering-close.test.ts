/**
 * The bounds of the lingering close (src/lingering-close.ts, config `lingeringClose`): a client
 * refused before its body was read gets the answer, but one that stalls, trickles or sends without
 * end does not keep its socket past the idle timeout, the total time or the byte bound.
 */
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { type ServerProcess, startServerProcess } from '@trackspec/harness';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerLingeringClose } from '../src/lingering-close.js';

// The idle timeout leaves the trickling client (a byte per 100 ms) 900 ms of its own scheduling
// delay on a busy machine before a silence is real; the lingering time leaves the stalled client
// the three writes it may take to learn of the close (below).
const limits = { timeMs: 10_000, idleTimeoutMs: 1_000, maxBytes: 4 * 1024 * 1024 };
let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess({ config: { lingeringClose: limits } });
});
afterAll(() => server?.stop());

interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  closed: Promise<void>;
}

/** A raw connection that sends a request head announcing a 100 MB body to tto's track (limit 1 MiB) and a first piece. */
async function refusedUpload(origin = server.origin, path = '/tto/v1/track'): Promise<RawConnection> {
  const { hostname, port } = new URL(origin);
  // Half-open allowed: the server's FIN after its answer does not end our sending, as a client mid-upload.
  const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
  await new Promise((resolve) => socket.once('connect', resolve));
  let text = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined); // a write after the server closed: EPIPE, expected once a bound is passed
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(
    `POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: 100000000\r\n\r\n`,
  );
  socket.write(Buffer.alloc(64 * 1024, 'a'));
  return { socket, received: () => text, closed };
}

const answered413 = (connection: RawConnection) =>
  vi.waitFor(() => expect(connection.received()).toMatch(/^HTTP\/1\.1 413 .*\r\nconnection: close\r\n/is), {
    timeout: 10_000,
  });

describe('a refused client cannot hold its socket', () => {
  it('a client that stops sending is closed after the idle timeout, having got its 413', async () => {
    const connection = await refusedUpload();
    await answered413(connection);
    const stalledAt = Date.now();
    // TCP tells a silent peer nothing of a close: the client learns of it (a reset) when it next
    // writes. So it writes a byte after each silence of twice the idle timeout, until that happens:
    // the first write after the close draws the reset, a later one fails on it, so up to three.
    let open = true;
    void connection.closed.then(() => (open = false));
    while (open) {
      await new Promise((resolve) => setTimeout(resolve, 2 * limits.idleTimeoutMs));
      if (open) connection.socket.write('a');
    }
    // Closed by the idle timeout, well before the lingering time could have ended it.
    expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(limits.idleTimeoutMs);
    expect(Date.now() - stalledAt).toBeLessThan(limits.timeMs);
  });

  it('a client that trickles bytes is closed after the lingering time', async () => {
    const connection = await refusedUpload();
    const started = Date.now();
    // A byte every 100 ms: never idle for the idle timeout, so only the total time can end it.
    const trickle = setInterval(() => connection.socket.write('a'), 100);
    try {
      await answered413(connection);
      await connection.closed;
    } finally {
      clearInterval(trickle);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(limits.timeMs - 100);
  });

  it('a client that sends without end is closed once the byte bound is read', async () => {
    const connection = await refusedUpload();
    let sent = 0;
    let open = true;
    void connection.closed.then(() => (open = false));
    // Far more than the bound, as fast as the socket takes it.
    while (open && sent < 100_000_000) {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      sent += chunk.length;
      if (!connection.socket.write(chunk))
        await new Promise((resolve) => {
          connection.socket.once('drain', resolve);
          connection.socket.once('close', resolve);
        });
    }
    await connection.closed;
    // Closed with bytes still coming, the connection is reset, which may cost the client the answer
    // it had not read yet: the price of the bound, as with nginx. What matters is that it ends.
    expect(sent).toBeLessThan(100_000_000);
  });
});

describe('a stall of the server itself', () => {
  it('does not count as the client being idle: bytes that came while the loop was blocked keep the socket', async () => {
    // In-process, so the test can block the very loop that runs the lingering close.
    const idleTimeoutMs = 200;
    const app = Fastify({ bodyLimit: 1024 });
    registerLingeringClose(app, { timeMs: 60_000, idleTimeoutMs, maxBytes: 4 * 1024 * 1024 });
    app.post('/upload', async () => ({}));
    let serverSide: Socket | undefined;
    app.server.on('connection', (socket: Socket) => (serverSide = socket));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    try {
      const connection = await refusedUpload(
        `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
        '/upload',
      );
      await answered413(connection);
      for (let stall = 1; stall <= 3; stall++) {
        // The byte is in the server's receive buffer before the loop stalls past the idle timeout.
        connection.socket.write('a');
        const until = Date.now() + 3 * idleTimeoutMs;
        while (Date.now() < until) {
          // busy, as under a long synchronous task: no timer runs, nothing is read
        }
        // One turn runs the expired idle timer, then reads the byte; the next sees the verdict.
        await nextTurn();
        await nextTurn();
        expect(serverSide?.destroyed, `closed after stall ${stall}`).toBe(false);
      }
      connection.socket.destroy();
    } finally {
      await app.close();
    }
  });
});
