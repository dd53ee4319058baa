// Target: the real ingest server on PostgreSQL (a throw-away cluster), in its own process.
import { postgresOutage, startPostgres, startServerProcess, startStoreFaultHook } from '@trackspec/harness';
import type { TestProject } from 'vitest/node';
import './provide.js';
import { seedExampleEvent } from './seed-example-event.js';
import { serverTarget } from './server-target.js';

export default async function setup(project: TestProject) {
  const cluster = await startPostgres();
  const server = await startServerProcess({ database: cluster.url }).catch(async (error) => {
    await cluster.stop();
    throw error;
  });
  await seedExampleEvent(cluster);
  // The store fault stops the cluster and starts it again.
  const storeFault = await startStoreFaultHook(postgresOutage(cluster), [server.readyUrl]);
  project.provide('target', serverTarget('server on postgres', server, storeFault));
  return async () => {
    await storeFault.stop();
    await server.stop();
    await cluster.stop();
  };
}
