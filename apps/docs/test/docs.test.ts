// Opens the rendered docs in a real Chromium, as a reviewer would: the index lists every API,
// each API page renders every operation (and webhook), with no failed request, no request off
// the machine and no console error. Screenshots go to test-results/ (not committed).
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { launchChromium, watchForProblems } from '@trackspec/harness/browser';
import { apis, listOperations, loadBundled, loadDereferenced, loadReleaseHistory } from '@trackspec/specs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedBaseUrl, operationSamples } from '../src/code-samples.js';
import { changesFile, distDir, pageFile } from '../src/pages.js';
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
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
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

/** Redoc 3 routes each operation to `#/<tag slug>/<operationId, lowercased>` (webhooks too). */
function operationRoute(tag: string, operationId: string): string {
  return `#/${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}/${operationId.toLowerCase()}`;
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

describe.each(apis.map((api) => [api.name, api]))('%s reference page', (name, api) => {
  const operations = listOperations(loadBundled(name));
  const dereferenced = loadDereferenced(name);
  const samples = operationSamples(name, dereferenced, documentedBaseUrl(dereferenced));

  it('renders its overview offline, with no errors', async () => {
    const { page, problems } = await open(pageFile(name));
    await expect(page.title()).resolves.toContain(api.title);
    await page.getByRole('heading', { name: api.title }).first().waitFor();
    await expect(page.getByRole('link', { name: 'Changes' }).first().getAttribute('href')).resolves.toBe(
      changesFile(name),
    );
    await page.screenshot({ path: new URL(`${name}.png`, screenshots).pathname });
    expect(problems).toEqual([]);
    await page.close();
  });

  it.each(operations.map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation]))(
    'renders %s',
    async (_, operation) => {
      const tag = String((operation.operation.tags as string[] | undefined)?.[0] ?? '');
      const { page, problems } = await open(pageFile(name) + operationRoute(tag, operation.operationId));
      await page
        .getByRole('heading', { name: String(operation.operation.summary) })
        .first()
        .waitFor({ timeout: 20_000 });
      if (operation.source === 'paths') {
        await page.getByText(operation.path, { exact: true }).first().waitFor();
        // Its generated code samples: curl shown first, TypeScript from the language menu beside it.
        const sample = samples.find((candidate) => candidate.operation.operationId === operation.operationId)!;
        const curl = page.getByText(sample.curl.split('\n')[0]!).first();
        await curl.waitFor();
        const language = page.getByRole('button', { name: 'curl', exact: true });
        await page.locator('div', { has: curl }).filter({ has: language }).last().locator(language).click();
        // Chosen with the keyboard: the menu is portalled with `position: fixed`, so if Redoc's own
        // scroll to the operation lands after the menu opened, the item sits outside the viewport
        // where no pointer can reach it (CI saw this under load); Enter works wherever it is.
        await page
          .getByRole('menuitem', { name: 'TypeScript (@trackspec/client)' })
          .filter({ visible: true })
          .press('Enter');
        const call = sample.typescript.split('\n').find((line) => line.startsWith('const { data } = await client.'))!;
        await page.getByText(call).first().waitFor();
      }
      await page.screenshot({ path: new URL(`${name}-${operation.operationId}.png`, screenshots).pathname });
      expect(problems).toEqual([]);
      await page.close();
    },
  );
});
