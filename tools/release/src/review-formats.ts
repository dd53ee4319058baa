/**
 * `api:diff` for reviews: the same comparison as the text report, as Markdown (a section per API,
 * ready to paste as a pull-request comment or to post from CI) or as JSON (the same data for tools).
 * Each change says where it sits: the operation (`POST /v1/track`), the side (request, response, or
 * elsewhere in the document) and the JSON pointer.
 */
import type { ApiDiff, ClassifiedChange } from './api-diff.js';
import { locate } from './change-location.js';
import { specsPackage } from './changesets.js';
import type { Comparison } from './compare.js';

export const reportFormats = ['text', 'markdown', 'json'] as const;
export type ReportFormat = (typeof reportFormats)[number];

const impactOrder = { major: 0, minor: 1, patch: 2 } as const;
const byImpact = (changes: readonly ClassifiedChange[]) =>
  [...changes].sort((a, b) => impactOrder[a.impact] - impactOrder[b.impact]);

/** Markdown's table cells: no raw pipes or line breaks. */
const cell = (text: string) => text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');

function baselineOf({ baseline }: Comparison): string {
  if (!baseline) return 'no release yet';
  const name = baseline.via === 'ref' ? `\`${baseline.tag}\`` : baseline.tag;
  return `${name} (${baseline.commit.slice(0, 10)})`;
}

export function formatMarkdown(comparison: Comparison): string {
  const { baseline, diffs, needed } = comparison;
  if (!baseline) return '## API changes\n\nNo release yet: nothing to compare with.\n';
  const lines = [
    `## API changes against ${baselineOf(comparison)}`,
    '',
    `Needed: **${needed === 'none' ? 'no release' : `a ${needed} release`}** of \`${specsPackage}\`.`,
  ];
  for (const diff of diffs) lines.push('', ...apiSection(diff));
  return `${lines.join('\n')}\n`;
}

function apiSection(diff: ApiDiff): string[] {
  const versions = `${diff.baseVersion ?? '—'} → ${diff.version ?? '—'}`;
  const heading = `### ${diff.api}: ${diff.status === 'unchanged' ? 'no changes' : `${diff.status}, ${diff.bump}`} (${versions})`;
  if (diff.changes.length === 0) return [heading];
  return [
    heading,
    '',
    '| impact | what changed | operation | side | pointer | rule |',
    '|---|---|---|---|---|---|',
    ...byImpact(diff.changes).map((change) => {
      const { operation, side } = locate(change.pointer);
      return `| ${change.impact} | ${cell(change.message)} | ${operation ? `\`${cell(operation)}\`` : '—'} | ${side} | \`${cell(change.pointer)}\` | ${change.rule} |`;
    }),
  ];
}

export function formatJson(comparison: Comparison): string {
  const { baseline, diffs, needed } = comparison;
  return `${JSON.stringify(
    {
      base: baseline
        ? { ref: baseline.tag, commit: baseline.commit, version: baseline.version, via: baseline.via }
        : null,
      needed,
      package: specsPackage,
      apis: diffs.map((diff) => ({
        ...diff,
        changes: byImpact(diff.changes).map((change) => ({ ...change, ...locate(change.pointer) })),
      })),
    },
    null,
    2,
  )}\n`;
}
