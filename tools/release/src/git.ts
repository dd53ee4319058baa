/**
 * The release history in git: the last release is the newest `v<semver>` tag on HEAD's history, or,
 * in a clone that has no tags (CI clones carry commits, not tags), the newest commit whose message
 * has the `Trackspec-Release: v<semver>` trailer that `npm run release` writes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import semver from 'semver';

export const releaseTrailer = 'Trackspec-Release';

export interface ReleaseRef {
  /** The commit the release was made from. */
  commit: string;
  /** `v1.2.0`, or the ref as given (`--base origin/main`). */
  tag: string;
  /** The version of the specs package at that commit. */
  version: string;
  /** How it was found: the last release (by tag or trailer), or a ref given to compare with. */
  via: 'tag' | 'trailer' | 'ref';
}

export function git(root: string, args: string[], input?: Buffer | string): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 }).trim();
}

/** The last release on HEAD's history, or undefined before the first. */
export function lastRelease(root: string): ReleaseRef | undefined {
  const tags = git(root, ['tag', '--merged', 'HEAD', '--list', 'v*'])
    .split('\n')
    .filter((tag) => semver.valid(tag.slice(1)) !== null)
    .sort((a, b) => semver.rcompare(a.slice(1), b.slice(1)));
  if (tags[0]) {
    const tag = tags[0];
    return { commit: git(root, ['rev-list', '-n', '1', tag]), tag, version: tag.slice(1), via: 'tag' };
  }
  const line = git(root, [
    'log',
    '-n',
    '1',
    `--format=%H %(trailers:key=${releaseTrailer},valueonly,separator=%x2C)`,
    `--grep=^${releaseTrailer}: v`,
  ]);
  const match = /^([0-9a-f]{40}) (v(\S+))$/.exec(line);
  if (!match || !semver.valid(match[3]!)) return undefined;
  return { commit: match[1]!, tag: match[2]!, version: match[3]!, via: 'trailer' };
}

/** Any commit to compare with (a pull request's base, a branch, a tag, a hash); throws naming a ref git does not know. */
export function resolveRef(root: string, ref: string): ReleaseRef {
  let commit: string;
  try {
    commit = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`--base ${ref}: not a commit of this repository`);
  }
  let version = '';
  try {
    version = (JSON.parse(git(root, ['show', `${commit}:packages/specs/package.json`])) as { version: string }).version;
  } catch {
    // A commit from before the specs package: no version to show.
  }
  return { commit, tag: ref, version, via: 'ref' };
}

/** Writes the given paths of a commit's tree into `dir` (`git archive`, as released). */
export function extractTree(root: string, commit: string, paths: string[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', commit, '--', ...paths], {
    cwd: root,
    maxBuffer: 256 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
}

export function isClean(root: string): boolean {
  return git(root, ['status', '--porcelain']) === '';
}
