/**
 * The one place tests, benchmarks and the reliability suite start real processes: the ingest
 * server as operators run it, Prism mocks and validating proxies, free loopback ports.
 */
export { startServerProcess, type ServerProcess, type StartServerOptions } from './server-process.js';
export { startProxies, type StartProxiesOptions } from './prism-proxies.js';
export { freePort, startMocks, type Mocks } from '@trackspec/mocks';
