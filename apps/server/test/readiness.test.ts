// /readyz tells the truth (specs/admin/paths/readyz.yaml), on the real server process (dist/main.js) and
// each store's faults met for real: while the store cannot write, an ingest write gets 503 and /readyz a 503
// problem naming why; once the fault ends, /readyz turns 200 by itself, with no ingest request in between (a
// load balancer sends none to a replica that is not ready), and a write succeeds again.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type PostgresCluster,
  postgresOutage,
  type ServerProcess,
  type StartServerOptions,
  type StoreFault,
  sqliteWriteLock,
  startPostgres,
  startServerProcess,
} from '@trackspec/harness';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mountTinyFilesystem } from './tiny-filesystem.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: StartServerOptions): Promise<ServerProcess> {
  const server = await startServerProcess(options);
  cleanups.push(() => server.stop());
  return server;
}

let sent = 0;
/** One m1das track event; `big` makes it ~20 KB that does not compress (it needs fresh pages to be stored). */
async function ingest(server: ServerProcess, big = false): Promise<number> {
  sent += 1;
  const response = await fetch(`${server.urls.m1das}/api/s/track`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-write-key': server.credentials.m1das!.writeKey! },
    body: JSON.stringify({
      event: 'readiness',
      userId: 'u',
      messageId: `readiness-${sent}`,
      ...(big ? { properties: { noise: randomBytes(15_000).toString('base64') } } : {}),
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function readiness(server: ServerProcess) {
  const response = await fetch(server.readyUrl);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { status?: string | number; detail?: string },
  };
}

/** The fault begins → a write gets 503 → /readyz says why → the fault ends → /readyz is 200 unaided → a write works. */
async function throughFault(server: ServerProcess, fault: StoreFault, because: RegExp, big = false): Promise<void> {
  expect(await ingest(server, big)).toBe(200);
  await fault.begin();
  try {
    expect(await ingest(server, big)).toBe(503);
    expect(await readiness(server)).toEqual({
      status: 503,
      contentType: 'application/problem+json; charset=utf-8',
      retryAfter: '1',
      body: { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: expect.stringMatching(because) },
    });
  } finally {
    await fault.end();
  }
  await vi.waitFor(async () => expect((await readiness(server)).body).toEqual({ status: 'ready' }), {
    timeout: 20_000,
    interval: 250,
  });
  expect(await ingest(server, big)).toBe(200);
}

describe('on SQLite', () => {
  it('names a held write lock as writes failing, and is ready again once the lock is released', async () => {
    const server = await start({ config: { sqlite: { busyTimeoutMs: 100 } } });
    await throughFault(server, sqliteWriteLock(server.database), /writes to the event store fail .*locked or busy/);
  });

  it('names a full disk, and is ready again once space is freed, each time', async (context) => {
    const disk = await mountTinyFilesystem(3);
    if (!disk) return context.skip('cannot mount a small tmpfs here (needs Linux and root)');
    cleanups.push(() => disk.unmount());
    const server = await start({ database: join(disk.dir, 'events.sqlite') });
    const fault = { begin: async () => disk.fill(), end: async () => disk.free(), blocksReads: false };
    for (let round = 0; round < 2; round++)
      await throughFault(server, fault, /disk of the event store's database is full/);
  });
});

describe('on PostgreSQL', () => {
  let cluster: PostgresCluster;
  let databases = 0;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(() => cluster?.stop());
  const newDatabase = () => cluster.createDatabase(`readiness_${++databases}`);

  it('names the database going away, and is ready again once it is back', async () => {
    const server = await start({ database: await newDatabase() });
    await throughFault(server, postgresOutage(cluster), /database cannot be reached/);
  });

  it('names a lost worker-id lease at once, not only at its next renewal, and stays not ready', async () => {
    const database = await newDatabase();
    const server = await start({ database });
    expect(await ingest(server)).toBe(200);
    const name = database.split('/').pop()!;
    // What the database holds once another replica has taken this one's worker id.
    await cluster.psql(
      `UPDATE worker_leases SET holder = gen_random_uuid() WHERE holder_name LIKE '% pid ${server.pid}'`,
      name,
    );
    expect(await ingest(server)).toBe(503);
    const notReady = await readiness(server);
    expect(notReady.status).toBe(503);
    expect(notReady.body.detail).toMatch(/no longer holds its worker-id lease/);
    // Only a restart brings it back (the lease is gone for good): still not ready after a probe.
    expect((await readiness(server)).status).toBe(503);
  });

  it('names a full disk (its tablespace on a full file system), and is ready again once space is freed, each time', async (context) => {
    const owner = await postgresUser();
    const disk = owner && (await mountTinyFilesystem(4, owner));
    if (!disk) return context.skip('cannot mount a small tmpfs for PostgreSQL here (needs Linux and root)');
    cleanups.push(() => disk.unmount());
    const name = `readiness_full_${++databases}`;
    await cluster.psql(`CREATE TABLESPACE ${name} LOCATION '${disk.dir}'`, 'postgres');
    cleanups.push(() => cluster.psql(`DROP TABLESPACE ${name}`, 'postgres'));
    const database = await cluster.createDatabase(name);
    cleanups.push(() => cluster.psql(`DROP DATABASE ${name}`, 'postgres'));
    // Every table the server creates goes to the small file system; the WAL stays in the data directory.
    await cluster.psql(`ALTER DATABASE ${name} SET default_tablespace = ${name}`, 'postgres');
    const server = await start({ database });
    const fault = { begin: async () => disk.fill(), end: async () => disk.free(), blocksReads: false };
    // Big events: a small one fits in a page already on disk and is stored whatever the free space.
    // The second round meets a probe table that already has a page (the first round's probe wrote one).
    for (let round = 0; round < 2; round++)
      await throughFault(server, fault, /disk of the event store's database is full/, true);
  });
});

/** As root, the uid and gid the throw-away cluster runs as (tools/harness/src/postgres.ts), owner of its tablespace. */
async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const run = promisify(execFile);
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}
