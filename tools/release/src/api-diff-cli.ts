/**
 * `npm run api:diff [-- --gate] [--root <repo>]`: every API's changes since the last release, rated
 * major / minor / patch. With `--gate` (as `npm test` runs it) it also fails, naming the API, the change
 * and the bump it needs, when the changes need a bigger release than the pending changesets declare.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@trackspec/specs/redocly';
import { declaredBump, plannedReleases, specsPackage } from './changesets.js';
import { compareWithLastRelease, formatComparison, gateFailures } from './compare.js';

const { values } = parseArgs({ options: { gate: { type: 'boolean', default: false }, root: { type: 'string' } } });
const root = resolve(values.root ?? repoRoot);

const comparison = await compareWithLastRelease(root);
console.log(formatComparison(comparison));
if (values.gate) {
  if (!comparison.baseline) {
    console.log('api:diff gate: passes (no release to compare with).');
  } else {
    const declared = declaredBump(await plannedReleases(root));
    const failures = gateFailures(comparison.diffs, declared);
    if (failures.length > 0) {
      console.error(
        `\napi:diff gate: FAILED, ${failures.length} change(s) need more than the pending changesets declare:`,
      );
      for (const failure of failures) console.error(`  ${failure}`);
      console.error(`Add a changeset that bumps ${specsPackage} enough (npx changeset), or undo the change.`);
      process.exit(1);
    }
    console.log(`api:diff gate: passes (needed: ${comparison.needed}; declared for ${specsPackage}: ${declared}).`);
  }
}
