/**
 * Store faults a test can switch on and off over HTTP (the contract suite's `storeFault` hook): a
 * loopback listener whose `POST /begin` makes a server's event store fail for real and whose
 * `POST /end` heals it, answering only once every server is ready again.
 *
 * - SQLite: another process's connection holds the database's write lock (`BEGIN IMMEDIATE`), as a
 *   backup tool or a second writer would; the server's writes time out and it answers 503. Readers
 *   are never blocked in WAL mode, so reads keep working (`blocksReads: false`).
 * - PostgreSQL: the cluster is stopped and started again; reads fail too.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import type { PostgresCluster } from './postgres.js';

export interface StoreFault {
  begin(): Promise<void>;
  end(): Promise<void>;
  /** Whether reads fail too while the fault lasts. */
  blocksReads: boolean;
}

export interface StoreFaultHook {
  /** The contract target's `storeFault`. */
  target: { begin: string; end: string; blocksReads: boolean };
  stop(): Promise<void>;
}

/** The write lock of a SQLite database file, held by a connection of this process. */
export function sqliteWriteLock(databasePath: string): StoreFault {
  let holder: Database.Database | undefined;
  return {
    blocksReads: false,
    async begin() {
      holder ??= new Database(databasePath, { timeout: 5_000 });
      holder.exec('BEGIN IMMEDIATE');
    },
    async end() {
      if (holder?.inTransaction) holder.exec('ROLLBACK');
      holder?.close();
      holder = undefined;
    },
  };
}

/** The PostgreSQL cluster stopped (fast shutdown) and started again. */
export function postgresOutage(cluster: PostgresCluster): StoreFault {
  return {
    blocksReads: true,
    begin: () => cluster.stopServer('fast'),
    end: () => cluster.startServer(),
  };
}

/**
 * Serves `fault` on a free loopback port. `readyUrls` (each server's `/readyz`) are polled after
 * `end` until they answer 200, so the suite's next request meets a serving target.
 */
export async function startStoreFaultHook(fault: StoreFault, readyUrls: readonly string[]): Promise<StoreFaultHook> {
  let active = false;
  const begin = async () => {
    await fault.begin();
    active = true;
  };
  const end = async () => {
    if (active) await fault.end();
    active = false;
  };
  const server = createServer((request, response) => {
    const step = request.method === 'POST' ? { '/begin': begin, '/end': end }[request.url ?? ''] : undefined;
    if (!step) {
      response.writeHead(404).end();
      return;
    }
    step()
      .then(() => (request.url === '/end' ? waitUntilReady(readyUrls) : undefined))
      .then(
        () => response.writeHead(204).end(),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    target: { begin: `${origin}/begin`, end: `${origin}/end`, blocksReads: fault.blocksReads },
    async stop() {
      await end().catch(() => {});
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function waitUntilReady(urls: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const url of urls) {
    for (;;) {
      const status = await fetch(url).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`${url} not ready ${timeoutMs} ms after the store fault ended`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
