#!/usr/bin/env node
/**
 * `trackspec-contract`: the contract suite against a target or mocks (suite-cli.ts), or
 * `trackspec-contract verify-pact <pact.json>…` (pact/cli.ts).
 */
if (process.argv[2] === 'verify-pact') await import('./pact/cli.js');
else await import('./suite-cli.js');
