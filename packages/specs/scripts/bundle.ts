/**
 * Bundles every registered API into `bundled/<api>/`: `openapi.json` (internal refs kept),
 * `openapi.yaml` (same, YAML) and `openapi.dereferenced.json` (no refs), and writes
 * `bundled/registry.json`, the list of APIs that runtime code imports.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { readRegisteredApis, redocly } from '../src/redocly.js';
import type { ApiEntry, Registry } from '../src/registry.js';

const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '../bundled');

async function bundleApi(name: string): Promise<ApiEntry> {
  const files: ApiEntry['files'] = {
    bundled: `${name}/openapi.json`,
    bundledYaml: `${name}/openapi.yaml`,
    dereferenced: `${name}/openapi.dereferenced.json`,
  };
  const target = (file: string) => resolve(outDir, file);
  await mkdir(resolve(outDir, name), { recursive: true });
  await Promise.all([
    redocly(['bundle', name, '--output', target(files.bundled)]),
    redocly(['bundle', name, '--dereferenced', '--output', target(files.dereferenced)]),
  ]);
  const document = JSON.parse(await readFile(target(files.bundled), 'utf8'));
  await writeFile(target(files.bundledYaml), stringify(document, { lineWidth: 0 }));
  const { title, version, summary, description } = document.info;
  return { name, title, version, summary, description, files };
}

await rm(outDir, { recursive: true, force: true });
const registry: Registry = { apis: await Promise.all(readRegisteredApis().map((api) => bundleApi(api.name))) };
await writeFile(resolve(outDir, 'registry.json'), `${JSON.stringify(registry, null, 2)}\n`);
console.log(`bundled ${registry.apis.length} APIs into ${outDir}: ${registry.apis.map((api) => api.name).join(', ')}`);
