/**
 * `api:diff`'s comparison: the registry at the last release (its `specs/` and `redocly.yaml`, taken
 * from git) against the working tree, and the gate that holds the result against the pending changesets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiDiff, type Bump, bundleRegistry, diffRegistries, exceeds, maxBump } from './api-diff.js';
import { specsPackage } from './changesets.js';
import { extractTree, lastRelease, type ReleaseRef } from './git.js';

export interface Comparison {
  /** Undefined before the first release. */
  baseline: ReleaseRef | undefined;
  diffs: ApiDiff[];
  /** The bump the changes need (the largest of any API's). */
  needed: Bump;
}

export function compareWithLastRelease(root: string): Promise<Comparison> {
  return compareWith(root, lastRelease(root));
}

/** The working tree against `baseline`'s `specs/` and `redocly.yaml`; nothing to compare without one. */
export async function compareWith(root: string, baseline: ReleaseRef | undefined): Promise<Comparison> {
  if (!baseline) return { baseline, diffs: [], needed: 'none' };
  const work = await mkdtemp(join(tmpdir(), 'trackspec-api-diff-'));
  try {
    extractTree(root, baseline.commit, ['specs', 'redocly.yaml'], join(work, 'base'));
    const base = await bundleRegistry(join(work, 'base', 'redocly.yaml'), join(work, 'base-bundled'));
    const current = await bundleRegistry(join(root, 'redocly.yaml'), join(work, 'current-bundled'));
    const diffs = await diffRegistries(base, current, join(root, 'redocly.yaml'));
    return { baseline, diffs, needed: maxBump(...diffs.map((diff) => diff.bump)) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** One line per change that needs more than the pending changesets declare; none when the gate passes. */
export function gateFailures(diffs: readonly ApiDiff[], declared: Bump): string[] {
  return diffs.flatMap((diff) =>
    diff.changes
      .filter((change) => exceeds(change.impact, declared))
      .map(
        (change) =>
          `${diff.api}: ${change.message} [${change.rule} at ${change.pointer}] needs a ${change.impact} release of ${specsPackage}; the pending changesets declare ${declared === 'none' ? 'no release' : `a ${declared} release`}.`,
      ),
  );
}

/** The per-API table, then each API's changes by impact. */
export function formatComparison({ baseline, diffs, needed }: Comparison): string {
  if (!baseline)
    return 'api:diff: no release yet (no v* tag and no release commit on this history): nothing to compare.';
  const lines = [
    `api:diff: the working tree against ${baseline.tag} (${baseline.commit.slice(0, 10)}, ${baseline.via === 'ref' ? 'given with --base' : `found by ${baseline.via}`})`,
    '',
    '| API | released | now | status | bump | major | minor | patch |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const count = (diff: ApiDiff, impact: string) => diff.changes.filter((change) => change.impact === impact).length;
  for (const diff of diffs)
    lines.push(
      `| ${diff.api} | ${diff.baseVersion ?? '—'} | ${diff.version ?? '—'} | ${diff.status} | ${diff.bump} | ${count(diff, 'major')} | ${count(diff, 'minor')} | ${count(diff, 'patch')} |`,
    );
  for (const diff of diffs.filter((candidate) => candidate.changes.length > 0)) {
    lines.push('', `${diff.api}:`);
    for (const impact of ['major', 'minor', 'patch'] as const)
      for (const change of diff.changes.filter((candidate) => candidate.impact === impact))
        lines.push(`  ${impact.padEnd(5)} ${change.message} [${change.rule} at ${change.pointer}]`);
  }
  lines.push('', `Needed: ${needed === 'none' ? 'no release' : `a ${needed} release`} of ${specsPackage}.`);
  return lines.join('\n');
}
