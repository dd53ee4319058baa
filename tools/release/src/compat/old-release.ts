/**
 * A release as its consumers have it: the release commit's tree (`git archive`), installed from that
 * commit's own lockfile and built with that commit's own build, in a folder of its own. Only what an
 * old consumer runs is installed: the contract suite and the typed client, with their dependencies.
 * The result is kept per commit, so a second run against the same release starts at once.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractTree, type ReleaseRef } from '../git.js';

const execFileAsync = promisify(execFile);

export interface OldRelease {
  release: ReleaseRef;
  /** The release's tree, installed and built. */
  dir: string;
  /** The release's contract suite package. */
  suiteDir: string;
  /** The release's code sample generator (the docs' `code-samples.ts`), when it had one. */
  samplesModule: string | undefined;
}

/** Where built releases are kept between runs: `TRACKSPEC_COMPAT_CACHE`, or a folder under the system's temp. */
export const defaultCacheDir = () => process.env.TRACKSPEC_COMPAT_CACHE || join(tmpdir(), 'trackspec-compat');

/** The environment of the release's own tools: no telemetry, and nothing of a vitest this may run in. */
export function releaseToolsEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // `npm run` hands its own settings down (`npm_config_workspace`…): the release's npm must not take
  // them for its own; where packages come from (registry, cache, proxy, CA) it keeps.
  const kept = /^npm_config_(registry|cache|cafile|proxy|https_proxy|userconfig)$/;
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^VITEST|^CONTRACT_TARGET$|^TRACKSPEC_BUNDLED_DIR$|^TURBO_/.test(name) &&
        (!/^npm_/.test(name) || kept.test(name)),
    ),
  );
  return {
    ...inherited,
    NO_COLOR: '1',
    REDOCLY_TELEMETRY: 'off',
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

async function step(what: string, command: string, args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync(command, args, { cwd, env: releaseToolsEnv(), maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`compat: ${what} failed in ${cwd}:\n${`${stdout}\n${stderr}`.trim().slice(-4000)}`);
  }
}

/** The release's tree, installed and built (or as built by an earlier run). */
export async function prepareOldRelease(
  root: string,
  release: ReleaseRef,
  { cacheDir = defaultCacheDir(), log = (_line: string) => {} } = {},
): Promise<OldRelease> {
  const dir = join(cacheDir, release.commit);
  const ready = join(dir, '.trackspec-compat-ready');
  const old: OldRelease = {
    release,
    dir,
    suiteDir: join(dir, 'packages', 'contract-tests'),
    samplesModule: undefined,
  };
  const samples = join(dir, 'apps', 'docs', 'src', 'code-samples.ts');
  if (existsSync(ready)) {
    log(`${release.tag}: built before, in ${dir}`);
    return { ...old, samplesModule: existsSync(samples) ? samples : undefined };
  }

  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  log(`${release.tag}: the tree of ${release.commit.slice(0, 10)} (git archive) into ${dir}`);
  extractTree(root, release.commit, ['.'], dir);
  if (!existsSync(join(dir, 'packages', 'contract-tests', 'package.json')))
    throw new Error(`compat: ${release.tag} has no contract suite (packages/contract-tests): nothing to run`);

  const npm = process.env.npm_execpath;
  const [npmCommand, npmArgs] = npm?.endsWith('.js') ? [process.execPath, [npm]] : ['npm', []];
  log(`${release.tag}: npm ci from its lockfile (the contract suite and the client, with their dependencies)`);
  // No install scripts: what an old consumer runs needs no native build (the server that does is today's).
  await step(
    'npm ci',
    npmCommand,
    [
      ...npmArgs,
      'ci',
      '--include-workspace-root',
      '--workspace=packages/contract-tests',
      '--workspace=packages/client',
      '--ignore-scripts',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
    ],
    dir,
  );

  log(`${release.tag}: its own build (turbo) of the contract suite's and the client's packages`);
  const turbo = join(dir, 'node_modules', 'turbo', 'bin', 'turbo');
  await step(
    'the build',
    process.execPath,
    [turbo, 'run', 'build', '--filter=@trackspec/contract-tests...', '--filter=@trackspec/client...'],
    dir,
  );
  await writeFile(ready, `${release.tag} ${release.commit}\n`);
  return { ...old, samplesModule: existsSync(samples) ? samples : undefined };
}
