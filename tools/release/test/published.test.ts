// The packages other teams install, as they install them: every publishable workspace packed, the
// tarballs installed into a fresh project outside the workspace (no workspace links; third-party
// dependencies from the registry), and there: `trackspec-mocks` serving, `trackspec-contract` green
// against those mocks and red (named in the JUnit report) against a mock that answers an undocumented
// shape, a bad target file refused with a clear message, a client example run against the mocks, and
// a consumer's own vitest test (fixtures/mocks-consumer/) of what its app sent through Segment's Node
// SDK, asserted with the mocks' `received()` and `toHaveReceived`.
import type { ChildProcess } from 'node:child_process';
import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@trackspec/specs/redocly';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPublishable, workspacePackages } from '../src/release.js';
import { consumerProject, install, runBin, runClientExample, startInstalledMocks } from './consumer.js';

const mocksConsumer = fileURLToPath(new URL('fixtures/mocks-consumer/', import.meta.url));
let project: string;
let mocks: ChildProcess | undefined;
let wrongMock: Server | undefined;
let mockUrls: Record<string, string> = {};
const run = (command: string, args: string[]) => runBin(project, command, args);

beforeAll(async () => {
  project = await consumerProject();
  // The consumer's app and its own test, with what they use from the registry.
  for (const file of await readdir(mocksConsumer)) await copyFile(join(mocksConsumer, file), join(project, file));
  await install(project, [...packPublishable(repoRoot, project), '@segment/analytics-node@^3.1.0', 'vitest@^5.1.2']);
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

  it("runs a consumer's own test of what its app sent: the SDK's three events found, the invalid one named", async () => {
    const { code, output } = await runBin(project, 'vitest', ['run', '--reporter=verbose']);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the colours of vitest's report
    expect(output.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(
      /✓ checkout\.test\.mjs > sends purchase_completed with its order_id/,
    );
    expect(code, output).toBe(0);
  });

  it('trackspec-mocks serves the named APIs and prints their URLs', async () => {
    const portBase = 20_000 + Math.floor(Math.random() * 20_000);
    ({ mocks, urls: mockUrls } = await startInstalledMocks(project, ['hellotext', 'm1das'], portBase));
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
    expect(await runClientExample(project, mockUrls.hellotext!)).toEqual({ state: 'ok' });
  });

  it('trackspec-mocks stops on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => mocks!.once('exit', resolve));
    mocks!.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(mockUrls.hellotext!)).rejects.toThrow();
  });
});
