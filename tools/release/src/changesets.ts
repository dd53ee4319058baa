/** The pending changesets of a repository, as the changesets CLI plans them (fixed groups applied). */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { getReleasePlan } from '@changesets/get-release-plan';
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

/**
 * The releases the pending changesets make, as `changeset version` would apply them (fixed groups and
 * dependents included). Read with the changesets library rather than `changeset status`, which refuses
 * to answer while any package has uncommitted changes.
 */
export async function plannedReleases(root: string): Promise<PlannedRelease[]> {
  const { releases } = await getReleasePlan(root);
  return releases.filter((release): release is typeof release & PlannedRelease => release.type !== 'none');
}

/** The bump the pending changesets declare for the specs package ('none' without one). */
export function declaredBump(releases: readonly PlannedRelease[]): Bump {
  return releases.find((release) => release.name === specsPackage)?.type ?? 'none';
}
