// The unreleased changes in the rendered docs, end to end in a real Chromium: a temporary git repository
// holding today's registry is released (a commit with the `Trackspec-Release` trailer and no tag, as CI
// clones see it), one operation of one API is edited, and the docs are built from it (api:diff run as a
// process, as `npm run docs` does). The edited API's page names that operation in its banner, linked to
// it, and its Changes page opens with the entry; an untouched API shows neither.
import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchChromium, openPage, watchForProblems } from '@trackspec/harness/browser';
import { repoRoot } from '@trackspec/specs/redocly';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesFile, pageFile } from '../src/pages.js';
import { createStaticServer } from '../src/static-server.js';

const execFileAsync = promisify(execFile);
const buildScript = fileURLToPath(new URL('../scripts/build-docs.ts', import.meta.url));
const bundleScript = join(repoRoot, 'packages/specs/scripts/bundle.ts');
const tsx = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileAsync(process.execPath, ['--import', 'tsx', ...args], {
    cwd: repoRoot,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });

// The edit: one sentence more in the description of tto's `POST /v1/alias` (operationId `alias`, tag Identity).
const edited = { api: 'tto', file: 'specs/tto/paths/v1_alias.yaml', operationId: 'alias', label: 'POST /v1/alias' };
const untouched = 'hellotext';

let work: string;
let origin = '';
let browser: Browser;
const server = { close: async () => {} };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trackspec-docs-unreleased-'));
  const repo = join(work, 'repo');
  for (const path of ['specs', 'redocly.yaml', '.redocly.lint-ignore.yaml', 'packages/specs/package.json'])
    await cp(join(repoRoot, path), join(repo, path), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Docs Test');
  git('config', 'user.email', 'docs-test@example.com');
  git('add', '-A');
  git('commit', '-q', '-m', 'Release v1.0.0', '-m', 'Trackspec-Release: v1.0.0');

  const file = join(repo, edited.file);
  const text = await readFile(file, 'utf8');
  expect(text).toMatch(/^ {2}description: >-$/m);
  await writeFile(file, text.replace(/^ {2}description: >-$/m, '  description: >-\n    Now also documented here.'));

  const bundled = join(work, 'bundled');
  const out = join(work, 'docs');
  await tsx([bundleScript, '--config', join(repo, 'redocly.yaml'), '--out', bundled]);
  await tsx([buildScript, '--root', repo, '--out', out], { TRACKSPEC_BUNDLED_DIR: bundled });

  const http = createStaticServer(out);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  server.close = () => new Promise((resolve) => http.close(() => resolve()));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await openPage(browser, { viewport: { width: 1400, height: 1000 } });
  const problems = await watchForProblems(page, origin);
  await page.goto(`${origin}/${path}`, { waitUntil: 'load' });
  return { page, problems };
}

describe('an edit to one operation, not released yet', () => {
  it("heads the API's page with a banner naming that operation, linked to it, with its impact", async () => {
    const { page, problems } = await open(pageFile(edited.api));
    const banner = page.locator('.unreleased-banner');
    await banner.waitFor();
    await expect(banner.getAttribute('data-since')).resolves.toBe('v1.0.0');
    await expect(banner.textContent()).resolves.toContain('Unreleased changes since v1.0.0');
    const items = banner.locator('.unreleased-operation');
    await expect(
      items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-operation'))),
    ).resolves.toEqual([edited.operationId]);
    await expect(items.first().getAttribute('data-impact')).resolves.toBe('patch');
    await expect(items.first().textContent()).resolves.toMatch(/POST \/v1\/alias\s*patch · 1 change/i);
    // The link leads to the operation, as a reader follows it.
    await items.first().locator('a').click();
    await page.waitForURL(/#\/identity\/alias$/);
    // Redoc scrolls the operation's heading into view.
    const heading = page.getByRole('heading', { name: 'Alias a user identity' }).first();
    await heading.waitFor();
    await expect
      .poll(async () => (await heading.boundingBox())?.y ?? -1, { timeout: 60_000 })
      .toSatisfy((y: number) => y >= 0 && y < 1000);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens its Changes page with the Unreleased entry: impact, what changed and where', async () => {
    const { page, problems } = await open(changesFile(edited.api));
    const section = page.locator('main > section').first();
    await expect(section.getAttribute('id')).resolves.toBe('unreleased');
    await expect(section.locator('h2').textContent()).resolves.toMatch(/^Unreleased \(since v1\.0\.0\)/);
    const changes = section.locator('.change');
    await expect(changes.count()).resolves.toBe(1);
    await expect(changes.first().getAttribute('data-impact')).resolves.toBe('patch');
    await expect(changes.first().getAttribute('data-operation')).resolves.toBe(edited.label);
    await expect(changes.first().locator('.where').textContent()).resolves.toBe('#/paths/~1v1~1alias/post/description');
    await expect(changes.first().locator('.operation a').getAttribute('href')).resolves.toBe(
      `${pageFile(edited.api)}#/identity/alias`,
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows nothing on an untouched API', async () => {
    const reference = await open(pageFile(untouched));
    await reference.page.getByRole('link', { name: 'Changes' }).first().waitFor();
    await expect(reference.page.locator('.unreleased-banner').count()).resolves.toBe(0);
    expect(reference.problems).toEqual([]);
    await reference.page.close();
    const changes = await open(changesFile(untouched));
    await changes.page.locator('h1').waitFor();
    await expect(changes.page.locator('.unreleased').count()).resolves.toBe(0);
    await expect(changes.page.getByText('Unreleased').count()).resolves.toBe(0);
    expect(changes.problems).toEqual([]);
    await changes.page.close();
  });
});
