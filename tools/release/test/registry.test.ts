// Releases through a real registry: a throw-away Verdaccio (test/verdaccio.ts, no uplinks) and a copy
// of this repository as released at v1.0.0 (test/repository-copy.ts). `npm run release -- --publish`
// publishes v1.0.0 of every publishable package; a fresh consumer installs @trackspec/client@^1 and
// @trackspec/mocks from that registry (third-party dependencies from npm's own registry) and runs a
// client example against `trackspec-mocks`; a breaking change is released as v2.0.0 and published
// with the same command; the consumer's `npm outdated` shows the major, `^1` still resolves to 1.0.0,
// and `npm install @trackspec/client@2` brings the 2.0.0 types. Publishing refuses, before publishing
// anything, a version already on the registry, and a registry it is not logged in to.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { repoRoot } from '@trackspec/specs/redocly';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPublishable, releaseFolder } from '../src/release.js';
import { consumerProject, install, npmIn, runClientExample, startInstalledMocks } from './consumer.js';
import { copyRepository } from './repository-copy.js';
import { startTestRegistry, type TestRegistry } from './verdaccio.js';

const execFileAsync = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = join(packageDir, 'src/release-cli.ts');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

let registry: TestRegistry;
let work: string;
let repo: string;
let consumer: string;
/** An npmrc with nothing in it: npm's defaults, never the user's ~/.npmrc. */
let noLogin: string;
/** The environment of every npm command here: the publisher's npmrc, or one with no login. */
const npmEnv = (userconfig: string): NodeJS.ProcessEnv => ({ ...process.env, npm_config_userconfig: userconfig });

/** `npm run release -- <args>` in the copy: exit code and output (never throws on a non-zero exit). */
async function releaseCli(args: string[], userconfig = registry.userconfig): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      ['--import', 'tsx', cli, '--root', repo, ...args],
      { cwd: packageDir, env: npmEnv(userconfig), maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

/** What the registry has of a package: its versions and dist-tags (none: undefined). */
async function onRegistry(
  name: string,
): Promise<{ versions: string[]; 'dist-tags': Record<string, string> } | undefined> {
  const response = await fetch(`${registry.url}${name.replace('/', '%2f')}`);
  if (response.status === 404) return undefined;
  const packument = (await response.json()) as {
    versions: Record<string, unknown>;
    'dist-tags': Record<string, string>;
  };
  return { versions: Object.keys(packument.versions), 'dist-tags': packument['dist-tags'] };
}

/** What the consumer gets with `@trackspec/client@^1 @trackspec/mocks`, dependencies included. */
const v1 = {
  '@trackspec/client': '1.0.0',
  '@trackspec/mocks': '0.1.0',
  '@trackspec/specs': '1.0.0',
  '@trackspec/types': '1.0.0',
};
/** `npm <args>` in the consumer project, with the consumer's own settings only. */
const consumerNpm = (args: string[]) => npmIn(consumer, args, npmEnv(noLogin));
/** The version of `name` that code in `from` (a folder under the consumer) loads: the nearest node_modules that has it. */
function installedVersion(name: string, from = consumer): string {
  for (let dir = from; dir.startsWith(consumer); dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  }
  throw new Error(`${name} is not installed for ${from}`);
}

/** `tsc --noEmit` on the consumer's usage.ts: exit code and output. */
async function typecheck(): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await execFileAsync(process.execPath, [tsc, '-p', consumer], { cwd: consumer });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

beforeAll(async () => {
  registry = await startTestRegistry();
  work = await mkdtemp(join(tmpdir(), 'trackspec-registry-'));
  noLogin = join(work, 'empty.npmrc');
  await writeFile(noLogin, '');
  // The copy is this repository as released at v1.0.0: one commit carrying the release's trailer and
  // tag, and the release's tarballs, which are the workspace's own packages packed (turbo built them
  // before this task runs; the copy's sources are the same).
  repo = join(work, 'repo');
  await copyRepository(repo, 'Release v1.0.0\n\nTrackspec-Release: v1.0.0\n');
  await execFileAsync('git', ['tag', '-a', 'v1.0.0', '-m', 'trackspec v1.0.0'], { cwd: repo });
  packPublishable(repoRoot, releaseFolder(repo, '1.0.0'));
  // Our scope from the test registry and only from it; everything else from npm's registry.
  consumer = await consumerProject({
    '.npmrc': `@trackspec:registry=${registry.url}\n`,
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'DOM'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      files: ['usage.ts'],
    }),
    // Tracking by session alone: valid in 1.x; 2.0.0 requires `profile`.
    'usage.ts': [
      "import { createApiClient } from '@trackspec/client';",
      "const hellotext = createApiClient('hellotext', { baseUrl: 'http://127.0.0.1:9', credentials: { bearerToken: 'ALK_example' } });",
      "void hellotext.POST('/v1/attribution/events', { body: { action: 'product.purchased', session_id: 'SESSION_ID' } });",
      '',
    ].join('\n'),
  });
}, 300_000);

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  if (consumer) await rm(consumer, { recursive: true, force: true });
});

describe('releases through a registry (a throw-away Verdaccio)', () => {
  it('refuses to publish without a login to the registry, publishing nothing', async () => {
    const { code, output } = await releaseCli(['--publish', '--registry', registry.url], noLogin);
    expect(output).toContain('No pending changesets: publishing the release the packages are at.');
    expect(output).toContain(`publish: not logged in to ${registry.url} (npm login --registry ${registry.url})`);
    expect(code).toBe(1);
    expect(await onRegistry('@trackspec/specs')).toBeUndefined();
  });

  it('checks every package before publishing any: one version already there, and nothing is published', async () => {
    // The last package in dependency order, published by hand first.
    const tarball = join(releaseFolder(repo, '1.0.0'), 'trackspec-contract-tests-0.1.0.tgz');
    const flags = [`--registry=${registry.url}`, `--@trackspec:registry=${registry.url}`];
    const publisher = npmEnv(registry.userconfig);
    await npmIn(work, ['publish', tarball, '--access=public', ...flags], publisher);
    const { code, output } = await releaseCli(['--publish', '--registry', registry.url]);
    expect(output).toContain(
      'publish: refused, nothing was published: v1.0.0 has versions that are already on the registry:',
    );
    expect(output).toContain(`  @trackspec/contract-tests@0.1.0 is already on ${registry.url}`);
    expect(code).toBe(1);
    for (const name of ['@trackspec/specs', '@trackspec/types', '@trackspec/client', '@trackspec/mocks'])
      expect(await onRegistry(name)).toBeUndefined();
    await npmIn(work, ['unpublish', '@trackspec/contract-tests', '--force', ...flags], publisher);
    expect(await onRegistry('@trackspec/contract-tests')).toBeUndefined();
  });

  it('publishes v1.0.0 of every publishable package, dependencies first', async () => {
    const { code, output } = await releaseCli(['--publish', '--registry', registry.url]);
    expect(code, output).toBe(0);
    const order = [...output.matchAll(/^published (\S+)@(\S+) to (\S+)$/gm)].map(([, name, version, url]) => {
      expect(url).toBe(registry.url);
      return `${name}@${version}`;
    });
    expect(order).toEqual([
      '@trackspec/specs@1.0.0',
      '@trackspec/types@1.0.0',
      '@trackspec/client@1.0.0',
      '@trackspec/mocks@0.1.0',
      '@trackspec/contract-tests@0.1.0',
    ]);
    expect(output).toContain('Published v1.0.0: 5 packages.');
    expect(await onRegistry('@trackspec/client')).toEqual({ versions: ['1.0.0'], 'dist-tags': { latest: '1.0.0' } });
    // Seven npm processes (whoami, the check, five publishes), each CPU-bound: 60 s beside a CI
    // `npm test`, past 120 s when the machine's load doubled. A hang bound, as the v2.0.0 test's.
  }, 600_000);

  it('installs @trackspec/client@^1 and @trackspec/mocks from the registry; an example runs against trackspec-mocks', async () => {
    await install(consumer, ['@trackspec/client@^1', '@trackspec/mocks'], npmEnv(noLogin));
    const { dependencies } = JSON.parse(await readFile(join(consumer, 'package.json'), 'utf8'));
    expect(dependencies).toEqual({ '@trackspec/client': '^1.0.0', '@trackspec/mocks': '^0.1.0' });
    // Each of ours is the test registry's own tarball (its integrity), and the test registry has no
    // third-party package (no uplinks): those came from npm's registry. (The lockfile's `resolved` is
    // no witness: `omit-lockfile-registry-resolved` may drop it.)
    const lock = JSON.parse(await readFile(join(consumer, 'package-lock.json'), 'utf8'));
    for (const [name, version] of Object.entries(v1)) {
      expect(lock.packages[`node_modules/${name}`]).toMatchObject({ version });
      const { dist } = (await (await fetch(`${registry.url}${name.replace('/', '%2f')}/${version}`)).json()) as {
        dist: { integrity: string };
      };
      expect(lock.packages[`node_modules/${name}`].integrity).toBe(dist.integrity);
    }
    expect(lock.packages['node_modules/openapi-fetch']).toBeDefined();
    expect((await fetch(`${registry.url}openapi-fetch`)).status).toBe(404);

    const portBase = 20_000 + Math.floor(Math.random() * 20_000);
    const { mocks, urls } = await startInstalledMocks(consumer, ['hellotext'], portBase);
    try {
      expect(await runClientExample(consumer, urls.hellotext!)).toEqual({ state: 'ok' });
    } finally {
      const exited = new Promise((resolve) => mocks.once('exit', resolve));
      mocks.kill('SIGTERM');
      await exited;
    }
    expect(await typecheck()).toEqual({ code: 0, output: '' });
    // An npm install (third-party packages from npm's registry), Prism, Node and tsc: 29 s beside a CI
    // `npm test`, past 120 s when the machine's load doubled. A hang bound, as the v2.0.0 test's.
  }, 600_000);

  it('releases a breaking v2.0.0 and publishes it with the same command, after checking the registry first', async () => {
    const edit = async (path: string, from: string, to: string) => {
      const text = await readFile(join(repo, path), 'utf8');
      expect(text).toContain(from);
      await writeFile(join(repo, path), text.replace(from, to));
    };
    await edit(
      'specs/hellotext/components/schemas/AttributionEvent.yaml',
      'required:\n  - action\n',
      'required:\n  - action\n  - profile\n',
    );
    await edit(
      'specs/hellotext/components/examples/TrackBySession.yaml',
      'value:\n',
      'value:\n  profile: PROFILE_ID\n',
    );
    await writeFile(
      join(repo, '.changeset/profile-required.md'),
      "---\n'@trackspec/client': major\n---\n\nHellotext: every attribution event names its `profile`.\n",
    );
    await execFileAsync('git', ['add', '-A'], { cwd: repo });
    await execFileAsync('git', ['commit', '-qm', 'Hellotext: profile required'], { cwd: repo });

    // A version the release would make, already on the registry: refused before anything is released.
    const flags = [`--registry=${registry.url}`, `--@trackspec:registry=${registry.url}`];
    const publisher = npmEnv(registry.userconfig);
    const squatter = join(work, 'squatter');
    await mkdir(squatter);
    await writeFile(join(squatter, 'package.json'), JSON.stringify({ name: '@trackspec/types', version: '2.0.0' }));
    await npmIn(squatter, ['publish', '--access=public', ...flags], publisher);
    const head = (await execFileAsync('git', ['rev-parse', 'HEAD'], { cwd: repo })).stdout;
    const refused = await releaseCli(['--publish', '--registry', registry.url]);
    expect(refused.output).toContain(
      `publish: refused, nothing was released or published: the release would make versions that are already on the registry:\n  @trackspec/types@2.0.0 is already on ${registry.url}`,
    );
    expect(refused.code).toBe(1);
    expect((await execFileAsync('git', ['rev-parse', 'HEAD'], { cwd: repo })).stdout).toBe(head);
    expect((await execFileAsync('git', ['status', '--porcelain'], { cwd: repo })).stdout).toBe('');
    await npmIn(work, ['unpublish', '@trackspec/types@2.0.0', '--force', ...flags], publisher);

    const { code, output } = await releaseCli(['--publish', '--registry', registry.url]);
    expect(code, output).toBe(0);
    expect(output).toContain('hellotext: info.version 1.0.0 -> 2.0.0 (major changes since 1.0.0)');
    for (const name of ['specs', 'types', 'client'])
      expect(output).toContain(`published @trackspec/${name}@2.0.0 to ${registry.url}`);
    expect(output).toMatch(/Published v2\.0\.0: 5 packages\./);
    expect(await onRegistry('@trackspec/client')).toEqual({
      versions: ['1.0.0', '2.0.0'],
      'dist-tags': { latest: '2.0.0' },
    });
  }, 600_000);

  it('refuses to publish v2.0.0 again, naming each package and version', async () => {
    const { code, output } = await releaseCli(['--publish', '--registry', registry.url]);
    expect(code).toBe(1);
    expect(output).toContain(
      'publish: refused, nothing was published: v2.0.0 has versions that are already on the registry:',
    );
    for (const name of ['specs', 'types', 'client'])
      expect(output).toContain(`  @trackspec/${name}@2.0.0 is already on ${registry.url}`);
  });

  it('the consumer: npm outdated shows the major, ^1 still resolves to 1.0.0, @trackspec/client@2 brings the new types', async () => {
    // npm outdated exits 1 when something is: its JSON is the answer.
    const outdated = JSON.parse(
      await consumerNpm(['outdated', '--json', '--prefer-online']).catch((error: Error) => {
        const json = /\{[\s\S]*\}/.exec(error.message);
        if (!json) throw error;
        return json[0];
      }),
    );
    expect(outdated['@trackspec/client']).toMatchObject({ current: '1.0.0', wanted: '1.0.0', latest: '2.0.0' });

    await consumerNpm(['update', '@trackspec/client', '--prefer-online', '--no-audit', '--no-fund']);
    expect(installedVersion('@trackspec/client')).toBe('1.0.0');
    expect((await consumerNpm(['view', '@trackspec/client@^1', 'version', '--prefer-online'])).trim()).toBe('1.0.0');
    expect(await typecheck()).toEqual({ code: 0, output: '' });

    await consumerNpm(['install', '@trackspec/client@2', '--prefer-online', '--no-audit', '--no-fund']);
    expect(installedVersion('@trackspec/client')).toBe('2.0.0');
    expect(installedVersion('@trackspec/types', join(consumer, 'node_modules/@trackspec/client'))).toBe('2.0.0');
    const { code, output } = await typecheck();
    expect(output).toMatch(/usage\.ts\(3,[\s\S]*Property 'profile' is missing/);
    expect(code).not.toBe(0);
  });
});
