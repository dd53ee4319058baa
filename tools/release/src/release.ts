/**
 * `npm run release`: applies the pending changesets (package versions and CHANGELOG.md files), bumps
 * the `info.version` of every API that changed since the last release by the bump its changes need,
 * records the release (date and classified changes per API) in `packages/specs/releases.json` (the
 * docs' Changes pages read it), builds, packs every publishable package into `releases/v<version>/`,
 * and commits and tags the release (`v<version>`, with a `Trackspec-Release:` trailer that finds it
 * again in clones without tags). `--publish` then publishes the tarballs (src/publish.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadReleaseHistory, type ReleaseHistory, type ReleaseRecord } from '@trackspec/specs';
import semver from 'semver';
import { parse } from 'yaml';
import { type ApiDiff, bundleRegistry } from './api-diff.js';
import { changeset, declaredBump, plannedReleases, specsPackage } from './changesets.js';
import { compareWithLastRelease, gateFailures } from './compare.js';
import { git, isClean, releaseTrailer } from './git.js';

export const historyPath = (root: string) => join(root, 'packages/specs/releases.json');

export const readHistory = (root: string): ReleaseHistory => loadReleaseHistory(historyPath(root));

export interface WorkspacePackage {
  dir: string;
  name: string;
  version: string;
  private: boolean;
}

/** The workspace packages of the root package.json (`dir/*` patterns). */
export function workspacePackages(root: string): WorkspacePackage[] {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: string[] };
  return workspaces.flatMap((pattern) => {
    const parent = join(root, pattern.replace(/\/\*$/, ''));
    if (!existsSync(parent)) return [];
    const dirs = pattern.endsWith('/*')
      ? readdirSync(parent, { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(parent, entry.name))
      : [join(root, pattern)];
    return dirs
      .filter((dir) => existsSync(join(dir, 'package.json')))
      .map((dir) => {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        return { dir, name: manifest.name, version: manifest.version, private: manifest.private === true };
      });
  });
}

/** The folder `npm run release` packs a release's tarballs into (not committed). */
export const releaseFolder = (root: string, version: string) => join(root, 'releases', `v${version}`);

/** Packs every publishable (not private) workspace package of `root` into `folder`: the tarballs' paths. */
export function packPublishable(root: string, folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  return workspacePackages(root)
    .filter((pkg) => !pkg.private)
    .map((pkg) => {
      const output = execFileSync('npm', ['pack', pkg.dir, '--pack-destination', folder, '--json'], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      return join(folder, (JSON.parse(output) as Array<{ filename: string }>)[0]!.filename);
    });
}

/** Sets `info.version` in an API's root document, leaving the rest of the file as written. */
async function setSpecVersion(file: string, version: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const updated = text.replace(/^(info:\r?\n(?:(?:[ \t].*)?\r?\n)*?[ \t]+version:[ \t]*).*$/m, `$1${version}`);
  if (updated === text && parse(text).info?.version !== version)
    throw new Error(`${file}: no info.version line to update`);
  await writeFile(file, updated);
}

/** The version an API gets in this release: its base bumped as its changes need, unless already bumped as far. */
function nextApiVersion(diff: ApiDiff): string | undefined {
  if (diff.status !== 'changed' || diff.bump === 'none' || !diff.baseVersion || !diff.version) return diff.version;
  const needed = semver.inc(diff.baseVersion, diff.bump);
  if (!needed) throw new Error(`${diff.api}: info.version ${diff.baseVersion} of the last release is not semver`);
  return semver.valid(diff.version) && semver.gte(diff.version, needed) ? diff.version : needed;
}

export interface ReleaseOptions {
  root: string;
  /** Run the root `build` script before packing (default true). */
  build?: boolean;
  log?: (line: string) => void;
}

export interface ReleaseResult {
  version: string;
  tag: string;
  tarballs: string[];
  record: ReleaseRecord;
}

export async function release({ root, build = true, log = console.log }: ReleaseOptions): Promise<ReleaseResult> {
  if (!isClean(root)) throw new Error('release: the working tree has uncommitted changes; commit or stash them first');
  const planned = await plannedReleases(root);
  if (planned.length === 0)
    throw new Error('release: no pending changesets, nothing to release (add one: npx changeset)');

  // The release is named after the specs package's version: without a bump of it, its tag exists already.
  const specsRelease = planned.find((release) => release.name === specsPackage);
  if (!specsRelease)
    throw new Error(
      `release: the pending changesets bump ${planned.map((release) => release.name).join(', ')} but not ${specsPackage}, ` +
        `whose version names the release (it would stay ${workspacePackages(root).find((pkg) => pkg.name === specsPackage)?.version}); ` +
        `add a changeset for ${specsPackage} too (a patch is enough; types and client move with it)`,
    );
  const nextTag = `v${specsRelease.newVersion}`;
  if (
    git(root, ['tag', '--list', nextTag]) !== '' ||
    readHistory(root).releases.some((entry) => entry.version === specsRelease.newVersion)
  )
    throw new Error(`release: ${nextTag} is out already (its tag or its release record exists); nothing was changed`);

  const comparison = await compareWithLastRelease(root);
  let diffs = comparison.diffs;
  if (comparison.baseline) {
    const failures = gateFailures(diffs, declaredBump(planned));
    if (failures.length > 0)
      throw new Error(`release: the changesets declare too small a release:\n${failures.join('\n')}`);
  } else {
    // The first release: every API is new.
    const work = await mkdtemp(join(tmpdir(), 'trackspec-release-'));
    try {
      const current = await bundleRegistry(join(root, 'redocly.yaml'), work);
      diffs = current.apis.map((entry) => ({
        api: entry.name,
        status: 'added',
        bump: 'minor',
        version: entry.version,
        changes: [{ impact: 'minor', rule: 'trackspec/api-added', message: 'First release.', pointer: '#/' }],
      }));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  log(await changeset(root, ['version']));
  // What the changesets planned for the specs package, checked above.
  const version = specsRelease.newVersion;
  const tag = nextTag;

  const registered = parse(await readFile(join(root, 'redocly.yaml'), 'utf8')) as {
    apis: Record<string, { root: string }>;
  };
  const record: ReleaseRecord = { version, date: new Date().toISOString().slice(0, 10), apis: {} };
  for (const diff of diffs) {
    const { api, ...rest } = diff;
    const next = nextApiVersion(diff);
    if (next && next !== diff.version) {
      await setSpecVersion(resolve(root, registered.apis[api]!.root), next);
      log(`${api}: info.version ${diff.version} -> ${next} (${diff.bump} changes since ${diff.baseVersion})`);
    }
    record.apis[api] = { ...rest, ...(next ? { version: next } : {}) };
  }
  const history = readHistory(root);
  history.releases.unshift(record);
  await writeFile(historyPath(root), `${JSON.stringify(history, null, 2)}\n`);

  const npm = (args: string[]) => execFileSync('npm', args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  if (existsSync(join(root, 'package-lock.json')))
    npm(['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund']);
  if (build) npm(['run', 'build', '--if-present']);

  const folder = releaseFolder(root, version);
  const tarballs = packPublishable(root, folder);

  const summary = Object.entries(record.apis)
    .filter(([, entry]) => entry.status !== 'unchanged')
    .map(([api, entry]) => `- ${api} ${entry.version ?? '(removed)'}: ${entry.status}, ${entry.bump}`)
    .join('\n');
  git(root, ['add', '-A']);
  git(
    root,
    ['commit', '-q', '-F', '-'],
    `Release ${tag}\n\n${summary || 'No API changed.'}\n\n${releaseTrailer}: ${tag}\n`,
  );
  git(root, ['tag', '-a', tag, '-m', `trackspec ${tag}`]);
  log(`Released ${tag}: ${tarballs.length} tarballs in ${folder}`);
  return { version, tag, tarballs, record };
}
