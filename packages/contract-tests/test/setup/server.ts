// Target: the real ingest server, in its own process on a free loopback port.
import type { TestProject } from 'vitest/node';
import './provide.js';
import { startServerProcess } from '@trackspec/harness';

export default async function setup(project: TestProject) {
  const server = await startServerProcess();
  project.provide('target', { name: 'server', urls: server.urls, credentials: server.credentials });
  return () => server.stop();
}
