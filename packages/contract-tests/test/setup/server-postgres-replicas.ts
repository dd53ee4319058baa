// Target: two server replicas on one PostgreSQL cluster, behind a round-robin proxy, so consecutive
// requests (a write and the read that checks it, a retry and its original) land on different replicas.
import {
  postgresOutage,
  startPostgres,
  startRoundRobinProxy,
  startServerProcess,
  startStoreFaultHook,
} from '@trackspec/harness';
import type { TestProject } from 'vitest/node';
import './provide.js';
import { seedExampleEvent } from './seed-example-event.js';
import { serverTarget } from './server-target.js';

export default async function setup(project: TestProject) {
  const cluster = await startPostgres();
  const replicas = await Promise.all([1, 2].map(() => startServerProcess({ database: cluster.url }))).catch(
    async (error) => {
      await cluster.stop();
      throw error;
    },
  );
  await seedExampleEvent(cluster);
  const proxy = await startRoundRobinProxy(replicas.map((replica) => replica.origin));
  const [first] = replicas;
  const urls = Object.fromEntries(
    Object.entries(first!.urls).map(([api, url]) => [api, url.replace(first!.origin, proxy.origin)]),
  );
  // The store fault stops the cluster under both replicas and starts it again.
  const storeFault = await startStoreFaultHook(
    postgresOutage(cluster),
    replicas.map((replica) => replica.readyUrl),
  );
  project.provide('target', serverTarget('two server replicas on postgres', first!, storeFault, { urls }));
  return async () => {
    await storeFault.stop();
    const counts = proxy.counts();
    await proxy.stop();
    await Promise.all(replicas.map((replica) => replica.stop()));
    await cluster.stop();
    // Both replicas must have served: otherwise this target proved nothing about replicas.
    if (counts.some((count) => count === 0)) throw new Error(`a replica got no requests: ${counts.join(', ')}`);
  };
}
