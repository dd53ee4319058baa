// Adding an API takes what specs/README.md's "How to add an API" says, and nothing else: a copy of the
// registry (redocly.yaml, its lint-ignore file, specs/) gets the fixture folder as specs/sixth/ and
// ONE line in redocly.yaml; then, for real and with no code of its own, the sixth API lints,
// bundles, gets types and run-time facts, compiles a typed client usage, is mocked by Prism and
// passes the contract suite (the unchanged prism-mocks project, on the copied registry). A copy
// whose example breaks its schema must fail.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRegistry } from '@trackspec/specs';
import { redocly, repoRoot } from '@trackspec/specs/redocly';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);
const fixture = fileURLToPath(new URL('./fixtures/sixth-api/', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const api = 'sixth';
/** The one line a newcomer adds under `apis:` in redocly.yaml. */
const registryLine = `  ${api}: { root: specs/${api}/openapi.yaml }`;

/** execFile with the command's own output in the error, so a failing step explains itself. */
async function run(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  try {
    return await execFileAsync(file, args, { ...options, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout}\n${stderr}`);
  }
}

/** A copy of the repository's registry with the fixture added as specs/sixth/ and registered in one line. */
async function registryWithFixture(dir: string, change?: (apiDir: string) => Promise<void>): Promise<string> {
  await mkdir(dir, { recursive: true });
  await cp(join(repoRoot, 'specs'), join(dir, 'specs'), { recursive: true });
  await cp(join(repoRoot, '.redocly.lint-ignore.yaml'), join(dir, '.redocly.lint-ignore.yaml'));
  await cp(fixture, join(dir, 'specs', api), { recursive: true });
  const config = await readFile(join(repoRoot, 'redocly.yaml'), 'utf8');
  expect(config).toMatch(/^apis:$/m);
  await writeFile(join(dir, 'redocly.yaml'), config.replace(/^apis:$/m, `apis:\n${registryLine}`));
  await change?.(join(dir, 'specs', api));
  return join(dir, 'redocly.yaml');
}

/** Runs one of the repository's TypeScript scripts as the build does (tsx), from its package. */
const script = (path: string, args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(repoRoot, path), ...args], {
    cwd: join(repoRoot, path.split('/scripts/')[0]!),
  });

let work: string;
let config: string;
const bundled = () => join(work, 'bundled');
const generated = () => join(work, 'usage', 'generated');

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trackspec-add-api-'));
  config = await registryWithFixture(join(work, 'registry'));
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a sixth API added with one folder and one registry line', () => {
  it('lints with every other API of the registry (redocly lint, recommended-strict)', async () => {
    const output = await redocly(['lint', '--config', config]);
    expect(output).toContain(`validating ../`);
    expect(output).toMatch(new RegExp(`specs/${api}/openapi\\.yaml: validated`));
    expect(output).toContain('Your API descriptions are valid');
  });

  it('bundles (packages/specs scripts/bundle.ts) into a registry that lists it', async () => {
    await script('packages/specs/scripts/bundle.ts', ['--config', config, '--out', bundled(), api]);
    const registry = createRegistry(bundled());
    expect(registry.apiNames).toEqual([api]);
    expect(registry.loadDereferenced(api).info.title).toBe('Sixth Notes API');
  });

  it('gets types and run-time facts (packages/types scripts/generate.mts, openapi-typescript)', async () => {
    await script('packages/types/scripts/generate.mts', ['--bundled', bundled(), '--out', generated()]);
    const facts = await readFile(join(generated(), 'facts.ts'), 'utf8');
    expect(facts).toContain('"name": "X-Api-Key"');
    expect(await readFile(join(generated(), `${api}.ts`), 'utf8')).toMatch(/^ {4}createNote: \{$/m);
  });

  it('has a typed client without a file of its own: a usage compiles, and misuses do not (tsc --noEmit)', async () => {
    const usage = join(work, 'usage');
    // The consumer resolves @trackspec/client and @trackspec/specs as installed packages (links to the workspace's builds).
    await mkdir(join(usage, 'node_modules', '@trackspec'), { recursive: true });
    await symlink(join(repoRoot, 'packages/client'), join(usage, 'node_modules', '@trackspec', 'client'), 'dir');
    // The generated facts name their type from @trackspec/specs, a dependency of @trackspec/types.
    await symlink(join(repoRoot, 'packages/specs'), join(usage, 'node_modules', '@trackspec', 'specs'), 'dir');
    await writeFile(join(usage, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    await writeFile(
      join(usage, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'DOM'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        include: ['*.ts', 'generated'],
      }),
    );
    await writeFile(
      join(usage, 'usage.ts'),
      `import { createApiClient } from '@trackspec/client';
import { apiFacts } from './generated/facts.js';
import type { ApiPaths } from './generated/index.js';

const facts = apiFacts.${api};
const baseUrl = 'http://127.0.0.1:4010';
const notes = createApiClient<ApiPaths['${api}'], typeof facts>(facts, { baseUrl, credentials: { apiKeyHeader: 'sk_test_123' } });
const created = await notes.POST('/v1/notes', { body: { title: 'Buy milk', priority: 'high', tags: ['home'] } });
if (created.data) {
  const id: string = created.data.id;
  const { data } = await notes.GET('/v1/notes/{noteId}', { params: { path: { noteId: id } } });
  const title: string | undefined = data?.title;
  void title;
} else {
  const status: number = created.error.status;
  void status;
}
// @ts-expect-error the spec requires a title
void notes.POST('/v1/notes', { body: { priority: 'high' } });
// @ts-expect-error priority is one of the spec's enum values
void notes.POST('/v1/notes', { body: { title: 't', priority: 'urgent' } });
// @ts-expect-error the spec has no GET /v1/notes
void notes.GET('/v1/notes');
// @ts-expect-error not a security scheme of the spec
createApiClient<ApiPaths['${api}'], typeof facts>(facts, { baseUrl, credentials: { bearerToken: 'x' } });
`,
    );
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', usage], { cwd: usage });
  });

  it('passes the contract suite against its Prism mock (the prism-mocks project, on this registry)', async () => {
    const report = join(work, 'contract-report.json');
    // The child vitest must not think it runs inside this one.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^VITEST|^CONTRACT_TARGET$/.test(name)),
    );
    await run(
      process.execPath,
      [
        join(require.resolve('vitest/package.json'), '../vitest.mjs'),
        'run',
        // The suite only: the docs' code samples compile against the built client, which knows the
        // registered APIs; a new API's typed usage is compiled against freshly generated types above.
        'test/contract.test.ts',
        '--project',
        'prism-mocks',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${report}`,
      ],
      { cwd: packageDir, env: { ...env, NO_COLOR: '1', TRACKSPEC_BUNDLED_DIR: bundled() } },
    );
    const results = JSON.parse(await readFile(report, 'utf8')) as {
      numFailedTests: number;
      numPassedTests: number;
      testResults: { assertionResults: { fullName: string; status: string }[] }[];
    };
    const tests = results.testResults.flatMap((file) => file.assertionResults);
    expect(results.numFailedTests).toBe(0);
    const names = tests.map((test) => test.fullName);
    // Every test is the new API's, but the coverage gate, which comes last.
    expect(names.at(-1)).toMatch(/^exercised every operation with a documented 2xx/);
    expect(names.slice(0, -1).every((name) => name.startsWith(`${api} `))).toBe(true);
    // The derived cases: both named examples through the typed client, schema-breaking mutations, missing and wrong credentials.
    for (const expected of [
      'POST /v1/notes: example plain (application/json) → 2xx',
      'POST /v1/notes: example tagged (application/json) → 2xx',
      'GET /v1/notes/{noteId}: example parameters, no body → 2xx',
      'POST /v1/notes: missing /title (application/json) → 4xx',
      'GET /v1/notes/{noteId}: no credentials → 4xx',
      'POST /v1/notes: an undeclared media type → 4xx',
    ])
      expect(names).toContain(`${api} ${expected}`);
    expect(tests.every((test) => test.status === 'passed')).toBe(true);
  }, 180_000);
});

describe('a sixth API whose example breaks its schema', () => {
  it('fails the lint step, naming the example', async () => {
    const broken = await registryWithFixture(join(work, 'broken'), async (apiDir) => {
      const example = join(apiDir, 'components/examples/PlainNote.yaml');
      await writeFile(example, (await readFile(example, 'utf8')).replace('title: Buy milk', 'title: 42'));
    });
    const failure = await redocly(['lint', api, '--config', broken]).then(
      () => undefined,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout}${error.stderr}`,
    );
    expect(failure, 'the lint of a broken example must fail').toBeDefined();
    expect(failure).toContain('no-invalid-media-type-examples');
    expect(failure).toContain('PlainNote.yaml');
  });
});
