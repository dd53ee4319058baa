// Target: the real server behind `prism proxy` per API, so an independent validator checks every
// request and response (its findings arrive in the `sl-violations` header; see src/check.ts). APIs with paths on another server (the admin probes at the
// root) go to the server directly: a proxy forwards to a single upstream base URL.
import { sqliteWriteLock, startProxies, startServerProcess, startStoreFaultHook } from '@trackspec/harness';
import { apis, listOperations, loadDereferenced } from '@trackspec/specs';
import type { TestProject } from 'vitest/node';
import './provide.js';
import { serverTarget } from './server-target.js';

const hasOwnServers = (api: string) =>
  listOperations(loadDereferenced(api)).some((operation) => operation.serverPath !== undefined);

export default async function setup(project: TestProject) {
  // A write meets the injected lock for 250 ms (not the default 2 s) before its 503.
  const server = await startServerProcess({ config: { sqlite: { busyTimeoutMs: 250 } } });
  const storeFault = await startStoreFaultHook(sqliteWriteLock(server.database), [server.readyUrl]);
  const proxied = apis.map(({ name }) => name).filter((name) => !hasOwnServers(name));
  const proxies = await startProxies({
    upstreams: Object.fromEntries(proxied.map((name) => [name, server.urls[name]!])),
  }).catch(async (error) => {
    await server.stop();
    throw error;
  });
  project.provide(
    'target',
    serverTarget('server via prism proxy', server, storeFault, {
      urls: { ...server.urls, ...proxies.urls },
      // What Prism's proxy answers itself instead of forwarding.
      cannotCarry: Object.fromEntries(
        proxied.map((name) => [
          name,
          {
            'body-on-get': 'prism proxy answers a GET with a body 501 (stoplightio/prism#2259)',
            'malformed-body': 'prism proxy answers JSON that does not parse itself (400 application/json)',
            'bad-content-coding': 'prism proxy reads a gzip body as JSON itself (400 application/json)',
          },
        ]),
      ),
    }),
  );
  return async () => {
    await storeFault.stop();
    await proxies.stop();
    await server.stop();
  };
}
