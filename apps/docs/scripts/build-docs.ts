/**
 * Renders one self-contained Redoc page per registered API (`redocly build-docs --inlineBundle`:
 * scripts inlined, no CDN; Redoc's options, in-page telemetry off, from `redoc.yaml`), with generated code samples on every
 * operation, a link to the API's Changes page and a banner naming the operations changed since the last
 * release; the Changes pages, from the release history, opened by the unreleased changes; and an index
 * page listing the APIs with their versions, into `dist/`.
 *
 * `--root <repo>` takes the unreleased changes of another checkout (its registry bundled into the folder
 * `TRACKSPEC_BUNDLED_DIR` names); `--out <dir>` writes there instead of `dist/`.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ApiEntry, apis, loadBundled, loadDereferenced, loadReleaseHistory } from '@trackspec/specs';
import { redocly, repoRoot } from '@trackspec/specs/redocly';
import { withCodeSamples } from '../src/code-samples.js';
import { inlineRemoteAssets } from '../src/offline.js';
import { changesFile, distDir, pageFile } from '../src/pages.js';
import { type PendingReport, pendingFor, readPendingChanges } from '../src/pending-changes.js';
import { renderChanges } from '../src/render-changes.js';
import { renderIndex } from '../src/render-index.js';
import { changedOperations, unreleasedBanner, unreleasedSection } from '../src/unreleased.js';

const { values } = parseArgs({ options: { root: { type: 'string' }, out: { type: 'string' } } });
const outDir = resolve(values.out ?? distDir);
const redocOptions = fileURLToPath(new URL('../redoc.yaml', import.meta.url));

async function renderApi(api: ApiEntry, pending: PendingReport, work: string): Promise<void> {
  const document = withCodeSamples(api.name, loadBundled(api.name), loadDereferenced(api.name));
  const changes = pendingFor(pending, api.name);
  const banner = changes ? unreleasedBanner(api.name, pending.base!.ref, changedOperations(changes, document)) : '';
  document.info.description = `**Version ${api.version}** · [Changes](${changesFile(api.name)})\n\n${banner}${document.info.description ?? ''}`;
  const source = join(work, `${api.name}.json`);
  await writeFile(source, JSON.stringify(document));
  const output = `${outDir}/${pageFile(api.name)}`;
  await redocly([
    'build-docs',
    source,
    '--inlineBundle',
    '--config',
    redocOptions,
    '--lint-config',
    'off',
    '--title',
    `${api.title} — trackspec`,
    '--output',
    output,
  ]);
  await writeFile(output, inlineRemoteAssets(await readFile(output, 'utf8')));
}

const pending = await readPendingChanges(resolve(values.root ?? repoRoot));
await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
const work = await mkdtemp(join(tmpdir(), 'trackspec-docs-'));
try {
  await Promise.all(apis.map((api) => renderApi(api, pending, work)));
} finally {
  await rm(work, { recursive: true, force: true });
}
const history = loadReleaseHistory();
await Promise.all(
  apis.map((api) => {
    const section = unreleasedSection(
      api.name,
      pending.base?.ref ?? '',
      pendingFor(pending, api.name),
      loadBundled(api.name),
    );
    return writeFile(`${outDir}/${changesFile(api.name)}`, renderChanges(api, history, section));
  }),
);
await writeFile(`${outDir}/index.html`, renderIndex(apis));
const unreleased = apis.filter((api) => pendingFor(pending, api.name)).map((api) => api.name);
console.log(
  `rendered docs for ${apis.map((api) => api.name).join(', ')} into ${outDir}; unreleased changes since ${pending.base?.ref ?? 'no release'}: ${unreleased.join(', ') || 'none'}`,
);
