/**
 * What the runs of a release's consumers say about the pending release: an old consumer that breaks
 * is fine only in a release declared major. Beside it, what `api:diff`'s rules rated the changes, so a
 * break the rules missed (or a major rating no consumer felt) is shown, not only a pass or a fail.
 */
import type { Bump } from '../api-diff.js';
import type { ReleaseRef } from '../git.js';
import type { RunOutcome } from './old-suite.js';

export interface CompatInput {
  release: ReleaseRef;
  runs: RunOutcome[];
  /** The bump the pending changesets declare for the specs package. */
  declared: Bump;
  /** The bump `api:diff` rates the changes since the release. */
  rated: Bump;
  /** What today's side was, e.g. `today's server and mocks`. */
  against: string;
}

export interface CompatVerdict {
  ok: boolean;
  lines: string[];
}

export function compatVerdict({ release, runs, declared, rated, against }: CompatInput): CompatVerdict {
  const lines: string[] = [];
  const broken = runs.flatMap((run) =>
    run.cases.filter((outcome) => !outcome.passed).map((outcome) => ({ run: run.what, ...outcome })),
  );
  for (const run of runs) {
    const passed = run.cases.filter((outcome) => outcome.passed).length;
    const failed = run.cases.length - passed;
    if (run.error) lines.push(`✗ ${run.what}: did not run: ${run.error}`);
    else if (run.cases.length === 0) lines.push(`- ${run.what}: none (the release has none)`);
    else lines.push(`${failed === 0 ? '✓' : '✗'} ${run.what}: ${passed} passed, ${failed} failed`);
  }
  for (const outcome of broken) lines.push('', `  ✗ ${outcome.run}: ${outcome.name}`, indent(outcome.failure ?? ''));

  const didNotRun = runs.filter((run) => run.error);
  const since = `since ${release.tag}`;
  const declaredText = declared === 'none' ? 'no release' : `a ${declared} release`;
  lines.push('');
  lines.push(`api:diff rates the changes ${since}: ${rated === 'none' ? 'no change' : rated}.`);
  lines.push(`The pending changesets declare ${declaredText}.`);
  if (didNotRun.length > 0) {
    lines.push(`compat: FAILED: ${didNotRun.length} run(s) of ${release.tag}'s consumers could not be made.`);
    return { ok: false, lines };
  }
  if (broken.length === 0) {
    lines.push(`compat: passes: every consumer of ${release.tag} still works against ${against}.`);
    if (rated === 'major')
      lines.push(`(api:diff rated a major change, yet no case of ${release.tag}'s consumers noticed it.)`);
    return { ok: true, lines };
  }
  if (declared === 'major') {
    lines.push(
      `compat: passes: ${broken.length} case(s) of ${release.tag}'s consumers break, as the pending major release declares.`,
    );
    return { ok: true, lines };
  }
  lines.push(
    `compat: FAILED: ${broken.length} case(s) of ${release.tag}'s consumers break, but the pending changesets declare ${declaredText}: this needs a major release, or the change undone.`,
  );
  if (rated !== 'major') lines.push(`api:diff's rules rated it ${rated}: they missed this break.`);
  return { ok: false, lines };
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
