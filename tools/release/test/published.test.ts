// The packages other teams install, as they install them: every publishable workspace packed, the
// tarballs installed into a fresh project outside the workspace (no workspace links; third-party
// dependencies from the registry), and there: `trackspec-mocks` serving, `trackspec-contract` green
// against those mocks and red (named in the JUnit report) against a mock that answers an undocumented
// shape, a bad target file refused with a clear message, and a client example run against the mocks.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@trackspec/specs/redocly';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspacePackages } from '../src/release.js';

const execFileAsync = promisify(execFile);
let project: string;
let mocks: ChildProcess | undefined;
let wrongMock: Server | undefined;
let mockUrls: Record<string, string> = {};

/** Runs an installed command in the project: its exit code and output (never throws on a non-zero exit). */
async function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(join(project, 'node_modules/.bin', command), args, {
      cwd: project,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: `${failed.stdout}${failed.stderr}` };
  }
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'trackspec-consumer-'));
  const publishable = workspacePackages(repoRoot).filter((pkg) => !pkg.private);
  const tarballs: string[] = [];
  for (const pkg of publishable) {
    const { stdout } = await execFileAsync('npm', ['pack', pkg.dir, '--json', '--pack-destination', project]);
    tarballs.push(join(project, (JSON.parse(stdout) as [{ filename: string }])[0].filename));
  }
  await writeFile(join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  // Third-party dependencies come from the registry (or npm's cache); npm's own log explains a slow or failed install.
  await execFileAsync(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=http', ...tarballs],
    {
      cwd: project,
      timeout: 240_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  ).catch((error: Error & { stderr?: string }) => {
    throw new Error(`npm install of the tarballs failed: ${error.message}\n${error.stderr?.slice(-4000) ?? ''}`);
  });
}, 300_000);

afterAll(async () => {
  mocks?.kill('SIGKILL');
  wrongMock?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the published packages, installed from their tarballs', () => {
  it('installs every publishable package, none linked to the workspace', async () => {
    const names = workspacePackages(repoRoot)
      .filter((pkg) => !pkg.private)
      .map((pkg) => pkg.name)
      .sort();
    expect(names).toEqual([
      '@trackspec/client',
      '@trackspec/contract-tests',
      '@trackspec/mocks',
      '@trackspec/specs',
      '@trackspec/types',
    ]);
    const installed = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')).dependencies;
    for (const name of names) expect(installed[name]).toMatch(/^file:trackspec-/);
  });

  it('trackspec-mocks serves the named APIs and prints their URLs', async () => {
    const portBase = 20_000 + Math.floor(Math.random() * 20_000);
    mocks = spawn(
      join(project, 'node_modules/.bin/trackspec-mocks'),
      ['hellotext', 'm1das', '--port-base', String(portBase)],
      { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URLs within 60 s:\n${output}`)), 60_000);
      mocks!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/hellotext +http/.test(output) && /m1das +http/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      mocks!.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      mocks!.once('exit', (code) => reject(new Error(`trackspec-mocks exited (${code}):\n${output}`)));
    });
    mockUrls = Object.fromEntries([...output.matchAll(/^ +(\w+) +(http\S+)$/gm)].map((match) => [match[1], match[2]]));
    // m1das is first in the registry, so it has the port base; hellotext the fourth.
    expect(mockUrls).toEqual({
      m1das: `http://127.0.0.1:${portBase}`,
      hellotext: `http://127.0.0.1:${portBase + 3}`,
    });
  });

  it('trackspec-contract passes against those mocks and writes a JUnit report', async () => {
    const credentials = { bearerToken: 'any', token: 'any', writeKey: 'any', writeKeyHeader: 'any' };
    await writeFile(
      join(project, 'target.json'),
      // A Prism mock: no data, no credential values, no limits (Target.mock).
      JSON.stringify({
        name: 'mocks',
        urls: mockUrls,
        credentials: { m1das: credentials, hellotext: credentials },
        mock: true,
      }),
    );
    const { code, output } = await run('trackspec-contract', ['--target', 'target.json', '--junit', 'green.xml']);
    expect(output).toContain('Contract coverage against mocks');
    expect(output).toMatch(/ 0 failed/);
    expect(code).toBe(0);
    const report = await readFile(join(project, 'green.xml'), 'utf8');
    expect(report).toMatch(/<testsuites name="[^"]*" tests="\d+" failures="0"/);
    expect(report).not.toContain('<failure');
  });

  it('trackspec-contract fails against a mock that answers an undocumented shape, naming the failure', async () => {
    wrongMock = createServer((_request, response) => {
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"unexpected":"shape"}');
    });
    await new Promise<void>((resolve) => wrongMock!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(wrongMock.address() as AddressInfo).port}`;
    await writeFile(
      join(project, 'wrong.json'),
      JSON.stringify({ name: 'wrong', urls: { hellotext: url }, credentials: { hellotext: { bearerToken: 'any' } } }),
    );
    const { code, output } = await run('trackspec-contract', ['--target', 'wrong.json', '--junit', 'red.xml']);
    expect(code).toBe(1);
    expect(output).toMatch(/✗ hellotext POST \/v1\/attribution\/events: example byProfile/);
    const report = await readFile(join(project, 'red.xml'), 'utf8');
    expect(report).toMatch(
      /<testcase [^>]*name="POST \/v1\/attribution\/events: example byProfile[^"]*"[^>]*>\s*<failure message="[^"]*state/,
    );
  });

  it('trackspec-contract refuses a bad target file with one line per problem', async () => {
    await writeFile(join(project, 'bad.json'), JSON.stringify({ urls: { nope: 'ftp://x' } }));
    const { code, output } = await run('trackspec-contract', ['--target', 'bad.json']);
    expect(code).toBe(2);
    expect(output).toContain('trackspec-contract: bad.json: /urls/nope: not a registered API');
    expect(output).toContain('trackspec-contract: bad.json: /urls/nope: must match pattern');
  });

  it('a client example runs against the mocks', async () => {
    await writeFile(
      join(project, 'example.mjs'),
      [
        "import { createApiClient } from '@trackspec/client';",
        `const hellotext = createApiClient('hellotext', { baseUrl: '${mockUrls.hellotext}', credentials: { bearerToken: 'ALK_example' }, throwOnError: true });`,
        "const { data } = await hellotext.POST('/v1/attribution/events', { body: { action: 'product.purchased', profile: 'PROFILE_ID' } });",
        'console.log(JSON.stringify(data));',
      ].join('\n'),
    );
    const { stdout } = await execFileAsync(process.execPath, ['example.mjs'], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ state: 'ok' });
  });

  it('trackspec-mocks stops on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => mocks!.once('exit', resolve));
    mocks!.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(mockUrls.hellotext!)).rejects.toThrow();
  });
});
