/**
 * The real ingest server as operators run it (the compiled `dist/main.js` in its own process, the demo config
 * with a fresh database and a free port unless overridden), and the credentials its config gives
 * each API's security schemes. For the contract suite, the benchmark and the reliability suite.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { apis, defaultBasePath, listOperations, loadBundled } from '@trackspec/specs';
import { parse } from 'yaml';
import { exitWithParent } from './exit-with-parent.js';

interface SourceConfig {
  api: string;
  keys?: string[];
  secret?: string;
}

/** The members of the server config the harness reads back (the server checks the rest). */
interface RunConfig {
  adminToken: string;
  database?: string;
  sources: SourceConfig[];
  basePaths?: Record<string, string>;
}

// Found through the workspace, not a dependency: the server's own tests use this harness (for PostgreSQL),
// so a dependency on the server would be a cycle. Packages that start the server depend on it themselves.
const serverDir = dirname(createRequire(import.meta.url).resolve('@trackspec/server/package.json'));

export interface ServerProcess {
  origin: string;
  /** Base URL per API. */
  urls: Record<string, string>;
  /**
   * Per API: credential per security scheme name and per body credential field (`x-body-credential`),
   * plus `writeKey`/`apiKey`/`token`/`secret` for the typed clients.
   */
  credentials: Record<string, Record<string, string>>;
  /** Per API, the same credentials holding the key of a source of another API, which this API must refuse. */
  secondSourceCredentials: Record<string, Record<string, string>>;
  adminToken: string;
  /** The SQLite database file, or the PostgreSQL URL. */
  database: string;
  /** `/readyz` at the server root. */
  readyUrl: string;
  pid: number;
  /** Everything the process printed so far. */
  output(): string;
  /** The metrics URL from the start-up banner (when the config's `metrics` asks for a listener). */
  metricsUrl(): string | undefined;
  /** SIGTERM (graceful) and wait; `removeData: false` keeps the database for a restart. */
  stop(options?: { removeData?: boolean }): Promise<void>;
  /** SIGKILL, as a crash: nothing is flushed or closed (a `database` passed in is kept either way). */
  kill(options?: { removeData?: boolean }): Promise<void>;
}

export interface StartServerOptions {
  /** A database file to reuse (e.g. after a crash); default: a fresh one in a temporary folder. */
  database?: string;
  /** Config fields to override (port stays 0 unless given). */
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
}

/**
 * An API's credentials holding `key`: per security scheme name and body credential field, plus the
 * typed clients' options.
 */
function credentialsFor(api: string, key: string, secret: string): Record<string, string> {
  const document = loadBundled(api);
  const schemes = (document.components?.securitySchemes ?? {}) as Record<string, { type: string; scheme?: string }>;
  const bodyFields = listOperations(document).flatMap(({ requestBody }) => requestBody?.credential?.name ?? []);
  return {
    writeKey: key,
    apiKey: key,
    token: key,
    secret,
    ...Object.fromEntries(
      Object.entries(schemes).map(([scheme, definition]) => [
        scheme,
        definition.type === 'http' && definition.scheme === 'basic' ? `${key}:` : key,
      ]),
    ),
    ...Object.fromEntries(bodyFields.map((field) => [field, key])),
  };
}

export async function startServerProcess(options: StartServerOptions = {}): Promise<ServerProcess> {
  const work = await mkdtemp(join(tmpdir(), 'trackspec-server-'));
  const demo = parse(await readFile(join(serverDir, 'demo.config.yaml'), 'utf8')) as RunConfig;
  const config = {
    ...demo,
    port: 0,
    database: options.database ?? join(work, 'events.sqlite'),
    ...options.config,
  } as RunConfig;
  const configFile = join(work, 'config.json');
  await writeFile(configFile, JSON.stringify(config));

  // The production build (`npm start`): turbo builds the server before any task that runs this.
  // Its own process group, ended with this process (stdin is the pipe exitWithParent watches).
  const child = spawn(process.execPath, [...exitWithParent, join(serverDir, 'dist/main.js'), '--config', configFile], {
    cwd: serverDir,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = /trackspec server on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => reject(new Error(`The server exited:\n${output}`)));
  });

  const keyOf = (api: string) =>
    api === 'admin' ? config.adminToken : (config.sources.find((source) => source.api === api)?.keys?.[0] ?? '');
  const credentials: ServerProcess['credentials'] = {};
  const secondSourceCredentials: ServerProcess['secondSourceCredentials'] = {};
  for (const [index, { name }] of apis.entries()) {
    const secret = config.sources.find((candidate) => candidate.api === name)?.secret ?? '';
    credentials[name] = credentialsFor(name, keyOf(name), secret);
    // The next API (in registry order) whose source has a key of its own: a key this API must refuse.
    const other = [...apis.slice(index + 1), ...apis.slice(0, index)].find(
      (candidate) => keyOf(candidate.name) !== '' && keyOf(candidate.name) !== keyOf(name),
    );
    if (other && keyOf(name) !== '') secondSourceCredentials[name] = credentialsFor(name, keyOf(other.name), secret);
  }
  return {
    origin,
    urls: Object.fromEntries(
      apis.map(({ name }) => [name, `${origin}${config.basePaths?.[name] ?? defaultBasePath(name)}`]),
    ),
    credentials,
    secondSourceCredentials,
    adminToken: config.adminToken,
    database: config.database ?? '',
    readyUrl: `${origin}/readyz`,
    pid: child.pid!,
    output: () => output,
    metricsUrl: () => /^ {2}metrics +(http:\/\/\S+)$/m.exec(output)?.[1],
    async stop({ removeData = true } = {}) {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
      if (removeData) await rm(work, { recursive: true, force: true });
    },
    async kill({ removeData = true } = {}) {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      await exited;
      if (removeData) await rm(work, { recursive: true, force: true });
    },
  };
}
