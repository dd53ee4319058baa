/**
 * The one place tests, benchmarks and the reliability suite start real processes: the ingest
 * server as operators run it, Prism mocks and validating proxies, throw-away PostgreSQL clusters, a
 * round-robin proxy over server replicas, free loopback ports. Every process started here ends with
 * the process that started it (exit-with-parent.ts).
 */

export { type Mocks, startMocks } from '@trackspec/mocks';
export {
  type BodyClient,
  type BodyFraming,
  type BodyOutcome,
  type BodyRequest,
  bodyClients,
  bodyFramings,
  describeOutcome,
  sendBody,
} from './body-senders.js';
export {
  bodyLimitOf,
  bodyOperations,
  overLimitRows,
  overLimitSizes,
  type RefusalRow,
  unrefusedRequests,
} from './early-refusals.js';
export { exitWithParent, type TetherOptions, tetherToParent } from './exit-with-parent.js';
export { freeLoopbackPort } from './ports.js';
export { type PostgresCluster, postgresBinDir, type StartPostgresOptions, startPostgres } from './postgres.js';
export { type StartProxiesOptions, startProxies } from './prism-proxies.js';
export { type ReplicasProcess, type StartReplicasOptions, startReplicasProcess } from './replicas-process.js';
export { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.js';
export { type ServerProcess, type StartServerOptions, startServerProcess } from './server-process.js';
export {
  postgresOutage,
  type StoreFault,
  type StoreFaultHook,
  sqliteWriteLock,
  startStoreFaultHook,
} from './store-fault.js';
export { startWrongServer, teapotBody, type WrongAnswer, type WrongServer } from './wrong-server.js';
