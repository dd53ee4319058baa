/**
 * Renders one self-contained Redoc page per registered API (`redocly build-docs --inlineBundle`:
 * scripts inlined, no CDN; Redoc's in-page telemetry off) and an index page listing them, into `dist/`.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { apis, bundlePath } from '@trackspec/specs';
import { redocly } from '@trackspec/specs/redocly';
import { inlineRemoteAssets } from '../src/offline.js';
import { distDir, pageFile } from '../src/pages.js';
import { renderIndex } from '../src/render-index.js';

async function renderApi(name: string, title: string): Promise<void> {
  const output = `${distDir}/${pageFile(name)}`;
  await redocly([
    'build-docs',
    bundlePath(name),
    '--inlineBundle',
    '--title',
    `${title} — trackspec`,
    '--openapi.disableTelemetry=true',
    '--output',
    output,
  ]);
  await writeFile(output, inlineRemoteAssets(await readFile(output, 'utf8')));
}

await rm(distDir, { recursive: true, force: true });
await mkdir(distDir, { recursive: true });
await Promise.all(apis.map((api) => renderApi(api.name, api.title)));
await writeFile(`${distDir}/index.html`, renderIndex(apis));
console.log(`rendered docs for ${apis.map((api) => api.name).join(', ')} into ${distDir}`);
