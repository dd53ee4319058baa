// The client as people install it: the packed tarballs pass publint and "are the types wrong",
// the browser entry bundles with no Node built-ins, and a fresh project outside the workspace
// installs the tarballs, compiles a typed example (ESM and CommonJS) and runs it against real
// Prism mocks.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Mocks, startMocks } from '@trackspec/mocks';
import { build } from 'esbuild';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
/** execFile that puts the command's own output into the error, so a failing compile explains itself. */
const run = (file: string, args: string[], options: { cwd?: string; maxBuffer?: number } = {}) =>
  execFileAsync(file, args, options).catch((error: Error & { stdout?: string; stderr?: string }) => {
    throw Object.assign(new Error(`${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`), {
      stdout: error.stdout,
      stderr: error.stderr,
    });
  });
const require = createRequire(import.meta.url);
const packages = new URL('../../', import.meta.url).pathname;
const clientDir = join(packages, 'client');
const typesDir = join(packages, 'types');
const specsDir = join(packages, 'specs');

let work: string;
let tarballs: { client: string; types: string; specs: string };
let mocks: Mocks;

async function pack(dir: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: dir });
  return join(work, (JSON.parse(stdout) as [{ filename: string }])[0].filename);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trackspec-client-package-'));
  tarballs = { client: await pack(clientDir), types: await pack(typesDir), specs: await pack(specsDir) };
  mocks = await startMocks({ apis: ['m1das', 'hellotext'], ports: 'ephemeral' });
});

afterAll(async () => {
  await mocks?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the published package', () => {
  it('passes publint with no errors or warnings', async () => {
    const { messages } = await publint({ pkgDir: clientDir, strict: true, pack: 'npm' });
    expect(messages.filter((message) => message.type !== 'suggestion')).toEqual([]);
  });

  it.each([['client'], ['types']] as const)('%s: are the types wrong? no', async (name) => {
    const attw = join(require.resolve('@arethetypeswrong/cli/package.json'), '../dist/index.js');
    // attw exits non-zero when it finds problems; its JSON report is on stdout either way.
    const { stdout } = await run(process.execPath, [attw, tarballs[name], '--format', 'json'], {
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout: string }) => error);
    const { problems } = JSON.parse(stdout) as { problems: unknown[] | Record<string, unknown[]> };
    expect(Array.isArray(problems) ? problems : Object.values(problems).flat()).toEqual([]);
  });

  it('bundles for browsers without Node built-ins', async () => {
    const result = await build({
      entryPoints: [join(clientDir, 'dist/esm/index.js')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/\bfrom ["']node:|require\(["']node:/);
  });
});

describe('a fresh project that installs the tarballs', () => {
  it('compiles a typed example (and the README examples) as ESM and CommonJS and runs it against Prism mocks', async () => {
    const project = join(work, 'consumer');
    await mkdir(join(project, 'src'), { recursive: true });
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { '@trackspec/client': `file:${tarballs.client}`, '@trackspec/types': `file:${tarballs.types}` },
        // The client depends on @trackspec/types, and it on @trackspec/specs (the credential model), at the
        // same version: take them from the tarballs, not the registry.
        overrides: { '@trackspec/types': `file:${tarballs.types}`, '@trackspec/specs': `file:${tarballs.specs}` },
      }),
    );
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          outDir: 'dist',
          skipLibCheck: false,
          types: [],
        },
        include: ['src'],
      }),
    );
    await writeFile(
      join(project, 'src/example.ts'),
      `import { createApiClient, createHellotextClient, createAnalytics, ApiError } from '@trackspec/client';
import { RequestContractError } from '@trackspec/client/validators';
declare const process: { argv: string[] }; // the consumer has no @types/node
const [hellotextUrl, m1dasUrl] = process.argv.slice(2) as [string, string];
const hellotext = createHellotextClient({ baseUrl: hellotextUrl, token: 'ALK_example' });
const { data, error } = await hellotext.POST('/v1/attribution/events', { body: { action: 'product.purchased', product: 'vxqQJ3Yg', profile: 'PROFILE_ID' } });
if (error) throw error;
const state: 'ok' = data.state;
const unauthorized = await createHellotextClient({ baseUrl: hellotextUrl, token: '', retry: false }).POST('/v1/attribution/events', { body: { action: 'x', profile: 'p' } });
const analytics = createAnalytics({ baseUrl: m1dasUrl, writeKey: 'keyId:keySecret', flushAt: 2 });
analytics.track({ event: 'order_completed', userId: 'user_123', properties: { order_id: 'ORD-456', total: 99.99 } });
analytics.identify({ userId: 'user_123', traits: { email: 'user@example.com' } });
const flushed = await analytics.closeAndFlush();
// validate: the packed validators, loaded on demand; a valid call passes both checks (Prism answers from the spec).
const checked = createApiClient('hellotext', { baseUrl: hellotextUrl, credentials: { bearerToken: 'ALK_example' }, validate: 'both' });
const passed = await checked.POST('/v1/attribution/events', { body: { action: 'product.purchased', profile: 'PROFILE_ID' } });
const refused = await checked.POST('/v1/attribution/events', { body: { profile: 'PROFILE_ID' } as never }).catch((error: unknown) => error);
const validated = { passed: passed.response.ok, refused: refused instanceof RequestContractError ? \`\${refused.in} \${refused.pointer} \${refused.keyword}\` : String(refused) };
console.log(JSON.stringify({ state, unauthorized: unauthorized.error instanceof ApiError ? unauthorized.error.status : 'none', flushed, validated }));
`,
    );
    await writeFile(
      join(project, 'src/require.cts'),
      `import client = require('@trackspec/client');
import validators = require('@trackspec/client/validators');
console.log(typeof client.createM1dasClient, typeof client.createDitoClient);
validators.loadContractChecks('dito').then((checks) => console.log(typeof checks.checkRequest));
`,
    );
    // Every TypeScript example of the README must compile against the published package too.
    const readme = await readFile(join(clientDir, 'README.md'), 'utf8');
    const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(snippets.length).toBeGreaterThanOrEqual(6);
    await Promise.all(
      snippets.map((code, index) => writeFile(join(project, `src/readme-${index}.ts`), `${code}\nexport {};\n`)),
    );

    // Third-party dependencies from npm's cache where it has them (as the release tests install): without
    // --prefer-offline every package is revalidated against the registry, which under load took minutes.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project });
    const installed = await readdir(join(project, 'node_modules/@trackspec'));
    expect(installed.sort()).toEqual(['client', 'specs', 'types']);

    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project]);
    const esm = await run(process.execPath, [
      join(project, 'dist/example.js'),
      mocks.urls.hellotext!,
      mocks.urls.m1das!,
    ]);
    expect(JSON.parse(esm.stdout)).toEqual({
      state: 'ok',
      unauthorized: 401,
      flushed: { sent: 2, failed: 0 },
      validated: { passed: true, refused: 'body /action required' },
    });
    const cjs = await run(process.execPath, [join(project, 'dist/require.cjs')]);
    expect(cjs.stdout.trim()).toBe('function function\nfunction');
    // A hang bound, like the other tests that install from tarballs (an install and a compile beside a whole npm test).
  }, 300_000);
});
