/** Early refusals reach the client (early-refusal-cases.ts), on the embedded SQLite store. */
import { type ServerProcess, startServerProcess } from '@trackspec/harness';
import { afterAll, beforeAll } from 'vitest';
import { earlyRefusalCases } from './early-refusal-cases.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(() => server?.stop());

earlyRefusalCases(() => server);
