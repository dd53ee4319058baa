/**
 * `npm run release -- --publish [--registry <url>]`: publishes a release's tarballs with `npm publish`.
 *
 * What it publishes: the tarballs of the release the packages are at (`releases/v<version>/`, which
 * `npm run release` packs and does not commit), one per publishable package, in dependency order.
 * Where: to `--registry` if given, else to the package's `publishConfig.registry`, else to the registry
 * npm is configured with for the package's scope (`@trackspec:registry`) or at all (`registry`). The
 * check and the publish name that registry explicitly, for the package's scope too, so no scoped
 * setting in an `.npmrc` can send one elsewhere than the other.
 *
 * It checks everything before publishing anything: logged in to each registry (`npm whoami`), and no
 * version this release made already there (refused, naming each package and version). A package the
 * release left at its version (unchanged since the release before) is skipped when the registry has
 * that version already, and published when it does not (a first publish to a new registry).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { plannedReleases, specsPackage } from './changesets.js';
import { git, lastRelease } from './git.js';
import { releaseFolder, workspacePackages } from './release.js';

const execFileAsync = promisify(execFile);

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  publishConfig?: { registry?: string; access?: string; tag?: string };
}

export interface ReleaseTarball {
  name: string;
  version: string;
  file: string;
  /** The registry it goes to (with a trailing slash). */
  registry: string;
  /** Whether the release set this version (false: the package is at the version of the release before). */
  changed: boolean;
  manifest: Manifest;
}

export interface PublishOptions {
  root: string;
  /** Publish here instead of `publishConfig.registry` or npm's configured registry. */
  registry?: string;
  log?: (line: string) => void;
}

export interface PublishResult {
  tag: string;
  published: ReleaseTarball[];
  /** Unchanged since the release before, and already on the registry. */
  skipped: ReleaseTarball[];
}

/** The package.json inside a tarball made by `npm pack`. */
export function tarballManifest(file: string): Manifest {
  return JSON.parse(execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' })) as Manifest;
}

/** `npm <args>` in `root`: its output, or an error that carries npm's own words. */
async function npm(root: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('npm', args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** npm's output of a failed command, without its debug-log footer. */
function npmError(error: unknown): string {
  const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
  const text = `${stdout}\n${stderr}`
    .split('\n')
    .filter((line) => line.trim() !== '' && !/A complete log of this run|^npm error\s*$/.test(line))
    .join('\n');
  return text || message;
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);
const scopeOf = (name: string) => (name.startsWith('@') ? name.split('/')[0] : undefined);

/** The flags that send a package's requests to `registry`, scoped settings included. */
function registryFlags(name: string, registry: string): string[] {
  const scope = scopeOf(name);
  return [`--registry=${registry}`, ...(scope ? [`--${scope}:registry=${registry}`] : [])];
}

/** Where a package goes: `--registry`, else its `publishConfig.registry`, else npm's registry for its scope. */
async function targetRegistry(root: string, manifest: Manifest, explicit: string | undefined): Promise<string> {
  if (explicit) return withSlash(explicit);
  if (manifest.publishConfig?.registry) return withSlash(manifest.publishConfig.registry);
  const scope = scopeOf(manifest.name);
  const scoped = scope ? (await npm(root, ['config', 'get', `${scope}:registry`])).trim() : '';
  if (scoped && scoped !== 'undefined' && scoped !== 'null') return withSlash(scoped);
  return withSlash((await npm(root, ['config', 'get', 'registry'])).trim());
}

/** Whether the registry has `name@version`; throws when it cannot tell (unreachable, refused). */
async function onRegistry(root: string, name: string, version: string, registry: string): Promise<boolean> {
  try {
    const output = await npm(root, [
      'view',
      `${name}@${version}`,
      'version',
      '--json',
      '--prefer-online',
      ...registryFlags(name, registry),
    ]);
    return output.trim() !== '';
  } catch (error) {
    const text = npmError(error);
    if (/\bE404\b/.test(text)) return false;
    throw new Error(`publish: cannot tell whether ${registry} has ${name}@${version}:\n${text}`);
  }
}

/** Throws, naming the registry and how to log in, unless npm is logged in to every one of them. */
async function checkLogins(root: string, registries: Iterable<string>): Promise<void> {
  for (const registry of new Set(registries)) {
    try {
      await npm(root, ['whoami', `--registry=${registry}`]);
    } catch (error) {
      throw new Error(
        `publish: not logged in to ${registry} (npm login --registry ${registry}); nothing was published.\n${npmError(error)}`,
      );
    }
  }
}

/** Dependencies first, so that every package's dependencies are on the registry before it is. */
function dependencyOrder(tarballs: ReleaseTarball[]): ReleaseTarball[] {
  const byName = new Map(tarballs.map((tarball) => [tarball.name, tarball]));
  const ordered: ReleaseTarball[] = [];
  const visit = (tarball: ReleaseTarball, path: string[]) => {
    if (ordered.includes(tarball)) return;
    if (path.includes(tarball.name))
      throw new Error(`publish: a dependency cycle: ${[...path, tarball.name].join(' -> ')}`);
    const { dependencies = {}, peerDependencies = {}, optionalDependencies = {} } = tarball.manifest;
    for (const name of Object.keys({ ...dependencies, ...peerDependencies, ...optionalDependencies }).sort()) {
      const dependency = byName.get(name);
      if (dependency) visit(dependency, [...path, tarball.name]);
    }
    ordered.push(tarball);
  };
  for (const tarball of [...tarballs].sort((a, b) => a.name.localeCompare(b.name))) visit(tarball, []);
  return ordered;
}

/** A package's version in a commit (undefined where the commit has no such file). */
function versionAt(root: string, commit: string, dir: string): string | undefined {
  try {
    const path = relative(root, join(dir, 'package.json')).split('\\').join('/');
    return (JSON.parse(git(root, ['show', `${commit}:${path}`])) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * The tarballs of the release the packages are at: one per publishable package from
 * `releases/v<version>/`, each at the package's version, with its registry and whether the release
 * changed it. Throws, saying what is missing, when the folder or a tarball is not there, or when the
 * last release on this branch is another.
 */
export async function releaseTarballs(
  root: string,
  explicitRegistry?: string,
): Promise<{ tag: string; tarballs: ReleaseTarball[] }> {
  const packages = workspacePackages(root).filter((pkg) => !pkg.private);
  const specs = packages.find((pkg) => pkg.name === specsPackage);
  if (!specs) throw new Error(`publish: no ${specsPackage} workspace`);
  const tag = `v${specs.version}`;
  const folder = releaseFolder(root, specs.version);
  const where = relative(root, folder);
  if (!existsSync(folder))
    throw new Error(`publish: no ${where}/: npm run release packs a release's tarballs there (they are not committed)`);

  const release = lastRelease(root);
  if (release?.tag !== tag)
    throw new Error(
      `publish: the packages are at ${tag}, but the last release on this branch is ${release?.tag ?? 'none'}; run npm run release first`,
    );
  let before: string | undefined;
  try {
    before = git(root, ['rev-parse', '--verify', '--quiet', `${release.commit}^`]);
  } catch {
    // The first commit: every package is new.
  }

  const found = new Map<string, { file: string; manifest: Manifest }>();
  for (const entry of readdirSync(folder).filter((name) => name.endsWith('.tgz'))) {
    const file = join(folder, entry);
    const manifest = tarballManifest(file);
    found.set(`${manifest.name}@${manifest.version}`, { file, manifest });
  }
  const tarballs: ReleaseTarball[] = [];
  for (const pkg of packages) {
    const tarball = found.get(`${pkg.name}@${pkg.version}`);
    if (!tarball) throw new Error(`publish: ${where}/ has no tarball of ${pkg.name}@${pkg.version}`);
    tarballs.push({
      name: pkg.name,
      version: pkg.version,
      file: tarball.file,
      manifest: tarball.manifest,
      registry: await targetRegistry(root, tarball.manifest, explicitRegistry),
      changed: !before || versionAt(root, before, pkg.dir) !== pkg.version,
    });
  }
  return { tag, tarballs: dependencyOrder(tarballs) };
}

/**
 * Before `npm run release -- --publish` makes a release: logged in, and none of the versions the
 * pending changesets will make is on its registry yet. Throws naming each one that is.
 */
export async function checkBeforeRelease(root: string, explicitRegistry?: string): Promise<void> {
  const planned = new Map((await plannedReleases(root)).map((release) => [release.name, release.newVersion]));
  const checks = await Promise.all(
    workspacePackages(root)
      .filter((pkg) => !pkg.private && planned.has(pkg.name))
      .map(async (pkg) => {
        const manifest = { name: pkg.name, version: planned.get(pkg.name)!, ...readPublishConfig(pkg.dir) };
        return { ...manifest, registry: await targetRegistry(root, manifest, explicitRegistry) };
      }),
  );
  await checkLogins(
    root,
    checks.map((check) => check.registry),
  );
  const taken = await Promise.all(
    checks.map(async (check) =>
      (await onRegistry(root, check.name, check.version, check.registry)) ? check : undefined,
    ),
  );
  const refused = taken.filter((check) => check !== undefined);
  if (refused.length > 0)
    throw new Error(
      [
        'publish: refused, nothing was released or published: the release would make versions that are already on the registry:',
        ...refused.map((check) => `  ${check.name}@${check.version} is already on ${check.registry}`),
      ].join('\n'),
    );
}

function readPublishConfig(dir: string): Pick<Manifest, 'publishConfig'> {
  const { publishConfig } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  return publishConfig ? { publishConfig } : {};
}

/**
 * Publishes the tarballs of the release the packages are at (see the top of this file): every check
 * first, then `npm publish` one tarball at a time, dependencies first. A failure stops it, naming what
 * was published and how to publish the rest.
 */
export async function publishRelease({ root, registry, log = console.log }: PublishOptions): Promise<PublishResult> {
  const { tag, tarballs } = await releaseTarballs(root, registry);
  await checkLogins(
    root,
    tarballs.map((tarball) => tarball.registry),
  );
  const present = await Promise.all(
    tarballs.map((tarball) => onRegistry(root, tarball.name, tarball.version, tarball.registry)),
  );
  const refused = tarballs.filter((tarball, index) => present[index] && tarball.changed);
  if (refused.length > 0)
    throw new Error(
      [
        `publish: refused, nothing was published: ${tag} has versions that are already on the registry:`,
        ...refused.map((tarball) => `  ${tarball.name}@${tarball.version} is already on ${tarball.registry}`),
      ].join('\n'),
    );
  const skipped = tarballs.filter((_tarball, index) => present[index]);
  for (const tarball of skipped)
    log(`${tarball.name}@${tarball.version}: unchanged by ${tag} and already on ${tarball.registry}, skipped`);

  const published: ReleaseTarball[] = [];
  const pending = tarballs.filter((_tarball, index) => !present[index]);
  for (const tarball of pending) {
    const args = [
      'publish',
      tarball.file,
      `--access=${tarball.manifest.publishConfig?.access ?? 'public'}`,
      ...registryFlags(tarball.name, tarball.registry),
    ];
    try {
      await npm(root, args);
    } catch (error) {
      const rest = pending.filter((candidate) => !published.includes(candidate));
      throw new Error(
        [
          `publish: npm publish of ${tarball.name}@${tarball.version} to ${tarball.registry} failed:`,
          npmError(error),
          published.length > 0
            ? `Published before it: ${published.map((done) => `${done.name}@${done.version}`).join(', ')}.`
            : 'Nothing was published.',
          'Not published; once the cause is fixed, publish these in this order:',
          ...rest.map(
            (candidate) =>
              `  npm publish ${relative(root, candidate.file)} --access public --registry ${candidate.registry}`,
          ),
        ].join('\n'),
      );
    }
    published.push(tarball);
    log(`published ${tarball.name}@${tarball.version} to ${tarball.registry}`);
  }
  return { tag, published, skipped };
}
