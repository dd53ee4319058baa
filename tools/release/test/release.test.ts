// The release flow end to end, in a temporary git repository shaped like ours (the real changesets
// config, a specs/types/client trio, one API): release, make a breaking edit, see the gate fail naming
// the API, the change and the bump, add a major changeset, see it pass, release again.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ReleaseHistory } from '@trackspec/specs';
import { repoRoot } from '@trackspec/specs/redocly';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastRelease } from '../src/git.js';
import { release } from '../src/release.js';

const execFileAsync = promisify(execFile);
const cli = fileURLToPath(new URL('../src/api-diff-cli.ts', import.meta.url));

let root: string;
const write = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const manifest = (name: string, extra: object = {}) =>
  `${JSON.stringify({ name, version: '0.1.0', license: 'MIT', ...extra }, null, 2)}\n`;

/** `npm run api:diff -- --gate` in the fixture repository: exit code and output. */
async function gate(): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      ['--import', 'tsx', cli, '--gate', '--root', root],
      {
        cwd: repoRoot,
      },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'trackspec-release-repo-'));
  write(
    'package.json',
    `${JSON.stringify({ name: 'fixture-repo', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
  );
  write('packages/specs/package.json', manifest('@trackspec/specs', { files: ['releases.json'] }));
  write('packages/types/package.json', manifest('@trackspec/types'));
  write(
    'packages/client/package.json',
    manifest('@trackspec/client', { dependencies: { '@trackspec/types': '0.1.0' } }),
  );
  write(
    'redocly.yaml',
    'apis:\n  fixture:\n    root: specs/fixture/openapi.yaml\nextends:\n  - diff-recommended\ntelemetry: off\n',
  );
  write('specs/fixture/openapi.yaml', readFileSync(new URL('./fixtures/base.yaml', import.meta.url), 'utf8'));
  mkdirSync(join(root, '.changeset'));
  copyFileSync(join(repoRoot, '.changeset/config.json'), join(root, '.changeset/config.json'));
  write('.changeset/first.md', "---\n'@trackspec/specs': major\n---\n\nFirst release.\n");
  write('.gitignore', 'releases/\n');
  // changesets finds npm workspaces by their lockfile.
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Release Test');
  git('config', 'user.email', 'release-test@example.com');
  git('add', '-A');
  git('commit', '-q', '-m', 'Fixture repository');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('release and the breaking-change gate', () => {
  it('passes before the first release, saying there is nothing to compare', async () => {
    const { code, output } = await gate();
    expect(code).toBe(0);
    expect(output).toContain('no release yet');
  });

  it('releases 1.0.0: versions, changelogs, the release record, tarballs, a commit and a tag', async () => {
    const result = await release({ root, build: false, log: () => {} });
    expect(result.tag).toBe('v1.0.0');
    for (const name of ['specs', 'types', 'client']) {
      expect(JSON.parse(readFileSync(join(root, `packages/${name}/package.json`), 'utf8')).version).toBe('1.0.0');
      expect(readFileSync(join(root, `packages/${name}/CHANGELOG.md`), 'utf8')).toContain('## 1.0.0');
    }
    expect(result.tarballs.map((tarball) => tarball.split('/').pop()).sort()).toEqual([
      'trackspec-client-1.0.0.tgz',
      'trackspec-specs-1.0.0.tgz',
      'trackspec-types-1.0.0.tgz',
    ]);
    for (const tarball of result.tarballs) expect(existsSync(tarball)).toBe(true);
    const history = JSON.parse(readFileSync(join(root, 'packages/specs/releases.json'), 'utf8')) as ReleaseHistory;
    expect(history.releases).toHaveLength(1);
    expect(history.releases[0]).toMatchObject({
      version: '1.0.0',
      apis: { fixture: { status: 'added', version: '1.0.0' } },
    });
    expect(git('tag', '--list')).toBe('v1.0.0');
    expect(git('status', '--porcelain')).toBe('');
    expect(git('log', '-1', '--format=%B')).toContain('Trackspec-Release: v1.0.0');
    expect(existsSync(join(root, '.changeset/first.md'))).toBe(false);
  });

  it('fails the gate on a breaking edit without a changeset, naming the API, the change and the bump', async () => {
    const spec = join(root, 'specs/fixture/openapi.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('required: false', 'required: true'));
    git('commit', '-qam', 'Make dryRun required');
    const { code, output } = await gate();
    expect(code).toBe(1);
    expect(output).toMatch(/\| fixture \| 1\.0\.0 \| 1\.0\.0 \| changed \| major \| 1 \| 0 \| 0 \|/);
    expect(output).toContain(
      'fixture: `dryRun` query parameter became required. [parameter-became-required at #/paths/~1things/post/parameters/0/required] needs a major release of @trackspec/specs; the pending changesets declare no release.',
    );
  });

  it('still fails with a minor changeset, and passes with a major one', async () => {
    write('.changeset/breaking.md', "---\n'@trackspec/specs': minor\n---\n\n`dryRun` is required.\n");
    const minor = await gate();
    expect(minor.code).toBe(1);
    expect(minor.output).toContain('the pending changesets declare a minor release');
    write('.changeset/breaking.md', "---\n'@trackspec/client': major\n---\n\n`dryRun` is required.\n");
    // A major client changeset bumps the fixed group, the specs included.
    const major = await gate();
    expect(major.code).toBe(0);
    expect(major.output).toContain('api:diff gate: passes (needed: major; declared for @trackspec/specs: major)');
    git('add', '-A');
    git('commit', '-qm', 'Changeset');
  });

  it('rates a new API minor and a removed API major', async () => {
    // A second API (a copy of the first under another name), then gone again.
    const config = readFileSync(join(root, 'redocly.yaml'), 'utf8');
    write('redocly.yaml', config.replace('apis:\n', 'apis:\n  extra:\n    root: specs/fixture/openapi.yaml\n'));
    const added = await gate();
    expect(added.output).toContain('| extra | — | 1.0.0 | added | minor | 0 | 1 | 0 |');
    expect(added.code).toBe(0); // the pending major changeset covers it
    write('.changeset/breaking.md', "---\n'@trackspec/specs': patch\n---\n\n`dryRun` is required.\n");
    const patchOnly = await gate();
    expect(patchOnly.output).toContain('extra: New API. [trackspec/api-added at #/] needs a minor release');
    write('redocly.yaml', config.replace('  fixture:\n    root: specs/fixture/openapi.yaml\n', ''));
    write(
      'redocly.yaml',
      `${readFileSync(join(root, 'redocly.yaml'), 'utf8').replace('apis:\n', 'apis:\n  other:\n    root: specs/fixture/openapi.yaml\n')}`,
    );
    const removed = await gate();
    expect(removed.output).toContain('| fixture | 1.0.0 | — | removed | major | 1 | 0 | 0 |');
    expect(removed.output).toContain('fixture: API removed. [trackspec/api-removed at #/] needs a major release');
    git('checkout', '--', 'redocly.yaml', '.changeset/breaking.md');
  }, 180_000);

  it('releases 2.0.0 with the API bumped to 2.0.0, and finds the release again without tags', async () => {
    const result = await release({ root, build: false, log: () => {} });
    expect(result.tag).toBe('v2.0.0');
    expect(readFileSync(join(root, 'specs/fixture/openapi.yaml'), 'utf8')).toMatch(/^ {2}version: 2\.0\.0$/m);
    const history = JSON.parse(readFileSync(join(root, 'packages/specs/releases.json'), 'utf8')) as ReleaseHistory;
    expect(history.releases.map((entry) => entry.version)).toEqual(['2.0.0', '1.0.0']);
    expect(history.releases[0]!.apis.fixture).toMatchObject({
      status: 'changed',
      bump: 'major',
      baseVersion: '1.0.0',
      version: '2.0.0',
      changes: [{ impact: 'major', rule: 'parameter-became-required' }],
    });
    expect(lastRelease(root)).toMatchObject({ tag: 'v2.0.0', via: 'tag' });
    git('tag', '-d', 'v1.0.0', 'v2.0.0');
    expect(lastRelease(root)).toMatchObject({ tag: 'v2.0.0', via: 'trailer', commit: git('rev-parse', 'HEAD') });
    const { code, output } = await gate();
    expect(code).toBe(0);
    expect(output).toContain('| fixture | 2.0.0 | 2.0.0 | unchanged | none |');
  }, 180_000);

  it('refuses, changing nothing, a release whose changesets bump no specs version, and makes it with a specs patch', async () => {
    // A published package outside the fixed group, bumped alone: the release would reuse v2.0.0.
    write('packages/mocks/package.json', manifest('@trackspec/mocks'));
    write('.changeset/mocks-only.md', "---\n'@trackspec/mocks': minor\n---\n\nA mocks feature.\n");
    execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: root,
    });
    git('add', '-A');
    git('commit', '-qm', 'A mocks feature');
    const head = git('rev-parse', 'HEAD');
    await expect(release({ root, build: false, log: () => {} })).rejects.toThrow(
      /bump @trackspec\/mocks but not @trackspec\/specs, whose version names the release \(it would stay 2\.0\.0\)/,
    );
    expect(git('status', '--porcelain')).toBe('');
    expect(git('rev-parse', 'HEAD')).toBe(head);

    write('.changeset/specs-patch.md', "---\n'@trackspec/specs': patch\n---\n\nReleased with the mocks feature.\n");
    git('add', '-A');
    git('commit', '-qm', 'A specs patch');
    const result = await release({ root, build: false, log: () => {} });
    expect(result.tag).toBe('v2.0.1');
    expect(git('tag', '--list', 'v2.0.1')).toBe('v2.0.1');
    expect(JSON.parse(readFileSync(join(root, 'packages/mocks/package.json'), 'utf8')).version).toBe('0.2.0');
  }, 180_000);
});
