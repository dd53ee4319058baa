#!/usr/bin/env node
/**
 * `trackspec-mocks [api…] [--host 127.0.0.1] [--port-base 4010] [--received-limit 10000]`: a Prism mock for
 * each named API (all registered APIs by default) of the installed `@trackspec/specs`, on fixed ports from
 * the port base in registry order, each keeping the newest `--received-limit` requests it received; prints
 * the URLs and stops every mock on Ctrl-C / SIGTERM.
 */
import { parseArgs } from 'node:util';
import { apiNames } from '@trackspec/specs';
import { defaultReceivedLimit, startMocks } from './index.js';

const usage = 'usage: trackspec-mocks [api…] [--host <address>] [--port-base <port>] [--received-limit <n>]';
const help = `${usage}
  --host <address>      the address every mock listens on (default 127.0.0.1)
  --port-base <port>    the first API's port; each next API gets the next one (default 4010)
  --received-limit <n>  how many received requests each mock keeps for GET /__trackspec/received, the newest
                        (default ${defaultReceivedLimit}; 0 keeps none, and only counts them as dropped)
APIs: ${apiNames.join(', ')}`;

/** A whole number of requests, written in digits: `--received-limit 1e3` or `-1` is a mistake, not a limit. */
function parseReceivedLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(limit))
    throw new Error(`--received-limit must be a non-negative integer (requests each mock keeps), got "${text}"`);
  return limit;
}

let options: { apis: string[]; host: string; portBase: number; receivedLimit: number | undefined };
try {
  const { values, positionals } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      'port-base': { type: 'string', default: '4010' },
      'received-limit': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(help);
    process.exit(0);
  }
  const portBase = Number(values['port-base']);
  if (!Number.isInteger(portBase) || portBase < 1 || portBase + apiNames.length > 65_536)
    throw new Error(`--port-base must be a TCP port with room for ${apiNames.length} APIs, got ${values['port-base']}`);
  const unknown = positionals.filter((api) => !apiNames.includes(api));
  if (unknown.length > 0) throw new Error(`unknown API ${unknown.join(', ')}; registered: ${apiNames.join(', ')}`);
  const receivedLimit = parseReceivedLimit(values['received-limit']);
  options = { apis: positionals.length > 0 ? positionals : [...apiNames], host: values.host, portBase, receivedLimit };
} catch (error) {
  console.error(`trackspec-mocks: ${(error as Error).message}\n${usage}`);
  process.exit(2);
}

const mocks = await startMocks(options).catch((error: Error) => {
  console.error(`trackspec-mocks: ${error.message}`);
  process.exit(1);
});
console.log('Prism mocks (Ctrl-C to stop):');
for (const mock of mocks.mocks) console.log(`  ${mock.api.padEnd(10)} ${mock.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping ${mocks.mocks.length} mocks...`);
    void mocks.stop().then(() => process.exit(0));
  });
}
