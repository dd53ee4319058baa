// Target: the real ingest server on PostgreSQL (a throw-away cluster), in its own process.
import { startPostgres, startServerProcess } from '@trackspec/harness';
import type { TestProject } from 'vitest/node';
import './provide.js';
import { seedExampleEvent } from './seed-example-event.js';

export default async function setup(project: TestProject) {
  const cluster = await startPostgres();
  const server = await startServerProcess({ database: cluster.url }).catch(async (error) => {
    await cluster.stop();
    throw error;
  });
  await seedExampleEvent(cluster);
  project.provide('target', { name: 'server on postgres', urls: server.urls, credentials: server.credentials });
  return async () => {
    await server.stop();
    await cluster.stop();
  };
}
