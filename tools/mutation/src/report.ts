/** The mutation report as text: the mutation × API table, the score, and what each survivor changed. */
import type { MutationReport, Outcome } from './runner.js';

export interface Score {
  caught: number;
  survived: number;
  notApplicable: number;
}

export function scoreOf(outcomes: readonly Outcome[]): Score {
  const count = (verdict: Outcome['verdict']) => outcomes.filter((outcome) => outcome.verdict === verdict).length;
  return { caught: count('caught'), survived: count('survived'), notApplicable: count('n/a') };
}

const cell = (outcome: Outcome | undefined) =>
  !outcome
    ? ''
    : outcome.verdict === 'n/a'
      ? 'n/a'
      : `${outcome.verdict === 'caught' ? 'caught' : 'SURVIVED'} (${outcome.changed})`;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((text, column) => text.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.slice(1).map(line)];
}

export function formatReport(report: MutationReport): string {
  const find = (mutation: string, api: string) =>
    report.outcomes.find((outcome) => outcome.mutation === mutation && outcome.api === api);
  const rows = [
    ['mutation', ...report.apis, 'answers changed'],
    ...report.mutations.map(({ name }) => {
      const outcomes = report.apis.map((api) => find(name, api));
      return [name, ...outcomes.map(cell), String(outcomes.reduce((sum, outcome) => sum + (outcome?.changed ?? 0), 0))];
    }),
  ];
  const score = scoreOf(report.outcomes);
  const total = score.caught + score.survived;
  const lines = [
    ...table(rows),
    "(n) = answers the mutation changed in that API's suite run; n/a = it found no answer to apply to.",
    '',
    `mutation score: ${score.caught}/${total} caught${total ? ` (${((100 * score.caught) / total).toFixed(1)}%)` : ''}, ` +
      `${score.survived} survived, ${score.notApplicable} not applicable`,
  ];
  for (const survivor of report.outcomes.filter((outcome) => outcome.verdict === 'survived')) {
    lines.push(
      '',
      `SURVIVED ${survivor.mutation} on ${survivor.api}: ${survivor.changed} answers changed, no case failed; e.g.`,
    );
    for (const change of survivor.sampleChanges)
      lines.push(
        `  ${change.operationId}: ${change.from.status} ${change.from.mediaType || '(no body)'} → ${change.to.status} ${change.to.mediaType || '(no body)'}`,
      );
  }
  if (report.baselineFailures.length > 0) {
    lines.push(
      '',
      `WARNING: ${report.baselineFailures.length} cases fail without any mutation (left out of the judging):`,
    );
    for (const failure of report.baselineFailures)
      lines.push(`  ${failure.api} ${failure.name}: ${failure.failures[0]}`);
  }
  return lines.join('\n');
}
