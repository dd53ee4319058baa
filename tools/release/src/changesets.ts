/** The pending changesets of a repository, as the changesets CLI plans them (fixed groups applied). */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Bump } from './api-diff.js';

const execFileAsync = promisify(execFile);

/** The package whose version is the release's, and whose bump the specs' changes are held against. */
export const specsPackage = '@trackspec/specs';

export interface PlannedRelease {
  name: string;
  type: Exclude<Bump, 'none'>;
  oldVersion: string;
  newVersion: string;
}

/** Runs the repository's changesets CLI in `root`. */
export async function changeset(root: string, args: string[]): Promise<string> {
  const cli = createRequire(import.meta.url).resolve('@changesets/cli/bin.js');
  const { stdout, stderr } = await execFileAsync(process.execPath, [cli, ...args], {
    cwd: root,
    env: { ...process.env, CI: 'true' },
  });
  return stdout + stderr;
}

/** The releases the pending changesets make (`changeset status --output`). */
export async function plannedReleases(root: string): Promise<PlannedRelease[]> {
  const work = await mkdtemp(join(tmpdir(), 'trackspec-changesets-'));
  try {
    const output = join(work, 'status.json');
    try {
      await changeset(root, ['status', '--output', output]);
    } catch (error) {
      // `status` exits non-zero when packages changed without a changeset; the plan is written all the same.
      await readFile(output).catch(() => {
        throw error;
      });
    }
    const { releases } = JSON.parse(await readFile(output, 'utf8')) as { releases: PlannedRelease[] };
    return releases.filter((release) => (release.type as string) !== 'none');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The bump the pending changesets declare for the specs package ('none' without one). */
export function declaredBump(releases: readonly PlannedRelease[]): Bump {
  return releases.find((release) => release.name === specsPackage)?.type ?? 'none';
}
