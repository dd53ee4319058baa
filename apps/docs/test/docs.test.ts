// Opens the rendered docs in a real Chromium, as a reviewer would: the index lists every API,
// each API page renders every operation (and webhook), with no failed request, no request off
// the machine and no console error. Screenshots go to test-results/ (not committed).
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { apis, listOperations, loadBundled } from '@trackspec/specs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distDir, pageFile } from '../src/pages.js';
import { createStaticServer } from '../src/static-server.js';
import { launchChromium, watchForProblems } from './browser.js';

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
      const link = page.locator(`[data-api="${api.name}"] a`);
      await expect(link.textContent()).resolves.toBe(api.title);
      await expect(link.getAttribute('href')).resolves.toBe(pageFile(api.name));
    }
    await page.screenshot({ path: new URL('index.png', screenshots).pathname, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe.each(apis.map((api) => [api.name, api]))('%s reference page', (name, api) => {
  const operations = listOperations(loadBundled(name));

  it('renders every operation offline, with no errors', async () => {
    const { page, problems } = await open(pageFile(name));
    await expect(page.title()).resolves.toContain(api.title);
    for (const operation of operations) {
      // Redoc gives each operation a section whose id ends in `operation/<operationId>` (`webhook/...` for webhooks).
      const kind = operation.source === 'webhooks' ? 'webhook' : 'operation';
      const section = page.locator(`[data-section-id$="${kind}/${operation.operationId}"]`);
      await section.first().waitFor({ state: 'attached', timeout: 20_000 });
      const summary = String(operation.operation.summary);
      await expect(section.first().textContent()).resolves.toContain(summary);
    }
    await page.screenshot({ path: new URL(`${name}.png`, screenshots).pathname });
    expect(problems).toEqual([]);
    await page.close();
  });
});
