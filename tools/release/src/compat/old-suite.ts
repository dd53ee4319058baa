/**
 * The release's own contract suite, run by the release's own vitest against a target of today (the
 * server, the mocks) through `CONTRACT_TARGET`, the suite's documented way to point it anywhere.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type OldRelease, releaseToolsEnv } from './old-release.js';

const execFileAsync = promisify(execFile);

/** Where an old consumer is pointed: base URLs and credentials per API. */
export interface CompatTarget {
  name: string;
  urls: Record<string, string>;
  credentials: Record<string, Record<string, string>>;
}

export interface CaseOutcome {
  /** The case's full name in the old suite, e.g. `m1das POST /v1/t: example … → 2xx`. */
  name: string;
  passed: boolean;
  /** The first lines of the failure. */
  failure?: string;
}

export interface RunOutcome {
  /** What ran, e.g. `contract suite against server`. */
  what: string;
  cases: CaseOutcome[];
  /** The run failed as a whole (it did not start, or found nothing to run). */
  error?: string;
}

interface VitestJsonReport {
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{ fullName: string; status: string; failureMessages?: string[] }>;
  }>;
}

/** The first lines of a failure's text: enough to name what broke, short enough to list many. */
export const firstLines = (text: string, count = 6) => text.trim().split('\n').slice(0, count).join('\n');

export async function runOldSuite(old: OldRelease, target: CompatTarget): Promise<RunOutcome> {
  const what = `${old.release.tag}'s contract suite against ${target.name}`;
  const work = await mkdtemp(join(tmpdir(), 'trackspec-compat-suite-'));
  const report = join(work, 'report.json');
  try {
    const vitest = join(old.dir, 'node_modules', 'vitest', 'vitest.mjs');
    const run = await execFileAsync(
      process.execPath,
      [vitest, 'run', 'test/contract.test.ts', '--reporter=json', `--outputFile.json=${report}`],
      {
        cwd: old.suiteDir,
        env: releaseToolsEnv({ CONTRACT_TARGET: JSON.stringify(target) }),
        maxBuffer: 256 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string; stderr?: string }) => error);
    const text = await readFile(report, 'utf8').catch(() => undefined);
    if (text === undefined) {
      const output = `${run.stdout ?? ''}\n${run.stderr ?? ''}`.trim();
      return { what, cases: [], error: `the suite wrote no report:\n${output.slice(-3000)}` };
    }
    const results = JSON.parse(text) as VitestJsonReport;
    const cases = results.testResults.flatMap((file) =>
      file.assertionResults
        .filter((test) => test.status === 'passed' || test.status === 'failed')
        .map((test) => ({
          name: test.fullName,
          passed: test.status === 'passed',
          ...(test.status === 'failed' ? { failure: firstLines(test.failureMessages?.join('\n') ?? '') } : {}),
        })),
    );
    // A file that failed before its tests ran (an import, a setup) fails the run, named.
    const broken = results.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0);
    if (broken.length > 0)
      return { what, cases, error: broken.map((file) => `${file.name}: ${firstLines(file.message ?? '')}`).join('\n') };
    if (cases.length === 0) return { what, cases, error: 'the suite ran no case' };
    return { what, cases };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
