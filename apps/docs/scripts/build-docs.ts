/**
 * Renders one self-contained Redoc page per registered API (`redocly build-docs --inlineBundle`:
 * scripts inlined, no CDN) and an index page listing them, into `dist/`.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { apis, bundlePath } from '@trackspec/specs';
import { redocly } from '@trackspec/specs/redocly';
import { distDir, pageFile } from '../src/pages.js';
import { renderIndex } from '../src/render-index.js';

await rm(distDir, { recursive: true, force: true });
await mkdir(distDir, { recursive: true });
await Promise.all(
  apis.map((api) =>
    redocly(['build-docs', bundlePath(api.name), '--inlineBundle', '--title', `${api.title} — trackspec`, '--output', `${distDir}/${pageFile(api.name)}`]),
  ),
);
await writeFile(`${distDir}/index.html`, renderIndex(apis));
console.log(`rendered docs for ${apis.map((api) => api.name).join(', ')} into ${distDir}`);
