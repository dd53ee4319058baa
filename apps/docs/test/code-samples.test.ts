// The code samples of the rendered docs (src/code-samples.ts), run for real against the Prism mocks
// and against the server, each started here: each TypeScript sample compiles against the built
// @trackspec/client (strict tsc) and runs with Node, each curl sample runs with the real curl; a
// sample that fails to compile, exits non-zero (a non-2xx answer: `throwOnError`,
// `--fail-with-body`) or prints nothing fails.
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startMocks, startServerProcess } from '@trackspec/harness';
import { mockCredentials } from '@trackspec/mocks';
import { apis, loadDereferenced } from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationSamples, samplesTsconfig } from '../src/code-samples.js';

const execFileAsync = promisify(execFile);

interface SampleTarget {
  urls: Record<string, string>;
  /** Per API, by security scheme name. */
  credentials: Record<string, Record<string, string>>;
  stop(): Promise<void>;
}

const targets: Record<string, () => Promise<SampleTarget>> = {
  'prism-mocks': async () => {
    const mocks = await startMocks({ ports: 'ephemeral' });
    return { urls: mocks.urls, credentials: mockCredentials(), stop: mocks.stop };
  },
  server: async () => {
    const server = await startServerProcess();
    return { urls: server.urls, credentials: server.credentials, stop: () => server.stop() };
  },
};

/** The samples for a target's base URLs, each named `<api>-<operationId>`. */
function samplesFor(target: Pick<SampleTarget, 'urls' | 'credentials'>) {
  return apis.flatMap((api) =>
    operationSamples(api.name, loadDereferenced(api.name), target.urls[api.name]!).map((sample) => ({
      file: `${api.name}-${sample.operation.operationId}`,
      ...sample,
      // Each credential variable holds the target's credential for its scheme.
      env: Object.fromEntries(
        sample.variables.map(({ name, scheme }) => [name, target.credentials[api.name]?.[scheme] ?? '']),
      ),
    })),
  );
}

const files = samplesFor({
  urls: Object.fromEntries(apis.map(({ name }) => [name, 'http://127.0.0.1:9'])),
  credentials: {},
}).map(({ file }) => file);

describe.each(Object.keys(targets))('code samples against %s', (name) => {
  const folder = fileURLToPath(new URL(`../test-results/samples/${name}/`, import.meta.url));
  let target: SampleTarget | undefined;
  let samples: ReturnType<typeof samplesFor> = [];
  const sample = (file: string) => samples.find((candidate) => candidate.file === file)!;

  beforeAll(async () => {
    target = await targets[name]!();
    samples = samplesFor(target);
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'package.json'), '{ "type": "module", "private": true }\n');
    await writeFile(join(folder, 'tsconfig.json'), JSON.stringify(samplesTsconfig));
    for (const { file, typescript } of samples) await writeFile(join(folder, `${file}.ts`), typescript);
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await execFileAsync(process.execPath, [tsc, '-p', folder]).catch((error: { stdout: string }) => {
      throw new Error(`the TypeScript samples do not compile:\n${error.stdout}`);
    });
  });
  afterAll(() => target?.stop());

  it('covers every operation', () => {
    expect(samples.map(({ file }) => file)).toEqual(files);
    for (const { curl } of samples) expect(curl).toMatch(/^curl /);
  });

  it.each(files)('TypeScript %s runs', async (file) => {
    const { stdout } = await execFileAsync(process.execPath, [join(folder, 'dist', `${file}.js`)], {
      env: { ...process.env, ...sample(file).env },
    });
    expect(stdout.trim()).not.toBe('');
  });

  it.each(files)('curl %s runs', async (file) => {
    const { stdout } = await execFileAsync('bash', ['-c', sample(file).curl], {
      env: { ...process.env, ...sample(file).env },
    });
    expect(stdout.trim()).not.toBe('');
  });
});
