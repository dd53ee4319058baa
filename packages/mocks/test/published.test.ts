// @trackspec/mocks as a consumer gets it: the packed tarballs (mocks and specs) installed in a fresh
// project outside the workspace, with Segment's Node SDK and vitest from the registry; the consumer's
// own vitest run (test/consumer/) asserts what its app sent, through the helper and the matcher.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const consumerDir = fileURLToPath(new URL('consumer/', import.meta.url));
let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'trackspec-mocks-consumer-'));
  const tarballs: string[] = [];
  for (const dir of [join(packageDir, '../specs'), packageDir]) {
    const { stdout } = await execFileAsync('npm', ['pack', dir, '--json', '--pack-destination', project]);
    tarballs.push(join(project, (JSON.parse(stdout) as [{ filename: string }])[0].filename));
  }
  for (const file of await readdir(consumerDir)) await copyFile(join(consumerDir, file), join(project, file));
  await writeFile(join(project, 'package.json'), '{ "name": "checkout", "private": true, "type": "module" }\n');
  // Third-party dependencies come from the registry (or npm's cache); npm's own log explains a slow or failed install.
  await execFileAsync(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=http',
      ...tarballs,
      '@segment/analytics-node@^3.1.0',
      'vitest@^5.1.2',
    ],
    { cwd: project, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: Error & { stderr?: string }) => {
    throw new Error(`npm install of the tarballs failed: ${error.message}\n${error.stderr?.slice(-4000) ?? ''}`);
  });
}, 300_000);

afterAll(() => (project ? rm(project, { recursive: true, force: true }) : undefined));

it("runs the consumer's own test of what its app sent: three SDK events found, the invalid one named", async () => {
  const result = await execFileAsync(join(project, 'node_modules/.bin/vitest'), ['run', '--reporter=verbose'], {
    cwd: project,
    timeout: 240_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      output: `${error.stdout}${error.stderr}`,
    }),
  );
  expect(result.output).toMatch(/✓ checkout\.test\.mjs > sends purchase_completed with its order_id/);
  expect(result.code, result.output).toBe(0);
}, 300_000);
