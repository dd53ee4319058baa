/**
 * Bundles every registered API into `bundled/<api>/`: `openapi.json` (internal refs kept),
 * `openapi.yaml` (same, YAML) and `openapi.dereferenced.json` (no refs), and writes
 * `bundled/registry.json`, the list of APIs that runtime code imports.
 *
 * `tsx scripts/bundle.ts [--config <redocly.yaml>] [--out <dir>] [api...]` bundles another
 * registry, or only some of its APIs, into another folder (read it with `createRegistry(dir)` or
 * `TRACKSPEC_BUNDLED_DIR`); the default is the root `redocly.yaml` into this package's `bundled/`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { readRegisteredApis, redocly, redoclyConfigPath } from '../src/redocly.js';
import type { ApiEntry, Registry } from '../src/registry.js';

const { values: options, positionals: only } = parseArgs({
  options: { config: { type: 'string' }, out: { type: 'string' } },
  allowPositionals: true,
});
const configPath = resolve(options.config ?? redoclyConfigPath);
const outDir = resolve(options.out ?? resolve(dirname(fileURLToPath(import.meta.url)), '../bundled'));

async function bundleApi(name: string): Promise<ApiEntry> {
  const files: ApiEntry['files'] = {
    bundled: `${name}/openapi.json`,
    bundledYaml: `${name}/openapi.yaml`,
    dereferenced: `${name}/openapi.dereferenced.json`,
  };
  const target = (file: string) => resolve(outDir, file);
  await mkdir(resolve(outDir, name), { recursive: true });
  const config = ['--config', configPath];
  await Promise.all([
    redocly(['bundle', name, ...config, '--output', target(files.bundled)]),
    redocly(['bundle', name, ...config, '--dereferenced', '--output', target(files.dereferenced)]),
  ]);
  const document = JSON.parse(await readFile(target(files.bundled), 'utf8'));
  await writeFile(target(files.bundledYaml), stringify(document, { lineWidth: 0 }));
  const { title, version, summary, description } = document.info;
  return { name, title, version, summary, description, files };
}

const registered = readRegisteredApis(configPath);
const unknown = only.filter((name) => !registered.some((api) => api.name === name));
if (unknown.length > 0) throw new Error(`Not registered in ${configPath}: ${unknown.join(', ')}`);
const selected = only.length > 0 ? registered.filter((api) => only.includes(api.name)) : registered;

// The folder is replaced (no stale API survives), so it must be a bundle folder or empty.
if (existsSync(outDir) && readdirSync(outDir).length > 0 && !existsSync(resolve(outDir, 'registry.json')))
  throw new Error(`${outDir} is not a bundle folder (no registry.json): refusing to replace it`);
await rm(outDir, { recursive: true, force: true });
const registry: Registry = { apis: await Promise.all(selected.map((api) => bundleApi(api.name))) };
await writeFile(resolve(outDir, 'registry.json'), `${JSON.stringify(registry, null, 2)}\n`);
console.log(`bundled ${registry.apis.length} APIs into ${outDir}: ${registry.apis.map((api) => api.name).join(', ')}`);
