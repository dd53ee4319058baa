// Target: Prism mocks for every registered API (real processes on free loopback ports).
import { startMocks } from '@trackspec/harness';
import { mockCredentials } from '@trackspec/mocks';
import type { TestProject } from 'vitest/node';
import './provide.js';

export default async function setup(project: TestProject) {
  const mocks = await startMocks({ ports: 'ephemeral' });
  project.provide('target', {
    name: 'prism-mocks',
    urls: mocks.urls,
    credentials: mockCredentials(),
    // A Prism mock: no data, no credential values, no limits (Target.mock).
    mock: true,
  });
  return () => mocks.stop();
}
