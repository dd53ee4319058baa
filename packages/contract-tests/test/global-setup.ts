// The target: CONTRACT_TARGET from the environment, or Prism mocks for every registered API
// (real processes on free loopback ports), stopped after the run.
import { startMocks } from '@trackspec/mocks';
import { apiNames, loadBundled } from '@trackspec/specs';
import type { TestProject } from 'vitest/node';
import { mockCredentials, targetFromEnv, type Target } from '../src/target.js';

declare module 'vitest' {
  export interface ProvidedContext {
    target: Target;
  }
}

export default async function setup(project: TestProject) {
  const fromEnv = targetFromEnv();
  if (fromEnv) {
    project.provide('target', fromEnv);
    return;
  }
  const mocks = await startMocks({ ports: 'ephemeral' });
  const schemes = (api: string) => Object.keys((loadBundled(api).components?.securitySchemes ?? {}) as object);
  project.provide('target', { name: 'prism-mocks', urls: mocks.urls, credentials: mockCredentials(apiNames, schemes) });
  return () => mocks.stop();
}
