// api:diff's review formats (Markdown for a pull-request comment, JSON for tools) on the fixture pairs
// the rating rules use, and `--base <git ref>` on a temporary git repository holding the registry.
import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { redoclyConfigPath, repoRoot } from '@trackspec/specs/redocly';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type ApiDiff, diffDocuments } from '../src/api-diff.js';
import { locate } from '../src/change-location.js';
import type { Comparison } from '../src/compare.js';
import { formatJson, formatMarkdown } from '../src/review-formats.js';

const execFileAsync = promisify(execFile);

// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited by path
type Doc = Record<string, any>;
const responseSchema = (doc: Doc) => doc.paths['/things'].post.responses['200'].content['application/json'].schema;

let work: string;
let comparison: Comparison;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trackspec-review-'));
  const base = new URL('./fixtures/base.yaml', import.meta.url).pathname;
  const baseDoc = parse(await readFile(base, 'utf8')) as Doc;
  const revision = async (name: string, edit: (doc: Doc) => void) => {
    const doc = structuredClone(baseDoc);
    edit(doc);
    const path = join(work, `${name}.yaml`);
    await writeFile(path, stringify(doc));
    return { api: name, ...(await diffDocuments(base, path, redoclyConfigPath)) };
  };
  const [removed, added] = await Promise.all([
    revision('alpha', (doc) => delete responseSchema(doc).properties.id),
    revision('beta', (doc) => (responseSchema(doc).properties.note = { type: 'string' })),
  ]);
  const diffs: ApiDiff[] = [
    { ...removed, status: 'changed', baseVersion: '1.0.0', version: '1.0.0' },
    { ...added, status: 'changed', baseVersion: '1.0.0', version: '1.0.0' },
    { api: 'gamma', status: 'unchanged', bump: 'none', baseVersion: '1.0.0', version: '1.0.0', changes: [] },
  ];
  comparison = {
    baseline: { commit: 'a'.repeat(40), tag: 'v1.0.0', version: '1.0.0', via: 'tag' },
    diffs,
    needed: 'major',
  };
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('where a change sits', () => {
  it.each([
    ['#/paths/~1v1~1track/post/requestBody/content/application~1json/schema', 'POST /v1/track', 'request'],
    ['#/paths/~1users~1{id}/post/parameters/0', 'POST /users/{id}', 'request'],
    ['#/paths/~1things/get/responses/200', 'GET /things', 'response'],
    ['#/paths/~1things', '/things', 'other'],
    ['#/info/version', undefined, 'other'],
  ])('%s: %s, %s', (pointer, operation, side) => {
    expect(locate(pointer)).toEqual(operation ? { operation, side } : { side });
  });
});

describe('api:diff --format markdown', () => {
  it('gives a section per API with its changes, impact, operation, side and pointer', () => {
    const markdown = formatMarkdown(comparison);
    expect(markdown).toMatch(/^## API changes against v1\.0\.0 \(aaaaaaaaaa\)$/m);
    expect(markdown).toContain('Needed: **a major release** of `@trackspec/specs`.');
    expect(markdown).toMatch(/^### alpha: changed, major \(1\.0\.0 → 1\.0\.0\)$/m);
    expect(markdown).toMatch(/^### beta: changed, minor/m);
    expect(markdown).toMatch(/^### gamma: no changes/m);
    const alpha = markdown.slice(markdown.indexOf('### alpha'), markdown.indexOf('### beta'));
    expect(alpha).toMatch(
      /^\| major \| .+ \| `POST \/things` \| response \| `#\/paths\/~1things\/post\/responses\/200[^`]*` \| \S+ \|$/m,
    );
    const beta = markdown.slice(markdown.indexOf('### beta'), markdown.indexOf('### gamma'));
    expect(beta).toMatch(/^\| minor \| .+ \| `POST \/things` \| response \|/m);
    // Every table row has its six cells (no unescaped pipe from a message).
    for (const row of markdown.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| impact')))
      expect(row.replaceAll('\\|', '').split('|')).toHaveLength(8);
  });

  it('says so when there is no release to compare with', () => {
    expect(formatMarkdown({ baseline: undefined, diffs: [], needed: 'none' })).toContain('No release yet');
  });
});

describe('api:diff --format json', () => {
  it('gives the same data, each change with its operation and side', () => {
    const report = JSON.parse(formatJson(comparison));
    expect(report.base).toEqual({ ref: 'v1.0.0', commit: 'a'.repeat(40), version: '1.0.0', via: 'tag' });
    expect(report.needed).toBe('major');
    expect(report.apis.map((api: ApiDiff) => [api.api, api.status, api.bump])).toEqual([
      ['alpha', 'changed', 'major'],
      ['beta', 'changed', 'minor'],
      ['gamma', 'unchanged', 'none'],
    ]);
    const [change] = report.apis[0].changes;
    expect(change).toMatchObject({ impact: 'major', operation: 'POST /things', side: 'response' });
    expect(change.pointer).toMatch(/^#\/paths\/~1things\/post\/responses\/200/);
    expect(change.rule).not.toBe('');
  });
});

describe('api:diff --base <git ref>', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const apiDiff = (...args: string[]) =>
    execFileAsync(
      process.execPath,
      ['--import', 'tsx', new URL('../src/api-diff-cli.ts', import.meta.url).pathname, '--root', repo, ...args],
      { cwd: repoRoot, env: { ...process.env, REDOCLY_TELEMETRY: 'off' }, maxBuffer: 64 * 1024 * 1024 },
    );

  beforeAll(async () => {
    // The registry as it is today, committed; then one operation of one API edited in the working tree.
    repo = join(work, 'repo');
    await cp(join(repoRoot, 'specs'), join(repo, 'specs'), { recursive: true });
    await cp(join(repoRoot, 'redocly.yaml'), join(repo, 'redocly.yaml'));
    await cp(join(repoRoot, 'packages/specs/package.json'), join(repo, 'packages/specs/package.json'));
    await cp(join(repoRoot, '.redocly.lint-ignore.yaml'), join(repo, '.redocly.lint-ignore.yaml'));
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'Review Test');
    git('config', 'user.email', 'review-test@example.com');
    git('add', '-A');
    git('commit', '-q', '-m', 'Registry');
  }, 60_000);

  it('compares the working tree with the given commit, naming it', async () => {
    // A breaking edit of one API: hellotext's answer renames its `state` field.
    const answer = join(repo, 'specs/hellotext/components/schemas/StateOk.yaml');
    const text = await readFile(answer, 'utf8');
    expect(text).toMatch(/^ {2}state:$/m);
    await writeFile(answer, text.replace(/^ {2}state:$/m, '  status:'));
    const { stdout } = await apiDiff('--base', 'HEAD', '--format', 'json');
    const report = JSON.parse(stdout);
    expect(report.base).toMatchObject({ ref: 'HEAD', commit: git('rev-parse', 'HEAD'), via: 'ref' });
    const byApi = Object.fromEntries(report.apis.map((api: ApiDiff) => [api.api, api]));
    expect(byApi.hellotext.status).toBe('changed');
    expect(byApi.hellotext.bump).toBe('major');
    for (const [name, api] of Object.entries(byApi) as Array<[string, ApiDiff]>)
      if (name !== 'hellotext') expect(api.status, name).toBe('unchanged');
  }, 120_000);

  it('refuses a ref git does not know, and --gate with --base', async () => {
    await expect(apiDiff('--base', 'no-such-ref')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--base no-such-ref: not a commit of this repository'),
    });
    await expect(apiDiff('--base', 'HEAD', '--gate')).rejects.toMatchObject({ code: 2 });
  }, 60_000);
});
