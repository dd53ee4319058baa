/**
 * Prism for the registered APIs: `startMocks()` starts one `prism mock` per API on its bundled
 * document, behind a front that records what each mock receives (see recording-front.ts), waits
 * until each answers HTTP and returns the URLs and a `stop()`. `startPrismServers()` runs any other
 * Prism command per API the same way (the test harness puts `prism proxy` in front of a real server
 * with it).
 */
import { apiNames, bundlePath, loadBundled, loadDereferenced, type SpecObject } from '@trackspec/specs';
import { freePort, mockPort } from './ports.js';
import { type PrismProcess, spawnPrism, stopPrism } from './prism.js';
import { type RecordingFront, startRecordingFront } from './recording-front.js';

export { firstMockPort, mockPort } from './ports.js';
export { clearReceived, inspectionClient, type MockTarget, received, receivedList } from './received.js';
export { defaultReceivedLimit, type ReceivedFilter, type ReceivedList, type ReceivedRequest } from './received-log.js';
export { receivedPath } from './recording-front.js';

export interface StartMocksOptions {
  /** Which APIs to mock (default: every registered API). */
  apis?: readonly string[];
  /** `fixed` (default): the documented ports from `mockPort()`; `ephemeral`: free ports chosen now (tests). */
  ports?: 'fixed' | 'ephemeral';
  host?: string;
  /** With fixed ports, the port of the registry's first API (default 4010); each next API gets the next port. */
  portBase?: number;
  /** How long to wait for every mock to answer. */
  readyTimeoutMs?: number;
}

export interface StartRecordingMocksOptions extends StartMocksOptions {
  /** How many received requests each mock keeps for `GET /__trackspec/received` (default 10,000; 0: none); the oldest drop first. */
  receivedLimit?: number;
}

export interface RunningMock {
  api: string;
  port: number;
  url: string;
  pid: number;
}

export interface Mocks {
  mocks: RunningMock[];
  /** Base URL per API name. */
  urls: Record<string, string>;
  /** Stops every mock (SIGTERM, then SIGKILL) and resolves when all have exited. */
  stop(): Promise<void>;
}

/**
 * Credentials any request to these mocks may carry, per API: by security scheme name, plus the
 * typed client's option names (`writeKey`, `apiKey`, `secret`, `token`). Prism checks that a
 * credential is there, never its value.
 */
export function mockCredentials(apis: readonly string[] = apiNames): Record<string, Record<string, string>> {
  const value = 'mock-credential';
  // HTTP Basic credentials are `user:password`: Prism refuses a value without the colon.
  const valueFor = (scheme: SpecObject) =>
    scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'basic' ? 'mock:credential' : value;
  return Object.fromEntries(
    apis.map((api) => {
      const schemes = (loadBundled(api).components?.securitySchemes ?? {}) as Record<string, SpecObject>;
      return [
        api,
        {
          writeKey: value,
          apiKey: value,
          secret: value,
          token: value,
          ...Object.fromEntries(Object.entries(schemes).map(([name, scheme]) => [name, valueFor(scheme)])),
        },
      ];
    }),
  );
}

/**
 * A mock per API on its port: a recording front there (the inspection API, and every other request
 * passed on and recorded), and the API's Prism on a free loopback port behind it.
 */
export async function startMocks(options: StartRecordingMocksOptions = {}): Promise<Mocks> {
  const { ports = 'fixed', host = '127.0.0.1', portBase, receivedLimit } = options;
  const prisms = await startPrismServers((api) => ['mock', bundlePath(api)], {
    ...options,
    ports: 'ephemeral',
    host: '127.0.0.1',
  });
  const fronts: RecordingFront[] = [];
  const stop = async () => {
    await Promise.all(fronts.map((front) => front.close()));
    await prisms.stop();
  };
  try {
    for (const prism of prisms.mocks)
      fronts.push(
        await startRecordingFront({
          api: prism.api,
          document: loadDereferenced(prism.api),
          prismPort: prism.port,
          host,
          port: ports === 'fixed' ? mockPort(prism.api, portBase) : 0,
          receivedLimit,
        }),
      );
  } catch (error) {
    await stop();
    throw error;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const mocks = prisms.mocks.map((prism, index) => {
    const { port } = fronts[index]!;
    return { api: prism.api, port, url: `http://${urlHost}:${port}`, pid: prism.pid };
  });
  return { mocks, urls: Object.fromEntries(mocks.map((mock) => [mock.api, mock.url])), stop };
}

/**
 * One Prism per API, started with the arguments `command(api)` gives (e.g. `['mock', bundle]`),
 * each on its port; resolves once every one answers HTTP itself (see waitUntilOwnAnswer).
 */
export async function startPrismServers(
  command: (api: string) => string[],
  options: StartMocksOptions,
): Promise<Mocks> {
  const { apis = apiNames, ports = 'fixed', host = '127.0.0.1', readyTimeoutMs = 60_000, portBase } = options;
  const unknown = apis.filter((api) => !apiNames.includes(api));
  if (unknown.length > 0) throw new Error(`Unknown API ${unknown.join(', ')}; registered: ${apiNames.join(', ')}`);
  const started: { api: string; port: number; prism: PrismProcess }[] = [];
  const stop = () => Promise.all(started.map(({ prism }) => stopPrism(prism))).then(() => undefined);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  /**
   * Starts one API's Prism and waits until it answers. A free port is free only when it is chosen:
   * another process (a test beside this one) may take it before Prism binds it; Prism then exits, and
   * with ephemeral ports it is started again on another.
   */
  const startOne = async (api: string, index: number) => {
    for (let attempt = 1; ; attempt++) {
      const port = ports === 'fixed' ? mockPort(api, portBase) : await freePort(host);
      const prism = spawnPrism(command(api), port, host);
      started[index] = { api, port, prism };
      try {
        await waitUntilOwnAnswer(api, `http://${urlHost}:${port}`, prism, readyTimeoutMs);
        return;
      } catch (error) {
        const portTaken = prism.child.exitCode !== null && /EADDRINUSE/.test(prism.output());
        if (ports === 'fixed' || !portTaken || attempt >= 3) throw error;
      }
    }
  };
  try {
    // Each API's Prism in turn is spawned at once; they load side by side.
    await Promise.all(apis.map((api, index) => startOne(api, index)));
    const mocks = started.map(({ api, port, prism }) => ({
      api,
      port,
      url: `http://${urlHost}:${port}`,
      pid: prism.child.pid!,
    }));
    return { mocks, urls: Object.fromEntries(mocks.map((mock) => [mock.api, mock.url])), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Ready once this Prism answers. Any answer on its port is not proof: another process may hold the
 * port (under load, another test's Prism that drew the same free port) while this one fails to bind
 * it. So the probe asks for a path no spec has (deeper than any path of the registered specs); Prism
 * logs every request it refuses (at `--verboseLevel warn`: `[HTTP SERVER]` as a mock, `[VALIDATOR]` as a
 * proxy), and only when such a line follows the probe in this process's own output is the answer its own.
 */
async function waitUntilOwnAnswer(api: string, url: string, prism: PrismProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const probe = `/__trackspec-ready/${'x/'.repeat(8)}end`;
  let foreignAnswers = 0;
  for (;;) {
    if (prism.child.exitCode !== null)
      throw new Error(`Prism for ${api} exited (${prism.child.exitCode}):\n${prism.output()}`);
    if (Date.now() > deadline)
      throw new Error(
        `Prism for ${api} did not answer on ${url} within ${timeoutMs} ms` +
          `${foreignAnswers ? ` (${foreignAnswers} answers there came from another process)` : ''}:\n${prism.output()}`,
      );
    const before = prism.written();
    try {
      await fetch(url + probe, { signal: AbortSignal.timeout(1_000) });
    } catch {
      await pause(150);
      continue;
    }
    // Prism writes its log line as it answers; give it a moment to arrive.
    const loggedSince = () => prism.output().slice(-Math.min(8_000, prism.written() - before));
    for (const until = Date.now() + 2_000; Date.now() < until && prism.child.exitCode === null; await pause(50))
      if (prism.written() > before && /\[(HTTP SERVER|VALIDATOR)\]/.test(loggedSince())) return;
    foreignAnswers++;
  }
}
