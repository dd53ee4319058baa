// The code samples of the rendered docs, run for real against the target (the Prism mocks and the
// server): each TypeScript sample compiles against the built @trackspec/client (strict tsc) and
// runs with Node, each curl sample runs with the real curl; a sample that fails to compile, exits
// non-zero (a non-2xx answer: `throwOnError`, `--fail-with-body`) or prints nothing fails the suite.
// The samples are the docs' own (apps/docs/src/code-samples.ts), with the target's base URL.
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { operationSamples } from '@trackspec/docs/code-samples';
import { apis, loadDereferenced } from '@trackspec/specs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import './setup/provide.js';

const execFileAsync = promisify(execFile);
const target = inject('target');
const folder = fileURLToPath(new URL(`../test-results/samples/${target.name}/`, import.meta.url));

const samples = apis.flatMap((api) =>
  operationSamples(api.name, loadDereferenced(api.name), target.urls[api.name]!).map((sample) => ({
    api: api.name,
    file: `${api.name}-${sample.operation.operationId}`,
    ...sample,
    // Each credential variable holds the target's credential for its scheme.
    env: Object.fromEntries(
      sample.variables.map(({ name, scheme }) => [name, target.credentials[api.name]?.[scheme] ?? '']),
    ),
  })),
);

beforeAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'package.json'), '{ "type": "module", "private": true }\n');
  await writeFile(
    join(folder, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        types: ['node'],
        // The samples are what is checked here; the client's declaration files are checked by its own
        // build. Checking them again made this compile 3x slower (over 120 s beside a whole CI run).
        skipLibCheck: true,
        outDir: 'dist',
      },
      include: ['*.ts'],
    }),
  );
  for (const sample of samples) await writeFile(join(folder, `${sample.file}.ts`), sample.typescript);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await execFileAsync(process.execPath, [tsc, '-p', folder]).catch((error: { stdout: string }) => {
    throw new Error(`the TypeScript samples do not compile:\n${error.stdout}`);
  });
});

describe(`code samples against ${target.name}`, () => {
  it('covers every operation', () => {
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) expect(sample.curl).toMatch(/^curl /);
  });

  it.each(samples.map((sample) => [sample.file, sample]))('TypeScript %s runs', async (_, sample) => {
    const { stdout } = await execFileAsync(process.execPath, [join(folder, 'dist', `${sample.file}.js`)], {
      env: { ...process.env, ...sample.env },
    });
    expect(stdout.trim()).not.toBe('');
  });

  it.each(samples.map((sample) => [sample.file, sample]))('curl %s runs', async (_, sample) => {
    const { stdout } = await execFileAsync('bash', ['-c', sample.curl], { env: { ...process.env, ...sample.env } });
    expect(stdout.trim()).not.toBe('');
  });
});
