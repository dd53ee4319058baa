// Opens the rendered docs in a real Chromium, as a reviewer would: the index lists every API,
// each API page renders every operation (and webhook), with no failed request, no request off
// the machine and no console error. Screenshots go to test-results/ (not committed).
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { launchChromium, openPage, watchForProblems } from '@trackspec/harness/browser';
import { apis, listOperations, loadBundled, loadDereferenced, loadReleaseHistory } from '@trackspec/specs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedBaseUrl, operationSamples } from '../src/code-samples.js';
import { changesFile, distDir, operationRoute, pageFile } from '../src/pages.js';
import { createStaticServer } from '../src/static-server.js';

const screenshots = new URL('../test-results/', import.meta.url);
const server = createStaticServer(distDir);
let origin = '';
let browser: Browser;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  await mkdir(screenshots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server.close(resolve));
});

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await openPage(browser, { viewport: { width: 1400, height: 1000 } });
  const problems = await watchForProblems(page, origin);
  await page.goto(`${origin}/${path}`, { waitUntil: 'load' });
  return { page, problems };
}

describe('docs index', () => {
  it('lists every registered API with a link to its page', async () => {
    const { page, problems } = await open('');
    for (const api of apis) {
      const link = page.locator(`[data-api="${api.name}"] h2 a`);
      await expect(link.textContent()).resolves.toBe(api.title);
      await expect(link.getAttribute('href')).resolves.toBe(pageFile(api.name));
      await expect(page.locator(`[data-api="${api.name}"] .version`).textContent()).resolves.toBe(`v${api.version}`);
      await expect(page.locator(`[data-api="${api.name}"] a.changes`).getAttribute('href')).resolves.toBe(
        changesFile(api.name),
      );
    }
    await page.screenshot({ path: new URL('index.png', screenshots).pathname, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});

const typescript = 'TypeScript (@trackspec/client)';

/** Picks a language from the menu of the code-sample panel that shows `sample` in `current`. */
async function chooseLanguage(page: Page, sample: Locator, current: string, wanted: string): Promise<void> {
  const name = page.getByRole('button', { name: current, exact: true });
  await page.locator('div', { has: sample }).filter({ has: name }).last().locator(name).click();
  // The item gets its click as a DOM event, not from the pointer: the menu is portalled with
  // `position: fixed`, so if Redoc's own scroll to the operation lands after the menu opened, the
  // item sits outside the viewport where no pointer can reach it (CI saw this under load). A
  // keyboard choice (Enter) leaves Redoc's menu marked open, so the next click would only close it.
  await page.getByRole('menuitem', { name: wanted, exact: true }).filter({ visible: true }).dispatchEvent('click');
}

describe.each(apis.map((api) => [api.name, api]))('%s Changes page', (name, api) => {
  it('lists every release that changed the API, with its version, date and classified changes', async () => {
    const releases = loadReleaseHistory().releases.filter((release) => release.apis[name]?.status !== 'unchanged');
    const { page, problems } = await open(changesFile(name));
    await expect(page.locator('h1').textContent()).resolves.toBe(`${api.title}: changes`);
    await expect(page.locator('.current-version').textContent()).resolves.toBe(`v${api.version}`);
    await expect(page.locator('.release').count()).resolves.toBe(releases.length);
    for (const release of releases) {
      const changes = release.apis[name]!;
      const section = page.locator(`.release[data-version="${changes.version ?? changes.baseVersion}"]`);
      await expect(section.locator('.meta').textContent()).resolves.toContain(`Released ${release.date}`);
      await expect(section.locator('.change').count()).resolves.toBe(changes.changes.length);
    }
    await page.screenshot({ path: new URL(`${name}-changes.png`, screenshots).pathname, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});

// Today's main carries m1das's browser batch (`POST /v1/b`) unreleased; once a release records it,
// the same check asserts it has left the Unreleased section.
describe('m1das unreleased changes', () => {
  const browserBatch = '#/paths/~1v1~1b';
  const released = loadReleaseHistory().releases.some((release) =>
    release.apis.m1das?.changes.some((change) => change.pointer.startsWith(browserBatch)),
  );

  it(`${released ? 'no longer lists' : 'lists'} the browser batch (/v1/b) as unreleased, on its Changes page and its reference page`, async () => {
    const changes = await open(changesFile('m1das'));
    const entry = changes.page.locator(`#unreleased .change[data-operation="/v1/b"]`);
    await expect(entry.count()).resolves.toBe(released ? 0 : 1);
    if (!released) {
      await expect(changes.page.locator('#unreleased h2').textContent()).resolves.toMatch(
        /^Unreleased \(since v\d+\.\d+\.\d+\)/,
      );
      await expect(entry.getAttribute('data-impact')).resolves.toBe('minor');
      await expect(entry.locator('.where').textContent()).resolves.toBe(browserBatch);
    }
    expect(changes.problems).toEqual([]);
    await changes.page.close();
    const reference = await open(pageFile('m1das'));
    await reference.page.getByRole('link', { name: 'Changes' }).first().waitFor();
    const item = reference.page.locator(
      '.unreleased-banner .unreleased-operation[data-operation="ingestBrowserBatch"]',
    );
    await expect(item.count()).resolves.toBe(released ? 0 : 1);
    if (!released) await expect(item.locator('a').getAttribute('href')).resolves.toBe('#/batch/ingestbrowserbatch');
    expect(reference.problems).toEqual([]);
    await reference.page.close();
  });
});

// One load per reference page (each inlines Redoc and its spec, 2.5 MB); each operation is then
// reached the way a reader follows a link, by its route in the same page.
describe.each(apis.map((api) => [api.name, api]))('%s reference page', (name, api) => {
  const operations = listOperations(loadBundled(name));
  const dereferenced = loadDereferenced(name);
  const samples = operationSamples(name, dereferenced, documentedBaseUrl(dereferenced));
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    ({ page, problems } = await open(pageFile(name)));
  });

  afterAll(async () => {
    await page?.close();
  });

  it('renders its overview offline, with no errors', async () => {
    await expect(page.title()).resolves.toContain(api.title);
    await page.getByRole('heading', { name: api.title }).first().waitFor();
    await expect(page.getByRole('link', { name: 'Changes' }).first().getAttribute('href')).resolves.toBe(
      changesFile(name),
    );
    await page.screenshot({ path: new URL(`${name}.png`, screenshots).pathname });
    expect(problems).toEqual([]);
  });

  it.each(operations.map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation]))(
    'renders %s',
    async (_, operation) => {
      const tag = String((operation.operation.tags as string[] | undefined)?.[0] ?? '');
      await page.goto(`${origin}/${pageFile(name)}${operationRoute(tag, operation.operationId)}`);
      await page
        .getByRole('heading', { name: String(operation.operation.summary) })
        .first()
        .waitFor();
      if (operation.source === 'paths') {
        await page.getByText(operation.path, { exact: true }).first().waitFor();
        // Its generated code samples: curl shown first, TypeScript from the language menu beside it.
        const sample = samples.find((candidate) => candidate.operation.operationId === operation.operationId)!;
        const curl = page.getByText(sample.curl.split('\n')[0]!).first();
        await curl.waitFor();
        await chooseLanguage(page, curl, 'curl', typescript);
        const call = sample.typescript.split('\n').find((line) => line.startsWith('const { data } = await client.'))!;
        const typescriptCall = page.getByText(call).first();
        await typescriptCall.waitFor();
        // Redoc keeps the chosen language for every operation on the page: back to curl for the next.
        await chooseLanguage(page, typescriptCall, typescript, 'curl');
        await curl.waitFor();
      }
      await page.screenshot({ path: new URL(`${name}-${operation.operationId}.png`, screenshots).pathname });
      expect(problems).toEqual([]);
    },
  );
});
