/**
 * `npm run compat [-- --base <git ref>] [--target server|mocks]… [--root <repo>]`: the last release's
 * contract suite and code samples, built from that release's commit, run against today's server and
 * mocks (see src/compat/). Exits 1 when a consumer of the release breaks and the pending changesets
 * do not declare a major release, or when a run could not be made; 0 otherwise, and before the first
 * release. Built releases are kept in `TRACKSPEC_COMPAT_CACHE` (default: a folder in the system's temp).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@trackspec/specs/redocly';
import { type CompatTargetName, compatTargets, runCompat } from './compat/compat.js';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    base: { type: 'string' },
    target: { type: 'string', multiple: true },
  },
});
const targets = (values.target ?? [...compatTargets]) as CompatTargetName[];
const unknown = targets.filter((target) => !compatTargets.includes(target));
if (unknown.length > 0) {
  console.error(`compat: --target ${unknown.join(', ')}: not one of ${compatTargets.join(', ')}`);
  process.exit(2);
}

const started = Date.now();
let result: Awaited<ReturnType<typeof runCompat>>;
try {
  result = await runCompat({
    root: resolve(values.root ?? repoRoot),
    base: values.base,
    targets,
    log: (line) => console.log(`compat: ${line}`),
  });
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
if (!result) {
  console.log('compat: no release yet (no v* tag and no release commit on this history): nothing to check.');
  process.exit(0);
}
console.log(
  `\ncompat: ${result.release.tag}'s consumers against today (${Math.round((Date.now() - started) / 1000)} s)`,
);
for (const line of result.verdict.lines) console.log(line);
process.exit(result.verdict.ok ? 0 : 1);
