/**
 * `npm run api:diff [-- --gate] [--format text|markdown|json] [--base <git ref>] [--root <repo>]`: every
 * API's changes since the last release (or since `--base`, e.g. a pull request's base), rated major /
 * minor / patch; as text, as Markdown for a review comment, or as JSON for tools. With `--gate` (as
 * `npm test` runs it) it also fails, naming the API, the change and the bump it needs, when the changes
 * need a bigger release than the pending changesets declare.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@trackspec/specs/redocly';
import { declaredBump, plannedReleases, specsPackage } from './changesets.js';
import { compareWith, formatComparison, gateFailures } from './compare.js';
import { lastRelease, resolveRef } from './git.js';
import { formatJson, formatMarkdown, type ReportFormat, reportFormats } from './review-formats.js';

const { values } = parseArgs({
  options: {
    gate: { type: 'boolean', default: false },
    root: { type: 'string' },
    base: { type: 'string' },
    format: { type: 'string', default: 'text' },
  },
});
const root = resolve(values.root ?? repoRoot);
const format = values.format as ReportFormat;
if (!reportFormats.includes(format)) {
  console.error(`api:diff: --format ${values.format} is not one of ${reportFormats.join(', ')}`);
  process.exit(2);
}
if (values.gate && values.base) {
  // The gate holds the changes since the last release against the changesets pending since then.
  console.error('api:diff: --gate compares with the last release; it takes no --base');
  process.exit(2);
}
let baseline: ReturnType<typeof lastRelease>;
try {
  baseline = values.base ? resolveRef(root, values.base) : lastRelease(root);
} catch (error) {
  console.error(`api:diff: ${(error as Error).message}`);
  process.exit(2);
}

const comparison = await compareWith(root, baseline);
const formatters = { text: formatComparison, markdown: formatMarkdown, json: formatJson };
// Markdown and JSON go to stdout alone (to be posted or parsed); the gate's verdict then goes to stderr.
const report = formatters[format](comparison);
process.stdout.write(report.endsWith('\n') ? report : `${report}\n`);
const say = format === 'text' ? console.log : console.error;
if (values.gate) {
  if (!comparison.baseline) {
    say('api:diff gate: passes (no release to compare with).');
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
    say(`api:diff gate: passes (needed: ${comparison.needed}; declared for ${specsPackage}: ${declared}).`);
  }
}
