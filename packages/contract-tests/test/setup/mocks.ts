// Target: Prism mocks for every registered API (real processes on free loopback ports).
import { startMocks } from '@trackspec/harness';
import { apiNames, loadBundled, type SpecObject } from '@trackspec/specs';
import type { TestProject } from 'vitest/node';
import { mockCredentials } from '../../src/target.js';
import './provide.js';

export default async function setup(project: TestProject) {
  const mocks = await startMocks({ ports: 'ephemeral' });
  const schemes = (api: string) => (loadBundled(api).components?.securitySchemes ?? {}) as Record<string, SpecObject>;
  project.provide('target', {
    name: 'prism-mocks',
    urls: mocks.urls,
    credentials: mockCredentials(apiNames, schemes),
    // A Prism mock: no data, no credential values, no limits (Target.mock).
    mock: true,
  });
  return () => mocks.stop();
}
