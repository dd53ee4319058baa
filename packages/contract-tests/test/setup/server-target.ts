// The target a server set-up provides: the server's URLs (or a proxy's), its credentials, another
// source's keys, and the store fault hook that goes with its store.
import type { ServerProcess, StoreFaultHook } from '@trackspec/harness';
import type { Target } from '../../src/target.js';

export function serverTarget(
  name: string,
  server: ServerProcess,
  storeFault: StoreFaultHook,
  overrides: Partial<Target> = {},
): Target {
  return {
    name,
    urls: server.urls,
    credentials: server.credentials,
    secondSourceCredentials: server.secondSourceCredentials,
    storeFault: storeFault.target,
    ...overrides,
  };
}
