/**
 * `npm run contract:mutation [-- --api <name>… --mutation <name>… --slice]`: the contract suite's
 * mutation score against a real server. Exit 1 when any mutation survived.
 */
import { parseArgs } from 'node:util';
import { apiNames } from '@trackspec/specs';
import { catalogue, type Mutation, slice } from './catalogue.js';
import { formatReport, scoreOf } from './report.js';
import { runMutations } from './runner.js';

function usage(problem: string): never {
  console.error(`contract:mutation: ${problem}`);
  console.error('usage: contract:mutation [--api <name>]… [--mutation <name>]… [--slice]');
  console.error(`  APIs: ${apiNames.join(', ')}`);
  console.error(`  mutations: ${catalogue.map((mutation) => mutation.name).join(', ')}`);
  process.exit(2);
}

function chosen<T>(names: string[] | undefined, all: readonly T[], nameOf: (item: T) => string, what: string): T[] {
  if (!names?.length) return [...all];
  return names.map((name) => all.find((item) => nameOf(item) === name) ?? usage(`unknown ${what} "${name}"`));
}

let options: { api?: string[]; mutation?: string[]; slice?: boolean };
try {
  options = parseArgs({
    options: {
      api: { type: 'string', multiple: true },
      mutation: { type: 'string', multiple: true },
      slice: { type: 'boolean' },
    },
  }).values;
} catch (error) {
  usage((error as Error).message);
}
const apis = chosen(options.api, apiNames, (name) => name, 'API');
const mutations: Mutation[] = chosen(
  options.mutation,
  options.slice ? slice : catalogue,
  ({ name }) => name,
  'mutation',
);

const started = performance.now();
const report = await runMutations({
  apis,
  mutations,
  onOutcome: ({ mutation, api, verdict, changed }) =>
    console.error(`  ${mutation} × ${api}: ${verdict}${verdict === 'n/a' ? '' : ` (${changed} answers changed)`}`),
});
console.log(formatReport(report));
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
process.exitCode = scoreOf(report.outcomes).survived > 0 ? 1 : 0;
