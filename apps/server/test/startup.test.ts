// Start-ups that cannot succeed, as operators meet them: the real server process (src/main.ts) with a bad
// config, environment, database or port must end by itself, exit code 1, with one line on stderr naming
// what is wrong — never a stack trace, never a silent hang. How fast it ends is a benchmark's figure
// (`npm run bench:startup -w @trackspec/bench`, target ≤ 5 s), not a test's: beside a whole `npm test` on
// 2 cores (load average 10) a refused start once took 5.03 s.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitWithParent } from '@trackspec/harness';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const demo = parse(readFileSync(join(serverDir, 'demo.config.yaml'), 'utf8')) as Record<string, unknown> & {
  sources: Array<Record<string, unknown>>;
};

// The production build, as operators start it (`node dist/main.js`). One start first: it loads every module
// from a cold file cache and fails only at listen (an address no interface has); the others read warm files.
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'trackspec-startup-'));
  const run = await runServer(writeConfig(), { HOST: '192.0.2.1' }, 50_000);
  rmSync(work, { recursive: true, force: true });
  expect(run.stderr).toMatch(/^trackspec: listen: cannot listen on 192\.0\.2\.1:0: listen EADDRNOTAVAIL/);
});

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'trackspec-startup-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The demo config on a fresh database and a free port, changed by `change`. */
function writeConfig(change: (config: typeof demo) => void = () => {}): string {
  const config = structuredClone(demo);
  config.port = 0;
  config.database = join(work, 'events.sqlite');
  change(config);
  const path = join(work, 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** Environment without the overrides the test runner may have set, plus `env`. */
function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  for (const name of [
    'PORT',
    'HOST',
    'TRACKSPEC_CONFIG',
    'TRACKSPEC_DATABASE',
    'TRACKSPEC_WORKER_ID',
    'TRACKSPEC_ADMIN_TOKEN',
  ])
    delete clean[name];
  return { ...clean, ...env };
}

/**
 * Runs the server until it exits (the test waits for the exit itself), killed after `killAfterMs` only as a
 * guard against a hang, which then fails the test on its exit code. The untimed warm-up reads every module
 * from a cold file cache: measured 1.8 s idle and 2.9 s beside one busy loop per core (2-core x86-64 VM,
 * Node 24.22, caches dropped first), and over 10 s once beside a whole `npm test`.
 */
function runServer(configPath: string, env: Record<string, string> = {}, killAfterMs = 60_000): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [...exitWithParent, 'dist/main.js', '--config', configPath], {
    cwd: serverDir,
    env: environment(env),
    stdio: ['pipe', 'pipe', 'pipe'], // stdin: the pipe that ends it with this process
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** A server that starts: resolves once it listens; `stop()` ends it. */
async function startServer(configPath: string): Promise<{ stop(): Promise<void>; stderr(): string }> {
  const child = spawn(process.execPath, [...exitWithParent, 'dist/main.js', '--config', configPath], {
    cwd: serverDir,
    env: environment({}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('trackspec server on')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => reject(new Error(`the first server exited:\n${output}`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    stderr: () => stderr,
  };
}

function expectRefused(run: Run, line: string | RegExp): void {
  expect(run.code, `${run.stderr}(ended after ${run.ms.toFixed(0)} ms)`).toBe(1);
  expect(run.stdout).not.toContain('trackspec server on');
  const lines = run.stderr.split('\n').filter(Boolean);
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
  if (typeof line === 'string') expect(lines[0]).toBe(line);
  else expect(lines[0]).toMatch(line);
}

type Config = typeof demo;
const configCases: Array<[string, (config: Config) => void, Record<string, string>, string | RegExp]> = [
  [
    'an unknown API',
    (config) => (config.sources[1]!.api = 'nope'),
    {},
    /^trackspec: config: sources\[1\]\.api: unknown API "nope" \(known: m1das, .*rockstat.*\)$/,
  ],
  [
    'a key that is not a string',
    (config) => (config.sources[0]!.keys = [1]),
    {},
    'trackspec: config: sources[0].keys[0]: must be a non-empty string',
  ],
  [
    'an empty key',
    (config) => (config.sources[1]!.keys = ['']),
    {},
    'trackspec: config: sources[1].keys[0]: must be a non-empty string',
  ],
  [
    'the same key in two sources',
    (config) => (config.sources[3]!.keys = ['other', 'writeKey123']),
    {},
    'trackspec: config: sources[3].keys[1]: the same key as sources[0].keys[1] (a key identifies one source)',
  ],
  [
    'a port out of range in the file',
    (config) => (config.port = 65536),
    {},
    'trackspec: config: port: must be an integer from 0 to 65535 (got 65536)',
  ],
  [
    'a port that is not a number in PORT',
    () => {},
    { PORT: 'eighty' },
    'trackspec: config: PORT: must be an integer from 0 to 65535 (got "eighty")',
  ],
  [
    'a missing admin token',
    (config) => delete config.adminToken,
    {},
    'trackspec: config: adminToken: required: a non-empty string or false (or set TRACKSPEC_ADMIN_TOKEN)',
  ],
  [
    'an empty admin token',
    (config) => (config.adminToken = ''),
    {},
    'trackspec: config: adminToken: must be a non-empty string or false',
  ],
  [
    'an unknown member',
    (config) => (config.databse = 'x.sqlite'),
    {},
    /^trackspec: config: databse: unknown member \(known: host, port, database, .*sources, metrics\)$/,
  ],
  [
    'an unknown member of a source',
    (config) => (config.sources[2]!.secrets = 'x'),
    {},
    'trackspec: config: sources[2].secrets: unknown member (known: id, api, keys, secret, projectIds, settings)',
  ],
  [
    'a worker id out of range in TRACKSPEC_WORKER_ID',
    () => {},
    { TRACKSPEC_WORKER_ID: '1024' },
    'trackspec: config: TRACKSPEC_WORKER_ID: must be an integer from 0 to 1023 (got 1024)',
  ],
];

describe('a bad config stops the start-up with one line', () => {
  it.each(configCases)('%s', async (_name, change, env, line) => {
    expectRefused(await runServer(writeConfig(change), env), line);
  });

  it('a config file that is not YAML', async () => {
    const path = join(work, 'config.yaml');
    writeFileSync(path, 'port: [8080\n');
    expectRefused(await runServer(path), new RegExp(`^trackspec: config: ${path}: [^\\n]+ at line 2, column 1$`));
  });

  it('a config file that does not exist', async () => {
    const path = join(work, 'missing.yaml');
    expectRefused(
      await runServer(path),
      `trackspec: config: cannot read ${path}: ENOENT: no such file or directory, open '${path}'`,
    );
  });
});

describe('a database that cannot be opened stops the start-up with one line', () => {
  const cases: Array<[string, () => string, string | RegExp]> = [
    // The case that used to hang: mkdir -p below /proc never returns.
    [
      'a folder that cannot be created (below /proc)',
      () => '/proc/trackspec-none/events.sqlite',
      /^trackspec: database: .*cannot create the folder \/proc\/trackspec-none: ENOENT/,
    ],
    [
      'a folder that is a regular file',
      () => {
        writeFileSync(join(work, 'plain'), '');
        return join(work, 'plain', 'events.sqlite');
      },
      /^trackspec: database: .*\/plain is not a folder$/,
    ],
    // Not writable, even for root: sysfs admits no new files (chmod would not stop root).
    ['a folder where no file can be created (/sys)', () => '/sys/trackspec.sqlite', /: EACCES: permission denied/],
    [
      'a folder instead of a file',
      () => {
        mkdirSync(join(work, 'folder'));
        return join(work, 'folder');
      },
      /^trackspec: database: .*\/folder is a folder, not a file$/,
    ],
    [
      'a corrupt file',
      () => {
        writeFileSync(join(work, 'corrupt.sqlite'), 'this is not a SQLite database, just some text '.repeat(200));
        return join(work, 'corrupt.sqlite');
      },
      /^trackspec: database: cannot open event store at .*corrupt\.sqlite: file is not a database$/,
    ],
  ];

  it.each(cases)('%s, from the config file', async (_name, database, line) => {
    const path = database();
    expectRefused(await runServer(writeConfig((config) => (config.database = path))), line);
  });

  it.each(cases.slice(0, 3))('%s, from TRACKSPEC_DATABASE', async (_name, database, line) => {
    expectRefused(await runServer(writeConfig(), { TRACKSPEC_DATABASE: database() }), line);
  });

  it('a file another server is using', async () => {
    const config = writeConfig();
    const first = await startServer(config);
    try {
      expectRefused(
        await runServer(config),
        `trackspec: database: ${join(work, 'events.sqlite')} is in use by another trackspec server. SQLite serves one server process; to run several replicas, store events in PostgreSQL instead (database: postgres://user@host:port/db, or TRACKSPEC_DATABASE).`,
      );
    } finally {
      await first.stop();
    }
    // Once the first has stopped, the file is free again.
    const second = await startServer(config);
    await second.stop();
  });

  it('a start-up that succeeds writes nothing to stderr (no deprecation or other warning)', async () => {
    const server = await startServer(writeConfig());
    await server.stop();
    expect(server.stderr()).toBe('');
  });
});

describe('a port in use stops the start-up with one line', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

  it('PORT taken by another process', async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    expectRefused(
      await runServer(writeConfig(), { PORT: String(port) }),
      `trackspec: listen: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`,
    );
  });
});
