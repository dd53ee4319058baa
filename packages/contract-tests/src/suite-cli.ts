/**
 * `trackspec-contract --target target.json [--api m1das]… [--junit report.xml]`, or `--mocks` instead of
 * a target: runs the contract suite against the base URLs and credentials of the target file (schema:
 * target.schema.json, shipped in this package), prints the coverage table and every failure, writes
 * JUnit XML for CI systems, and exits 1 on any failure (2 on bad arguments or a bad target file).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Mocks, mockCredentials, startMocks } from '@trackspec/mocks';
import { apiNames } from '@trackspec/specs';
import { Coverage } from './coverage.js';
import { toJUnit } from './junit.js';
import { runSuite } from './run.js';
import { readTargetFile, type Target, TargetFileError } from './target.js';

const usage =
  'usage: trackspec-contract (--target <target.json> | --mocks) [--api <name>]… [--junit <report.xml>]\n       trackspec-contract verify-pact <pact.json>… [--api <name>] [--target <target.json>] [--junit <report.xml>]';

function fail(message: string): never {
  console.error(`trackspec-contract: ${message.replaceAll('\n', '\ntrackspec-contract: ')}\n${usage}`);
  process.exit(2);
}

let args: { target?: string; apis: string[]; junit?: string; mocks: boolean };
try {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      api: { type: 'string', multiple: true, default: [] },
      junit: { type: 'string' },
      mocks: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(`${usage}\nAPIs: ${apiNames.join(', ')}`);
    process.exit(0);
  }
  args = { target: values.target, apis: values.api, junit: values.junit, mocks: values.mocks };
} catch (error) {
  fail((error as Error).message);
}
if (!args.target === !args.mocks) fail('give either --target <file> or --mocks');
const unknown = args.apis.filter((api) => !apiNames.includes(api));
if (unknown.length > 0) fail(`unknown API ${unknown.join(', ')}; registered: ${apiNames.join(', ')}`);

let target: Target;
let mocks: Mocks | undefined;
if (args.target) {
  try {
    target = readTargetFile(args.target, apiNames);
  } catch (error) {
    if (error instanceof TargetFileError) fail(error.message);
    throw error;
  }
} else {
  mocks = await startMocks({ apis: args.apis.length > 0 ? args.apis : apiNames, ports: 'ephemeral' });
  target = {
    name: 'prism-mocks',
    urls: mocks.urls,
    credentials: mockCredentials(apiNames),
    mock: true,
  };
}
const apis = args.apis.length > 0 ? args.apis : apiNames.filter((api) => target.urls[api]);

try {
  const suite = await runSuite(target, apis);
  console.log(Coverage.format(target.name, suite.coverage));
  const failed = suite.results.filter((result) => result.failures.length > 0);
  for (const result of failed) console.log(`✗ ${result.api} ${result.name}\n    ${result.failures.join('\n    ')}`);
  console.log(
    `${suite.results.length - failed.length} passed, ${failed.length} failed (${suite.results.length} checks)`,
  );
  if (args.junit) {
    writeFileSync(args.junit, toJUnit(suite));
    console.log(`JUnit report: ${args.junit}`);
  }
  process.exitCode = failed.length > 0 ? 1 : 0;
} finally {
  await mocks?.stop();
}
