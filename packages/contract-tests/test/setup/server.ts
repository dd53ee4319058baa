// Target: the real ingest server, in its own process on a free loopback port, with a store fault
// hook (another process holding its SQLite write lock) and another source's keys.
import type { TestProject } from 'vitest/node';
import './provide.js';
import { sqliteWriteLock, startServerProcess, startStoreFaultHook } from '@trackspec/harness';

export default async function setup(project: TestProject) {
  // A write meets the injected lock for 250 ms (not the default 2 s) before its 503.
  const server = await startServerProcess({ config: { sqlite: { busyTimeoutMs: 250 } } });
  const storeFault = await startStoreFaultHook(sqliteWriteLock(server.database), [server.readyUrl]);
  project.provide('target', {
    name: 'server',
    urls: server.urls,
    credentials: server.credentials,
    secondSourceCredentials: server.secondSourceCredentials,
    storeFault: storeFault.target,
  });
  return async () => {
    await storeFault.stop();
    await server.stop();
  };
}
