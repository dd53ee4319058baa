// The drain (src/shutdown.ts) in-process: the signal is emitted to this process's listeners, never sent, and
// process.exit is stubbed. The real thing, SIGTERM under load, is the reliability suite's shutdown check.
import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerDrain } from '../src/shutdown.js';

const signals = ['SIGINT', 'SIGTERM'] as const;
const listenersBefore = Object.fromEntries(signals.map((signal) => [signal, process.listeners(signal)]));

afterEach(() => {
  vi.restoreAllMocks();
  for (const signal of signals)
    for (const listener of process.listeners(signal))
      if (!listenersBefore[signal]!.includes(listener)) process.removeListener(signal, listener);
});

async function drainingApp(drainMs: number) {
  const app = Fastify();
  const drain = registerDrain(app);
  app.get('/ok', async () => ({ ok: true }));
  await app.ready();
  const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  const close = vi.fn(() => app.close());
  drain.closeOnSignals({ drainMs, close });
  return { app, exit, close };
}

describe('shutdown', () => {
  it('answers 503 with Retry-After and Connection: close while draining, then closes once and exits 0', async () => {
    const { app, exit, close } = await drainingApp(10_000);
    expect((await app.inject({ method: 'GET', url: '/ok' })).statusCode).toBe(200);

    process.emit('SIGTERM', 'SIGTERM');
    const refused = await app.inject({ method: 'GET', url: '/ok' });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers.connection).toBe('close');
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });

    // A second signal neither restarts the drain nor closes twice.
    process.emit('SIGINT', 'SIGINT');
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0), { timeout: 10_000, interval: 50 });
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('ends the drain after drainMs even while requests keep coming', async () => {
    const { app, exit } = await drainingApp(200);
    process.emit('SIGTERM', 'SIGTERM');
    const started = Date.now();
    // Requests every 50 ms never leave the quiet gap (500 ms) the drain waits for: only drainMs ends it.
    while (!exit.mock.calls.length && Date.now() - started < 10_000) {
      await app.inject({ method: 'GET', url: '/ok' }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(exit).toHaveBeenCalledWith(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('exits 1 when closing fails', async () => {
    const { app, exit, close } = await drainingApp(0);
    close.mockRejectedValueOnce(new Error('the database would not close'));
    process.emit('SIGTERM', 'SIGTERM');
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(1), { timeout: 10_000, interval: 50 });
    await app.close();
  });
});
