/**
 * `trackspec-contract verify-pact <pact.json>… [--api <name>] [--target <target.json>] [--junit <report.xml>]`:
 * each interaction of each pact file checked against its API's spec (and, with a target, replayed
 * against it), one line per interaction, JUnit XML for CI; exit 1 on any failure, 2 on bad
 * arguments, a file that is no pact, or a provider that names no API.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { apiNames } from '@trackspec/specs';
import { toJUnit } from '../junit.js';
import { readTargetFile, type Target, TargetFileError } from '../target.js';
import { PactFileError } from './pact-file.js';
import { type PactFileResult, verifyPactFile } from './verify-pacts.js';

const usage =
  'usage: trackspec-contract verify-pact <pact.json>… [--api <name>] [--target <target.json>] [--junit <report.xml>]';

function fail(message: string): never {
  console.error(
    `trackspec-contract verify-pact: ${message.replaceAll('\n', '\ntrackspec-contract verify-pact: ')}\n${usage}`,
  );
  process.exit(2);
}

let args: { files: string[]; api?: string; target?: string; junit?: string };
try {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(3),
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      target: { type: 'string' },
      junit: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(`${usage}\nAPIs: ${apiNames.join(', ')}`);
    process.exit(0);
  }
  args = { files: positionals, api: values.api, target: values.target, junit: values.junit };
} catch (error) {
  fail((error as Error).message);
}
if (args.files.length === 0) fail('name at least one pact file');
if (args.api && !apiNames.includes(args.api)) fail(`unknown API ${args.api}; registered: ${apiNames.join(', ')}`);

let target: Target | undefined;
try {
  target = args.target ? readTargetFile(args.target, apiNames) : undefined;
} catch (error) {
  if (error instanceof TargetFileError) fail(error.message);
  throw error;
}

const verified: PactFileResult[] = [];
for (const file of args.files) {
  try {
    verified.push(await verifyPactFile(file, { api: args.api, target }));
  } catch (error) {
    if (error instanceof PactFileError) fail(error.message);
    throw error;
  }
}

for (const { file, pact, api, results } of verified) {
  console.log(`${file}: ${pact.consumer} → ${pact.provider} (Pact ${pact.specification}), against the ${api} spec`);
  for (const result of results) {
    const operation = result.operationId ? ` [${result.operationId}]` : '';
    console.log(`  ${result.failures.length === 0 ? '✓' : '✗'} ${result.name}${operation}`);
    for (const failure of result.failures) console.log(`      ${failure}`);
  }
  for (const skipped of pact.notHttp) console.log(`  - ${skipped}: not an HTTP interaction, not checked`);
}
const results = verified.flatMap((file) => file.results);
const failed = results.filter((result) => result.failures.length > 0).length;
console.log(`${results.length - failed} passed, ${failed} failed (${results.length} interactions)`);
if (args.junit) {
  writeFileSync(
    args.junit,
    toJUnit({ target: target ? `pacts against ${target.name}` : 'pacts', results, coverage: [] }),
  );
  console.log(`JUnit report: ${args.junit}`);
}
process.exitCode = failed > 0 ? 1 : 0;
