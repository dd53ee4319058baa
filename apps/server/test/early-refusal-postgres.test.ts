/** Early refusals reach the client (early-refusal-cases.ts), on PostgreSQL (a throw-away cluster). */
import { type PostgresCluster, type ServerProcess, startPostgres, startServerProcess } from '@trackspec/harness';
import { afterAll, beforeAll } from 'vitest';
import { earlyRefusalCases } from './early-refusal-cases.js';

let cluster: PostgresCluster;
let server: ServerProcess;
beforeAll(async () => {
  cluster = await startPostgres();
  server = await startServerProcess({ config: { database: await cluster.createDatabase('early_refusal') } });
});
afterAll(async () => {
  await server?.stop();
  await cluster?.stop();
});

earlyRefusalCases(() => server);
