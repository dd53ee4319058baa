/**
 * Renders one self-contained Redoc page per registered API (`redocly build-docs --inlineBundle`:
 * scripts inlined, no CDN; Redoc's options, in-page telemetry off, from `redoc.yaml`), with generated code samples on every
 * operation and a link to the API's Changes page; the Changes pages, from the release history; and
 * an index page listing the APIs with their versions, into `dist/`.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApiEntry, apis, loadBundled, loadDereferenced, loadReleaseHistory } from '@trackspec/specs';
import { redocly } from '@trackspec/specs/redocly';
import { withCodeSamples } from '../src/code-samples.js';
import { inlineRemoteAssets } from '../src/offline.js';
import { changesFile, distDir, pageFile } from '../src/pages.js';
import { renderChanges } from '../src/render-changes.js';
import { renderIndex } from '../src/render-index.js';

const redocOptions = fileURLToPath(new URL('../redoc.yaml', import.meta.url));

async function renderApi(api: ApiEntry, work: string): Promise<void> {
  const document = withCodeSamples(api.name, loadBundled(api.name), loadDereferenced(api.name));
  document.info.description = `**Version ${api.version}** · [Changes](${changesFile(api.name)})\n\n${document.info.description ?? ''}`;
  const source = join(work, `${api.name}.json`);
  await writeFile(source, JSON.stringify(document));
  const output = `${distDir}/${pageFile(api.name)}`;
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

await rm(distDir, { recursive: true, force: true });
await mkdir(distDir, { recursive: true });
const work = await mkdtemp(join(tmpdir(), 'trackspec-docs-'));
try {
  await Promise.all(apis.map((api) => renderApi(api, work)));
} finally {
  await rm(work, { recursive: true, force: true });
}
const history = loadReleaseHistory();
await Promise.all(apis.map((api) => writeFile(`${distDir}/${changesFile(api.name)}`, renderChanges(api, history))));
await writeFile(`${distDir}/index.html`, renderIndex(apis));
console.log(`rendered docs for ${apis.map((api) => api.name).join(', ')} into ${distDir}`);
