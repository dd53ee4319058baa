// How the unreleased changes are read from api:diff's report and shown: which operations a change
// touches (on the real m1das document), the banner and the Changes-page section, and nothing at all
// when nothing is pending or api:diff cannot answer.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listOperations, loadBundled } from '@trackspec/specs';
import { describe, expect, it } from 'vitest';
import {
  type PendingApi,
  type PendingChange,
  parsePendingReport,
  pendingFor,
  readPendingChanges,
} from '../src/pending-changes.js';
import { changedOperations, unreleasedBanner, unreleasedSection } from '../src/unreleased.js';

const document = loadBundled('m1das');
const idOf = (method: string, path: string) =>
  listOperations(document).find((operation) => operation.method === method && operation.path === path)!.operationId;
const change = (impact: PendingChange['impact'], operation: string | undefined, pointer: string): PendingChange => ({
  impact,
  rule: 'test-rule',
  message: `Something \`${pointer}\` changed`,
  pointer,
  side: 'request',
  ...(operation ? { operation } : {}),
});
const pending: PendingApi = {
  api: 'm1das',
  status: 'changed',
  bump: 'minor',
  baseVersion: '1.0.0',
  version: '1.0.0',
  changes: [
    change('patch', 'POST /v1/batch', '#/paths/~1v1~1batch/post/description'),
    change('minor', 'POST /v1/batch', '#/paths/~1v1~1batch/post/requestBody/content/application~1json/examples/x'),
    change('minor', '/v1/b', '#/paths/~1v1~1b'),
    change('major', 'DELETE /v1/gone', '#/paths/~1v1~1gone/delete'),
    change('patch', undefined, '#/info/description'),
  ],
};

describe('changedOperations', () => {
  const operations = changedOperations(pending, document);

  it('names each touched operation once, with its largest impact and its route, most affected first', () => {
    expect(operations.map(({ label, impact, changes }) => [label, impact, changes])).toEqual([
      ['DELETE /v1/gone', 'major', 1],
      ['POST /v1/b', 'minor', 1],
      ['POST /v1/batch', 'minor', 2],
    ]);
    const batch = operations.find((operation) => operation.label === 'POST /v1/batch')!;
    expect(batch.operationId).toBe(idOf('post', '/v1/batch'));
    expect(batch.route).toBe(`#/batch/${idOf('post', '/v1/batch').toLowerCase()}`);
  });

  it('finds every operation of a path changed as a whole, and keeps one no longer in the document unlinked', () => {
    expect(operations.find((operation) => operation.label === 'POST /v1/b')?.operationId).toBe(idOf('post', '/v1/b'));
    expect(operations.find((operation) => operation.label === 'DELETE /v1/gone')).toEqual({
      label: 'DELETE /v1/gone',
      impact: 'major',
      changes: 1,
    });
  });
});

describe('the banner and the Changes section', () => {
  it('links each operation in the banner, with its impact; is empty with nothing changed', () => {
    const banner = unreleasedBanner('m1das', 'v1.0.0', changedOperations(pending, document));
    expect(banner).toContain('Unreleased changes since v1.0.0');
    expect(banner).toContain(
      `<a href="#/batch/${idOf('post', '/v1/batch').toLowerCase()}"><code>POST /v1/batch</code></a>`,
    );
    expect(banner).toContain('<code>DELETE /v1/gone</code> (removed)');
    expect(banner).toContain('href="m1das-changes.html#unreleased"');
    expect(unreleasedBanner('m1das', 'v1.0.0', [])).toBe('');
  });

  it('lists every change with impact, message, operation, side and pointer; is empty with nothing pending', () => {
    const section = unreleasedSection('m1das', 'v1.0.0', pending, document);
    expect(section).toContain('<h2>Unreleased (since v1.0.0) <span class="impact minor">minor</span></h2>');
    expect(section.match(/<li class="change"/g)).toHaveLength(pending.changes.length);
    expect(section).toContain('<code>#/paths/~1v1~1batch/post/description</code>');
    expect(section).toContain(
      `<a href="m1das.html#/batch/${idOf('post', '/v1/batch').toLowerCase()}">POST /v1/batch</a>`,
    );
    // The most severe first.
    expect(section.indexOf('data-impact="major"')).toBeLessThan(section.indexOf('data-impact="patch"'));
    expect(unreleasedSection('m1das', 'v1.0.0', undefined, document)).toBe('');
  });
});

describe("api:diff's report", () => {
  const base = { ref: 'v1.0.0', commit: 'a'.repeat(40), version: '1.0.0', via: 'trailer' };
  const unchanged: PendingApi = { ...pending, api: 'tto', status: 'unchanged', bump: 'none', changes: [] };

  it('gives an API its pending changes, none when unchanged or before the first release', () => {
    const report = { base, apis: [pending, unchanged] };
    expect(pendingFor(report, 'm1das')).toBe(pending);
    expect(pendingFor(report, 'tto')).toBeUndefined();
    expect(pendingFor({ base: null, apis: [pending] }, 'm1das')).toBeUndefined();
  });

  it('refuses output that is not the report, rather than showing nothing', () => {
    expect(() => parsePendingReport('> npm banner\n{}')).toThrow(/gave no JSON/);
    expect(() => parsePendingReport(JSON.stringify({ base, changes: [] }))).toThrow(/not the report expected/);
    expect(parsePendingReport(JSON.stringify({ base, apis: [pending] })).apis).toEqual([pending]);
  });

  it('fails loudly when api:diff fails', async () => {
    const notARepo = await mkdtemp(join(tmpdir(), 'trackspec-not-a-repo-'));
    try {
      await expect(readPendingChanges(notARepo)).rejects.toThrow(/npm run api:diff failed/);
    } finally {
      await rm(notARepo, { recursive: true, force: true });
    }
  });
});
