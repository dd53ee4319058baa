// Real Prism processes: started for every registered API, answering with the spec's examples,
// validating requests, and gone (no orphans, ports closed) after stop, SIGTERM, or their parent killed.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { apiNames, bundlePath, listOperations, loadDereferenced } from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mocks, mockPort, startMocks, startPrismServers } from '../src/index.js';
import { freePort } from '../src/ports.js';
import { spawnCli } from './spawn-cli.js';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function refusesConnections(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    () => false,
    () => true,
  );
}

/** Whether a bare TCP connection to the URL's port succeeds (no HTTP request is sent). */
function acceptsTcp(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  return new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
    socket.setTimeout(2_000, () => resolve(false));
  }).finally(() => socket.destroy());
}

describe('startMocks (ephemeral ports)', () => {
  let mocks: Mocks;
  beforeAll(async () => {
    mocks = await startMocks({ ports: 'ephemeral' });
  });
  afterAll(() => mocks?.stop());

  it('starts one answering mock per registered API', () => {
    expect(mocks.mocks.map((mock) => mock.api)).toEqual([...apiNames]);
    expect(new Set(mocks.mocks.map((mock) => mock.port)).size).toBe(apiNames.length);
  });

  // Answers to the spec's own examples are the contract suite's job; here: each mock validates.
  it.each(apiNames.map((name) => [name]))('%s rejects an invalid request with a 4xx', async (name) => {
    const operations = listOperations(loadDereferenced(name)).filter((candidate) => candidate.source === 'paths');
    const withBody = operations.find((candidate) => candidate.operation.requestBody);
    const operation = withBody ?? operations[0]!;
    const url = mocks.urls[name] + operation.path.replace(/\{[^}]+\}/g, 'x');
    // A body that is not JSON where there is a body; otherwise no credentials (every API without bodies has auth).
    const response = withBody
      ? await fetch(url, {
          method: operation.method.toUpperCase(),
          headers: { 'content-type': 'application/json' },
          body: '[1, 2',
        })
      : await fetch(url, { method: operation.method.toUpperCase() });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('stop() ends every Prism process and frees its port', async () => {
    const { mocks: running } = mocks;
    await mocks.stop();
    for (const mock of running) {
      expect(isRunning(mock.pid), `${mock.api} pid ${mock.pid}`).toBe(false);
      await expect(refusesConnections(mock.url)).resolves.toBe(true);
    }
  });
});

describe('startMocks on a port another process holds', () => {
  it('does not take another server answering there for its Prism: it fails, naming the port in use', async () => {
    // Something else answers HTTP where the m1das Prism should listen (as another test's Prism may, under load).
    const foreign = createServer((_request, response) => response.writeHead(404).end('{"title":"not ours"}'));
    const port = await freePort('127.0.0.1');
    foreign.listen(port, '127.0.0.1');
    await once(foreign, 'listening');
    try {
      const prism = (api: string) => ['mock', bundlePath(api)];
      await expect(
        startPrismServers(prism, { apis: ['m1das'], portBase: port, readyTimeoutMs: 60_000 }),
      ).rejects.toThrow(/Prism for m1das exited[\s\S]*EADDRINUSE/);
      // A mock's own port taken: it fails at once, naming it, and leaves no Prism behind.
      await expect(startMocks({ apis: ['m1das'], portBase: port })).rejects.toThrow(
        `The m1das mock cannot listen on 127.0.0.1:${port}: EADDRINUSE`,
      );
    } finally {
      foreign.close();
    }
  });
});

describe('npm run mocks (the CLI)', () => {
  it('prints every URL, serves them, and stops them all on SIGTERM', async () => {
    const cli = spawnCli([]);
    let printed = '';
    cli.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const urls = apiNames.map((name) => `http://127.0.0.1:${mockPort(name)}`);
    await expect.poll(() => urls.every((url) => printed.includes(url)), { timeout: 60_000, interval: 200 }).toBe(true);
    for (const url of urls) await expect(refusesConnections(url)).resolves.toBe(false);

    cli.kill('SIGTERM');
    const [code] = await once(cli, 'exit');
    expect(code).toBe(0);
    for (const url of urls) await expect(refusesConnections(url)).resolves.toBe(true);
  });

  it('leaves no Prism behind when it is killed outright (SIGKILL, as an aborted CI job does)', async () => {
    const cli = spawnCli(['tto', '--port-base', String(await freePort('127.0.0.1'))]);
    let printed = '';
    cli.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    await expect.poll(() => /http:\/\/\S+/.exec(printed)?.[0], { timeout: 60_000, interval: 200 }).toBeDefined();
    const url = /http:\/\/\S+/.exec(printed)![0];
    await expect(acceptsTcp(url)).resolves.toBe(true);

    cli.kill('SIGKILL');
    await once(cli, 'exit');
    // Prism sees its stdin end and stops its process group; nothing is left listening. Probed with bare
    // TCP connections: an HTTP request would make an orphan log, and the write to its dead stdout end it.
    await expect.poll(() => acceptsTcp(url), { timeout: 15_000, interval: 250 }).toBe(false);
  });
});
