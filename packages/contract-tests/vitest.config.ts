import { defineConfig } from 'vitest/config';

// One suite, several targets: each project only changes the global setup that provides the
// base URLs and credentials. CONTRACT_TARGET replaces them all with a target of your own.
const targets = process.env.CONTRACT_TARGET
  ? { custom: 'test/setup/env.ts' }
  : {
      'prism-mocks': 'test/setup/mocks.ts',
      server: 'test/setup/server.ts',
      'server-via-prism-proxy': 'test/setup/server-via-prism-proxy.ts',
      'server-postgres': 'test/setup/server-postgres.ts',
      'server-postgres-two-replicas': 'test/setup/server-postgres-replicas.ts',
    };

export default defineConfig({
  test: {
    hookTimeout: 120_000,
    // A hang bound, not a speed check: see the root README, "Time bounds in tests".
    testTimeout: 120_000,
    projects: [
      ...Object.entries(targets).map(([name, setup]) => ({
        extends: true as const,
        test: {
          name,
          include: [
            'test/contract.test.ts',
            // Every documented response, asked of the mocks (Prism's `Prefer: code=…, example=…`).
            ...(name === 'prism-mocks' ? ['test/responses.test.ts'] : []),
          ],
          globalSetup: [setup],
          // A server target's store fault (contract.test.ts) must not meet another file's requests: one file at a time.
          ...(name === 'prism-mocks' ? {} : { fileParallelism: false }),
        },
      })),
      // The request-breaking generator's own tests: no target.
      { extends: true as const, test: { name: 'unit', include: ['test/breaking/**/*.test.ts'] } },
      // verify-pact on hand-written pacts, replayed against a real server, and pacts the client records.
      { extends: true as const, test: { name: 'pact', include: ['test/pact/**/*.test.ts'] } },
      // Adding a sixth API from a fixture, end to end (it runs the prism-mocks project on a copy of the registry).
      ...(process.env.CONTRACT_TARGET
        ? []
        : [
            { extends: true as const, test: { name: 'add-an-api', include: ['test/add-api.test.ts'] } },
            // Files that bring their own server: the typed client against a real one, failure messages against a wrong one.
            {
              extends: true as const,
              test: {
                name: 'own-server',
                include: ['test/client-over-limit.test.ts', 'test/failure-messages.test.ts'],
              },
            },
          ]),
    ],
  },
});
