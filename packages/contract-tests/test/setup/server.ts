// Target: the real ingest server, in its own process on a free loopback port, with a store fault
// hook (another process holding its SQLite write lock) and another source's keys.
import type { TestProject } from 'vitest/node';
import './provide.js';
import { sqliteWriteLock, startServerProcess, startStoreFaultHook } from '@trackspec/harness';
import { serverTarget } from './server-target.js';

export default async function setup(project: TestProject) {
  // A write meets the injected lock for 250 ms (not the default 2 s) before its 503.
  const server = await startServerProcess({ config: { sqlite: { busyTimeoutMs: 250 } } });
  const storeFault = await startStoreFaultHook(sqliteWriteLock(server.database), [server.readyUrl]);
  project.provide('target', serverTarget('server', server, storeFault));
  return async () => {
    await storeFault.stop();
    await server.stop();
  };
}
