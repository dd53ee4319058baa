// The bundle budget of issue #21: a browser app that creates one client, bundled and minified with
// esbuild, gzipped. Without `validate` (plain `esbuild --bundle --minify`, no code splitting) it stays
// within 7 kB and holds none of the validators; with it (the app passes `@trackspec/client/validators`,
// bundled with code splitting as bundlers split `import()`), each API's validators are chunks of their
// own, loaded on first use: their size per API is printed. Built from dist (the `build` task).
import { gzipSync } from 'node:zlib';
import { apiNames } from '@trackspec/specs';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const dist = new URL('../dist/esm/', import.meta.url).pathname;
const budgetBytes = 7 * 1024;
// Ajv's own error message: in every generated validator, in nothing else of the client.
const validatorMarker = 'must have required property';

interface Bundle {
  /** Gzipped bytes by output file. */
  sizes: Map<string, number>;
  texts: Map<string, string>;
  metafile: Metafile;
  entry: string;
}

async function bundle(code: string, { splitting = true } = {}): Promise<Bundle> {
  const result = await build({
    stdin: { contents: code, resolveDir: dist, sourcefile: 'app.js' },
    bundle: true,
    minify: true,
    splitting,
    format: 'esm',
    platform: 'browser',
    // Metafile paths are relative to the working directory: from the root, they are the output paths without their leading slash.
    absWorkingDir: '/',
    outdir: '/bundle',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const sizes = new Map(result.outputFiles.map((file) => [file.path, gzipSync(file.contents).length]));
  const texts = new Map(result.outputFiles.map((file) => [file.path, file.text]));
  const entry = Object.keys(result.metafile.outputs).find((path) =>
    result.metafile.outputs[path]!.entryPoint?.endsWith('/app.js'),
  )!;
  return { sizes, texts, metafile: result.metafile, entry };
}

/** The output files a chunk needs before it runs: itself and what it imports statically. */
function staticClosure({ metafile }: Bundle, chunk: string, into = new Set<string>()): Set<string> {
  if (into.has(chunk)) return into;
  into.add(chunk);
  for (const imported of metafile.outputs[chunk]?.imports ?? [])
    if (imported.kind === 'import-statement') staticClosure({ metafile } as Bundle, imported.path, into);
  return into;
}

const gzipOf = (bundled: Bundle, files: Set<string>) =>
  [...files].reduce((sum, file) => sum + bundled.sizes.get(`/${file}`)!, 0);

/** The chunk whose entry point is one of the client's own modules (a dynamic import of it). */
const chunkOf = (bundled: Bundle, sourceEnd: string) =>
  Object.keys(bundled.metafile.outputs).find((path) => bundled.metafile.outputs[path]!.entryPoint?.endsWith(sourceEnd));

const kB = (bytes: number) => Number((bytes / 1024).toFixed(2));

describe('bundle budget', () => {
  it('the m1das client without validate: within 7 kB gzipped, and no validator in it', async () => {
    const off = await bundle(
      `import { createApiClient } from './index.js';\nexport const client = createApiClient('m1das', { baseUrl: 'https://cdp.example.com', credentials: { writeKeyHeader: 'k' } });`,
      { splitting: false },
    );
    expect(off.sizes.size, 'one file: nothing split off').toBe(1);
    const [bytes] = [...off.sizes.values()] as [number];
    console.log(`m1das client, validate off, esbuild --bundle --minify: ${kB(bytes)} kB gzipped (budget 7 kB)`);
    expect(bytes).toBeLessThanOrEqual(budgetBytes);
    // The client names its validators only at run time, so no bundler pulls them in.
    expect([...off.texts.values()].join('')).not.toContain(validatorMarker);
  });

  it('with validate on: each API loads its own validators, sizes per API', async () => {
    const rows: Record<string, { 'client with the checks (kB)': number; '+ validators on first call (kB)': number }> =
      {};
    for (const api of apiNames) {
      const on = await bundle(
        `import { createApiClient } from './index.js';\nimport * as validators from './validators.js';\nexport const client = createApiClient(${JSON.stringify(api)}, { baseUrl: 'https://api.example.com', validate: 'both', validators });`,
      );
      const loaded = staticClosure(on, on.entry);
      const ownValidators = chunkOf(on, `generated/validators/${api}.js`);
      expect(ownValidators).toBeDefined();
      const onDemand = new Set<string>();
      staticClosure(on, ownValidators!, onDemand);
      for (const file of loaded) onDemand.delete(file);
      expect(on.texts.get(`/${ownValidators}`)).toContain(validatorMarker);
      rows[api] = {
        'client with the checks (kB)': kB(gzipOf(on, loaded)),
        '+ validators on first call (kB)': kB(gzipOf(on, onDemand)),
      };
    }
    console.table(rows);
    expect(Object.keys(rows)).toEqual([...apiNames]);
  });
});
